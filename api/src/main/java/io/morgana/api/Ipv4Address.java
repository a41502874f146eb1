package io.morgana.api;

/**
 * An IPv4 address held as its 32 bits (network order: the first octet is the most significant
 * byte). Cheap to create, compare and hash; the datapath uses the {@code int} form.
 */
public record Ipv4Address(int bits) implements IpAddress, Comparable<Ipv4Address> {

    public static final Ipv4Address ANY = new Ipv4Address(0);
    public static final Ipv4Address BROADCAST = new Ipv4Address(-1);
    public static final Ipv4Address LOOPBACK = new Ipv4Address(0x7f000001);

    /** Parses strict dotted-quad text, e.g. {@code 10.0.0.2}. */
    public static Ipv4Address parse(String text) {
        int bits = 0, octets = 0, i = 0, n = text.length();
        while (i < n || octets < 4) {
            int start = i, value = 0;
            while (i < n && Character.isDigit(text.charAt(i)) && i - start < 3) value = value * 10 + (text.charAt(i++) - '0');
            boolean last = octets == 3;
            if (i == start || value > 255 || (i - start > 1 && text.charAt(start) == '0')
                    || (last ? i != n : i >= n || text.charAt(i) != '.')) {
                throw new IllegalArgumentException("not an IPv4 address (want a.b.c.d): '" + text + "'");
            }
            bits = (bits << 8) | value;
            octets++;
            if (!last) i++; else break;
        }
        return new Ipv4Address(bits);
    }

    public static Ipv4Address of(byte[] b) {
        if (b.length != 4) throw new IllegalArgumentException("an IPv4 address has 4 bytes, not " + b.length);
        return new Ipv4Address((b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff));
    }

    public static Ipv4Address of(int a, int b, int c, int d) {
        return new Ipv4Address((a & 0xff) << 24 | (b & 0xff) << 16 | (c & 0xff) << 8 | (d & 0xff));
    }

    @Override public byte[] toBytes() {
        return new byte[] {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits};
    }

    public boolean isAny() { return bits == 0; }
    public boolean isBroadcast() { return bits == -1; }
    public boolean isMulticast() { return (bits >>> 28) == 0xe; }
    public boolean isLoopback() { return (bits >>> 24) == 127; }

    @Override public int compareTo(Ipv4Address o) { return Integer.compareUnsigned(bits, o.bits); }

    @Override public String toString() {
        return (bits >>> 24) + "." + ((bits >>> 16) & 0xff) + "." + ((bits >>> 8) & 0xff) + "." + (bits & 0xff);
    }
}

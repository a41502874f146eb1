package io.morgana.api;

import java.util.HexFormat;

/** A 48-bit Ethernet address held in the low bits of a {@code long}. */
public record MacAddress(long bits) {

    public static final MacAddress BROADCAST = new MacAddress(0xffff_ffff_ffffL);
    public static final MacAddress ZERO = new MacAddress(0);

    public MacAddress {
        if ((bits >>> 48) != 0) throw new IllegalArgumentException("a MAC address has 48 bits");
    }

    /** Parses {@code 02:00:00:00:00:01} (colons or dashes). */
    public static MacAddress parse(String text) {
        String[] parts = text.split("[:-]", -1);
        if (parts.length != 6) throw new IllegalArgumentException("not a MAC address (want xx:xx:xx:xx:xx:xx): '" + text + "'");
        long v = 0;
        for (String p : parts) {
            if (p.length() != 2) throw new IllegalArgumentException("not a MAC address (want xx:xx:xx:xx:xx:xx): '" + text + "'");
            try {
                v = v << 8 | HexFormat.fromHexDigits(p);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a MAC address (want xx:xx:xx:xx:xx:xx): '" + text + "'");
            }
        }
        return new MacAddress(v);
    }

    public static MacAddress of(byte[] b) {
        if (b.length != 6) throw new IllegalArgumentException("a MAC address has 6 bytes, not " + b.length);
        long v = 0;
        for (byte x : b) v = v << 8 | (x & 0xff);
        return new MacAddress(v);
    }

    public byte[] toBytes() {
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) b[i] = (byte) (bits >>> (40 - 8 * i));
        return b;
    }

    public boolean isBroadcast() { return bits == BROADCAST.bits; }
    public boolean isMulticast() { return (bits & 0x0100_0000_0000L) != 0; }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder(17);
        for (int i = 0; i < 6; i++) {
            if (i > 0) sb.append(':');
            sb.append(HexFormat.of().toHexDigits((byte) (bits >>> (40 - 8 * i))));
        }
        return sb.toString();
    }
}

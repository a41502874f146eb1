package io.morgana.api;

/**
 * An interface address with its prefix length, as given by {@code --ipv4=10.0.0.2/24}. The address
 * keeps its host bits; {@link #network()} clears them.
 */
public record Ipv4Prefix(Ipv4Address address, int length) {

    public Ipv4Prefix {
        if (address == null) throw new IllegalArgumentException("address is null");
        if (length < 0 || length > 32) throw new IllegalArgumentException("prefix length must be 0..32, not " + length);
    }

    /** Parses {@code a.b.c.d/len}. */
    public static Ipv4Prefix parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("want ADDRESS/LENGTH, e.g. 10.0.0.2/24, not '" + text + "'");
        int len;
        try {
            len = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad prefix length in '" + text + "' (want 0..32)");
        }
        return new Ipv4Prefix(Ipv4Address.parse(text.substring(0, slash)), len);
    }

    public int mask() { return length == 0 ? 0 : -1 << (32 - length); }

    public Ipv4Address network() { return new Ipv4Address(address.bits() & mask()); }

    public Ipv4Address broadcast() { return new Ipv4Address(address.bits() | ~mask()); }

    /** Whether {@code a} is on this subnet. */
    public boolean contains(Ipv4Address a) { return (a.bits() & mask()) == (address.bits() & mask()); }

    @Override public String toString() { return address + "/" + length; }
}

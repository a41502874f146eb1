package io.morgana.api;

/** An IP address of either family. Immutable values; equal addresses are {@code equals}. */
public sealed interface IpAddress permits Ipv4Address, Ipv6Address {

    /** The address in network byte order (4 or 16 bytes, a fresh array). */
    byte[] toBytes();

    /** Parses dotted-quad IPv4 or RFC 4291 text IPv6; no name lookups. */
    static IpAddress parse(String text) {
        if (text.indexOf(':') >= 0) return Ipv6Address.parse(text);
        return Ipv4Address.parse(text);
    }

    /** From 4 or 16 bytes in network order. */
    static IpAddress of(byte[] bytes) {
        return switch (bytes.length) {
            case 4 -> Ipv4Address.of(bytes);
            case 16 -> Ipv6Address.of(bytes);
            default -> throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + bytes.length);
        };
    }
}

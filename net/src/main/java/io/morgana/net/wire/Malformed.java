package io.morgana.net.wire;

/**
 * Why a checked view rejected bytes. Layers count each under {@code layer.rx.drop.reason}
 * ({@link io.morgana.net.util.Counters#kebab}); nothing is thrown.
 */
public enum Malformed {
    /** Fewer bytes than the header (or a length field) says. */
    TRUNCATED,
    BAD_CHECKSUM,
    /** IPv4 version field is not 4. */
    BAD_VERSION,
    /** IPv4 IHL below 5. */
    BAD_HEADER_LENGTH,
    /** IPv4 total length shorter than its own header. */
    BAD_TOTAL_LENGTH,
    /** UDP length field below 8. */
    BAD_LENGTH,
    /** A format we do not speak (ARP for another hardware or protocol type, an unknown operation). */
    UNSUPPORTED
}

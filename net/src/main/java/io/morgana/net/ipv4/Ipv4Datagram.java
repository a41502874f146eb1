package io.morgana.net.ipv4;

import java.nio.ByteBuffer;

/**
 * A received IPv4 datagram as a transport sees it: a reused view, valid only during
 * {@link IpProtocolHandler#receive}. Addresses are the 32-bit form of
 * {@link io.morgana.api.Ipv4Address#bits()}.
 */
public interface Ipv4Datagram {

    int source();

    int destination();

    int protocol();

    /** The IP identification field (of the first fragment, for a reassembled datagram). */
    int identification();

    int ttl();

    /** The type-of-service byte (DSCP and ECN). */
    int tos();

    /**
     * The transport payload, from position to limit. The buffer is the link's or the reassembly
     * buffer: read it (absolute or relative), move its position if you like, never keep it.
     */
    ByteBuffer payload();

    /** Whether it was sent to a broadcast address (limited or our subnet's), not to us alone. */
    boolean broadcast();

    /**
     * The ones'-complement sum (folded to 16 bits, not complemented) of the pseudo-header that
     * UDP and TCP checksums cover: source, destination, protocol and the payload length. Add the
     * sum over the payload, fold, and a correct checksum gives 0xffff.
     */
    int pseudoHeaderSum();

    /**
     * Whether the link vouches for the transport checksum ({@link io.morgana.net.link.Link.Offload#RX_CHECKSUM}):
     * then it must not be verified, as it may be partial (only the pseudo-header sum, from the
     * host's own stack).
     */
    default boolean checksumVerified() { return false; }
}

package io.morgana.net.ipv4;

import io.morgana.net.link.Link;
import java.nio.ByteBuffer;
import java.util.Set;

/**
 * The IPv4 layer as a transport protocol (UDP, TCP, ICMP, DHCP's UDP) uses it. Loop thread only.
 * Addresses are the 32-bit form of {@link io.morgana.api.Ipv4Address#bits()}.
 *
 * <p>Sending, two ways:
 * <ul>
 *   <li>zero-copy: write the transport header and payload into {@link #payloadBuffer()} (from
 *       index 0), then {@link #send(int, int, int, int)} with the length written;</li>
 *   <li>or hand any buffer to {@link #send(int, int, ByteBuffer, int)}, which copies it there.</li>
 * </ul>
 * The layer fills the IP header, picks the next hop (the destination on our subnet, else the
 * gateway), resolves it by ARP (queuing a bounded number of datagrams meanwhile), and fragments
 * a datagram larger than the link MTU unless {@link #DONT_FRAGMENT} is given. Checksums of the
 * transport are the transport's: {@link #pseudoHeaderSum} helps.
 */
public interface Ipv4Service {

    int PROTO_ICMP = 1;
    int PROTO_TCP = 6;
    int PROTO_UDP = 17;

    /** Flag: set DF and never fragment (TCP with path MTU discovery); too big gives {@link SendStatus#TOO_BIG}. */
    int DONT_FRAGMENT = 1;

    /** The flags' bits 8..15 carry the TOS byte (DSCP and ECN): {@code flags | tos << TOS_SHIFT}. */
    int TOS_SHIFT = 8;

    /** Largest transport payload of one datagram: 65,535 minus a 20-byte header. */
    int MAX_PAYLOAD = 65_515;

    /**
     * Registers the handler of a protocol number. Datagrams for a number nobody registered get an
     * ICMP protocol-unreachable (rate-limited). Registering a number twice replaces the handler.
     */
    void register(int protocol, IpProtocolHandler handler);

    /** Our address now, or 0 when none is configured (DHCP pending). */
    int address();

    /** The prefix length of our subnet (0..32), meaningful when {@link #address()} is not 0. */
    int prefixLength();

    /** The link MTU: the largest datagram (header included) sent without fragmenting. */
    int mtu();

    /**
     * The path MTU towards {@code destination}: the link MTU unless an ICMP frag-needed told us of
     * a smaller one recently (RFC 1191; entries age out after 10 minutes). Never below 68.
     */
    int pathMtu(int destination);

    /**
     * The buffer to write a datagram's transport header and payload into, from index 0, for
     * {@link #send(int, int, int, int)}: capacity {@link #MAX_PAYLOAD}, position 0. Its contents
     * are overwritten by the next send of any protocol: fill it and send it in one go.
     */
    ByteBuffer payloadBuffer();

    /** Sends {@code length} bytes written at index 0 of {@link #payloadBuffer()}, from our address. */
    SendStatus send(int destination, int protocol, int length, int flags);

    /**
     * Like {@link #send(int, int, int, int)} with an explicit source address: 0.0.0.0 (a DHCP
     * client without an address yet, to the limited broadcast) or one of ours.
     */
    SendStatus sendFrom(int source, int destination, int protocol, int length, int flags);

    /** Copies {@code payload} (position to limit; position unchanged) into {@link #payloadBuffer()} and sends it. */
    default SendStatus send(int destination, int protocol, ByteBuffer payload, int flags) {
        ByteBuffer b = payloadBuffer();
        int n = payload.remaining();
        if (n > b.capacity()) return SendStatus.TOO_BIG;
        if (payload != b) b.put(0, payload, payload.position(), n);
        return send(destination, protocol, n, flags);
    }

    /**
     * What the link does for transports ({@link Link#offloads()}): with
     * {@link Link.Offload#TX_CHECKSUM} a transport may leave its checksum to the link through
     * {@link #sendOffloaded}, with {@link Link.Offload#TSO} TCP may hand over super-segments.
     */
    default Set<Link.Offload> offloads() { return Set.of(); }

    /**
     * Sends {@code length} bytes written at index 0 of {@link #payloadBuffer()} (a TCP or UDP
     * datagram from {@code source}) whose checksum field holds only the pseudo-header sum
     * ({@link #pseudoHeaderSum} for the whole length), for the link to complete. With
     * {@code segmentSize > 0} it is a TCP super-segment of up to {@link #MAX_PAYLOAD} bytes that
     * the link cuts into segments of {@code segmentSize} payload bytes, each within the MTU; the
     * datagram goes out with DF whatever {@code flags} say. Where the link cannot (a datagram to
     * ourselves, a next hop still being resolved) the layer completes and cuts in software. Use it
     * only as {@link #offloads()} allow.
     */
    default SendStatus sendOffloaded(int source, int destination, int protocol, int length, int flags, int segmentSize) {
        throw new UnsupportedOperationException("this IPv4 layer offers no offloads");
    }

    /**
     * The folded (not complemented) ones'-complement sum of the UDP/TCP pseudo-header for a
     * segment of {@code length} bytes, to seed a transport checksum.
     */
    static int pseudoHeaderSum(int source, int destination, int protocol, int length) {
        long s = (source >>> 16) + (source & 0xffff) + (destination >>> 16) + (destination & 0xffff) + protocol + length;
        while ((s >>> 16) != 0) s = (s & 0xffff) + (s >>> 16);
        return (int) s;
    }
}

package io.morgana.net.ipv4;

/**
 * A transport protocol over IPv4 (UDP = 17, TCP = 6, ICMP = 1), registered with
 * {@link Ipv4Service#register}. Every method runs on the stack's loop thread and must not throw
 * (hostile input is counted and dropped by the transport itself; an exception that escapes anyway
 * is caught and counted by the stack as a bug).
 */
public interface IpProtocolHandler {

    /**
     * A datagram for us with this protocol number: header valid, reassembled if it came in
     * fragments. {@code datagram} and its payload buffer are reused for the next datagram; copy
     * what you keep.
     */
    void receive(Ipv4Datagram datagram);

    /**
     * An ICMP error about a datagram we sent with this protocol number (port/protocol unreachable,
     * frag-needed with the next-hop MTU, time exceeded), or a local failure to deliver one (ARP
     * could not resolve the next hop: {@link IcmpError#local()}). The path-MTU cache has already
     * been updated for frag-needed.
     */
    default void error(IcmpError error) {}

    /**
     * The link delivered the last frame of a batch (frames that arrived together): a transport may
     * flush what it held back while the batch was coming in (e.g. one TCP ACK for several segments).
     */
    default void endOfBatch() {}
}

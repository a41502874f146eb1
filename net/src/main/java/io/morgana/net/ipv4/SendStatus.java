package io.morgana.net.ipv4;

/** What became of a datagram handed to {@link Ipv4Service#send}. */
public enum SendStatus {
    /** Handed to the link (all fragments). */
    SENT,
    /** Waiting for ARP to resolve the next hop; it goes out when it resolves, or is dropped. */
    QUEUED,
    /** Not sent: no address configured yet (e.g. DHCP has not finished). */
    NO_ADDRESS,
    /** Not sent: the destination is off-link and there is no gateway. */
    NO_ROUTE,
    /** Not sent: longer than the link MTU with "don't fragment", or than 65,535 bytes. */
    TOO_BIG,
    /** Not sent: the queue waiting for ARP resolution of the next hop is full. */
    QUEUE_FULL,
    /** Not sent: the link refused the frame (its queue was full or it is closed). */
    LINK_DROPPED;

    /** Whether the datagram went out or will when ARP resolves. */
    public boolean ok() { return this == SENT || this == QUEUED; }
}

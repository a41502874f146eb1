package io.morgana.net.ipv4;

/**
 * An ICMP error about a datagram we sent, as told to the transport that sent it.
 *
 * @param kind        what went wrong
 * @param code        the ICMP code as received (for kinds that carry several)
 * @param nextHopMtu  for {@link Kind#FRAG_NEEDED}: the MTU the router reported (0 when it did not say)
 * @param reporter    who sent the ICMP message (a router or the destination); 0 for a local failure
 * @param source      source address of the original datagram (ours)
 * @param destination destination of the original datagram
 * @param protocol    protocol number of the original datagram
 * @param quoted      the start of the original transport header as quoted (at least 8 bytes: for
 *                    UDP and TCP, the ports and, for TCP, the sequence number)
 */
public record IcmpError(Kind kind, int code, int nextHopMtu, int reporter, int source, int destination, int protocol,
        byte[] quoted) {

    public enum Kind {
        NET_UNREACHABLE, HOST_UNREACHABLE, PROTOCOL_UNREACHABLE, PORT_UNREACHABLE,
        /** Fragmentation needed and DF set: path MTU discovery (RFC 1191). */
        FRAG_NEEDED,
        /** Administratively prohibited and the other unreachable codes. */
        PROHIBITED,
        /** TTL exceeded in transit or reassembly time exceeded. */
        TIME_EXCEEDED,
        PARAMETER_PROBLEM
    }

    /** True when no ICMP message came: the stack itself gave up (ARP did not resolve the next hop). */
    public boolean local() { return reporter == 0; }

    /** The quoted transport header's source port (UDP, TCP). */
    public int sourcePort() { return (quoted[0] & 0xff) << 8 | (quoted[1] & 0xff); }

    /** The quoted transport header's destination port (UDP, TCP). */
    public int destinationPort() { return (quoted[2] & 0xff) << 8 | (quoted[3] & 0xff); }

    /** For TCP: the quoted sequence number (needs 8 quoted bytes, always present). */
    public long tcpSequence() {
        return ((long) (quoted[4] & 0xff) << 24 | (quoted[5] & 0xff) << 16 | (quoted[6] & 0xff) << 8 | (quoted[7] & 0xff));
    }
}

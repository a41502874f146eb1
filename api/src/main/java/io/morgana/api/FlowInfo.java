package io.morgana.api;

import java.time.Duration;

/**
 * A snapshot of one TCP connection's state and counters, like Linux's {@code tcp_info}: taken by
 * {@link Flow#info()} for logs, metrics, or an appliance that adapts to its path.
 *
 * <p>Each target reports what it can observe. Morgana's own stack ({@code tap}, {@code spt})
 * fills in everything; on {@code unix} the connection lives in the host's kernel, and only the
 * state, the addresses and the bytes the appliance moved are known: every other count is
 * {@code -1} and every duration {@code null} ({@link #detailed()} says which kind you have).
 *
 * @param state the RFC 9293 state name: {@code SYN_SENT}, {@code ESTABLISHED}, {@code FIN_WAIT_1},
 *     {@code CLOSE_WAIT}, {@code TIME_WAIT}, {@code CLOSED}…; on {@code unix} {@code ESTABLISHED},
 *     {@code OUTPUT_SHUT_DOWN} (after {@link Flow#shutdownOutput()}) or {@code CLOSED}
 * @param bytesSent payload bytes sent (on unix: handed to the kernel), retransmissions not counted
 * @param bytesAcked payload bytes the peer acknowledged
 * @param bytesReceived payload bytes received in order (on unix: read by the appliance)
 * @param segmentsSent segments sent, retransmissions and pure ACKs included
 * @param segmentsReceived segments received
 * @param retransmits segments sent again
 * @param fastRetransmits loss-recovery episodes started by duplicate ACKs or SACK (RFC 6675)
 * @param timeouts retransmission timeouts (RFC 6298)
 * @param rtt the smoothed round-trip time
 * @param rttVariance the round-trip time's mean deviation
 * @param rto the retransmission timeout now
 * @param mss the largest segment payload we send
 * @param cwnd the congestion window, bytes
 * @param ssthresh the slow-start threshold, bytes
 * @param unacked bytes sent and not yet acknowledged
 * @param sendWindow the window the peer last advertised, bytes
 * @param receiveWindow the window we advertise now, bytes
 * @param congestionControl the algorithm's name ({@code cubic}, {@code reno}), or {@code null}
 */
public record FlowInfo(String state, Endpoint local, Endpoint remote,
                       long bytesSent, long bytesAcked, long bytesReceived, long segmentsSent, long segmentsReceived,
                       long retransmits, long fastRetransmits, long timeouts,
                       Duration rtt, Duration rttVariance, Duration rto,
                       int mss, int cwnd, int ssthresh, int unacked, int sendWindow, int receiveWindow,
                       String congestionControl) {

    public FlowInfo {
        if (state == null || state.isEmpty()) throw new IllegalArgumentException("state is missing");
        if (local == null || remote == null) throw new IllegalArgumentException("addresses are missing");
    }

    /** What a target that sees only the application's side knows: state, addresses, bytes. */
    public static FlowInfo basic(String state, Endpoint local, Endpoint remote, long bytesSent, long bytesReceived) {
        return new FlowInfo(state, local, remote, bytesSent, -1, bytesReceived, -1, -1, -1, -1, -1,
                null, null, null, -1, -1, -1, -1, -1, -1, null);
    }

    /** Whether the transport's own figures (RTT, windows, retransmissions) are known. */
    public boolean detailed() { return rtt != null; }

    /** One line for a log: the state, the addresses, then every known figure. */
    @Override public String toString() {
        StringBuilder b = new StringBuilder(state).append(' ').append(local).append(" -> ").append(remote)
                .append(" sent ").append(bytesSent).append(" B, received ").append(bytesReceived).append(" B");
        if (detailed()) {
            b.append(", acked ").append(bytesAcked).append(" B, segments ").append(segmentsSent).append(" out / ")
                    .append(segmentsReceived).append(" in, retransmits ").append(retransmits).append(" (fast ")
                    .append(fastRetransmits).append(", timeouts ").append(timeouts).append("), rtt ").append(micros(rtt))
                    .append(" ±").append(micros(rttVariance)).append(", rto ").append(micros(rto)).append(", mss ").append(mss)
                    .append(", cwnd ").append(cwnd).append(", ssthresh ").append(ssthresh).append(", unacked ").append(unacked)
                    .append(", windows ").append(sendWindow).append(" out / ").append(receiveWindow).append(" in, ")
                    .append(congestionControl);
        }
        return b.toString();
    }

    private static String micros(Duration d) { return d.toNanos() / 1000 + " µs"; }
}

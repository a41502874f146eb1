package io.morgana.net.tcp;

import java.time.Duration;

/**
 * Tunables of Morgana's TCP, with Linux-like defaults. Durations are nanoseconds.
 *
 * <ul>
 *   <li>MSL 30 s, so TIME_WAIT lasts 60 s (RFC 9293 says 2·MSL; Linux uses a fixed 60 s).</li>
 *   <li>RTO per RFC 6298: initial 1 s, floor 200 ms (Linux's TCP_RTO_MIN, below the RFC's 1 s),
 *       ceiling 120 s, exponential backoff; a connection gives up after {@code maxRetries} (15,
 *       Linux tcp_retries2) unanswered retransmissions, a SYN after {@code synRetries} (6).</li>
 *   <li>Delayed ACK: every second full-sized segment is ACKed at once, any other in-order data
 *       within 40 ms (Linux's minimum delayed-ACK timeout); out-of-order data, a filled hole and a
 *       FIN are ACKed at once; the first {@code quickAcks} segments of a connection are ACKed at
 *       once (Linux's quick-ACK mode, which keeps slow start from waiting on the timer), and so are
 *       up to that many again after out-of-order data (a sender recovering from a loss has a
 *       small window and would wait on our timer).</li>
 *   <li>Keepalive (off unless asked): 2 h idle, 75 s between probes, 9 probes.</li>
 *   <li>Challenge ACKs (RFC 5961) at most 1000 per second for the whole stack.</li>
 * </ul>
 */
public record TcpConfig(
        int mtu,
        int sendBuffer,
        int receiveBuffer,
        long totalBufferBytes,
        int maxConnections,
        int maxBacklog,
        long mslNanos,
        long rtoInitialNanos,
        long rtoMinNanos,
        long rtoMaxNanos,
        int maxRetries,
        int synRetries,
        long delayedAckNanos,
        int quickAcks,
        long finWait2Nanos,
        boolean keepalive,
        long keepaliveIdleNanos,
        long keepaliveIntervalNanos,
        int keepaliveProbes,
        boolean timestamps,
        boolean windowScaling,
        boolean sack,
        boolean synCookies,
        int challengeAcksPerSecond,
        int ephemeralLow,
        int ephemeralHigh,
        String congestionControl) {

    public static TcpConfig defaults() {
        return new TcpConfig(1500, 1 << 20, 1 << 20, 256L << 20, 16384, 1024,
                Duration.ofSeconds(30).toNanos(), Duration.ofSeconds(1).toNanos(), Duration.ofMillis(200).toNanos(),
                Duration.ofSeconds(120).toNanos(), 15, 6, Duration.ofMillis(40).toNanos(), 16,
                Duration.ofSeconds(60).toNanos(), false, Duration.ofHours(2).toNanos(), Duration.ofSeconds(75).toNanos(), 9,
                true, true, true, true, 1000, 32768, 60999, "cubic");
    }

    public TcpConfig {
        if (mtu < 68 || mtu > 65535) throw new IllegalArgumentException("mtu must be 68..65535, not " + mtu);
        if (sendBuffer < 4096 || receiveBuffer < 4096) throw new IllegalArgumentException("buffers must be at least 4096 bytes");
        if (sendBuffer > (1 << 30) || receiveBuffer > (1 << 30)) throw new IllegalArgumentException("buffers must be at most 1 GiB");
        if (ephemeralLow < 1024 || ephemeralHigh > 65535 || ephemeralLow > ephemeralHigh) {
            throw new IllegalArgumentException("ephemeral port range must lie in 1024..65535");
        }
        if (!congestionControl.equals("reno") && !congestionControl.equals("cubic")) {
            throw new IllegalArgumentException("congestion control must be reno or cubic, not " + congestionControl);
        }
    }

    public TcpConfig withMtu(int v) { return copy(v, sendBuffer, receiveBuffer, mslNanos, keepalive, timestamps, sack, windowScaling, congestionControl, maxBacklog); }
    public TcpConfig withBuffers(int send, int receive) { return copy(mtu, send, receive, mslNanos, keepalive, timestamps, sack, windowScaling, congestionControl, maxBacklog); }
    public TcpConfig withMsl(Duration msl) { return copy(mtu, sendBuffer, receiveBuffer, msl.toNanos(), keepalive, timestamps, sack, windowScaling, congestionControl, maxBacklog); }
    public TcpConfig withKeepalive(boolean on) { return copy(mtu, sendBuffer, receiveBuffer, mslNanos, on, timestamps, sack, windowScaling, congestionControl, maxBacklog); }
    public TcpConfig withOptions(boolean ts, boolean sackOn, boolean ws) { return copy(mtu, sendBuffer, receiveBuffer, mslNanos, keepalive, ts, sackOn, ws, congestionControl, maxBacklog); }
    public TcpConfig withCongestionControl(String cc) { return copy(mtu, sendBuffer, receiveBuffer, mslNanos, keepalive, timestamps, sack, windowScaling, cc, maxBacklog); }
    public TcpConfig withMaxBacklog(int b) { return copy(mtu, sendBuffer, receiveBuffer, mslNanos, keepalive, timestamps, sack, windowScaling, congestionControl, b); }

    private TcpConfig copy(int mtu, int snd, int rcv, long msl, boolean ka, boolean ts, boolean sackOn, boolean ws, String cc, int backlog) {
        return new TcpConfig(mtu, snd, rcv, totalBufferBytes, maxConnections, backlog, msl, rtoInitialNanos, rtoMinNanos,
                rtoMaxNanos, maxRetries, synRetries, delayedAckNanos, quickAcks, finWait2Nanos, ka, keepaliveIdleNanos,
                keepaliveIntervalNanos, keepaliveProbes, ts, ws, sackOn, synCookies, challengeAcksPerSecond, ephemeralLow,
                ephemeralHigh, cc);
    }

    /** The largest segment payload our interface MTU allows (IPv4 and TCP headers without options). */
    int mssFromMtu() { return mtu - 40; }
}

package io.morgana.net.tcp;

/**
 * A congestion-control algorithm: owns cwnd and ssthresh (bytes). The connection calls it on new
 * acknowledgements outside loss recovery, on entering loss recovery and on a retransmission timeout;
 * loss recovery itself (RFC 6675 / RFC 6582) is the connection's.
 */
public interface CongestionControl {

    int cwnd();

    int ssthresh();

    /** Sets cwnd directly (loss recovery inflates and deflates it). */
    void cwnd(int bytes);

    /** New data acknowledged outside recovery: grow cwnd (slow start or congestion avoidance). */
    void onAck(long now, int ackedBytes, int flightBefore, long srttNanos);

    /** Fast retransmit: a loss seen through duplicate ACKs or SACK; sets ssthresh, returns it. */
    int onLoss(long now, int flight);

    /** Retransmission timeout: ssthresh from flight, cwnd to one segment (RFC 5681 section 3.1). */
    void onTimeout(long now, int flight);

    /** Loss recovery finished at {@code now}. */
    default void onRecoveryEnd(long now) {}

    /** The segment size changed (path MTU). */
    void smss(int smss);

    String name();

    static CongestionControl create(String name, int smss) {
        return switch (name) {
            case "reno" -> new Reno(smss);
            case "cubic" -> new Cubic(smss);
            default -> throw new IllegalArgumentException("unknown congestion control " + name);
        };
    }

    /** RFC 6928 initial window: min(10·SMSS, max(2·SMSS, 14600)). */
    static int initialWindow(int smss) { return Math.min(10 * smss, Math.max(2 * smss, 14600)); }
}

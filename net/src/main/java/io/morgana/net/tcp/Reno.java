package io.morgana.net.tcp;

/** Slow start and congestion avoidance per RFC 5681, with appropriate byte counting (RFC 3465, L = 2·SMSS). */
class Reno implements CongestionControl {
    protected int smss, cwnd, ssthresh = Integer.MAX_VALUE;
    private long acked;

    Reno(int smss) {
        this.smss = smss;
        this.cwnd = CongestionControl.initialWindow(smss);
    }

    @Override public int cwnd() { return cwnd; }
    @Override public int ssthresh() { return ssthresh; }
    @Override public void cwnd(int bytes) { cwnd = Math.max(bytes, smss); }
    @Override public String name() { return "reno"; }

    @Override public void onAck(long now, int ackedBytes, int flightBefore, long srtt) {
        if (cwnd < ssthresh) {
            cwnd = (int) Math.min(Integer.MAX_VALUE / 2, (long) cwnd + Math.min(ackedBytes, 2 * smss));
        } else {
            congestionAvoidance(now, ackedBytes, srtt);
        }
    }

    /** One SMSS per window's worth of acknowledged bytes. */
    protected void congestionAvoidance(long now, int ackedBytes, long srtt) {
        acked += ackedBytes;
        if (acked >= cwnd) {
            acked -= cwnd;
            cwnd = Math.min(Integer.MAX_VALUE / 2, cwnd + smss);
        }
    }

    @Override public int onLoss(long now, int flight) {
        ssthresh = Math.max(flight / 2, 2 * smss);
        cwnd = ssthresh;
        acked = 0;
        return ssthresh;
    }

    @Override public void onTimeout(long now, int flight) {
        ssthresh = Math.max(flight / 2, 2 * smss);
        cwnd = smss;
        acked = 0;
    }

    @Override public void smss(int smss) {
        this.smss = smss;
        cwnd = Math.max(cwnd, smss);
    }
}

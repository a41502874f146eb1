package io.morgana.net.tcp;

/**
 * CUBIC per RFC 9438: after a loss, cwnd follows W(t) = C·(t − K)³ + W_max (C = 0.4, β = 0.7),
 * never below the Reno-friendly estimate; slow start as Reno. Fast convergence is on.
 */
final class Cubic extends Reno {
    private static final double C = 0.4, BETA = 0.7;
    private double wMax, k, wEst;
    private long epochStart = -1;

    Cubic(int smss) { super(smss); }

    @Override public String name() { return "cubic"; }

    @Override protected void congestionAvoidance(long now, int ackedBytes, long srtt) {
        if (epochStart < 0) {
            epochStart = now;
            if (wMax < cwnd) wMax = cwnd;
            k = Math.cbrt((wMax - cwnd) / smss / C);
            wEst = cwnd;
        }
        double t = (now - epochStart + srtt) / 1e9;
        double target = (C * Math.pow(t - k, 3) * smss) + wMax;
        wEst += ackedBytes * (3 * (1 - BETA) / (1 + BETA)) * smss / cwnd;
        double goal = Math.max(target, wEst);
        goal = Math.min(goal, 1.5 * cwnd);
        if (goal > cwnd) {
            double inc = (goal - cwnd) / cwnd * ackedBytes;
            cwnd = (int) Math.min(Integer.MAX_VALUE / 2, cwnd + Math.max(1, (long) inc));
        } else {
            cwnd = (int) Math.min(Integer.MAX_VALUE / 2, cwnd + Math.max(1, (long) ackedBytes * smss / (100L * cwnd)));
        }
    }

    @Override public int onLoss(long now, int flight) {
        double w = Math.max(cwnd, flight);
        wMax = w < wMax ? w * (1 + BETA) / 2 : w;
        ssthresh = Math.max((int) (w * BETA), 2 * smss);
        cwnd = ssthresh;
        epochStart = -1;
        return ssthresh;
    }

    @Override public void onTimeout(long now, int flight) {
        super.onTimeout(now, flight);
        wMax = Math.max(flight, 2 * smss);
        epochStart = -1;
    }
}

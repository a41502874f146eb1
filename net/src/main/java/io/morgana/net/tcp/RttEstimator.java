package io.morgana.net.tcp;

/** Round-trip time and retransmission timeout per RFC 6298 (alpha 1/8, beta 1/4, K 4), in nanoseconds. */
final class RttEstimator {
    private final long min, max;
    private long srtt, rttvar, rto, latest;
    private boolean measured;

    RttEstimator(long initial, long min, long max) {
        this.rto = initial;
        this.min = min;
        this.max = max;
    }

    void sample(long r) {
        if (r <= 0) r = 1;
        latest = r;
        if (!measured) {
            srtt = r;
            rttvar = r / 2;
            measured = true;
        } else {
            rttvar = (3 * rttvar + Math.abs(srtt - r)) / 4;
            srtt = (7 * srtt + r) / 8;
        }
        rto = Math.clamp(srtt + Math.max(4 * rttvar, 1_000_000L), min, max);
    }

    long rto() { return rto; }
    long srtt() { return srtt; }
    long rttvar() { return rttvar; }
    long latest() { return latest; }
    boolean measured() { return measured; }
    long max() { return max; }
}

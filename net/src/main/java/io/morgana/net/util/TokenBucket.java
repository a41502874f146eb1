package io.morgana.net.util;

/**
 * A token bucket on a caller's clock (sans-I/O: {@code now} is passed in): refills at {@code rate}
 * tokens per second up to {@code burst}, starting full. Used for ICMP error rate limits (a token a
 * message) and the fault injector's link rate (a token a byte). Not thread-safe: the loop owns it.
 */
public final class TokenBucket {
    private final double rate, burst;
    private double tokens;
    private long last;

    public TokenBucket(double ratePerSecond, double burst, long nowNanos) {
        this.rate = ratePerSecond;
        this.burst = burst;
        this.tokens = burst;
        this.last = nowNanos;
    }

    /** Takes {@code n} tokens if there are that many at {@code nowNanos}; false (and nothing taken) if not. */
    public boolean take(long nowNanos, double n) {
        tokens = Math.min(burst, tokens + (nowNanos - last) * rate / 1e9);
        last = nowNanos;
        if (tokens < n) return false;
        tokens -= n;
        return true;
    }
}

package io.morgana.net.tcp;

/** The bound on bytes buffered by all connections of one stack together. Single-threaded (the loop). */
final class BufferBudget {
    private final long limit;
    private final io.morgana.net.util.Counter gauge;
    private long used;

    BufferBudget(long limit, io.morgana.net.util.Counter gauge) {
        this.limit = limit;
        this.gauge = gauge;
    }

    boolean tryReserve(long bytes) {
        if (used + bytes > limit) return false;
        used += bytes;
        gauge.add(bytes);
        return true;
    }

    void release(long bytes) {
        used -= bytes;
        gauge.add(-bytes);
    }
    long used() { return used; }
    long available() { return limit - used; }
}

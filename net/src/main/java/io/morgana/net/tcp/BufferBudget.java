package io.morgana.net.tcp;

/** The bound on bytes buffered by all connections of one stack together. Single-threaded (the loop). */
final class BufferBudget {
    private final long limit;
    private long used;

    BufferBudget(long limit) { this.limit = limit; }

    boolean tryReserve(long bytes) {
        if (used + bytes > limit) return false;
        used += bytes;
        return true;
    }

    void release(long bytes) { used -= bytes; }
    long used() { return used; }
    long available() { return limit - used; }
}

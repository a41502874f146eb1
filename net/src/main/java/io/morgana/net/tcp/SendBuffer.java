package io.morgana.net.tcp;

import java.nio.ByteBuffer;

/**
 * Bytes written by the application and not yet acknowledged: a ring that grows in powers of two
 * up to a bound, charging a shared {@link BufferBudget}. Offset 0 is the oldest unacknowledged byte.
 */
final class SendBuffer {
    private static final int INITIAL = 16 * 1024;
    private final int max;
    private final BufferBudget budget;
    private byte[] ring = new byte[0];
    private int head, size;

    SendBuffer(int max, BufferBudget budget) {
        this.max = Integer.highestOneBit(max - 1) << 1;
        this.budget = budget;
    }

    int size() { return size; }
    int capacity() { return max; }
    int free() { return max - size; }

    /** Appends as much of {@code src} as fits; returns the count. */
    int append(ByteBuffer src) {
        int want = Math.min(src.remaining(), max - size);
        if (want == 0) return 0;
        if (size + want > ring.length) {
            int cap = Math.max(ring.length, INITIAL);
            while (cap < size + want && cap < max) cap <<= 1;
            if (cap > ring.length && !grow(cap)) {
                want = Math.min(want, ring.length - size);
                if (want == 0) return 0;
            }
        }
        int tail = (head + size) & (ring.length - 1);
        int first = Math.min(want, ring.length - tail);
        src.get(ring, tail, first);
        if (want > first) src.get(ring, 0, want - first);
        size += want;
        return want;
    }

    private boolean grow(int cap) {
        if (!budget.tryReserve(cap - ring.length)) return false;
        byte[] n = new byte[cap];
        copy(0, n, 0, size);
        ring = n;
        head = 0;
        return true;
    }

    /** Copies {@code len} bytes starting {@code offset} bytes after the oldest into {@code dst}. */
    void copy(int offset, byte[] dst, int dstOff, int len) {
        if (len == 0) return;
        int start = (head + offset) & (ring.length - 1);
        int first = Math.min(len, ring.length - start);
        System.arraycopy(ring, start, dst, dstOff, first);
        if (len > first) System.arraycopy(ring, 0, dst, dstOff + first, len - first);
    }

    /** Drops {@code n} acknowledged bytes. */
    void consume(int n) {
        n = Math.min(n, size);
        if (n == 0) return;
        head = (head + n) & (ring.length - 1);
        size -= n;
    }

    /** Frees the memory (connection gone or both directions done with). */
    void release() {
        budget.release(ring.length);
        ring = new byte[0];
        head = 0;
        size = 0;
    }

    int allocated() { return ring.length; }
}

package io.morgana.net.tcp;

import java.nio.ByteBuffer;

/**
 * Received bytes not yet read by the application, in order, plus out-of-order data held at its
 * place (the ring covers sequence numbers {@code [readSeq, readSeq + ring.length)}), with the
 * out-of-order ranges kept for SACK (RFC 2018). The ring grows up to a bound, charging a shared
 * {@link BufferBudget}; at most {@link #MAX_RANGES} holes are tracked (more is dropped).
 */
final class ReceiveBuffer {
    static final int MAX_RANGES = 32;
    private static final int INITIAL = 16 * 1024;
    private final int max;
    private final BufferBudget budget;
    private byte[] ring = new byte[0];
    private int head, readSeq, readable;
    private final SeqRanges ranges = new SeqRanges(MAX_RANGES);
    private final int[] recent = new int[4];
    private int recentCount;

    ReceiveBuffer(int max, BufferBudget budget) {
        this.max = max;
        this.budget = budget;
    }

    void start(int seq) { readSeq = seq; }

    int nextExpected() { return readSeq + readable; }
    int readable() { return readable; }
    int capacity() { return max; }
    boolean hasOutOfOrder() { return ranges.size() > 0; }

    /** Bytes past the read point that could be stored now (what the window may offer). */
    int space() { return (int) Math.min(max, ring.length + Math.max(0, budget.available())); }

    /** The sequence number just past the data we could hold. */
    int limitSeq() { return readSeq + space(); }

    /**
     * Stores {@code len} bytes of sequence {@code seq} (the caller has trimmed them to start at or
     * after {@link #nextExpected()}). Returns how far the in-order point advanced, or -1 if
     * memory ran out and nothing was stored.
     */
    int write(int seq, byte[] src, int off, int len) {
        int end = seq + len;
        int room = limitSeq();
        if (Seq.gt(end, room)) { len = room - seq; end = room; }
        if (len <= 0) return -1;
        int needed = end - readSeq;
        if (needed > ring.length && !grow(needed)) {
            len = readSeq + ring.length - seq;
            if (len <= 0) return -1;
            end = seq + len;
        }
        int pos = head + (seq - readSeq);
        if (pos >= ring.length) pos -= ring.length;
        int first = Math.min(len, ring.length - pos);
        System.arraycopy(src, off, ring, pos, first);
        if (len > first) System.arraycopy(src, off + first, ring, 0, len - first);
        int before = readable;
        if (seq == nextExpected()) {
            readable += len;
            while (ranges.size() > 0 && Seq.leq(ranges.start(0), nextExpected())) {
                if (Seq.gt(ranges.end(0), nextExpected())) readable = ranges.end(0) - readSeq;
                ranges.removeBelow(nextExpected());
            }
        } else {
            addRange(seq, end);
        }
        return readable - before;
    }

    private boolean grow(int needed) {
        int cap = Math.min(max, Math.max(needed, Math.max(INITIAL, ring.length * 2)));
        if (cap < needed || !budget.tryReserve(cap - ring.length)) return false;
        byte[] n = new byte[cap];
        int first = Math.min(ring.length, ring.length - head);
        System.arraycopy(ring, head, n, 0, first);
        System.arraycopy(ring, 0, n, first, ring.length - first);
        ring = n;
        head = 0;
        return true;
    }

    private void addRange(int s, int e) {
        ranges.add(s, e);
        for (int k = Math.min(recentCount, recent.length - 1); k > 0; k--) recent[k] = recent[k - 1];
        recent[0] = s;
        recentCount = Math.min(recentCount + 1, recent.length);
    }

    /** SACK blocks, the one holding the latest arrival first (RFC 2018 section 4), at most {@code limit}. */
    int[] sackBlocks(int limit) {
        int count = ranges.size();
        if (count == 0) return TcpHeader.NO_SACK;
        int[] out = new int[2 * Math.min(limit, count)];
        int n = 0;
        for (int k = 0; k < recentCount && n < out.length / 2; k++) {
            int idx = ranges.find(recent[k]);
            if (idx >= 0 && !contains(out, n, ranges.start(idx))) n = put(out, n, idx);
        }
        for (int idx = 0; idx < count && n < out.length / 2; idx++) {
            if (!contains(out, n, ranges.start(idx))) n = put(out, n, idx);
        }
        return out;
    }

    private int put(int[] out, int n, int idx) {
        out[2 * n] = ranges.start(idx);
        out[2 * n + 1] = ranges.end(idx);
        return n + 1;
    }

    private static boolean contains(int[] blocks, int n, int start) {
        for (int k = 0; k < n; k++) if (blocks[2 * k] == start) return true;
        return false;
    }

    /** Moves up to {@code dst.remaining()} in-order bytes to the application. */
    int read(ByteBuffer dst) {
        int n = Math.min(readable, dst.remaining());
        if (n == 0) return 0;
        int first = Math.min(n, ring.length - head);
        dst.put(ring, head, first);
        if (n > first) dst.put(ring, 0, n - first);
        head += n;
        if (head >= ring.length) head -= ring.length;
        readSeq += n;
        readable -= n;
        return n;
    }

    /** Discards unread data (input shut down). */
    void discard() {
        readSeq += readable;
        head = ring.length == 0 ? 0 : (head + readable) % ring.length;
        readable = 0;
    }

    void release() {
        budget.release(ring.length);
        ring = new byte[0];
        head = 0;
        ranges.clear();
    }

    int allocated() { return ring.length; }
}

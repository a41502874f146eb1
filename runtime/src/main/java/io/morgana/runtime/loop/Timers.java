package io.morgana.runtime.loop;

import io.morgana.runtime.EventLoop;
import java.util.PriorityQueue;

/**
 * The timer heap both loops share: ordered by deadline, then by scheduling order, so timers due at
 * the same instant run in the order they were set. Cancelled timers are dropped lazily, and the heap
 * is rebuilt when they outnumber the live ones (bounded garbage). Not thread-safe: the owner guards it.
 */
final class Timers {

    static final class Entry implements EventLoop.Timer, Comparable<Entry> {
        final long deadline;
        final long seq;
        final Runnable task;
        volatile boolean cancelled;

        Entry(long deadline, long seq, Runnable task) {
            this.deadline = deadline;
            this.seq = seq;
            this.task = task;
        }

        @Override public void cancel() { cancelled = true; }

        @Override public int compareTo(Entry o) {
            int c = Long.compare(deadline, o.deadline);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private PriorityQueue<Entry> heap = new PriorityQueue<>();
    private long seq;
    private int sinceCompaction;

    Entry create(long deadline, Runnable task) {
        return new Entry(deadline, seq++, task);
    }

    void add(Entry e) {
        if (e.cancelled) return;
        heap.add(e);
        if (++sinceCompaction >= 1024) compact();
    }

    /** Deadline of the earliest live timer, or {@link Long#MAX_VALUE}. */
    long nextDeadline() {
        Entry e;
        while ((e = heap.peek()) != null && e.cancelled) heap.poll();
        return e == null ? Long.MAX_VALUE : e.deadline;
    }

    /** Removes and returns the earliest live timer due at or before {@code now}, or null. */
    Entry pollDue(long now) {
        if (nextDeadline() > now) return null;
        return heap.poll();
    }

    int size() { return heap.size(); }

    private void compact() {
        sinceCompaction = 0;
        int live = 0;
        for (Entry e : heap) if (!e.cancelled) live++;
        if (live * 2 >= heap.size()) return;
        PriorityQueue<Entry> h = new PriorityQueue<>(Math.max(16, live * 2));
        for (Entry e : heap) if (!e.cancelled) h.add(e);
        heap = h;
    }
}

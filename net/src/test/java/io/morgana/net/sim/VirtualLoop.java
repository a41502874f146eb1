package io.morgana.net.sim;

import io.morgana.runtime.EventLoop;
import java.util.PriorityQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Kept for tests written against it (TCP's StackPair); new tests use the runtime's
 * {@link io.morgana.runtime.loop.SimulatedLoop}, under which application threads are deterministic.
 *
 * <p>A test-only event loop on virtual time, run by the test's own thread: posted tasks first, then
 * timers in deadline order (FIFO for equal deadlines), jumping the clock to the next timer when
 * idle. With {@code settleNanos} > 0 it waits that much real time for application (virtual)
 * threads to post work before jumping the clock, for tests that use blocking sockets.
 */
public final class VirtualLoop implements EventLoop {
    private record Task(long deadline, long seq, Runnable run, boolean[] cancelled) implements Comparable<Task> {
        @Override public int compareTo(Task o) {
            int c = Long.compare(deadline, o.deadline);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final LinkedBlockingQueue<Runnable> posted = new LinkedBlockingQueue<>();
    private final PriorityQueue<Task> timers = new PriorityQueue<>();
    private final Thread owner = Thread.currentThread();
    private final long settleNanos;
    private long now = 1_000_000_000L;
    private long seq;

    public VirtualLoop() { this(0); }

    public VirtualLoop(long settleNanos) { this.settleNanos = settleNanos; }

    @Override public long nanoTime() { return now; }

    @Override public void execute(Runnable task) { posted.add(task); }

    @Override public synchronized Timer schedule(long deadlineNanos, Runnable task) {
        boolean[] cancelled = {false};
        timers.add(new Task(deadlineNanos, seq++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    @Override public boolean inLoop() { return Thread.currentThread() == owner; }

    /** Runs everything due up to {@code now + nanos}, then sets the clock there. */
    public void runFor(long nanos) {
        long end = now + nanos;
        runUntil(() -> false, end, false);
        now = Math.max(now, end);
    }

    /** Runs until {@code done} holds (checked after each task) or virtual time passes {@code now + maxNanos}. */
    public boolean runUntil(BooleanSupplier done, long maxNanos) { return runUntil(done, now + maxNanos, true); }

    private boolean runUntil(BooleanSupplier done, long end, boolean check) {
        long realDeadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            if (check && done.getAsBoolean()) return true;
            Runnable r = posted.poll();
            if (r == null && settleNanos > 0) {
                try {
                    r = posted.poll(settleNanos, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            if (r != null) {
                r.run();
                continue;
            }
            Task t;
            synchronized (this) {
                t = timers.peek();
                if (t != null && t.deadline <= end) timers.poll();
                else t = null;
            }
            if (t == null) {
                // Nothing due: application threads may still be about to post (they run in real time).
                if (check && settleNanos > 0 && System.nanoTime() < realDeadline && !done.getAsBoolean()) continue;
                return check && done.getAsBoolean();
            }
            if (t.cancelled[0]) continue;
            now = Math.max(now, t.deadline);
            t.run.run();
        }
    }

    /** Timers not yet run (cancelled ones included). */
    public synchronized int pendingTimers() { return timers.size(); }
}

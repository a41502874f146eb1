package io.morgana.runtime.loop;

import io.morgana.api.Clock;
import io.morgana.runtime.EventLoop;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * An {@link EventLoop} on virtual time, for deterministic simulation tests. Nothing runs until the
 * test drives it from its own thread with {@link #runPending}, {@link #runFor} or {@link #runUntil}:
 * posted tasks run in the order posted, timers in deadline order (ties in the order set), and time
 * jumps straight to the next timer when nothing is ready. The same inputs give the same run.
 *
 * <p><b>Application threads.</b> Code written in blocking style can take part with
 * {@link #spawn}: each participant is a virtual thread that runs only while the loop hands it the
 * baton, one at a time, and gives it back when it blocks in a {@link Waiter} of this loop (or ends).
 * So participants interleave with loop tasks deterministically too. A participant must block only
 * through {@link Waiter} and {@link #sleep} (never {@code Thread.sleep} or a lock held by another
 * participant); if it blocks elsewhere for more than {@link #STALL_LIMIT} of real time the run fails
 * with a message naming it.
 *
 * <p>A task or participant that throws fails the {@code run*} call that ran it.
 */
public final class SimulatedLoop implements EventLoop {

    /** How long (real time) a participant may run without giving the baton back. */
    public static final Duration STALL_LIMIT = Duration.ofSeconds(20);

    private static final Object LOOP = new Object();

    private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
    private final Timers timers = new Timers();
    private final ReentrantLock baton = new ReentrantLock();
    private final Condition batonMoved = baton.newCondition();
    private final ThreadLocal<Participant> self = new ThreadLocal<>();
    private final Instant epoch;
    private volatile long now;
    private volatile Thread runner;
    private Object holder = LOOP;
    private Throwable failure;

    /** A participant virtual thread. */
    final class Participant {
        final String name;
        Thread thread;
        boolean queued;
        boolean done;

        Participant(String name) { this.name = name; }
    }

    /** Starts at virtual time 0 with wall clock 2026-01-01T00:00:00Z. */
    public SimulatedLoop() { this(Instant.parse("2026-01-01T00:00:00Z")); }

    public SimulatedLoop(Instant epoch) { this.epoch = epoch; }

    @Override public long nanoTime() { return now; }

    /** A {@link Clock} on this loop's virtual time (wall clock = epoch + virtual time). */
    public Clock clock() {
        return new Clock() {
            @Override public long nanoTime() { return now; }
            @Override public Instant now() { return epoch.plusNanos(now); }
        };
    }

    @Override public synchronized void execute(Runnable task) {
        ready.add(task);
    }

    @Override public synchronized Timer schedule(long deadlineNanos, Runnable task) {
        Timers.Entry e = timers.create(deadlineNanos, task);
        timers.add(e);
        return e;
    }

    @Override public boolean inLoop() { return Thread.currentThread() == runner; }

    /** Runs everything that is ready at the current virtual time; returns how many tasks ran. */
    public int runPending() {
        enter();
        try {
            return drain();
        } finally {
            runner = null;
        }
    }

    /** Runs for {@code d} of virtual time: tasks, and timers up to and including now + d. */
    public void runFor(Duration d) {
        long end = now + d.toNanos();
        enter();
        try {
            while (true) {
                drain();
                long next;
                synchronized (this) { next = timers.nextDeadline(); }
                if (next > end) break;
                if (next > now) now = next;
            }
            now = end;
        } finally {
            runner = null;
        }
    }

    /**
     * Runs until {@code condition} holds (checked whenever nothing is ready) or {@code limit} of
     * virtual time passes. Returns whether the condition held; time stops where it did.
     */
    public boolean runUntil(BooleanSupplier condition, Duration limit) {
        long end = now + limit.toNanos();
        enter();
        try {
            while (true) {
                drain();
                if (condition.getAsBoolean()) return true;
                long next;
                synchronized (this) { next = timers.nextDeadline(); }
                if (next > end) {
                    now = end;
                    return condition.getAsBoolean();
                }
                if (next > now) now = next;
            }
        } finally {
            runner = null;
        }
    }

    /**
     * Starts {@code body} as a participant: a virtual thread that runs in turn with the loop (see the
     * class comment). It first runs at the next {@code run*} call.
     */
    public void spawn(String name, Runnable body) {
        Participant p = new Participant(name);
        p.thread = Thread.ofVirtual().name("sim-" + name).unstarted(() -> {
            self.set(p);
            takeBaton(p);
            try {
                body.run();
            } catch (Throwable t) {
                synchronized (this) {
                    if (failure == null) failure = new IllegalStateException("participant '" + name + "' failed: " + t, t);
                }
            } finally {
                p.done = true;
                giveBaton();
            }
        });
        p.thread.start();
        makeRunnable(p);
    }

    /** Blocks a participant for {@code d} of virtual time. */
    public void sleep(Duration d) throws InterruptedException {
        long deadline = now + d.toNanos();
        new Waiter(this).await(() -> now >= deadline, deadline);
    }

    /** The participant running on the calling thread, or null. */
    Participant participant() { return self.get(); }

    /** Queues {@code p} to be resumed (once, however often it is signalled). */
    void makeRunnable(Participant p) {
        synchronized (this) {
            if (p.queued || p.done) return;
            p.queued = true;
            ready.add(() -> resume(p));
        }
    }

    /** Called by a participant blocking in a Waiter: hands the baton back and waits to be resumed. */
    void park(Participant p) {
        giveBaton();
        takeBaton(p);
    }

    private void resume(Participant p) {
        synchronized (this) { p.queued = false; }
        if (p.done) return;
        baton.lock();
        try {
            holder = p;
            batonMoved.signalAll();
            long left = STALL_LIMIT.toNanos();
            while (holder != LOOP) {
                if (left <= 0) {
                    throw new IllegalStateException("participant '" + p.name + "' ran for " + STALL_LIMIT.toSeconds()
                            + "s of real time without blocking in a Waiter (does it block on something else?)");
                }
                left = batonMoved.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while participant '" + p.name + "' ran");
        } finally {
            baton.unlock();
        }
    }

    private void takeBaton(Participant p) {
        baton.lock();
        try {
            while (holder != p) batonMoved.awaitUninterruptibly();
        } finally {
            baton.unlock();
        }
    }

    private void giveBaton() {
        baton.lock();
        try {
            holder = LOOP;
            batonMoved.signalAll();
        } finally {
            baton.unlock();
        }
    }

    private void enter() {
        if (runner != null) throw new IllegalStateException("the simulated loop is already running on " + runner);
        runner = Thread.currentThread();
    }

    private int drain() {
        int n = 0;
        while (true) {
            Runnable t;
            synchronized (this) {
                t = ready.poll();
                if (t == null) {
                    Timers.Entry e = timers.pollDue(now);
                    if (e != null) t = e.task;
                }
            }
            if (t == null) return n;
            n++;
            t.run();
            Throwable f;
            synchronized (this) {
                f = failure;
                failure = null;
            }
            if (f != null) {
                if (f instanceof RuntimeException r) throw r;
                throw new IllegalStateException(f);
            }
        }
    }

    @Override public String toString() {
        return "SimulatedLoop@" + TimeUnit.NANOSECONDS.toMillis(now) + "ms";
    }
}

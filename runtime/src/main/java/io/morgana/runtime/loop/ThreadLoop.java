package io.morgana.runtime.loop;

import io.morgana.runtime.EventLoop;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The real {@link EventLoop}: one platform thread running posted tasks in order and timers at
 * their deadlines on {@link System#nanoTime()}. Idle, it parks until the next timer or a post.
 * A task that throws is logged under the {@code loop} source and the loop goes on.
 *
 * <p>A loop may spin before it parks ({@link #start(String, long)}): after a round that ran posted
 * work, it keeps looking for the next post for a while. Traffic comes in exchanges (a request
 * frame, the application's reply a few microseconds later, the next request), and waking a parked
 * thread costs tens of microseconds on a virtual machine, more than the work of a round. Rounds
 * that only ran timers do not spin, so an idle appliance does not burn the CPU on its periodic
 * timers. The spin yields ({@code sched_yield}) rather than pauses: a thread that feeds the loop
 * (the TAP reader, the application's threads) and waits for this CPU gets it at once. With 2 cores
 * a pausing spin cost a fifth of the TCP receive rate; a yielding one costs nothing measurable.
 */
public final class ThreadLoop implements EventLoop, AutoCloseable {

    private static final System.Logger LOG = System.getLogger("loop");

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Timers timers = new Timers();
    private final Thread thread;
    private final long spinNanos;
    private volatile boolean parked;
    private volatile boolean closed;

    private ThreadLoop(String name, long spinNanos) {
        if (spinNanos < 0) throw new IllegalArgumentException("spin time must not be negative: " + spinNanos + " ns");
        this.spinNanos = spinNanos;
        thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::loop);
    }

    /** Starts a loop on a new platform thread called {@code name}; it parks as soon as it is idle. */
    public static ThreadLoop start(String name) {
        return start(name, 0);
    }

    /**
     * Starts a loop on a new platform thread called {@code name} that, after running posted work,
     * waits up to {@code spinNanos} for more before it parks (0: parks at once).
     *
     * @throws IllegalArgumentException if {@code spinNanos} is negative
     */
    public static ThreadLoop start(String name, long spinNanos) {
        ThreadLoop l = new ThreadLoop(name, spinNanos);
        l.thread.start();
        return l;
    }

    @Override public long nanoTime() { return System.nanoTime(); }

    @Override public void execute(Runnable task) {
        if (closed) throw new java.util.concurrent.RejectedExecutionException("event loop " + thread.getName() + " is closed");
        tasks.add(task);
        if (parked) LockSupport.unpark(thread);
    }

    @Override public Timer schedule(long deadlineNanos, Runnable task) {
        Timers.Entry e;
        synchronized (timers) {
            e = timers.create(deadlineNanos, task);
        }
        if (inLoop()) timers.add(e); else execute(() -> timers.add(e));
        return e;
    }

    @Override public boolean inLoop() { return Thread.currentThread() == thread; }

    /** The loop's thread (for diagnostics). */
    public Thread thread() { return thread; }

    /** Stops the loop after the task it is running; pending tasks and timers are dropped. */
    @Override public void close() {
        closed = true;
        LockSupport.unpark(thread);
        if (!inLoop()) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void loop() {
        while (!closed) {
            Runnable t;
            int ran = 0;
            // Run at most a batch of posted tasks before looking at timers, so neither starves.
            while (ran < 1024 && (t = tasks.poll()) != null) {
                run(t);
                ran++;
            }
            long now = System.nanoTime();
            Timers.Entry e;
            while ((e = timers.pollDue(now)) != null) run(e.task);
            if (!tasks.isEmpty()) continue;
            long next = timers.nextDeadline();
            if (ran > 0 && spinNanos > 0 && spin(Math.min(next, now + spinNanos))) continue;
            parked = true;
            if (tasks.isEmpty() && !closed) {
                if (next == Long.MAX_VALUE) LockSupport.park(this);
                else {
                    long wait = next - System.nanoTime();
                    if (wait > 0) LockSupport.parkNanos(this, wait);
                }
            }
            parked = false;
        }
    }

    /**
     * Keeps looking for work until a task is posted or the loop closed (true), or {@code until}
     * passes (false), giving way to any other thread that is ready to run on this CPU.
     */
    private boolean spin(long until) {
        while (tasks.isEmpty() && !closed) {
            if (System.nanoTime() - until >= 0) return false;
            Thread.yield();
        }
        return true;
    }

    private static void run(Runnable t) {
        try {
            t.run();
        } catch (Throwable x) {
            LOG.log(System.Logger.Level.ERROR, "event loop task failed: " + x, x);
        }
    }
}

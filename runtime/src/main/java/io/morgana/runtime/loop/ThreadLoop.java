package io.morgana.runtime.loop;

import io.morgana.runtime.EventLoop;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The real {@link EventLoop}: one platform thread running posted tasks in order and timers at
 * their deadlines on {@link System#nanoTime()}. Idle, it parks until the next timer or a post.
 * A task that throws is logged under the {@code loop} source and the loop goes on.
 */
public final class ThreadLoop implements EventLoop, AutoCloseable {

    private static final System.Logger LOG = System.getLogger("loop");

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Timers timers = new Timers();
    private final Thread thread;
    private volatile boolean parked;
    private volatile boolean closed;

    private ThreadLoop(String name) {
        thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::loop);
    }

    /** Starts a loop on a new platform thread called {@code name}. */
    public static ThreadLoop start(String name) {
        ThreadLoop l = new ThreadLoop(name);
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
            int n = 0;
            // Run at most a batch of posted tasks before looking at timers, so neither starves.
            while (n++ < 1024 && (t = tasks.poll()) != null) run(t);
            long now = System.nanoTime();
            Timers.Entry e;
            while ((e = timers.pollDue(now)) != null) run(e.task);
            if (!tasks.isEmpty()) continue;
            long next = timers.nextDeadline();
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

    private static void run(Runnable t) {
        try {
            t.run();
        } catch (Throwable x) {
            LOG.log(System.Logger.Level.ERROR, "event loop task failed: " + x, x);
        }
    }
}

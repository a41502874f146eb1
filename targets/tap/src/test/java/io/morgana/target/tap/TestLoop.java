package io.morgana.target.tap;

import io.morgana.runtime.EventLoop;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** A plain event loop for driver tests that do not boot the runtime: one thread, tasks and timers. */
final class TestLoop implements EventLoop, AutoCloseable {
    private final ScheduledThreadPoolExecutor executor;
    private volatile Thread thread;

    TestLoop() {
        executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = Thread.ofPlatform().name("test-loop").daemon(true).unstarted(r);
            thread = t;
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
    }

    @Override public long nanoTime() { return System.nanoTime(); }

    @Override public void execute(Runnable task) { executor.execute(task); }

    @Override public Timer schedule(long deadlineNanos, Runnable task) {
        var f = executor.schedule(task, deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    @Override public boolean inLoop() { return Thread.currentThread() == thread; }

    @Override public void close() { executor.shutdownNow(); }
}

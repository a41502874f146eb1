package io.morgana.runtime;

import java.util.concurrent.Executor;

/**
 * One thread that owns a network stack: it runs posted tasks and timers in order, so protocol
 * state needs no locks. Application code never runs on it; virtual threads park on conditions the
 * loop signals. A simulated implementation runs on virtual time (tests).
 */
public interface EventLoop extends Executor {

    /** Now, in monotonic nanoseconds on this loop's clock (virtual under simulation). */
    long nanoTime();

    /** Runs {@code task} on the loop thread soon; callable from any thread. */
    @Override void execute(Runnable task);

    /** Runs {@code task} on the loop thread at {@code deadlineNanos} (on {@link #nanoTime()}'s scale). */
    Timer schedule(long deadlineNanos, Runnable task);

    /** Whether the caller is the loop thread. */
    boolean inLoop();

    /** A scheduled task; cancelling a task that already ran does nothing. */
    interface Timer {
        void cancel();
    }
}

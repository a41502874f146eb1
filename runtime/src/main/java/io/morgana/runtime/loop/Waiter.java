package io.morgana.runtime.loop;

import io.morgana.runtime.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Where an application (virtual) thread parks until the event loop says something changed: the
 * bridge between blocking-style code and a loop that owns protocol state.
 *
 * <p>Use: the loop changes state inside {@link #update} (or changes it, then calls {@link #signal});
 * a virtual thread calls {@link #await} with a condition over that state. The condition is evaluated
 * under the waiter's lock, and {@code update} holds the same lock, so it sees the loop's writes
 * without further volatile fields.
 *
 * <pre>{@code
 * // loop thread, data arrived:       waiter.update(() -> buffered += n);
 * // virtual thread, in Flow.read:    if (!waiter.await(() -> buffered > 0 || closed, deadline)) throw timeout;
 * }</pre>
 *
 * <p>Deadlines are on the loop's {@link EventLoop#nanoTime()}. On a {@link SimulatedLoop} a
 * participant thread waits on virtual time and gives the loop the baton while it waits (see there).
 */
public final class Waiter {

    private final EventLoop loop;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<SimulatedLoop.Participant> parked = new ArrayList<>(1);

    public Waiter(EventLoop loop) { this.loop = loop; }

    /** Runs {@code change} under the waiter's lock, then wakes the waiting threads. */
    public void update(Runnable change) {
        lock.lock();
        try {
            change.run();
            wakeAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiting thread so it re-checks its condition. Callable from any thread. */
    public void signal() {
        lock.lock();
        try {
            wakeAll();
        } finally {
            lock.unlock();
        }
    }

    private void wakeAll() {
        changed.signalAll();
        if (!parked.isEmpty() && loop instanceof SimulatedLoop sim) {
            for (SimulatedLoop.Participant p : parked) sim.makeRunnable(p);
            parked.clear();
        }
    }

    /** Blocks until {@code ready} holds. */
    public void await(BooleanSupplier ready) throws InterruptedException {
        await(ready, Long.MAX_VALUE);
    }

    /**
     * Blocks until {@code ready} holds (returns true) or the loop's clock reaches
     * {@code deadlineNanos} (returns false; {@link Long#MAX_VALUE} waits for ever).
     *
     * @throws IllegalStateException if called on the loop thread (it would wait on itself)
     */
    public boolean await(BooleanSupplier ready, long deadlineNanos) throws InterruptedException {
        if (loop.inLoop()) throw new IllegalStateException("Waiter.await on the event loop thread would block the loop");
        SimulatedLoop.Participant p = loop instanceof SimulatedLoop sim ? sim.participant() : null;
        if (p != null) return awaitInSimulation((SimulatedLoop) loop, p, ready, deadlineNanos);
        boolean virtualTime = loop instanceof SimulatedLoop;
        lock.lock();
        try {
            EventLoop.Timer timer = null;
            try {
                while (!ready.getAsBoolean()) {
                    long left = deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadlineNanos - loop.nanoTime();
                    if (left <= 0) return false;
                    if (left == Long.MAX_VALUE) changed.await();
                    else if (!virtualTime) changed.awaitNanos(left);
                    else {
                        if (timer == null) timer = loop.schedule(deadlineNanos, this::signal);
                        changed.await();
                    }
                }
                return true;
            } finally {
                if (timer != null) timer.cancel();
            }
        } finally {
            lock.unlock();
        }
    }

    private boolean awaitInSimulation(SimulatedLoop sim, SimulatedLoop.Participant p, BooleanSupplier ready, long deadline) {
        EventLoop.Timer timer = null;
        try {
            while (true) {
                lock.lock();
                try {
                    if (ready.getAsBoolean()) return true;
                    if (deadline != Long.MAX_VALUE && sim.nanoTime() >= deadline) return false;
                    parked.add(p);
                } finally {
                    lock.unlock();
                }
                if (timer == null && deadline != Long.MAX_VALUE) timer = sim.schedule(deadline, this::signal);
                sim.park(p);
            }
        } finally {
            if (timer != null) timer.cancel();
        }
    }
}

package io.morgana.http;

import io.morgana.api.Clock;
import io.morgana.api.Flow;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The read deadlines of all of a server's connections, enforced by one sweeping task rather than
 * a timer armed and cancelled around every read. A connection states its deadline before it
 * blocks in {@link Flow#read} and withdraws it when the read returns; each period the sweeper
 * ends the reads whose deadline has passed by shutting their input down (the read returns end of
 * stream) and the connection learns from the withdrawal that its read timed out. The sweeper runs
 * on a virtual thread while any connection is registered and ends when none is.
 */
final class ReadDeadlines {
    private static final long NONE = 0;
    private static final long EXPIRED = Long.MIN_VALUE;

    private final Clock clock;
    private final long periodMillis;
    private final Set<Reader> readers = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private final AtomicInteger sweepers = new AtomicInteger();

    /** {@code periodMillis}: how often deadlines are checked, so how late a timeout may fire. */
    ReadDeadlines(Clock clock, long periodMillis) {
        this.clock = clock;
        this.periodMillis = Math.max(1, periodMillis);
    }

    /** A connection's reads under this sweeper, until {@link Reader#close()}. */
    Reader register(Flow flow) {
        Reader r = new Reader(flow);
        readers.add(r);
        if (sweeping.compareAndSet(false, true)) {
            sweepers.incrementAndGet();
            Thread.ofVirtual().name("http-read-deadlines").start(this::sweep);
        }
        return r;
    }

    /** Connections registered now (tests). */
    int registered() { return readers.size(); }

    /** Whether a sweeper is running, and how many have been started (tests). */
    boolean sweeping() { return sweeping.get(); }
    int sweepersStarted() { return sweepers.get(); }

    private void sweep() {
        while (true) {
            try {
                Thread.sleep(periodMillis);
            } catch (InterruptedException e) {
                sweeping.set(false);
                return;
            }
            if (readers.isEmpty()) {
                sweeping.set(false);
                // A connection that registered just now either saw us still sweeping (and relies on
                // us) or started its own sweeper: carry on only in the first case.
                if (readers.isEmpty() || !sweeping.compareAndSet(false, true)) return;
            }
            long now = clock.nanoTime();
            for (Reader r : readers) {
                long d = r.deadline.get();
                if (d != NONE && d != EXPIRED && now - d >= 0 && r.deadline.compareAndSet(d, EXPIRED)) r.expire();
            }
        }
    }

    /** One connection's reads with deadlines. */
    final class Reader implements AutoCloseable {
        private final Flow flow;
        private final AtomicLong deadline = new AtomicLong(NONE);

        private Reader(Flow flow) { this.flow = flow; }

        /**
         * Reads into {@code dst} as {@link Flow#read} does, but throws {@link SocketTimeoutException}
         * if {@code deadlineNanos} (on the server's clock) passes first. After a timeout the flow's
         * input is shut down: later reads return end of stream at once.
         */
        int read(ByteBuffer dst, long deadlineNanos) throws IOException {
            if (deadlineNanos - clock.nanoTime() <= 0) throw new SocketTimeoutException("read deadline passed");
            if (deadline.get() == EXPIRED) throw new SocketTimeoutException("read deadline passed");
            deadline.set(deadlineNanos == NONE || deadlineNanos == EXPIRED ? deadlineNanos + 1 : deadlineNanos);
            int n;
            try {
                n = flow.read(dst);
            } catch (IOException e) {
                if (!withdraw()) throw new SocketTimeoutException("read deadline passed");
                throw e;
            }
            if (!withdraw()) throw new SocketTimeoutException("read deadline passed");
            return n;
        }

        /** Takes the deadline back; false if the sweeper expired it first. */
        private boolean withdraw() {
            long d = deadline.get();
            return d != EXPIRED && deadline.compareAndSet(d, NONE);
        }

        private void expire() {
            try {
                flow.shutdownInput();
            } catch (IOException e) {
                // already closed: the read has ended or is about to
            }
        }

        @Override public void close() { readers.remove(this); }
    }
}

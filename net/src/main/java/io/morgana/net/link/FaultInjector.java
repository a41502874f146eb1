package io.morgana.net.link;

import io.morgana.net.util.TokenBucket;
import io.morgana.net.util.Counter;
import io.morgana.net.util.Counters;
import io.morgana.runtime.EventLoop;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Middleware that drops, duplicates, reorders and corrupts frames and limits the rate, in both
 * directions, with seeded randomness so that a run can be repeated ({@code --link-drop},
 * {@code --link-seed}, …). Counts what it did under {@code link.fault.*}. Loop thread only. It
 * offers the stack no offloads, whatever the link below does: the stack then sends and verifies
 * every frame itself, so a run stays exact and a corrupted frame is caught.
 */
public final class FaultInjector extends LinkFilter {
    private static final long REORDER_HOLD_NANOS = 5_000_000L;

    private final Faults faults;
    private final SplittableRandom random;
    private final Direction up = new Direction(true), down = new Direction(false);
    private final Counter dropped, duplicated, reordered, corrupted, limited;

    public FaultInjector(Link inner, Faults faults, Counters counters) {
        super(inner);
        this.faults = faults;
        this.random = new SplittableRandom(faults.seed());
        dropped = counters.counter("link.fault.dropped");
        duplicated = counters.counter("link.fault.duplicated");
        reordered = counters.counter("link.fault.reordered");
        corrupted = counters.counter("link.fault.corrupted");
        limited = counters.counter("link.fault.rate-limited");
    }

    @Override public void start(EventLoop loop, Receiver receiver) {
        super.start(loop, receiver);
        up.rate = new TokenBucket(faults.bytesPerSecond(), burst(), loop.nanoTime());
        down.rate = new TokenBucket(faults.bytesPerSecond(), burst(), loop.nanoTime());
    }

    private double burst() { return Math.max(faults.bytesPerSecond() / 20.0, 2 * 1514); }

    @Override protected void onReceive(ByteBuffer frame) { up.pass(frame); }

    /** Frames pass up as if unverified (checksums completed), so that corruption is caught above. */
    @Override protected void onReceiveVerified(ByteBuffer frame, boolean partial) {
        if (partial) Offloads.completeChecksum(frame);
        up.pass(frame);
    }

    @Override public boolean send(ByteBuffer frame) {
        down.pass(frame);
        return true;
    }

    /** Never called by a stack above (no offloads offered); done in software if it is. */
    @Override public boolean sendOffloaded(ByteBuffer frame, int segmentSize) {
        return Offloads.sendInSoftware(this, frame, segmentSize);
    }

    /** None: the faults apply frame by frame to what would be on the wire, as in a simulation. */
    @Override public Set<Offload> offloads() { return Set.of(); }

    /** One direction's state: its token bucket and the frame held back for reordering. */
    private final class Direction {
        final boolean receiving;
        final ByteBuffer scratch = ByteBuffer.allocate(65_536 + 64);
        ByteBuffer held;
        EventLoop.Timer heldTimer;
        TokenBucket rate;

        Direction(boolean receiving) { this.receiving = receiving; }

        void pass(ByteBuffer frame) {
            int n = frame.remaining();
            if (faults.bytesPerSecond() > 0 && !rate.take(loop.nanoTime(), n)) {
                limited.inc();
                return;
            }
            if (faults.drop() > 0 && random.nextDouble() < faults.drop()) {
                dropped.inc();
                return;
            }
            if (faults.corrupt() > 0 && random.nextDouble() < faults.corrupt() && n > 0) {
                scratch.clear();
                scratch.put(0, frame, frame.position(), n);
                int bit = random.nextInt(n * 8);
                scratch.put(bit / 8, (byte) (scratch.get(bit / 8) ^ (1 << (bit % 8))));
                frame = scratch.limit(n);
                corrupted.inc();
            }
            if (faults.reorder() > 0 && held == null && random.nextDouble() < faults.reorder()) {
                byte[] copy = new byte[n];
                frame.get(frame.position(), copy);
                held = ByteBuffer.wrap(copy);
                reordered.inc();
                heldTimer = loop.schedule(loop.nanoTime() + REORDER_HOLD_NANOS, this::releaseHeld);
                return;
            }
            boolean dup = faults.duplicate() > 0 && random.nextDouble() < faults.duplicate();
            int pos = frame.position(), lim = frame.limit();
            emit(frame);
            if (dup) {
                duplicated.inc();
                frame.limit(lim).position(pos);
                emit(frame);
            }
            if (held != null) {
                heldTimer.cancel();
                releaseHeld();
            }
        }

        void releaseHeld() {
            ByteBuffer h = held;
            held = null;
            if (h != null) emit(h);
        }

        void emit(ByteBuffer frame) {
            if (receiving) upper.receive(frame);
            else inner.send(frame);
        }
    }
}

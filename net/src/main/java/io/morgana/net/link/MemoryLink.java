package io.morgana.net.link;

import io.morgana.api.MacAddress;
import io.morgana.runtime.EventLoop;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * One end of an in-memory cable between two stacks, for tests and simulation: a frame sent on one
 * end arrives at the other after the serialisation time at the configured bandwidth plus the
 * latency, on the receiving end's loop (virtual time under a simulated loop). Frames queue behind
 * each other like on a real wire; a queue longer than {@code queueNanos} of transmission drops.
 */
public final class MemoryLink implements Link {
    private final MacAddress mac;
    private final int mtu;
    private final long latencyNanos;
    private final long bitsPerSecond;
    private final long queueNanos;
    private MemoryLink peer;
    private EventLoop loop;
    private Receiver receiver;
    private long busyUntil;
    private volatile boolean closed;
    private Consumer<ByteBuffer> tap = f -> {};

    private MemoryLink(MacAddress mac, int mtu, long latencyNanos, long bitsPerSecond, long queueNanos) {
        this.mac = mac;
        this.mtu = mtu;
        this.latencyNanos = latencyNanos;
        this.bitsPerSecond = bitsPerSecond;
        this.queueNanos = queueNanos;
    }

    /** Two connected ends. {@code bitsPerSecond} 0 means no bandwidth limit. */
    public static MemoryLink[] pair(MacAddress a, MacAddress b, int mtu, long latencyNanos, long bitsPerSecond) {
        MemoryLink x = new MemoryLink(a, mtu, latencyNanos, bitsPerSecond, 1_000_000_000L);
        MemoryLink y = new MemoryLink(b, mtu, latencyNanos, bitsPerSecond, 1_000_000_000L);
        x.peer = y;
        y.peer = x;
        return new MemoryLink[] {x, y};
    }

    /** Two connected ends, 1500 MTU, 10 µs latency, no bandwidth limit. */
    public static MemoryLink[] pair(MacAddress a, MacAddress b) { return pair(a, b, 1500, 10_000, 0); }

    @Override public MacAddress mac() { return mac; }

    @Override public int mtu() { return mtu; }

    @Override public void start(EventLoop loop, Receiver receiver) {
        this.loop = loop;
        this.receiver = receiver;
    }

    /** Sees every frame sent from this end (tests). Loop thread. */
    public void onSend(Consumer<ByteBuffer> observer) { tap = observer; }

    @Override public boolean send(ByteBuffer frame) {
        if (closed) return false;
        byte[] copy = new byte[frame.remaining()];
        frame.get(frame.position(), copy);
        tap.accept(ByteBuffer.wrap(copy).asReadOnlyBuffer());
        MemoryLink to = peer;
        if (to.loop == null || to.closed) return true; // nobody listening: the frame is lost on the wire
        long now = loop != null ? loop.nanoTime() : to.loop.nanoTime();
        long start = Math.max(now, busyUntil);
        if (start - now > queueNanos) return false;
        long wire = bitsPerSecond == 0 ? 0 : copy.length * 8L * 1_000_000_000L / bitsPerSecond;
        busyUntil = start + wire;
        to.loop.schedule(busyUntil + latencyNanos, () -> to.deliver(copy));
        return true;
    }

    /** Delivers {@code frame} to this end's stack as if it came off the wire, now. Loop thread. */
    public void inject(byte[] frame) { deliver(frame); }

    private void deliver(byte[] frame) {
        if (closed || receiver == null) return;
        receiver.receive(ByteBuffer.wrap(frame));
        receiver.endOfBatch();
    }

    @Override public void close() { closed = true; }
}

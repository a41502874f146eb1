package io.morgana.target.tap;

import io.morgana.api.MacAddress;
import io.morgana.net.link.Link;
import io.morgana.runtime.EventLoop;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Link} over a {@link TapDevice}.
 *
 * <p>Receive: a platform reader thread waits in {@code poll(2)}, then reads frames (one
 * {@code read(2)} each, until the queue is empty) into a fixed pool of off-heap slots and hands
 * them to the event loop through a bounded ready queue; one posted task drains every ready slot,
 * calls the receiver for each, then {@link Receiver#endOfBatch()}, and returns the slots to the
 * pool. No allocation per frame. When the stack falls behind and the pool is empty, the reader
 * stops reading: the kernel's TAP queue fills and the kernel drops (visible as tx drops of the
 * host interface), which is where a NIC would drop too.
 *
 * <p>Send: on the loop thread, one {@code write(2)} per frame, straight from a direct buffer or
 * through one reused off-heap transmit buffer. A full kernel queue drops the frame (counted).
 */
public final class TapLink implements Link {

    /** Frames the reader may have in flight towards the loop. */
    static final int SLOTS = 256;
    /** Frames read per wake-up before the reader lets the loop catch up. */
    static final int BATCH = 64;

    private final TapDevice device;
    private final MacAddress mac;
    private final int frameSize;
    private final ArrayBlockingQueue<Slot> free = new ArrayBlockingQueue<>(SLOTS);
    private final ArrayBlockingQueue<Slot> ready = new ArrayBlockingQueue<>(SLOTS);
    private final AtomicBoolean drainPosted = new AtomicBoolean();
    private final MemorySegment txSegment;
    private final AtomicLong rxFrames = new AtomicLong(), rxTruncated = new AtomicLong();
    private long txFrames, txDropped, txTooBig;
    private final Runnable drain = this::drain;
    private EventLoop loop;
    private Receiver receiver;
    private Thread reader;
    private volatile Runnable onLinkUp;
    private boolean wasUp;
    private long nextStateCheck;
    private volatile boolean closed;

    private static final class Slot {
        final MemorySegment segment;
        final ByteBuffer buffer;
        int length;

        Slot(MemorySegment segment) {
            this.segment = segment;
            this.buffer = segment.asByteBuffer();
        }
    }

    /**
     * @param device the opened TAP device (this link closes it)
     * @param mac    our Ethernet address on the link
     */
    public TapLink(TapDevice device, MacAddress mac) {
        this.device = device;
        this.mac = mac;
        // Room for the largest frame the interface may hand us: MTU, Ethernet header, a VLAN tag, offload header.
        this.frameSize = Math.max(2048, device.mtu() + 14 + 4 + device.vnetHeaderLength());
        Arena arena = Arena.ofAuto();
        MemorySegment pool = arena.allocate((long) frameSize * SLOTS, 64);
        for (int i = 0; i < SLOTS; i++) free.add(new Slot(pool.asSlice((long) i * frameSize, frameSize)));
        txSegment = arena.allocate(65536 + 18, 64);
    }

    /** A random locally administered unicast address (bit 1 of the first octet set, bit 0 clear). */
    public static MacAddress randomMac(io.morgana.api.Random random) {
        byte[] b = new byte[6];
        random.nextBytes(b);
        b[0] = (byte) ((b[0] & 0xfc) | 0x02);
        return MacAddress.of(b);
    }

    public TapDevice device() { return device; }

    @Override public MacAddress mac() { return mac; }

    @Override public int mtu() { return device.mtu(); }

    /**
     * Runs {@code listener} on the loop whenever the host side of the interface comes back up after
     * being down (checked about once a second), so DHCP can verify its lease (INIT-REBOOT).
     */
    public void onLinkUp(Runnable listener) { onLinkUp = listener; }

    /** About once a second, from the reader thread: notices the host side going down and up again. */
    private void checkLinkState() {
        long now = System.nanoTime();
        if (now < nextStateCheck) return;
        nextStateCheck = now + 1_000_000_000L;
        boolean up = device.up();
        Runnable l = onLinkUp;
        if (up && !wasUp && l != null) {
            try {
                loop.execute(l);
            } catch (RuntimeException e) {
                // loop closed: nobody to tell
            }
        }
        wasUp = up;
    }

    @Override public void start(EventLoop loop, Receiver receiver) {
        if (this.loop != null) throw new IllegalStateException("link already started");
        this.loop = loop;
        this.receiver = receiver;
        wasUp = device.up();
        reader = Thread.ofPlatform().name("tap-rx-" + device.name()).daemon(true).start(this::readLoop);
    }

    private void readLoop() {
        int batch = 0;
        while (!closed) {
            Slot s = free.poll();
            if (s == null) {
                post();
                try {
                    s = free.take(); // the loop is behind: leave frames in the kernel's queue
                } catch (InterruptedException e) {
                    return;
                }
            }
            int n = device.read(s.segment);
            if (n > 0) {
                if (n > frameSize) rxTruncated.incrementAndGet();
                s.length = Math.min(n, frameSize);
                rxFrames.incrementAndGet();
                ready.add(s); // cannot fail: at most SLOTS slots exist
                if (++batch >= BATCH) {
                    post();
                    batch = 0;
                }
                continue;
            }
            free.add(s);
            if (n < 0) return;
            post();
            batch = 0;
            checkLinkState();
            if (device.awaitReadable(1000) == TapDevice.Wait.CLOSED) return;
        }
    }

    private void post() {
        if (!ready.isEmpty() && drainPosted.compareAndSet(false, true)) {
            try {
                loop.execute(drain);
            } catch (RuntimeException e) { // loop closed: nothing will read again
                drainPosted.set(false);
            }
        }
    }

    private void drain() {
        drainPosted.set(false); // posts after this point schedule another drain
        Slot s;
        boolean any = false;
        while (!closed && (s = ready.poll()) != null) {
            any = true;
            s.buffer.clear().limit(s.length);
            try {
                receiver.receive(s.buffer);
            } finally {
                free.add(s);
            }
        }
        if (any) receiver.endOfBatch();
    }

    @Override public boolean send(ByteBuffer frame) {
        int len = frame.remaining();
        boolean ok;
        if (frame.isDirect()) {
            ok = device.write(MemorySegment.ofBuffer(frame), len);
        } else if (len > txSegment.byteSize()) {
            txTooBig++;
            return false;
        } else {
            if (frame.hasArray()) {
                MemorySegment.copy(frame.array(), frame.arrayOffset() + frame.position(), txSegment, ValueLayout.JAVA_BYTE, 0, len);
            } else {
                txSegment.asByteBuffer().put(frame.duplicate());
            }
            ok = device.write(txSegment, len);
        }
        if (ok) txFrames++; else txDropped++;
        return ok;
    }

    /** Driver counters ({@code tap.rx.frames}, {@code tap.tx.drop.queue-full}, …); read on the loop thread. */
    public Map<String, Long> counters() {
        Map<String, Long> m = new TreeMap<>();
        m.put("tap.rx.frames", rxFrames.get());
        m.put("tap.rx.truncated", rxTruncated.get());
        m.put("tap.tx.frames", txFrames);
        m.put("tap.tx.drop.queue-full", txDropped);
        m.put("tap.tx.drop.too-big", txTooBig);
        return m;
    }

    @Override public void close() {
        if (closed) return;
        closed = true;
        device.close();
        if (reader != null) {
            reader.interrupt();
            try {
                reader.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        device.release();
    }
}

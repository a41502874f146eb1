package io.morgana.target.tap;

import io.morgana.api.MacAddress;
import io.morgana.net.link.Link;
import io.morgana.runtime.EventLoop;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Link} over a {@link TapDevice}.
 *
 * <p>Receive: a platform reader thread waits in {@code poll(2)}, then reads frames (one
 * {@code read(2)} each, until the queue is empty) into a fixed pool of slots and hands them to the
 * event loop through a bounded ready queue; one posted task drains every ready slot, calls the
 * receiver for each, then {@link Receiver#endOfBatch()}, and returns the slots to the pool. No
 * allocation per frame. When the stack falls behind and the pool is empty, the reader stops
 * reading: the kernel's TAP queue fills and the kernel drops (visible as tx drops of the host
 * interface), which is where a NIC would drop too.
 *
 * <p>With the device's offloads ({@link TapDevice#offloads()}) the slots are up to 64 Java arrays
 * of 64 KiB and more, made as traffic first needs them and read into directly (the TCP layer then parses the array in place: one copy less), since
 * the kernel hands us TCP super-segments up to 64 KiB. A frame that fits the MTU (SYNs, ACKs,
 * requests) is copied into one of up to 256 small slots instead, and the large one is read into
 * again: a burst of small frames (the SYNs of clients retrying while the appliance boots) no longer
 * makes and keeps 64 KiB per frame. A frame whose {@link VirtioNetHeader} says
 * the kernel verified its checksum ({@code DATA_VALID}) or will never need one ({@code NEEDS_CSUM},
 * the checksum field then partial) goes up through {@link Receiver#receiveVerified}. Without,
 * 256 off-heap slots of one frame each.
 *
 * <p>Send: on the loop thread, one {@code write(2)} per frame, straight from a direct buffer or
 * through one reused off-heap transmit buffer; with offloads a {@code writev(2)} of a virtio-net
 * header and the frame, and {@link #sendOffloaded} hands the kernel partial checksums and TCP
 * super-segments to complete and cut ({@link #offloads()}). A full kernel queue drops the frame
 * (counted).
 */
public final class TapLink implements Link {
    private static final System.Logger LOG = System.getLogger("tap");

    /** Frames the reader may have in flight towards the loop (without offloads; with, {@link #SUPER_SLOTS}). */
    static final int SLOTS = 256;
    /** Slots of {@link #SUPER_SLOT_SIZE} bytes with offloads: 4 MiB of heap. */
    static final int SUPER_SLOTS = 64;
    /** A virtio-net header and the largest super-segment frame (64 KiB IP datagram, Ethernet and VLAN headers). */
    static final int SUPER_SLOT_SIZE = VirtioNetHeader.LENGTH + 65_535 + 14 + 4;
    /** Small slots (one frame of the MTU each) with offloads, made as traffic needs them. */
    static final int SMALL_SLOTS = 256;
    /** Frames read per wake-up before the reader lets the loop catch up. */
    static final int BATCH = 64;
    /** The same with offloads, where each frame may be 64 KiB. */
    static final int SUPER_BATCH = 8;

    private final TapDevice device;
    private final MacAddress mac;
    private final int frameSize;
    private final int headerLength;
    private final int batchLimit;
    /** The MTU when the link was made: what tells a super-segment from a frame, without an ioctl per frame. */
    private final int linkMtu;
    private final ArrayBlockingQueue<Slot> free;
    /** Free small slots (offloads only; null without). */
    private final ArrayBlockingQueue<Slot> smallFree;
    private final ArrayBlockingQueue<Slot> ready;
    /** Heap slots, large and small, the reader may make in all (offloads only; 0 without). */
    private final int largeSlotLimit, smallSlotLimit;
    /** The size of a small slot: a header and a frame of the MTU with a VLAN tag (offloads only). */
    private final int smallFrameSize;
    /** Heap slots the reader has made (its thread writes, {@link #counters} reads). */
    private volatile int largeSlotsMade, smallSlotsMade;
    private final AtomicBoolean drainPosted = new AtomicBoolean();
    private final MemorySegment txSegment;
    /** The virtio-net header of an offloaded frame being sent (offloads only). */
    private final MemorySegment txHeader;
    /** The all-zero header ({@link VirtioNetHeader#NONE}) of every plain frame, written once. */
    private final MemorySegment plainHeader;
    private final AtomicLong rxFrames = new AtomicLong(), rxTruncated = new AtomicLong();
    private long txFrames, txDropped, txTooBig, txOffloaded;
    private long rxVerified, rxPartial, rxSuper;
    private final Runnable drain = this::drain;
    private EventLoop loop;
    private Receiver receiver;
    private Thread reader;
    private volatile Runnable onLinkUp;
    private boolean wasUp;
    private long nextStateCheck;
    private volatile boolean closed;

    /** One frame's room: what the device reads into, and the frame (after the header) as a buffer. */
    private static final class Slot {
        final MemorySegment segment;
        final ByteBuffer buffer;
        final boolean small;
        int length;

        Slot(MemorySegment segment, int headerLength, boolean small) {
            this.segment = segment;
            this.buffer = segment.asByteBuffer().slice(headerLength, (int) segment.byteSize() - headerLength);
            this.small = small;
        }
    }

    /**
     * @param device the opened TAP device (this link closes it)
     * @param mac    our Ethernet address on the link
     */
    public TapLink(TapDevice device, MacAddress mac) {
        this.device = device;
        this.mac = mac;
        this.headerLength = device.vnetHeaderLength();
        this.batchLimit = device.offloads() ? SUPER_BATCH : BATCH;
        this.linkMtu = device.mtu();
        Arena arena = Arena.ofAuto();
        int slots;
        if (device.offloads()) {
            slots = SUPER_SLOTS;
            frameSize = Math.max(SUPER_SLOT_SIZE, device.mtu() + 14 + 4 + headerLength);
        } else {
            // Room for the largest frame the interface may hand us: MTU, Ethernet header, a VLAN tag.
            slots = SLOTS;
            frameSize = Math.max(2048, device.mtu() + 14 + 4 + headerLength);
        }
        free = new ArrayBlockingQueue<>(slots);
        if (device.offloads()) {
            // Made as traffic needs them (the reader's job), so a quiet appliance keeps its 4 MiB.
            largeSlotLimit = slots;
            smallSlotLimit = SMALL_SLOTS;
            smallFree = new ArrayBlockingQueue<>(SMALL_SLOTS);
            smallFrameSize = headerLength + 14 + 4 + linkMtu;
            ready = new ArrayBlockingQueue<>(slots + SMALL_SLOTS);
        } else {
            largeSlotLimit = 0;
            smallSlotLimit = 0;
            smallFree = null;
            smallFrameSize = 0;
            ready = new ArrayBlockingQueue<>(slots);
            MemorySegment pool = arena.allocate((long) frameSize * slots, 64);
            for (int i = 0; i < slots; i++) free.add(new Slot(pool.asSlice((long) i * frameSize, frameSize), 0, false));
        }
        txSegment = arena.allocate(VirtioNetHeader.LENGTH + 65536 + 18, 64);
        txHeader = arena.allocate(VirtioNetHeader.LENGTH, 8);
        plainHeader = arena.allocate(VirtioNetHeader.LENGTH, 8); // zeroed: NONE
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
            if (s == null && largeSlotsMade < largeSlotLimit) {
                largeSlotsMade++; // the reader thread is the only writer
                s = new Slot(MemorySegment.ofArray(new byte[frameSize]), headerLength, false);
            }
            if (s == null) {
                post();
                try {
                    s = free.take(); // the loop is behind: leave frames in the kernel's queue
                } catch (InterruptedException e) {
                    return;
                }
            }
            int n = device.read(s.segment);
            if (n > headerLength) {
                if (n > frameSize) rxTruncated.incrementAndGet();
                s.length = Math.min(n, frameSize) - headerLength;
                rxFrames.incrementAndGet();
                Slot small = n <= smallFrameSize ? smallSlot() : null;
                if (small != null) { // a frame of the MTU: keep the large slot for the next read
                    MemorySegment.copy(s.segment, 0, small.segment, 0, n);
                    small.length = s.length;
                    free.add(s);
                    s = small;
                }
                ready.add(s); // cannot fail: it has room for every slot there is
                if (++batch >= batchLimit) {
                    post();
                    batch = 0;
                }
                continue;
            }
            free.add(s);
            if (n < 0) return;
            if (n > 0) continue; // a header without a frame: nothing to deliver
            post();
            batch = 0;
            checkLinkState();
            switch (device.awaitReadable(1000)) {
                case CLOSED -> {
                    return;
                }
                case GONE -> {
                    LOG.log(System.Logger.Level.ERROR, "TAP interface " + device.name()
                            + " was deleted on the host; no more frames will pass (restart to attach again)");
                    return;
                }
                case READABLE, TIMEOUT -> { }
            }
        }
    }

    /** A free small slot, made if fewer than {@link #SMALL_SLOTS} exist; null without offloads or when all are in flight. */
    private Slot smallSlot() {
        if (smallFree == null) return null;
        Slot s = smallFree.poll();
        if (s == null && smallSlotsMade < smallSlotLimit) {
            smallSlotsMade++; // the reader thread is the only writer
            s = new Slot(MemorySegment.ofArray(new byte[smallFrameSize]), headerLength, true);
        }
        return s;
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
                int flags = headerLength == 0 ? 0 : VirtioNetHeader.flags(s.segment, 0);
                if ((flags & (VirtioNetHeader.NEEDS_CSUM | VirtioNetHeader.DATA_VALID)) != 0) {
                    boolean partial = (flags & VirtioNetHeader.NEEDS_CSUM) != 0;
                    rxVerified++;
                    if (partial) rxPartial++;
                    if (s.length > 14 + linkMtu) rxSuper++;
                    receiver.receiveVerified(s.buffer, partial);
                } else {
                    receiver.receive(s.buffer);
                }
            } finally {
                (s.small ? smallFree : free).add(s);
            }
        }
        if (any) receiver.endOfBatch();
    }

    /** Checksum and TCP segmentation by the kernel when the device has offloads; none otherwise. */
    @Override public Set<Offload> offloads() {
        return device.offloads() ? EnumSet.of(Offload.RX_CHECKSUM, Offload.TX_CHECKSUM, Offload.TSO) : Set.of();
    }

    @Override public boolean send(ByteBuffer frame) { return write(plainHeader, frame); }

    /**
     * Hands the kernel an IPv4 TCP or UDP frame with a partial checksum ({@code NEEDS_CSUM} with
     * where the checksum starts and sits) and, for a TCP super-segment, {@code GSO_TCPV4} with the
     * segment size. Without offloads, as the {@link Link} default: completed and cut here.
     */
    @Override public boolean sendOffloaded(ByteBuffer frame, int segmentSize) {
        if (!device.offloads()) return Link.super.sendOffloaded(frame, segmentSize);
        int p = frame.position();
        int ihl = (frame.get(p + 14) & 0x0f) * 4;
        int proto = frame.get(p + 14 + 9) & 0xff;
        int start = 14 + ihl;
        int thl = proto == 6 ? (frame.get(p + start + 12) & 0xf0) >>> 2 : 8;
        // Cut whenever the payload exceeds a segment, even if the frame fits the link (a lower path MTU).
        boolean cut = segmentSize > 0 && frame.remaining() - start - thl > segmentSize;
        VirtioNetHeader.write(txHeader, 0, VirtioNetHeader.NEEDS_CSUM, cut ? VirtioNetHeader.GSO_TCPV4 : VirtioNetHeader.GSO_NONE,
                start + thl, cut ? segmentSize : 0, start, proto == 6 ? 16 : 6);
        txOffloaded++;
        return write(txHeader, frame);
    }

    /**
     * Writes {@code header} (with offloads; ignored without) and the frame. Each way of writing is
     * a method of its own: C1 compiles a method with every FFM call inlined into it, and this one
     * with all three ways needed over 5 MB of compiler memory, past the launcher's cap, so every
     * frame sent went through the interpreter.
     */
    private boolean write(MemorySegment header, ByteBuffer frame) {
        int ok = frame.isDirect() ? writeDirect(header, frame) : writeCopied(header, frame);
        if (ok > 0) txFrames++;
        else if (ok == 0) txDropped++;
        else txTooBig++;
        return ok > 0;
    }

    /** A frame in native memory: {@code writev} of the header and the frame, or {@code write} of the frame. 1 sent, 0 dropped. */
    private int writeDirect(MemorySegment header, ByteBuffer frame) {
        int len = frame.remaining();
        MemorySegment f = MemorySegment.ofBuffer(frame);
        return (headerLength > 0 ? device.write(header, f, len) : device.write(f, len)) ? 1 : 0;
    }

    /** A frame in a Java array, copied behind the header into the transmit buffer. 1 sent, 0 dropped, -1 too big. */
    private int writeCopied(MemorySegment header, ByteBuffer frame) {
        int len = frame.remaining();
        if (headerLength + len > txSegment.byteSize()) return -1;
        if (headerLength > 0) MemorySegment.copy(header, 0, txSegment, 0, headerLength);
        MemorySegment.copy(MemorySegment.ofBuffer(frame), 0, txSegment, headerLength, len);
        return device.write(txSegment, headerLength + len) ? 1 : 0;
    }

    /** Driver counters ({@code tap.rx.frames}, {@code tap.tx.drop.queue-full}, …); read on the loop thread. */
    public Map<String, Long> counters() {
        Map<String, Long> m = new TreeMap<>();
        m.put("tap.rx.frames", rxFrames.get());
        m.put("tap.rx.truncated", rxTruncated.get());
        m.put("tap.tx.frames", txFrames);
        m.put("tap.tx.drop.queue-full", txDropped);
        m.put("tap.tx.drop.too-big", txTooBig);
        m.put("tap.tx.offloaded", txOffloaded);
        m.put("tap.rx.verified", rxVerified);
        m.put("tap.rx.partial", rxPartial);
        m.put("tap.rx.super", rxSuper);
        m.put("tap.rx.slots.large", (long) largeSlotsMade);
        m.put("tap.rx.slots.small", (long) smallSlotsMade);
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

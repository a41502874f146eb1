package io.morgana.net.link;

import io.morgana.api.MacAddress;
import io.morgana.runtime.EventLoop;
import java.nio.ByteBuffer;
import java.util.Set;

/**
 * A frame-level network device: Ethernet II frames in and out (no preamble, no FCS). Drivers (TAP,
 * the in-memory link of tests) implement it, and middleware (pcap writer, fault injector) wraps
 * any link in another.
 *
 * <p>Threading and buffers, chosen so that a frame costs no allocation and no lock:
 * <ul>
 *   <li>{@link #start} is called once, on the loop thread. From then on the link calls its
 *       {@link Receiver} only on that loop's thread (a driver with a blocking reader thread posts
 *       batches of frames to the loop with {@link EventLoop#execute}).</li>
 *   <li>A received frame is the buffer's bytes from position to limit. The buffer belongs to the
 *       link (typically a pooled off-heap buffer it read into) and is valid only during the
 *       {@link Receiver#receive} call: the stack parses in place and copies what it keeps. The
 *       stack may move the buffer's position and limit, never its contents beyond them.</li>
 *   <li>{@link #send} is called on the loop thread only. The frame is the bytes from position to
 *       limit; the link writes or copies them before returning and does not keep the buffer, so
 *       the stack reuses one transmit buffer for every frame.</li>
 * </ul>
 */
public interface Link extends AutoCloseable {

    /** Our Ethernet address on this link. */
    MacAddress mac();

    /** The largest Ethernet payload (IP datagram) the link carries, typically 1500. */
    int mtu();

    /**
     * Starts delivering received frames to {@code receiver} on {@code loop}'s thread. Called once,
     * on the loop thread.
     */
    void start(EventLoop loop, Receiver receiver);

    /**
     * Sends one frame (position to limit). Loop thread only; does not keep {@code frame}. Returns
     * false when the frame was dropped (queue full, link closed); the caller counts it.
     */
    boolean send(ByteBuffer frame);

    /**
     * Sends a frame whose work the stack left to the link, as {@link #offloads()} allowed: an
     * IPv4 TCP or UDP frame whose transport checksum field holds only the pseudo-header sum (a
     * <em>partial</em> checksum, see {@link Offloads}) for the link to complete
     * ({@link Offload#TX_CHECKSUM}); with {@code segmentSize > 0}, a TCP super-segment longer than
     * the MTU for the link to cut into segments of that many payload bytes ({@link Offload#TSO}).
     * Same rules as {@link #send}. The default does both in software ({@link Offloads}), so a
     * link that offers nothing still sends what a kernel would have.
     */
    default boolean sendOffloaded(ByteBuffer frame, int segmentSize) {
        return Offloads.sendInSoftware(this, frame, segmentSize);
    }

    /**
     * What the link does for the stack (checksums, segmentation). Empty: the stack does
     * everything and never calls {@link #sendOffloaded}. Middleware that changes frames (the
     * fault injector) offers none, so that what it does stays exact.
     */
    default Set<Offload> offloads() { return Set.of(); }

    /**
     * Stops delivering and releases the device. Any thread (the runtime closes the stack at
     * shutdown from its own thread); idempotent; never throws.
     */
    @Override void close();

    /** Where a link delivers received frames. */
    interface Receiver {

        /** One frame, position to limit, valid only during the call (see {@link Link}). */
        void receive(ByteBuffer frame);

        /**
         * A frame whose IPv4 transport checksum the link vouches for ({@link Offload#RX_CHECKSUM}):
         * the host verified it, or the frame comes from the host's own stack and never crossed a
         * wire, in which case ({@code partial}) its checksum field holds only the pseudo-header
         * sum. Such a frame may be a TCP super-segment longer than the MTU (the host's TSO). The
         * default completes a partial checksum and passes the frame to {@link #receive}, so a
         * receiver that verifies everything still sees a correct frame.
         */
        default void receiveVerified(ByteBuffer frame, boolean partial) {
            if (partial) Offloads.completeChecksum(frame);
            receive(frame);
        }

        /**
         * The end of a batch of frames delivered back to back (a driver that read several frames
         * in one wake-up calls this after the last), so a layer may coalesce its answers (e.g.
         * one TCP ACK for several segments). Optional for drivers.
         */
        default void endOfBatch() {}
    }

    /** Work a link can take off the stack. */
    enum Offload {
        /** Received frames may come through {@link Receiver#receiveVerified}. */
        RX_CHECKSUM,
        /** The link completes partial transport checksums of frames given to {@link #sendOffloaded}. */
        TX_CHECKSUM,
        /** The link cuts TCP super-segments given to {@link #sendOffloaded} (up to 64 KiB) into segments. */
        TSO
    }
}

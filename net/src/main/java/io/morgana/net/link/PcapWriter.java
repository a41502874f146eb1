package io.morgana.net.link;

import io.morgana.runtime.EventLoop;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Middleware that records every frame in and out in classic pcap format (microsecond timestamps,
 * link type Ethernet), readable by tcpdump, tshark and Wireshark ({@code --pcap=FILE}). Writes
 * through a buffer flushed at most a second after a frame and at close; a write error is logged
 * once and recording stops, the link goes on. Timestamps follow the loop's clock (virtual time
 * under simulation) from the wall-clock time at start.
 *
 * <p>Over a link with offloads (TAP with {@code IFF_VNET_HDR}) the file shows frames as the stack
 * and the host exchanged them, like tcpdump on a host with offloads: TCP super-segments up to
 * 64 KiB, and partial checksums that Wireshark flags as wrong (they are completed by the host).
 */
public final class PcapWriter extends LinkFilter {
    private static final System.Logger LOG = System.getLogger("link");
    /** tcpdump's default: whole frames, TSO super-segments (up to 64 KiB and headers) included. */
    private static final int SNAPLEN = 262_144;

    private final Path path;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(512 * 1024).order(ByteOrder.LITTLE_ENDIAN);
    private long epochBaseNanos;
    private boolean flushScheduled;
    private boolean failed;
    private boolean closed;

    /** Opens (truncates) {@code path} and writes the file header. */
    public PcapWriter(Link inner, Path path) throws IOException {
        super(inner);
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        buffer.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(SNAPLEN).putInt(1);
        flush();
    }

    @Override public void start(EventLoop loop, Receiver receiver) {
        epochBaseNanos = System.currentTimeMillis() * 1_000_000L - loop.nanoTime();
        super.start(loop, receiver);
    }

    @Override protected void onReceive(ByteBuffer frame) {
        record(frame);
        upper.receive(frame);
    }

    @Override protected void onReceiveVerified(ByteBuffer frame, boolean partial) {
        record(frame);
        upper.receiveVerified(frame, partial);
    }

    @Override public boolean send(ByteBuffer frame) {
        record(frame);
        return inner.send(frame);
    }

    @Override public boolean sendOffloaded(ByteBuffer frame, int segmentSize) {
        record(frame);
        return inner.sendOffloaded(frame, segmentSize);
    }

    // Synchronized with close(), which the runtime may call from another thread at shutdown.
    private synchronized void record(ByteBuffer frame) {
        if (failed || closed) return;
        int n = frame.remaining();
        int caplen = Math.min(n, SNAPLEN);
        if (buffer.remaining() < 16 + caplen) flush();
        long t = epochBaseNanos + loop.nanoTime();
        buffer.putInt((int) (t / 1_000_000_000L)).putInt((int) (t % 1_000_000_000L / 1000)).putInt(caplen).putInt(n);
        buffer.put(buffer.position(), frame, frame.position(), caplen);
        buffer.position(buffer.position() + caplen);
        if (!flushScheduled) {
            flushScheduled = true;
            loop.schedule(loop.nanoTime() + 1_000_000_000L, () -> {
                flushScheduled = false;
                flush();
            });
        }
    }

    private synchronized void flush() {
        if (failed) return;
        buffer.flip();
        try {
            while (buffer.hasRemaining()) channel.write(buffer);
        } catch (IOException e) {
            failed = true;
            LOG.log(System.Logger.Level.WARNING, "stopped writing " + path + ": " + e.getMessage());
        }
        buffer.clear();
    }

    @Override public void close() {
        closeFile();
        inner.close();
    }

    private synchronized void closeFile() {
        if (!closed) {
            flush();
            closed = true;
            try {
                channel.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "closing " + path + ": " + e.getMessage());
            }
        }
    }
}

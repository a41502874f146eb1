package io.morgana.target.unix;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.FlowInfo;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import jdk.net.ExtendedSocketOptions;

/**
 * A TCP connection over a host socket, a blocking {@link SocketChannel} used from virtual threads.
 * Writes go through the channel, so a direct or memory-mapped buffer (a file's bytes) reaches the
 * kernel without a copy on the heap. Reads go through the channel too, except while a read timeout
 * is set: then through the socket's stream, the one path on which the JDK honours a timeout.
 *
 * <p>What it can tell of itself ({@link #info()}) is what the JDK shows: the state as the
 * appliance drove it, the addresses, and the bytes moved; the kernel's counters (RTT, windows)
 * stay out of reach without native calls on the descriptor.
 */
final class UnixFlow implements Flow {

    private static final int CHUNK = 64 * 1024;
    private static final System.Logger LOG = System.getLogger("tcp");

    private final SocketChannel channel;
    private final InputStream timedIn;
    private final Endpoint local;
    private final Endpoint remote;
    private volatile boolean closed;
    private volatile long bytesWritten, bytesRead;
    private volatile int timeoutMillis;
    private byte[] readScratch;

    UnixFlow(SocketChannel channel) throws IOException {
        this.channel = channel;
        this.timedIn = channel.socket().getInputStream();
        this.local = UnixStack.endpoint(channel.getLocalAddress());
        this.remote = UnixStack.endpoint(channel.getRemoteAddress());
    }

    @Override public int read(ByteBuffer dst) throws IOException {
        if (closed) throw new ClosedChannelException();
        if (!dst.hasRemaining()) return 0;
        try {
            int n;
            if (timeoutMillis == 0) {
                n = channel.read(dst);
            } else if (dst.hasArray()) {
                n = timedIn.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
                if (n > 0) dst.position(dst.position() + n);
            } else {
                if (readScratch == null) readScratch = new byte[CHUNK];
                n = timedIn.read(readScratch, 0, Math.min(CHUNK, dst.remaining()));
                if (n > 0) dst.put(readScratch, 0, n);
            }
            if (n > 0) bytesRead += n;
            return n;
        } catch (AsynchronousCloseException e) {
            throw closedOr(e);
        } catch (SocketException e) {
            if (closed) throw new ClosedChannelException();
            throw e;
        }
    }

    @Override public void write(ByteBuffer src) throws IOException {
        if (closed) throw new ClosedChannelException();
        try {
            while (src.hasRemaining()) bytesWritten += channel.write(src);
        } catch (AsynchronousCloseException e) {
            throw closedOr(e);
        } catch (SocketException e) {
            if (closed) throw new ClosedChannelException();
            throw e;
        }
    }

    /** Closed by us: the documented ClosedChannelException; otherwise what the channel said. */
    private IOException closedOr(IOException e) {
        return closed ? new ClosedChannelException() : e;
    }

    @Override public void readTimeout(Duration timeout) {
        int ms = UnixStack.timeoutMillis(timeout);
        if (ms == timeoutMillis) return;
        try {
            channel.socket().setSoTimeout(ms);
            timeoutMillis = ms;
        } catch (SocketException e) {
            // only fails on a closed socket, where every later call fails anyway
        }
    }

    @Override public void shutdownOutput() throws IOException {
        if (closed) throw new ClosedChannelException();
        if (!channel.socket().isOutputShutdown()) channel.shutdownOutput();
    }

    @Override public void shutdownInput() throws IOException {
        if (closed) throw new ClosedChannelException();
        if (!channel.socket().isInputShutdown()) channel.shutdownInput();
    }

    @Override public void close() throws IOException {
        if (closed) return;
        closed = true;
        channel.close();
        LOG.log(System.Logger.Level.DEBUG, () -> "closed: " + info());
    }

    @Override public void abort() {
        if (closed) return;
        closed = true;
        try {
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            channel.close();
            LOG.log(System.Logger.Level.DEBUG, () -> "aborted: " + info());
        } catch (IOException ignored) {
            // the socket is gone either way
        }
    }

    @Override public Endpoint localAddress() { return local; }

    @Override public Endpoint remoteAddress() { return remote; }

    @Override public FlowInfo info() {
        String state = closed || !channel.isOpen() ? "CLOSED" : channel.socket().isOutputShutdown() ? "OUTPUT_SHUT_DOWN" : "ESTABLISHED";
        return FlowInfo.basic(state, local, remote, bytesWritten, bytesRead);
    }

    /** SO_KEEPALIVE with Linux's per-socket TCP_KEEPIDLE, TCP_KEEPINTVL and TCP_KEEPCNT. */
    @Override public void keepAlive(Duration idle, Duration interval, int probes) throws IOException {
        Flow.checkKeepAlive(idle, interval, probes);
        if (closed) throw new ClosedChannelException();
        if (idle == null) {
            channel.setOption(StandardSocketOptions.SO_KEEPALIVE, false);
            return;
        }
        channel.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, (int) idle.toSeconds());
        channel.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, (int) interval.toSeconds());
        channel.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, probes);
        channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
    }

    @Override public String toString() { return "flow " + local + " <-> " + remote; }
}

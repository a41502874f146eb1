package io.morgana.target.unix;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.FlowInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import jdk.net.ExtendedSocketOptions;

/**
 * A TCP connection over a host socket. What it can tell of itself ({@link #info()}) is what the
 * JDK shows: the state as the appliance drove it, the addresses, and the bytes moved; the
 * kernel's counters (RTT, windows) stay out of reach without native calls on the descriptor.
 */
final class UnixFlow implements Flow {

    private static final int CHUNK = 64 * 1024;
    private static final System.Logger LOG = System.getLogger("tcp");

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Endpoint local;
    private final Endpoint remote;
    private volatile boolean closed;
    private volatile long bytesWritten, bytesRead;
    private byte[] readScratch;
    private byte[] writeScratch;

    UnixFlow(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.local = UnixStack.endpoint(socket.getLocalSocketAddress());
        this.remote = UnixStack.endpoint(socket.getRemoteSocketAddress());
    }

    @Override public int read(ByteBuffer dst) throws IOException {
        if (closed) throw new ClosedChannelException();
        if (!dst.hasRemaining()) return 0;
        try {
            if (dst.hasArray()) {
                int n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
                if (n > 0) {
                    dst.position(dst.position() + n);
                    bytesRead += n;
                }
                return n;
            }
            if (readScratch == null) readScratch = new byte[CHUNK];
            int n = in.read(readScratch, 0, Math.min(CHUNK, dst.remaining()));
            if (n > 0) {
                dst.put(readScratch, 0, n);
                bytesRead += n;
            }
            return n;
        } catch (SocketException e) {
            if (closed) throw new ClosedChannelException();
            throw e;
        }
    }

    @Override public void write(ByteBuffer src) throws IOException {
        if (closed) throw new ClosedChannelException();
        try {
            if (src.hasArray()) {
                int n = src.remaining();
                out.write(src.array(), src.arrayOffset() + src.position(), n);
                src.position(src.limit());
                bytesWritten += n;
                return;
            }
            if (writeScratch == null) writeScratch = new byte[CHUNK];
            while (src.hasRemaining()) {
                int n = Math.min(CHUNK, src.remaining());
                src.get(writeScratch, 0, n);
                out.write(writeScratch, 0, n);
                bytesWritten += n;
            }
        } catch (SocketException e) {
            if (closed) throw new ClosedChannelException();
            throw e;
        }
    }

    @Override public void readTimeout(Duration timeout) {
        try {
            socket.setSoTimeout(UnixStack.timeoutMillis(timeout));
        } catch (SocketException e) {
            // only fails on a closed socket, where every later call fails anyway
        }
    }

    @Override public void shutdownOutput() throws IOException {
        if (closed) throw new ClosedChannelException();
        if (!socket.isOutputShutdown()) socket.shutdownOutput();
    }

    @Override public void shutdownInput() throws IOException {
        if (closed) throw new ClosedChannelException();
        if (!socket.isInputShutdown()) socket.shutdownInput();
    }

    @Override public void close() throws IOException {
        if (closed) return;
        closed = true;
        socket.close();
        LOG.log(System.Logger.Level.DEBUG, () -> "closed: " + info());
    }

    @Override public void abort() {
        if (closed) return;
        closed = true;
        try {
            socket.setSoLinger(true, 0);
            socket.close();
            LOG.log(System.Logger.Level.DEBUG, () -> "aborted: " + info());
        } catch (IOException ignored) {
            // the socket is gone either way
        }
    }

    @Override public Endpoint localAddress() { return local; }

    @Override public Endpoint remoteAddress() { return remote; }

    @Override public FlowInfo info() {
        String state = closed || socket.isClosed() ? "CLOSED" : socket.isOutputShutdown() ? "OUTPUT_SHUT_DOWN" : "ESTABLISHED";
        return FlowInfo.basic(state, local, remote, bytesWritten, bytesRead);
    }

    /** SO_KEEPALIVE with Linux's per-socket TCP_KEEPIDLE, TCP_KEEPINTVL and TCP_KEEPCNT. */
    @Override public void keepAlive(Duration idle, Duration interval, int probes) throws IOException {
        Flow.checkKeepAlive(idle, interval, probes);
        if (closed) throw new ClosedChannelException();
        if (idle == null) {
            socket.setKeepAlive(false);
            return;
        }
        socket.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, (int) idle.toSeconds());
        socket.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, (int) interval.toSeconds());
        socket.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, probes);
        socket.setKeepAlive(true);
    }

    @Override public String toString() { return "flow " + local + " <-> " + remote; }
}

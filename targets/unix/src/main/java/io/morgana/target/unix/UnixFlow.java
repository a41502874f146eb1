package io.morgana.target.unix;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;

/** A TCP connection over a host socket. */
final class UnixFlow implements Flow {

    private static final int CHUNK = 64 * 1024;

    private final UnixStack stack;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Endpoint local;
    private final Endpoint remote;
    private volatile boolean closed;
    private byte[] readScratch;
    private byte[] writeScratch;

    UnixFlow(UnixStack stack, Socket socket) throws IOException {
        this.stack = stack;
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
                if (n > 0) dst.position(dst.position() + n);
                return n;
            }
            if (readScratch == null) readScratch = new byte[CHUNK];
            int n = in.read(readScratch, 0, Math.min(CHUNK, dst.remaining()));
            if (n > 0) dst.put(readScratch, 0, n);
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
                out.write(src.array(), src.arrayOffset() + src.position(), src.remaining());
                src.position(src.limit());
                return;
            }
            if (writeScratch == null) writeScratch = new byte[CHUNK];
            while (src.hasRemaining()) {
                int n = Math.min(CHUNK, src.remaining());
                src.get(writeScratch, 0, n);
                out.write(writeScratch, 0, n);
            }
        } catch (SocketException e) {
            if (closed) throw new ClosedChannelException();
            throw e;
        }
    }

    @Override public void readTimeout(Duration timeout) {
        try {
            socket.setSoTimeout(timeout == null ? 0 : (int) Math.clamp(timeout.toMillis(), timeout.isZero() ? 0 : 1, Integer.MAX_VALUE));
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
        try {
            socket.close();
        } finally {
            stack.forget(this);
        }
    }

    @Override public void abort() {
        if (closed) return;
        closed = true;
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException ignored) {
            // the socket is gone either way
        } finally {
            stack.forget(this);
        }
    }

    @Override public Endpoint localAddress() { return local; }

    @Override public Endpoint remoteAddress() { return remote; }

    @Override public String toString() { return "flow " + local + " <-> " + remote; }
}

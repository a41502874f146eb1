package io.morgana.http;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.IpAddress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;

/** Test-only: a {@link Flow} over a blocking {@link Socket}, so the library is tested without a target. */
final class SocketFlow implements Flow {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] scratch = new byte[65536];
    private volatile boolean closed;

    SocketFlow(Socket socket) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static SocketFlow connect(int port) throws IOException {
        return new SocketFlow(new Socket("127.0.0.1", port));
    }

    @Override public int read(ByteBuffer dst) throws IOException {
        if (closed) throw new ClosedChannelException();
        int n;
        try {
            if (dst.hasArray()) {
                n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
                if (n > 0) dst.position(dst.position() + n);
            } else {
                n = in.read(scratch, 0, Math.min(scratch.length, dst.remaining()));
                if (n > 0) dst.put(scratch, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw e;
        }
        return n;
    }

    @Override public void write(ByteBuffer src) throws IOException {
        if (closed) throw new ClosedChannelException();
        if (src.hasArray()) {
            out.write(src.array(), src.arrayOffset() + src.position(), src.remaining());
            src.position(src.limit());
        } else {
            byte[] b = new byte[Math.min(src.remaining(), 65536)];
            while (src.hasRemaining()) {
                int n = Math.min(b.length, src.remaining());
                src.get(b, 0, n);
                out.write(b, 0, n);
            }
        }
    }

    @Override public void readTimeout(Duration timeout) {
        try {
            long ms = timeout == null ? 0 : Math.max(1, timeout.toMillis());
            socket.setSoTimeout((int) Math.min(ms, Integer.MAX_VALUE));
        } catch (IOException e) {
            // closed: the next read says so
        }
    }

    @Override public void shutdownOutput() throws IOException { socket.shutdownOutput(); }
    @Override public void shutdownInput() throws IOException { socket.shutdownInput(); }

    @Override public void close() throws IOException {
        closed = true;
        socket.close();
    }

    @Override public void abort() {
        try {
            socket.setSoLinger(true, 0);
            close();
        } catch (IOException e) {
            // already gone
        }
    }

    @Override public Endpoint localAddress() { return endpoint((InetSocketAddress) socket.getLocalSocketAddress()); }
    @Override public Endpoint remoteAddress() { return endpoint((InetSocketAddress) socket.getRemoteSocketAddress()); }

    private static Endpoint endpoint(InetSocketAddress a) {
        return new Endpoint(IpAddress.parse(a.getAddress().getHostAddress()), a.getPort());
    }

    /** Serves {@code server} on a loopback port, one virtual thread per connection, until closed. */
    static final class Server implements AutoCloseable {
        final ServerSocket socket;
        final HttpServer http;

        Server(HttpServer http) throws IOException {
            this.http = http;
            this.socket = new ServerSocket();
            socket.bind(new InetSocketAddress("127.0.0.1", 0), 2048);
            Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try {
                        SocketFlow flow = new SocketFlow(socket.accept());
                        Thread.ofVirtual().start(() -> {
                            try (flow) {
                                http.handle(flow);
                            } catch (IOException e) {
                                // client went away
                            }
                        });
                    } catch (IOException e) {
                        // closed
                    }
                }
            });
        }

        int port() { return socket.getLocalPort(); }

        @Override public void close() throws IOException { socket.close(); }
    }
}

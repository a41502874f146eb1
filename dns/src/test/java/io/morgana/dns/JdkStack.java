package io.morgana.dns;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.IpAddress;
import io.morgana.api.Listener;
import io.morgana.api.Stack;
import io.morgana.api.Tcp;
import io.morgana.api.Udp;
import io.morgana.api.UdpSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Test-only {@link Stack} on JDK sockets bound to one loopback address, for tests that must own an
 * address (a tool that only asks port 53); everything else runs on the unix target's own stack.
 */
public final class JdkStack implements Stack {
    private final InetAddress bind;

    public JdkStack(String loopback) {
        try {
            bind = InetAddress.getByName(loopback);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Endpoint endpoint(java.net.SocketAddress a) {
        InetSocketAddress i = (InetSocketAddress) a;
        return new Endpoint(IpAddress.of(i.getAddress().getAddress()), i.getPort());
    }

    static InetSocketAddress inet(Endpoint e) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(e.address().toBytes()), e.port());
        } catch (IOException x) {
            throw new IllegalArgumentException(x);
        }
    }

    @Override public Tcp tcp() {
        return new Tcp() {
            @Override public Listener listen(int port) throws IOException {
                ServerSocketChannel s = ServerSocketChannel.open();
                s.bind(new InetSocketAddress(bind, port), 128);
                return new Listener() {
                    @Override public Flow accept() throws IOException { return flow(s.accept()); }
                    @Override public Endpoint localAddress() {
                        try { return endpoint(s.getLocalAddress()); } catch (IOException e) { throw new IllegalStateException(e); }
                    }
                    @Override public void close() { try { s.close(); } catch (IOException e) { /* closing */ } }
                    @Override public boolean isOpen() { return s.isOpen(); }
                };
            }

            @Override public Flow connect(Endpoint remote, Duration timeout) throws IOException {
                java.net.Socket sock = new java.net.Socket();
                sock.connect(inet(remote), (int) timeout.toMillis());
                return flow(sock);
            }
        };
    }

    private static Flow flow(SocketChannel ch) throws IOException {
        return flow(ch.socket());
    }

    private static Flow flow(java.net.Socket s) throws IOException {
        var in = s.getInputStream();
        var out = s.getOutputStream();
        return new Flow() {
            @Override public int read(ByteBuffer dst) throws IOException {
                int n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
                if (n > 0) dst.position(dst.position() + n);
                return n;
            }
            @Override public void write(ByteBuffer src) throws IOException {
                out.write(src.array(), src.arrayOffset() + src.position(), src.remaining());
                src.position(src.limit());
            }
            @Override public void readTimeout(Duration t) {
                try { s.setSoTimeout(t == null ? 0 : (int) t.toMillis()); } catch (IOException e) { throw new IllegalStateException(e); }
            }
            @Override public void shutdownOutput() throws IOException { s.shutdownOutput(); }
            @Override public void shutdownInput() throws IOException { s.shutdownInput(); }
            @Override public void close() throws IOException { s.close(); }
            @Override public void abort() { try { s.setSoLinger(true, 0); s.close(); } catch (IOException e) { /* closing */ } }
            @Override public Endpoint localAddress() { return endpoint(s.getLocalSocketAddress()); }
            @Override public Endpoint remoteAddress() { return endpoint(s.getRemoteSocketAddress()); }
        };
    }

    @Override public Udp udp() {
        return port -> {
            java.net.DatagramSocket s = new java.net.DatagramSocket(new InetSocketAddress(bind, port));
            s.setReceiveBufferSize(1 << 20);
            return new UdpSocket() {
                @Override public Endpoint receive(ByteBuffer dst) throws IOException {
                    java.net.DatagramPacket p = new java.net.DatagramPacket(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
                    try {
                        s.receive(p);
                    } catch (SocketTimeoutException e) {
                        throw e;
                    }
                    dst.position(dst.position() + p.getLength());
                    return endpoint(p.getSocketAddress());
                }
                @Override public void send(ByteBuffer src, Endpoint to) throws IOException {
                    s.send(new java.net.DatagramPacket(src.array(), src.arrayOffset() + src.position(), src.remaining(), inet(to)));
                    src.position(src.limit());
                }
                @Override public void receiveTimeout(Duration t) {
                    try { s.setSoTimeout(t == null ? 0 : (int) Math.max(1, t.toMillis())); } catch (IOException e) { throw new IllegalStateException(e); }
                }
                @Override public Endpoint localAddress() { return endpoint(s.getLocalSocketAddress()); }
                @Override public void close() { s.close(); }
            };
        };
    }

    @Override public List<IpAddress> addresses() { return List.of(IpAddress.of(bind.getAddress())); }

    @Override public Map<String, Long> counters() { return Map.of(); }

    /** The test's clock: real time. */
    public static final io.morgana.api.Clock CLOCK = new io.morgana.api.Clock() {
        @Override public long nanoTime() { return System.nanoTime(); }
        @Override public java.time.Instant now() { return java.time.Instant.now(); }
    };
}

package io.morgana.dns.server;

import io.morgana.api.Clock;
import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.Listener;
import io.morgana.api.Stack;
import io.morgana.api.UdpSocket;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;

/**
 * The thin effectful shell around {@link AuthServer}: a UDP port and a TCP port on any
 * {@link Stack}, and a timer thread that carries out what {@link AuthServer#poll} asks for (NOTIFY,
 * SOA checks, zone transfers in). TCP follows RFC 7766: several queries per connection answered in
 * order, an idle timeout, and a bound on concurrent connections.
 */
public final class DnsService implements AutoCloseable {

    static final Duration TCP_IDLE = Duration.ofSeconds(10);
    static final int MAX_TCP_CONNECTIONS = 256;
    static final Duration XFR_TIMEOUT = Duration.ofSeconds(15);

    private static final System.Logger LOG = System.getLogger("dns");

    private final AuthServer server;
    private final Stack stack;
    private final Clock clock;
    private final UdpSocket udp;
    private final Listener tcp;
    private final Semaphore connections = new Semaphore(MAX_TCP_CONNECTIONS);
    private final Thread timers;
    /** The origin of the monotonic milliseconds the server's timers run on. */
    private final long started;
    private volatile boolean closed;

    private DnsService(AuthServer server, Stack stack, Clock clock, UdpSocket udp, Listener tcp) {
        this.server = server;
        this.stack = stack;
        this.clock = clock;
        this.udp = udp;
        this.tcp = tcp;
        this.started = clock.nanoTime();
        Thread.ofPlatform().daemon().name("dns-udp-" + udp.localAddress().port()).start(this::udpLoop);
        this.timers = Thread.ofVirtual().name("dns-timers").start(this::timerLoop);
    }

    /**
     * Binds UDP and TCP {@code port} (0: a free port, the same number for both when possible) and
     * starts serving.
     *
     * @throws java.net.BindException if the port is taken or privileged
     */
    public static DnsService start(AuthServer server, Stack stack, Clock clock, int port) throws IOException {
        // Port 0: the UDP port the stack picks may be taken for TCP; try a few until both bind.
        for (int attempt = 1; ; attempt++) {
            UdpSocket udp = stack.udp().bind(port);
            Listener tcp;
            try {
                tcp = listenTcp(stack, port == 0 ? udp.localAddress().port() : port);
            } catch (java.net.BindException e) {
                udp.close();
                if (port != 0 || attempt >= 20) throw e;
                continue;
            } catch (IOException e) {
                udp.close();
                throw e;
            }
            DnsService s = new DnsService(server, stack, clock, udp, tcp);
            Thread.ofVirtual().name("dns-tcp-accept").start(() -> tcp.serve(s::serveTcp));
            return s;
        }
    }

    private static Listener listenTcp(Stack stack, int port) throws IOException {
        return stack.tcp().listen(port);
    }

    public int udpPort() { return udp.localAddress().port(); }

    public int tcpPort() { return tcp.localAddress().port(); }

    private void udpLoop() {
        ByteBuffer in = ByteBuffer.allocate(65535);
        while (!closed) {
            Endpoint from;
            in.clear();
            try {
                from = udp.receive(in);
            } catch (IOException e) {
                if (!closed) LOG.log(System.Logger.Level.WARNING, "UDP receive failed: " + e);
                if (!udpOpen()) return;
                continue;
            }
            List<byte[]> out = server.handle(in.array(), in.position(), AuthServer.Transport.UDP, from, wall(), mono());
            for (byte[] b : out) {
                try {
                    udp.send(ByteBuffer.wrap(b), from);
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.DEBUG, "UDP send to " + from + " failed: " + e);
                }
            }
            if (in.position() > 2 && (in.array()[2] & 0x80) != 0) LockSupport.unpark(timers);
        }
    }

    private boolean udpOpen() { return !closed; }

    private void serveTcp(Flow flow) throws IOException {
        if (!connections.tryAcquire()) {
            LOG.log(System.Logger.Level.DEBUG, "too many TCP connections; closing one from " + flow.remoteAddress());
            flow.abort();
            return;
        }
        try {
            flow.readTimeout(TCP_IDLE);
            byte[] buf = new byte[65535];
            while (!closed) {
                int len;
                try {
                    len = readMessage(flow, buf);
                } catch (SocketTimeoutException | EOFException e) {
                    return;
                }
                if (len < 0) return;
                List<byte[]> out = server.handle(buf, len, AuthServer.Transport.TCP, flow.remoteAddress(), wall(), mono());
                for (byte[] b : out) writeMessage(flow, b);
            }
        } finally {
            connections.release();
        }
    }

    /** Reads one length-prefixed message; -1 at a clean end of stream. */
    static int readMessage(Flow flow, byte[] buf) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(2);
        while (head.hasRemaining()) {
            int n = flow.read(head);
            if (n < 0) {
                if (head.position() == 0) return -1;
                throw new EOFException("connection closed inside a length prefix");
            }
        }
        int len = head.getShort(0) & 0xffff;
        ByteBuffer body = ByteBuffer.wrap(buf, 0, len);
        while (body.hasRemaining()) {
            if (flow.read(body) < 0) throw new EOFException("connection closed inside a message");
        }
        return len;
    }

    static void writeMessage(Flow flow, byte[] b) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(2 + b.length);
        out.putShort((short) b.length).put(b).flip();
        flow.write(out);
    }

    /** Wall-clock milliseconds: for TSIG. */
    private long wall() { return clock.now().toEpochMilli(); }

    /** Monotonic milliseconds since the service started (never negative): for the server's timers. */
    private long mono() { return (clock.nanoTime() - started) / 1_000_000; }

    private void timerLoop() {
        while (!closed) {
            for (AuthServer.Action a : server.poll(wall(), mono())) {
                switch (a) {
                    case AuthServer.Action.Datagram d -> {
                        try {
                            udp.send(ByteBuffer.wrap(d.message()), d.to());
                        } catch (IOException e) {
                            LOG.log(System.Logger.Level.DEBUG, "send to " + d.to() + " failed: " + e);
                        }
                    }
                    case AuthServer.Action.Transfer t -> Thread.ofVirtual().name("dns-xfr-in").start(() -> transferIn(t));
                }
            }
            long wait = Math.min(server.nextDeadline() - mono(), 200);
            if (wait > 0) LockSupport.parkNanos(wait * 1_000_000L);
        }
    }

    private void transferIn(AuthServer.Action.Transfer t) {
        XfrIn x = t.transfer();
        try (Flow flow = stack.tcp().connect(t.primary(), XFR_TIMEOUT)) {
            flow.readTimeout(XFR_TIMEOUT);
            writeMessage(flow, t.request());
            byte[] buf = new byte[65535];
            while (true) {
                int len = readMessage(flow, buf);
                if (len < 0) {
                    x.fail("primary closed the connection before the transfer ended");
                    break;
                }
                if (x.accept(buf, len, wall())) break;
            }
        } catch (IOException e) {
            x.fail(e.toString());
        }
        server.transferDone(x, mono());
        LockSupport.unpark(timers);
    }

    @Override public void close() {
        closed = true;
        udp.close();
        tcp.close();
        LockSupport.unpark(timers);
    }
}

package io.morgana.net.tcp;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.FlowInfo;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Listener;
import io.morgana.api.Random;
import io.morgana.api.Tcp;
import io.morgana.net.ipv4.IcmpError;
import io.morgana.net.ipv4.IpProtocolHandler;
import io.morgana.net.ipv4.Ipv4Datagram;
import io.morgana.net.ipv4.Ipv4Service;
import io.morgana.net.ipv4.SendStatus;
import io.morgana.net.link.Link;
import io.morgana.net.stack.NetStack;
import io.morgana.net.stack.TcpFactory;
import io.morgana.net.util.Counters;
import io.morgana.runtime.EventLoop;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link Tcp} device over a {@link TcpEngine}: the engine lives on the stack's event loop;
 * application (virtual) threads hand each call to the loop and park until the loop signals that
 * the flow changed (data, space, state) or a loop timer ends the wait. Timeouts run on the loop's
 * clock, so they are virtual under simulation. Plugged into {@link NetStack} by {@link #factory}
 * (or found through {@code ServiceLoader} as the default {@link TcpFactory}).
 */
public final class TcpService implements Tcp, IpProtocolHandler, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("tcp");

    private final EventLoop loop;
    private final Ipv4Service ip;
    private final TcpEngine engine;
    private final byte[] rx = new byte[65536];
    private EventLoop.Timer timer;
    private long timerAt = Long.MAX_VALUE;
    private volatile boolean closed;

    /** Default TCP for {@link NetStack}, with {@link TcpConfig#defaults()} and the link's MTU. */
    public static final class DefaultFactory implements TcpFactory {
        @Override public Tcp create(NetStack stack) { return factory(TcpConfig.defaults()).create(stack); }
    }

    /** A factory using {@code config} (its MTU replaced by the link's). */
    public static TcpFactory factory(TcpConfig config) {
        return stack -> {
            TcpService s = new TcpService(stack.loop(), stack.ipv4(), stack.random(), config.withMtu(stack.ipv4().mtu()),
                    stack.counterRegistry());
            stack.ipv4().register(Ipv4Service.PROTO_TCP, s);
            return s;
        };
    }

    public TcpService(EventLoop loop, Ipv4Service ip, Random random, TcpConfig config, Counters counters) {
        this.loop = loop;
        this.ip = ip;
        this.engine = new TcpEngine(config, random, new TcpEngine.Output() {
            @Override public void send(int src, int dst, byte[] seg, int off, int len) { output(src, dst, seg, off, len, -1); }

            @Override public void sendOffloaded(int src, int dst, byte[] seg, int off, int len, int segmentSize) {
                output(src, dst, seg, off, len, segmentSize);
            }
        }, counters);
        var offloads = ip.offloads();
        engine.offloads(offloads.contains(Link.Offload.TX_CHECKSUM), offloads.contains(Link.Offload.TSO));
    }

    // ---------------------------------------------------------------- loop side

    /** @param segmentSize -1: a complete segment; else an offloaded one ({@link Ipv4Service#sendOffloaded}) */
    private void output(int src, int dst, byte[] seg, int off, int len, int segmentSize) {
        ByteBuffer b = ip.payloadBuffer();
        b.put(0, seg, off, len);
        SendStatus s = segmentSize >= 0 ? ip.sendOffloaded(src, dst, Ipv4Service.PROTO_TCP, len, Ipv4Service.DONT_FRAGMENT, segmentSize)
                : src == ip.address() ? ip.send(dst, Ipv4Service.PROTO_TCP, len, Ipv4Service.DONT_FRAGMENT)
                : ip.sendFrom(src, dst, Ipv4Service.PROTO_TCP, len, Ipv4Service.DONT_FRAGMENT);
        if (s == SendStatus.TOO_BIG) {
            // Our own MTU (or a cached path MTU) is below the segment: react as to frag-needed, after this call.
            byte[] quoted = java.util.Arrays.copyOfRange(seg, off, off + 8);
            int mtu = ip.pathMtu(dst);
            loop.execute(() -> {
                engine.icmpError(loop.nanoTime(), 4, mtu, src, dst, quoted, 0, 8);
                armTimer();
            });
        }
    }

    @Override public void receive(Ipv4Datagram d) {
        if (d.broadcast()) {
            engine.count("tcp.rx.drop.broadcast");
            return;
        }
        ByteBuffer p = d.payload();
        int len = p.remaining();
        boolean verified = d.checksumVerified();
        if (p.hasArray()) {
            engine.receive(loop.nanoTime(), d.source(), d.destination(), p.array(), p.arrayOffset() + p.position(), len, verified);
        } else {
            p.get(p.position(), rx, 0, len);
            engine.receive(loop.nanoTime(), d.source(), d.destination(), rx, 0, len, verified);
        }
        armTimer();
    }

    @Override public void error(IcmpError e) {
        if (e.protocol() != Ipv4Service.PROTO_TCP) return;
        int code = switch (e.kind()) {
            case FRAG_NEEDED -> 4;
            case PORT_UNREACHABLE -> 3;
            case PROTOCOL_UNREACHABLE -> 2;
            case NET_UNREACHABLE, HOST_UNREACHABLE, PROHIBITED -> e.local() ? -1 : 1;
            default -> -2;
        };
        if (code == -2) return;
        engine.icmpError(loop.nanoTime(), code, e.nextHopMtu(), e.source(), e.destination(), e.quoted(), 0, e.quoted().length);
        armTimer();
    }

    private void armTimer() {
        long d = engine.nextDeadline();
        if (d >= timerAt) return;
        if (timer != null) timer.cancel();
        timerAt = d;
        timer = d == Long.MAX_VALUE ? null : loop.schedule(d, this::onTimer);
    }

    private void onTimer() {
        timer = null;
        timerAt = Long.MAX_VALUE;
        engine.onTimers(loop.nanoTime());
        armTimer();
    }

    /** Runs {@code task} on the loop and waits for its result; rethrows its IOException. */
    private <T> T call(IoSupplier<T> task) throws IOException {
        if (loop.inLoop()) {
            try {
                return task.get();
            } finally {
                armTimer();
            }
        }
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                f.complete(task.get());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            } finally {
                armTimer();
            }
        });
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for the network stack");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IOException(e.getCause());
        }
    }

    private void run(Runnable task) {
        try {
            call(() -> {
                task.run();
                return null;
            });
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "tcp call failed: " + e);
        }
    }

    @FunctionalInterface
    private interface IoSupplier<T> {
        T get() throws IOException;
    }

    /** Wakes parked application threads: a generation count bumped by the loop. */
    static final class Signal {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private long gen;

        void bump() {
            lock.lock();
            try {
                gen++;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        long gen() {
            lock.lock();
            try {
                return gen;
            } finally {
                lock.unlock();
            }
        }

        void awaitChange(long seen) throws InterruptedIOException {
            lock.lock();
            try {
                while (gen == seen) changed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            } finally {
                lock.unlock();
            }
        }
    }

    /** Arms a loop timer that sets {@code flag[0]} and bumps {@code signal}; returns its canceller. */
    private EventLoop.Timer deadline(Duration timeout, boolean[] flag, Signal signal) {
        if (timeout == null || timeout.isZero() || timeout.isNegative()) return null;
        return loop.schedule(loop.nanoTime() + timeout.toNanos(), () -> {
            flag[0] = true;
            signal.bump();
        });
    }

    static IOException failure(TcpError e, String where) {
        return switch (e) {
            case TIMEOUT -> new SocketTimeoutException("connection to " + where + " timed out (no answer to retransmissions)");
            default -> lost(e, where);
        };
    }

    /**
     * Why an established connection failed, as the JDK reports it on host sockets: a connection
     * that timed out (retransmissions or keepalive unanswered) is a plain {@link SocketException},
     * since a {@link SocketTimeoutException} from {@link Flow#read} means the read timeout passed
     * and the flow is still usable.
     */
    static IOException lost(TcpError e, String where) {
        return switch (e) {
            case REFUSED -> new ConnectException("connection refused by " + where);
            case RESET -> new SocketException("connection reset by " + where);
            case TIMEOUT -> new SocketException("connection to " + where + " timed out (retransmissions or keepalive probes unanswered)");
            case UNREACHABLE -> new NoRouteToHostException("no route to " + where + " (unreachable)");
            case ABORTED -> new SocketException("connection to " + where + " was aborted");
        };
    }

    // ---------------------------------------------------------------- Tcp

    @Override public Listener listen(int port) throws IOException {
        ensureOpen();
        return call(() -> new TcpListener(engine.listen(port, engine.config().maxBacklog())));
    }

    @Override public Flow connect(Endpoint remote, Duration timeout) throws IOException {
        ensureOpen();
        if (!(remote.address() instanceof Ipv4Address dst)) {
            throw new NoRouteToHostException("IPv6 is not supported by this stack yet: " + remote);
        }
        TcpFlow flow = new TcpFlow();
        boolean[] timedOut = {false};
        call(() -> {
            int src = ip.address();
            if (src == 0) throw new NoRouteToHostException("no IPv4 address configured yet (DHCP pending?); cannot reach " + remote);
            flow.conn = engine.connect(loop.nanoTime(), src, dst.bits(), remote.port(), flow);
            flow.conn.noDelay(true); // see accept()
            return null;
        });
        EventLoop.Timer t = deadline(timeout, timedOut, flow.signal);
        try {
            while (true) {
                long seen = flow.signal.gen();
                TcpConnection.State st = call(() -> {
                    if (timedOut[0] && flow.conn.state() == TcpConnection.State.SYN_SENT) flow.conn.abort(loop.nanoTime());
                    return flow.conn.state();
                });
                if (st != TcpConnection.State.SYN_SENT && st != TcpConnection.State.SYN_RECEIVED) break;
                flow.signal.awaitChange(seen);
            }
        } finally {
            if (t != null) t.cancel();
        }
        TcpError err = call(() -> flow.conn.state() == TcpConnection.State.CLOSED ? flow.conn.error() : null);
        if (timedOut[0] && (err == TcpError.ABORTED || err == null) && flow.conn.state() == TcpConnection.State.CLOSED) {
            throw new SocketTimeoutException("connect to " + remote + " timed out after " + timeout);
        }
        if (err != null) throw failure(err, remote.toString());
        return flow;
    }

    /** Every connection's state and counters now (RTT, cwnd, retransmissions…). */
    public List<TcpInfo> connections() {
        try {
            return call(engine::connections);
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The engine, for tests and tools on the loop thread. */
    public TcpEngine engine() { return engine; }

    private void ensureOpen() throws IOException {
        if (closed) throw new ClosedChannelException();
    }

    @Override public void close() { closed = true; }

    // ---------------------------------------------------------------- Listener and Flow

    private final class TcpListener implements Listener {
        private final TcpListenSocket socket;
        private final Signal signal = new Signal();
        private final Endpoint local;
        private volatile boolean open = true;

        TcpListener(TcpListenSocket socket) {
            this.socket = socket;
            this.local = new Endpoint(new Ipv4Address(ip.address()), socket.port());
            socket.onAcceptable(signal::bump);
        }

        @Override public Flow accept() throws IOException {
            while (true) {
                long seen = signal.gen();
                TcpFlow f = call(() -> {
                    if (socket.isClosed()) throw new ClosedChannelException();
                    TcpConnection c = socket.accept();
                    if (c == null) return null;
                    TcpFlow flow = new TcpFlow();
                    flow.conn = c;
                    // Flow.write hands over whole messages, so Nagle only adds latency: with a
                    // peer that delays its ACK, the tail of a response just over one MSS waited
                    // 40 ms (seen by bench/http and bench/spt). The unix target sets TCP_NODELAY
                    // for the same reason; Go does so on every connection.
                    c.noDelay(true);
                    c.handler(flow);
                    return flow;
                });
                if (f != null) return f;
                signal.awaitChange(seen);
            }
        }

        @Override public Endpoint localAddress() { return local; }

        @Override public void close() {
            if (!open) return;
            open = false;
            run(() -> socket.close(loop.nanoTime()));
            signal.bump();
        }

        @Override public boolean isOpen() { return open; }
    }

    private final class TcpFlow implements Flow, TcpConnection.Handler {
        volatile TcpConnection conn;
        final Signal signal = new Signal();
        private volatile Duration readTimeout;
        private volatile boolean closed;

        @Override public void established(TcpConnection c) { signal.bump(); }
        @Override public void readable(TcpConnection c) { signal.bump(); }
        @Override public void writable(TcpConnection c) { signal.bump(); }
        @Override public void closed(TcpConnection c) { signal.bump(); }

        private void ensureOpen() throws IOException {
            if (closed) throw new ClosedChannelException();
        }

        @Override public int read(ByteBuffer dst) throws IOException {
            ensureOpen();
            if (!dst.hasRemaining()) return 0;
            boolean[] timedOut = {false};
            EventLoop.Timer t = null;
            try {
                while (true) {
                    long seen = signal.gen();
                    int n = call(() -> {
                        int r = conn.read(loop.nanoTime(), dst);
                        if (r == 0 && conn.state() == TcpConnection.State.CLOSED && conn.error() != null) {
                            throw lost(conn.error(), remoteAddress().toString());
                        }
                        return r;
                    });
                    if (n != 0) return n;
                    if (timedOut[0]) throw new SocketTimeoutException("read timed out after " + readTimeout);
                    if (t == null) t = deadline(readTimeout, timedOut, signal);
                    signal.awaitChange(seen);
                }
            } finally {
                if (t != null) t.cancel();
            }
        }

        @Override public void write(ByteBuffer src) throws IOException {
            ensureOpen();
            while (src.hasRemaining()) {
                long seen = signal.gen();
                int n = call(() -> {
                    int r = conn.write(loop.nanoTime(), src);
                    if (r < 0) {
                        TcpError e = conn.error();
                        throw e != null ? lost(e, remoteAddress().toString())
                                : new SocketException("cannot write to " + remoteAddress() + ": output is shut down or the connection closed");
                    }
                    return r;
                });
                if (n == 0) signal.awaitChange(seen);
            }
        }

        @Override public void readTimeout(Duration timeout) { readTimeout = timeout; }

        @Override public void shutdownOutput() throws IOException {
            ensureOpen();
            call(() -> {
                conn.shutdownOutput(loop.nanoTime());
                return null;
            });
        }

        @Override public void shutdownInput() throws IOException {
            ensureOpen();
            call(() -> {
                conn.shutdownInput(loop.nanoTime());
                return null;
            });
            signal.bump(); // a reader blocked in read() now sees end of stream
        }

        @Override public void close() {
            if (closed) return;
            closed = true;
            run(() -> conn.close(loop.nanoTime()));
        }

        @Override public void abort() {
            if (closed) return;
            closed = true;
            run(() -> conn.abort(loop.nanoTime()));
        }

        @Override public Endpoint localAddress() {
            return new Endpoint(new Ipv4Address(conn.localIp()), conn.localPort());
        }

        @Override public Endpoint remoteAddress() {
            return new Endpoint(new Ipv4Address(conn.remoteIp()), conn.remotePort());
        }

        @Override public FlowInfo info() {
            try {
                return call(() -> conn.info()).toFlowInfo(localAddress(), remoteAddress());
            } catch (IOException e) {
                return FlowInfo.basic("UNKNOWN", localAddress(), remoteAddress(), -1, -1);
            }
        }

        @Override public void keepAlive(Duration idle, Duration interval, int probes) throws IOException {
            Flow.checkKeepAlive(idle, interval, probes);
            ensureOpen();
            call(() -> {
                if (idle == null) conn.keepalive(loop.nanoTime(), false);
                else conn.keepalive(loop.nanoTime(), idle.toNanos(), interval.toNanos(), probes);
                return null;
            });
        }

        @Override public String toString() { return "tcp " + localAddress() + " -> " + remoteAddress(); }
    }
}

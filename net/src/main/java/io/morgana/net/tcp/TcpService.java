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
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;

/**
 * The {@link Tcp} device over a {@link TcpEngine}: the engine lives on the stack's event loop;
 * application (virtual) threads post each call to the loop and wait for its answer; a call that
 * must wait (for data, room, a connection, the handshake) stays with the loop until it can be
 * answered or a loop timer ends it ({@link Pending}). Timeouts run on the loop's clock, so they are
 * virtual under simulation. Plugged into {@link NetStack} by {@link #factory}
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
        Pending<T> p = new Pending<>();
        return ask("a call", p, () -> p.complete(task.get()), null);
    }

    /**
     * Posts {@code start} to the loop, which answers {@code p} there and then or keeps it to answer
     * later, and waits for the answer; what {@code start} throws is the answer. For
     * {@code withdraw} see {@link Pending#await}. On the loop's own thread, where the wait would
     * wait for itself, {@code what} (e.g. "Flow.read") is refused with an IllegalStateException.
     */
    private <T> T ask(String what, Pending<T> p, IoRunnable start, Runnable withdraw) throws IOException {
        if (loop.inLoop()) throw new IllegalStateException(what + " would block the network stack's loop thread");
        loop.execute(() -> {
            try {
                start.run();
            } catch (Throwable t) {
                p.fail(t);
            } finally {
                armTimer();
            }
        });
        return p.await(withdraw);
    }

    /**
     * Runs {@code task} on the loop after the current one (from the loop thread, inside the
     * engine's callbacks); nothing if the loop has closed, since the stack is going away.
     */
    private void later(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.log(System.Logger.Level.DEBUG, "the network stack's loop is closed; a waiting call is not answered");
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

    @FunctionalInterface
    private interface IoRunnable {
        void run() throws IOException;
    }

    /**
     * An application thread's request that the loop answers once: a call ({@link #call}), or a read
     * that waits for data, a write that waits for room, an accept that waits for a connection. The
     * thread posts the request and waits; the loop keeps a request it cannot answer yet and
     * completes it when it can, the only wake-up the wait costs. (Asking again after each change of
     * state took two trips to the loop and two wake-ups per wait: single-connection HTTP and the
     * connection rate were both slower.)
     *
     * <p>The thread parks at once. Yielding for up to 10 µs first, in case the loop answers within
     * microseconds, made one connection faster on a stock JVM but cost the sealed {@code spt}
     * appliance (C1 only) a fifth of its rate under ten connections, even with one thread yielding
     * at a time (bench/http/README.md).
     */
    private final class Pending<T> {
        private final Thread waiter = Thread.currentThread();
        private volatile boolean done;
        private T value;
        private Throwable error;
        /** The loop's deadline for this request, if any; cancelled when it completes. */
        EventLoop.Timer deadline;

        /** Loop side: the answer. */
        void complete(T v) {
            value = v;
            finish();
        }

        /** Loop side: the failure the waiting thread throws. */
        void fail(Throwable e) {
            error = e;
            finish();
        }

        /**
         * Loop side: runs {@code expire} {@code timeout} from now on the loop's clock unless the
         * request is answered first; nothing for a null, zero or negative timeout.
         */
        void expireAfter(Duration timeout, Runnable expire) {
            if (timeout == null || timeout.isZero() || timeout.isNegative()) return;
            deadline = loop.schedule(loop.nanoTime() + timeout.toNanos(), expire);
        }

        private void finish() {
            if (deadline != null) deadline.cancel();
            done = true;
            LockSupport.unpark(waiter);
        }

        /**
         * Waits for the answer. If the thread is interrupted first, {@code withdraw} runs on the
         * loop to take the request back; an answer the loop gave before that is still returned
         * (with the interrupt status set), so no data or connection is lost. A request that cannot
         * be withdrawn ({@code null}: a call already queued) is left to run, unwaited for.
         */
        T await(Runnable withdraw) throws IOException {
            while (!done) {
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    if (withdraw == null) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted waiting for the network stack");
                    }
                    try {
                        call(() -> {
                            if (!done) withdraw.run();
                            return null;
                        });
                    } catch (RuntimeException | IOException gone) { // the loop is closed: nothing will answer
                        LOG.log(System.Logger.Level.DEBUG, "withdrawing a request from the network stack failed: " + gone);
                    } finally {
                        Thread.currentThread().interrupt();
                    }
                    if (!done) throw new InterruptedIOException("interrupted waiting for the network stack");
                }
            }
            if (error instanceof IOException e) throw e;
            if (error instanceof RuntimeException e) throw e;
            if (error != null) throw new IOException(error);
            return value;
        }
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
        Pending<Void> p = new Pending<>();
        ask("Stack.connect", p, () -> {
            int src = ip.address();
            if (src == 0) throw new NoRouteToHostException("no IPv4 address configured yet (DHCP pending?); cannot reach " + remote);
            flow.conn = engine.connect(loop.nanoTime(), src, dst.bits(), remote.port(), flow);
            flow.conn.noDelay(true); // see accept()
            flow.connector = p;
            p.expireAfter(timeout, () -> {
                if (flow.connector != p) return;
                flow.connector = null;
                flow.conn.abort(loop.nanoTime());
                p.fail(new SocketTimeoutException("connect to " + remote + " timed out after " + timeout));
            });
            flow.serveConnector(); // a connection refused at once has closed already
        }, () -> {
            flow.connector = null;
            if (flow.conn != null) flow.conn.abort(loop.nanoTime());
        });
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
        private final Endpoint local;
        /** Threads waiting in accept(), oldest first (loop-owned). */
        private final ArrayDeque<Pending<TcpFlow>> acceptors = new ArrayDeque<>();
        private boolean handOverQueued;
        private volatile boolean open = true;

        TcpListener(TcpListenSocket socket) {
            this.socket = socket;
            this.local = new Endpoint(new Ipv4Address(ip.address()), socket.port());
            // Called while the engine handles a segment: hand connections over in a task of its own.
            socket.onAcceptable(() -> {
                if (!acceptors.isEmpty() && !handOverQueued) {
                    handOverQueued = true;
                    later(this::handOver);
                }
            });
        }

        @Override public Flow accept() throws IOException {
            Pending<TcpFlow> p = new Pending<>();
            return ask("Listener.accept", p, () -> {
                acceptors.add(p);
                handOver();
            }, () -> acceptors.remove(p));
        }

        /** Loop side: gives each waiting thread the next established connection, in order. */
        private void handOver() {
            handOverQueued = false;
            Pending<TcpFlow> p;
            while ((p = acceptors.peek()) != null) {
                if (socket.isClosed()) {
                    acceptors.poll().fail(new ClosedChannelException());
                    continue;
                }
                TcpConnection c = socket.accept();
                if (c == null) return;
                acceptors.poll();
                TcpFlow flow = new TcpFlow();
                flow.conn = c;
                // Flow.write hands over whole messages, so Nagle only adds latency: with a
                // peer that delays its ACK, the tail of a response just over one MSS waited
                // 40 ms (seen by bench/http and bench/spt). The unix target sets TCP_NODELAY
                // for the same reason; Go does so on every connection.
                c.noDelay(true);
                c.handler(flow);
                p.complete(flow);
            }
        }

        @Override public Endpoint localAddress() { return local; }

        @Override public void close() {
            if (!open) return;
            open = false;
            run(() -> {
                socket.close(loop.nanoTime());
                handOver(); // waiting accept() calls fail: the listener is closed
            });
        }

        @Override public boolean isOpen() { return open; }
    }

    private final class TcpFlow implements Flow, TcpConnection.Handler {
        volatile TcpConnection conn;
        private volatile Duration readTimeout;
        private volatile boolean closed;

        // Loop-owned: the thread waiting in connect() for the handshake; the one waiting in read()
        // for data and its buffer; the one waiting in write() for room and its data; whether a
        // task to serve them is queued.
        private Pending<Void> connector;
        private Pending<Integer> reader;
        private ByteBuffer readInto;
        private Pending<Void> writer;
        private ByteBuffer writeFrom;
        private boolean serveQueued;

        @Override public void established(TcpConnection c) { serveLater(); }
        @Override public void readable(TcpConnection c) { serveLater(); }
        @Override public void writable(TcpConnection c) { serveLater(); }
        @Override public void closed(TcpConnection c) { serveLater(); }

        /**
         * The engine calls the handler while it handles a segment or a timer: serve the waiting
         * threads in a task of its own, after that (and after the rest of the batch of frames, so
         * one read may take several segments).
         */
        private void serveLater() {
            if ((connector != null || reader != null || writer != null) && !serveQueued) {
                serveQueued = true;
                later(this::serve);
            }
        }

        private void serve() {
            serveQueued = false;
            serveConnector();
            serveReader();
            serveWriter();
            armTimer();
        }

        /** Loop side: the waiting connect() returns once the handshake is over, or fails. */
        private void serveConnector() {
            Pending<Void> p = connector;
            if (p == null) return;
            TcpConnection.State st = conn.state();
            if (st == TcpConnection.State.SYN_SENT || st == TcpConnection.State.SYN_RECEIVED) return;
            connector = null;
            TcpError err = st == TcpConnection.State.CLOSED ? conn.error() : null;
            if (err != null) p.fail(failure(err, remoteAddress().toString()));
            else p.complete(null);
        }

        private void ensureOpen() throws IOException {
            if (closed) throw new ClosedChannelException();
        }

        @Override public int read(ByteBuffer dst) throws IOException {
            ensureOpen();
            if (!dst.hasRemaining()) return 0;
            Duration timeout = readTimeout;
            Pending<Integer> p = new Pending<>();
            return ask("Flow.read", p, () -> {
                if (reader != null) throw new IllegalStateException("another thread is already reading from " + this + " (one reader at a time)");
                int n = readNow(dst);
                if (n != 0) {
                    p.complete(n);
                    return;
                }
                reader = p;
                readInto = dst;
                p.expireAfter(timeout, () -> {
                    if (reader == p) takeReader().fail(new SocketTimeoutException("read timed out after " + timeout));
                });
            }, () -> {
                if (reader == p) takeReader();
            });
        }

        /** Loop side: moves what is readable into {@code dst}: the count, 0 if none yet, -1 at end. */
        private int readNow(ByteBuffer dst) throws IOException {
            int r = conn.read(loop.nanoTime(), dst);
            if (r == 0 && conn.state() == TcpConnection.State.CLOSED && conn.error() != null) {
                throw lost(conn.error(), remoteAddress().toString());
            }
            return r;
        }

        private void serveReader() {
            Pending<Integer> p = reader;
            if (p == null) return;
            try {
                int n = readNow(readInto);
                if (n != 0) takeReader().complete(n);
            } catch (IOException | RuntimeException e) {
                takeReader().fail(e);
            }
        }

        /** Loop side: the waiting reader, no longer waiting here. */
        private Pending<Integer> takeReader() {
            Pending<Integer> p = reader;
            reader = null;
            readInto = null;
            return p;
        }

        /** Loop side: the waiting writer, no longer waiting here. */
        private Pending<Void> takeWriter() {
            Pending<Void> p = writer;
            writer = null;
            writeFrom = null;
            return p;
        }

        @Override public void write(ByteBuffer src) throws IOException {
            ensureOpen();
            if (!src.hasRemaining()) return;
            Pending<Void> p = new Pending<>();
            ask("Flow.write", p, () -> {
                if (writer != null) throw new IllegalStateException("another thread is already writing to " + this + " (one writer at a time)");
                writer = p;
                writeFrom = src;
                serveWriter();
            }, () -> {
                if (writer == p) takeWriter();
            });
        }

        /** Loop side: queues what fits of the waiting writer's data; done when all of it is queued. */
        private void serveWriter() {
            Pending<Void> p = writer;
            if (p == null) return;
            try {
                while (writeFrom.hasRemaining()) {
                    int r = conn.write(loop.nanoTime(), writeFrom);
                    if (r < 0) {
                        TcpError e = conn.error();
                        throw e != null ? lost(e, remoteAddress().toString())
                                : new SocketException("cannot write to " + remoteAddress() + ": output is shut down or the connection closed");
                    }
                    if (r == 0) return; // the send buffer is full: writable() brings us back
                }
                takeWriter().complete(null);
            } catch (IOException | RuntimeException e) {
                takeWriter().fail(e);
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
                serveReader(); // a thread waiting in read() now sees end of stream
                return null;
            });
        }

        @Override public void close() {
            if (closed) return;
            closed = true;
            run(() -> {
                conn.close(loop.nanoTime());
                closeWaiters();
            });
        }

        @Override public void abort() {
            if (closed) return;
            closed = true;
            run(() -> {
                conn.abort(loop.nanoTime());
                closeWaiters();
            });
        }

        /** Loop side: threads still waiting in read() or write() of a flow another thread closed. */
        private void closeWaiters() {
            if (reader != null) takeReader().fail(new AsynchronousCloseException());
            if (writer != null) takeWriter().fail(new AsynchronousCloseException());
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

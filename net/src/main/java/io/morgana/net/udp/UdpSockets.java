package io.morgana.net.udp;

import io.morgana.api.Endpoint;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Udp;
import io.morgana.api.UdpSocket;
import io.morgana.net.util.Counter;
import io.morgana.net.util.Counters;
import io.morgana.runtime.EventLoop;
import io.morgana.runtime.loop.Waiter;
import java.io.IOException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The API's {@link Udp} over {@link UdpLayer}: sockets used from virtual threads. A receive parks
 * in a {@link Waiter} (deterministic under a simulated loop; timeouts on the loop's clock) until
 * the loop delivers into the socket's bounded queue (datagrams beyond it are dropped and
 * counted); a send copies into a bounded queue that one loop task drains, waiting up to
 * {@link #TX_WAIT_NANOS} for room when it is full (a server answering a burst is slowed to the
 * loop's pace rather than losing answers) and dropping after that. Both queues are rings of
 * reused buffers, so steady traffic makes no garbage beyond the {@link Endpoint} a receive returns.
 */
public final class UdpSockets implements Udp {
    /** Datagrams a socket holds for its reader. */
    public static final int RX_SLOTS = 256;
    /** Bytes a socket holds for its reader. */
    public static final int RX_BYTES = 1 << 20;
    /** Datagrams queued for sending per socket. */
    public static final int TX_SLOTS = 128;
    /** How long a send waits for room in a full queue before it drops the datagram. */
    public static final long TX_WAIT_NANOS = 100_000_000L;

    private final UdpLayer udp;
    private final EventLoop loop;
    private final Counter rxQueueFull, txQueueFull;

    public UdpSockets(UdpLayer udp, EventLoop loop, Counters counters) {
        this.udp = udp;
        this.loop = loop;
        rxQueueFull = counters.counter("udp.rx.drop.queue-full");
        // Not "udp.tx.drop.queue-full": UdpLayer counts ARP's full queue (SendStatus.QUEUE_FULL) under that name.
        txQueueFull = counters.counter("udp.tx.drop.socket-queue-full");
    }

    @Override public UdpSocket bind(int port) throws IOException {
        Socket s = new Socket();
        s.port = udp.bind(port, s);
        return s;
    }

    /** A ring slot: a reused buffer and the datagram's peer. */
    private static final class Slot {
        byte[] data = new byte[0];
        int length, address, port;

        void fill(ByteBuffer src, int n) {
            if (data.length < n) data = new byte[Math.max(n, Math.min(2048, UdpLayer.MAX_PAYLOAD))];
            src.get(src.position(), data, 0, n);
            length = n;
        }
    }

    private final class Socket implements UdpSocket, UdpHandler {
        final ReentrantLock lock = new ReentrantLock();
        final Waiter waiter = new Waiter(loop), txWaiter = new Waiter(loop);
        final Slot[] rx = new Slot[RX_SLOTS];
        int rxHead, rxCount, rxBytes;
        final Slot[] tx = new Slot[TX_SLOTS];
        int txHead, txCount;
        final Runnable drain = this::drain;
        volatile boolean closed;
        volatile int port;
        long timeoutNanos;
        boolean receiverWaiting, senderWaiting;

        Socket() {
            for (int i = 0; i < RX_SLOTS; i++) rx[i] = new Slot();
            for (int i = 0; i < TX_SLOTS; i++) tx[i] = new Slot();
        }

        // Loop thread: a datagram for us.
        @Override public void datagram(int source, int sourcePort, int destination, int destinationPort, ByteBuffer payload) {
            int n = payload.remaining();
            boolean wake;
            lock.lock();
            try {
                if (closed) return;
                if (rxCount == RX_SLOTS || rxBytes + n > RX_BYTES) {
                    rxQueueFull.inc();
                    return;
                }
                Slot s = rx[(rxHead + rxCount) % RX_SLOTS];
                s.fill(payload, n);
                s.address = source;
                s.port = sourcePort;
                rxCount++;
                rxBytes += n;
                wake = receiverWaiting;
                receiverWaiting = false;
            } finally {
                lock.unlock();
            }
            if (wake) waiter.signal();
        }

        /** The receiver's wait condition: something to take, or closed. Notes that it waits, so the loop signals. */
        private boolean readable() {
            lock.lock();
            try {
                if (rxCount > 0 || closed) return true;
                receiverWaiting = true;
                return false;
            } finally {
                lock.unlock();
            }
        }

        @Override public Endpoint receive(ByteBuffer dst) throws IOException {
            long timeout;
            lock.lock();
            try {
                timeout = timeoutNanos;
            } finally {
                lock.unlock();
            }
            long deadline = timeout > 0 ? loop.nanoTime() + timeout : Long.MAX_VALUE;
            while (true) {
                try {
                    if (!waiter.await(this::readable, deadline)) {
                        throw new SocketTimeoutException("no UDP datagram on port " + port + " within " + Duration.ofNanos(timeout));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.nio.channels.ClosedByInterruptException();
                }
                lock.lock();
                try {
                    if (closed) throw new ClosedChannelException();
                    if (rxCount == 0) continue; // another receiver took it
                    Slot s = rx[rxHead];
                    int n = Math.min(s.length, dst.remaining());
                    dst.put(s.data, 0, n);
                    rxHead = (rxHead + 1) % RX_SLOTS;
                    rxCount--;
                    rxBytes -= s.length;
                    return new Endpoint(new Ipv4Address(s.address), s.port);
                } finally {
                    lock.unlock();
                }
            }
        }

        @Override public void send(ByteBuffer src, Endpoint to) throws IOException {
            if (closed) throw new ClosedChannelException();
            if (!(to.address() instanceof Ipv4Address a)) {
                throw new NoRouteToHostException("this stack speaks IPv4 only; cannot send to " + to);
            }
            if (to.port() == 0) throw new IOException("cannot send to port 0 (" + to + ")");
            int n = src.remaining();
            if (n > UdpLayer.MAX_PAYLOAD) {
                throw new IOException("UDP datagram of " + n + " bytes is longer than the " + UdpLayer.MAX_PAYLOAD + " allowed");
            }
            if (udp.address() == 0 && !a.isBroadcast()) {
                throw new NoRouteToHostException("no IPv4 address yet (give --ipv4, or wait for DHCP); cannot send to " + to);
            }
            if (loop.inLoop()) {
                udp.send(udp.address(), port, a.bits(), to.port(), src);
                src.position(src.limit());
                return;
            }
            boolean post;
            lock.lock();
            try {
                long deadline = 0;
                while (txCount == TX_SLOTS && !closed) {
                    if (deadline == 0) deadline = loop.nanoTime() + TX_WAIT_NANOS;
                    boolean room;
                    lock.unlock();
                    try {
                        room = awaitRoom(deadline);
                    } finally {
                        lock.lock();
                    }
                    if (!room) {
                        txQueueFull.incAtomic();
                        src.position(src.limit());
                        return;
                    }
                }
                if (closed) throw new ClosedChannelException();
                Slot s = tx[(txHead + txCount) % TX_SLOTS];
                s.fill(src, n);
                s.address = a.bits();
                s.port = to.port();
                post = txCount++ == 0;
            } finally {
                lock.unlock();
            }
            src.position(src.limit());
            if (post) loop.execute(drain);
        }

        /** Waits until the send queue has room or the socket closes; false at the deadline. */
        private boolean awaitRoom(long deadline) throws IOException {
            try {
                return txWaiter.await(this::writable, deadline);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.nio.channels.ClosedByInterruptException();
            }
        }

        /** A sender's wait condition: room in the queue, or closed. Notes that it waits, so the loop signals. */
        private boolean writable() {
            lock.lock();
            try {
                if (txCount < TX_SLOTS || closed) return true;
                senderWaiting = true;
                return false;
            } finally {
                lock.unlock();
            }
        }

        // Loop thread: sends what the senders queued (a ring's worth per turn).
        private void drain() {
            try {
                drain0();
            } finally {
                boolean wake;
                lock.lock();
                try {
                    wake = senderWaiting;
                    senderWaiting = false;
                } finally {
                    lock.unlock();
                }
                if (wake) txWaiter.signal();
            }
        }

        private void drain0() {
            ByteBuffer out = udp.ip().payloadBuffer();
            for (int sent = 0; ; sent++) {
                int n, address, to;
                lock.lock();
                try {
                    if (txCount == 0 || closed) {
                        txCount = 0;
                        return;
                    }
                    if (sent == TX_SLOTS) {
                        // Senders keep the queue full: let the loop's other work run, then go on.
                        loop.execute(drain);
                        return;
                    }
                    Slot s = tx[txHead];
                    n = s.length;
                    address = s.address;
                    to = s.port;
                    out.put(8, s.data, 0, n);
                    txHead = (txHead + 1) % TX_SLOTS;
                    txCount--;
                } finally {
                    lock.unlock();
                }
                udp.sendPrepared(udp.address(), port, address, to, n);
            }
        }

        @Override public void receiveTimeout(Duration timeout) {
            lock.lock();
            try {
                timeoutNanos = timeout == null ? 0 : timeout.toNanos();
            } finally {
                lock.unlock();
            }
        }

        @Override public Endpoint localAddress() { return new Endpoint(new Ipv4Address(udp.address()), port); }

        @Override public void close() {
            lock.lock();
            try {
                if (closed) return;
                closed = true;
            } finally {
                lock.unlock();
            }
            waiter.signal();
            txWaiter.signal();
            udp.unbind(port, this);
        }
    }
}

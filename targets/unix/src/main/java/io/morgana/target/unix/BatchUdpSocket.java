package io.morgana.target.unix;

import static io.morgana.target.unix.Sockets.IOVEC_SIZE;
import static io.morgana.target.unix.Sockets.MMSGHDR_SIZE;
import static io.morgana.target.unix.Sockets.MMSG_LEN;
import static io.morgana.target.unix.Sockets.MSG_IOV;
import static io.morgana.target.unix.Sockets.MSG_IOVLEN;
import static io.morgana.target.unix.Sockets.MSG_NAME;
import static io.morgana.target.unix.Sockets.MSG_NAMELEN;
import static io.morgana.target.unix.Sockets.SOCKADDR_SIZE;

import io.morgana.api.Endpoint;
import io.morgana.api.IpAddress;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv6Address;
import io.morgana.api.UdpSocket;
import io.morgana.runtime.Native;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A host UDP socket that moves many datagrams per system call, as NSD does: {@code recvmmsg}
 * fills up to {@value #BATCH} datagrams at once (NSD takes 100) and {@link #receive} hands them
 * out one by one — a socket starts with room for {@value #FIRST_BATCH} and doubles it each time a
 * call fills it, so a client's socket stays small while a busy server's grows;
 * what the receiving thread sends while datagrams of that batch are still waiting is held back and
 * sent with one {@code sendmmsg} when the batch is used up (so a server that answers each datagram
 * sends the answers to a batch together). Sends from other threads, sends larger than
 * {@value #HELD_MAX} bytes and sends of a receiver outside a batch go at once, each with its own {@code sendmmsg}.
 *
 * <p>The socket is dual-stack (IPv6 with IPv4-mapped addresses) where the host has IPv6. Blocking
 * system calls pin the thread that makes them, so a virtual thread's receive is carried out by a
 * pooled platform thread while the virtual thread parks. Closing shuts the socket down, which wakes
 * a blocked receive; the descriptor and native memory are released by the last call to leave.
 */
final class BatchUdpSocket implements UdpSocket {

    /** Datagrams one {@code recvmmsg} may return, and sends held back at most. */
    static final int BATCH = 128;
    /** The batch a socket starts with. */
    static final int FIRST_BATCH = 4;
    /** Largest datagram held back for a batched send; larger ones go at once. */
    static final int HELD_MAX = 4096;
    private static final int SLOT = 65_536;
    private static final long SOCKADDR_STRIDE = 32;
    private static final int RCVBUF = 1 << 20;

    private static final ValueLayout.OfShort NET_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt NET_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong NET_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** Platform threads that carry out virtual threads' blocking receives. */
    private static final ExecutorService BLOCKING =
            Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("morgana-udp-receive-", 0).factory());

    private final int fd;
    private final int family;
    private final Endpoint local;
    /** 1 for the open socket plus one per call inside; the descriptor is closed when it drops to 0. */
    private final AtomicInteger uses = new AtomicInteger(1);
    private volatile boolean closed;

    private final Object receiveLock = new Object();
    /** The received batch: datagrams {@code next} to {@code count - 1} are not handed out yet. */
    private Batch in;
    private int next, count;
    /** recvmmsg calls that returned datagrams, and sendmmsg flushes (tests read them). */
    long receiveCalls, sendBatches;
    /** The thread that took the last datagram; its sends are held back while the batch lasts. */
    private volatile Thread receiver;

    private final Object heldLock = new Object();
    private Batch held;
    private int heldCount;

    private final Object sendLock = new Object();
    /** The one datagram a send that is not held back goes out from. */
    private Batch out;

    private BatchUdpSocket(int fd, int family, Endpoint local) {
        this.fd = fd;
        this.family = family;
        this.local = local;
    }

    // ------------------------------------------------------------------ availability and binding

    /** Whether FFM sockets can be used here; otherwise the JDK's (also with {@code -Dmorgana.unix.udp=jdk}). */
    static boolean available() { return Availability.AVAILABLE; }

    private static final class Availability {
        static final boolean AVAILABLE = check();

        private static boolean check() {
            if ("jdk".equals(System.getProperty("morgana.unix.udp"))) return false;
            if (!BatchUdpSocket.class.getModule().isNativeAccessEnabled()) {
                UnixStack.LOG.log(System.Logger.Level.DEBUG, "udp: native access is not enabled; using the JDK's sockets");
                return false;
            }
            try {
                Sockets.close(-1);
                return true;
            } catch (Throwable t) {
                UnixStack.LOG.log(System.Logger.Level.INFO, "udp: batched sockets unavailable (" + t + "); using the JDK's sockets");
                return false;
            }
        }
    }

    static BatchUdpSocket bind(int port) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cap = Native.capture(arena);
            int family = Sockets.AF_INET6;
            int fd = Sockets.socket(cap, family, Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0);
            if (fd < 0 && Native.errno(cap) == Sockets.EAFNOSUPPORT) {
                family = Sockets.AF_INET;
                fd = Sockets.socket(cap, family, Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0);
            }
            if (fd < 0) throw new IOException("cannot create a UDP socket: " + Native.strerror(Native.errno(cap)));
            try {
                MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
                if (family == Sockets.AF_INET6) {
                    v.set(ValueLayout.JAVA_INT, 0, 0);
                    Sockets.setsockopt(cap, fd, Sockets.IPPROTO_IPV6, Sockets.IPV6_V6ONLY, v, 4);
                }
                // Room for a burst (NSD asks for more than this too); the kernel caps it at rmem_max.
                v.set(ValueLayout.JAVA_INT, 0, RCVBUF);
                Sockets.setsockopt(cap, fd, Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, v, 4);
                MemorySegment addr = arena.allocate(SOCKADDR_SIZE);
                addr.set(ValueLayout.JAVA_SHORT, 0, (short) family);
                addr.set(NET_SHORT, 2, (short) port);
                if (Sockets.bind(cap, fd, addr, sockaddrLength(family)) < 0) {
                    throw UnixStack.bindFailure("udp", port, new IOException(Native.strerror(Native.errno(cap))));
                }
                MemorySegment alen = arena.allocate(ValueLayout.JAVA_INT);
                alen.set(ValueLayout.JAVA_INT, 0, SOCKADDR_SIZE);
                if (Sockets.getsockname(cap, fd, addr, alen) < 0) {
                    throw new IOException("cannot read the bound UDP port: " + Native.strerror(Native.errno(cap)));
                }
                int bound = Short.toUnsignedInt(addr.get(NET_SHORT, 2));
                return new BatchUdpSocket(fd, family, new Endpoint(Ipv4Address.ANY, bound));
            } catch (IOException | RuntimeException e) {
                Sockets.close(fd);
                throw e;
            }
        }
    }

    // ------------------------------------------------------------------ receiving

    @Override public Endpoint receive(ByteBuffer dst) throws IOException {
        enter();
        try {
            synchronized (receiveLock) {
                if (next >= count) {
                    flushHeld();
                    if (in == null) {
                        in = new Batch(FIRST_BATCH, SLOT);
                    } else if (count == in.size && in.size < BATCH) {
                        // The last call filled the batch: more may be waiting next time.
                        Batch bigger = new Batch(Math.min(BATCH, 2 * in.size), SLOT);
                        in.free();
                        in = bigger;
                    }
                    count = Thread.currentThread().isVirtual() ? fillElsewhere() : fill();
                    next = 0;
                    receiveCalls++;
                }
                int i = next++;
                MemorySegment data = in.data(i);
                int n = Math.min(in.length(i), dst.remaining());
                MemorySegment.ofBuffer(dst).copyFrom(data.asSlice(0, n));
                dst.position(dst.position() + n);
                receiver = Thread.currentThread();
                return endpoint(in.name(i));
            }
        } finally {
            leave();
        }
    }

    /** One blocking {@code recvmmsg}: at least one datagram, and what else is queued, up to the batch's size. */
    private int fill() throws IOException {
        Batch b = in;
        // The kernel wrote the name lengths of the slots the last call filled; a new batch has them all set.
        for (int i = 0; i < Math.min(count, b.size); i++) b.resetName(i);
        while (true) {
            int n = Sockets.recvmmsg(b.capture, fd, b.headers, b.size, Sockets.MSG_WAITFORONE);
            if (closed) throw new ClosedChannelException();
            if (n > 0) return n;
            if (n == 0) continue;
            int e = Native.errno(b.capture);
            if (e == Sockets.EINTR) continue;
            if (e == Sockets.EAGAIN) throw new SocketTimeoutException("no UDP datagram within the receive timeout");
            throw new IOException("UDP receive failed: " + Native.strerror(e));
        }
    }

    /** {@link #fill} on a platform thread while this virtual thread parks (not interruptibly: the batch is shared). */
    private int fillElsewhere() throws IOException {
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return fill();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, BLOCKING).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException u) throw u.getCause();
            throw e;
        }
    }

    // ------------------------------------------------------------------ sending

    @Override public void send(ByteBuffer src, Endpoint to) throws IOException {
        int n = src.remaining();
        if (n > UnixUdpSocket.MAX_PAYLOAD) {
            throw new IOException("a UDP datagram carries at most " + UnixUdpSocket.MAX_PAYLOAD + " bytes, not " + n);
        }
        enter();
        try {
            if (n <= HELD_MAX && receiver == Thread.currentThread()) {
                sendHeld(src, to);
            } else {
                sendNow(src, to);
            }
        } finally {
            leave();
        }
        src.position(src.limit());
    }

    private void sendHeld(ByteBuffer src, Endpoint to) throws IOException {
        synchronized (heldLock) {
            if (held == null) held = new Batch(BATCH, HELD_MAX);
            int i = heldCount;
            held.setName(i, sockaddr(held.name(i), to)); // first: it refuses what this socket cannot reach
            held.data(i).copyFrom(MemorySegment.ofBuffer(src));
            held.setLength(i, src.remaining());
            heldCount++;
            // More datagrams of this batch to answer: hold this one until they are.
            if (next < count && heldCount < BATCH) return;
            flushHeld();
        }
    }

    /** Sends what is held back, in order; a datagram the kernel refuses is dropped, as UDP may. */
    private void flushHeld() throws IOException {
        synchronized (heldLock) {
            int sent = 0;
            if (heldCount > 0) sendBatches++;
            try {
                while (sent < heldCount) {
                    int n = Sockets.sendmmsg(held.capture, fd, held.headers.asSlice(sent * MMSGHDR_SIZE), heldCount - sent, 0);
                    if (n > 0) {
                        sent += n;
                        continue;
                    }
                    int e = Native.errno(held.capture);
                    if (e == Sockets.EINTR) continue;
                    if (closed) throw new ClosedChannelException();
                    UnixStack.LOG.log(System.Logger.Level.DEBUG, () -> "udp: send failed: " + Native.strerror(e));
                    sent++;
                }
            } finally {
                heldCount = 0;
            }
        }
    }

    private void sendNow(ByteBuffer src, Endpoint to) throws IOException {
        synchronized (sendLock) {
            if (out == null) out = new Batch(1, SLOT);
            out.setName(0, sockaddr(out.name(0), to));
            out.data(0).copyFrom(MemorySegment.ofBuffer(src));
            out.setLength(0, src.remaining());
            while (true) {
                if (Sockets.sendmmsg(out.capture, fd, out.headers, 1, 0) == 1) return;
                int e = Native.errno(out.capture);
                if (e == Sockets.EINTR) continue;
                if (closed) throw new ClosedChannelException();
                throw new IOException("UDP send to " + to + " failed: " + Native.strerror(e));
            }
        }
    }

    // ------------------------------------------------------------------ addresses

    /** Writes {@code to} as this socket's family of sockaddr; returns its length. */
    private int sockaddr(MemorySegment s, Endpoint to) throws IOException {
        s.fill((byte) 0);
        s.set(ValueLayout.JAVA_SHORT, 0, (short) family);
        s.set(NET_SHORT, 2, (short) to.port());
        switch (to.address()) {
            case Ipv4Address v4 when family == Sockets.AF_INET -> s.set(NET_INT, 4, v4.bits());
            case Ipv4Address v4 -> {
                s.set(NET_INT, 16, 0xffff);
                s.set(NET_INT, 20, v4.bits());
            }
            case Ipv6Address v6 when family == Sockets.AF_INET6 -> {
                s.set(NET_LONG, 8, v6.high());
                s.set(NET_LONG, 16, v6.low());
            }
            case Ipv6Address _ -> throw new IOException("cannot send to " + to + ": the host has no IPv6");
        }
        return sockaddrLength(family);
    }

    /** sizeof(struct sockaddr_in6) or sizeof(struct sockaddr_in). */
    private static int sockaddrLength(int family) { return family == Sockets.AF_INET6 ? SOCKADDR_SIZE : 16; }

    /** A few senders seen last, so that a busy client does not cost an Endpoint per datagram. */
    private final Endpoint[] recent = new Endpoint[8];
    private int recentNext;

    private Endpoint endpoint(MemorySegment s) {
        int port = Short.toUnsignedInt(s.get(NET_SHORT, 2));
        IpAddress a;
        if (s.get(ValueLayout.JAVA_SHORT, 0) == Sockets.AF_INET) {
            int bits = s.get(NET_INT, 4);
            for (Endpoint e : recent) {
                if (e != null && e.port() == port && e.address() instanceof Ipv4Address v4 && v4.bits() == bits) return e;
            }
            a = new Ipv4Address(bits);
        } else {
            long high = s.get(NET_LONG, 8), low = s.get(NET_LONG, 16);
            boolean mapped = high == 0 && (low >>> 32) == 0xffff;
            for (Endpoint e : recent) {
                if (e == null || e.port() != port) continue;
                if (mapped ? e.address() instanceof Ipv4Address v4 && v4.bits() == (int) low
                        : e.address() instanceof Ipv6Address v6 && v6.high() == high && v6.low() == low) return e;
            }
            a = mapped ? new Ipv4Address((int) low) : new Ipv6Address(high, low);
        }
        Endpoint e = new Endpoint(a, port);
        recent[recentNext] = e;
        recentNext = (recentNext + 1) % recent.length;
        return e;
    }

    // ------------------------------------------------------------------ the rest of UdpSocket

    @Override public void receiveTimeout(Duration timeout) {
        boolean none = timeout == null || timeout.isZero() || timeout.isNegative();
        long seconds = none ? 0 : timeout.toSeconds(), micros = none ? 0 : timeout.toNanosPart() / 1000;
        if (!none && seconds == 0 && micros == 0) micros = 1;
        try {
            enter();
        } catch (ClosedChannelException e) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment tv = arena.allocate(16);
            tv.set(ValueLayout.JAVA_LONG, 0, seconds);
            tv.set(ValueLayout.JAVA_LONG, 8, micros);
            Sockets.setsockopt(Native.capture(arena), fd, Sockets.SOL_SOCKET, Sockets.SO_RCVTIMEO, tv, 16);
        } finally {
            leave();
        }
    }

    @Override public Endpoint localAddress() { return local; }

    @Override public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        Sockets.shutdown(fd, Sockets.SHUT_RD);
        leave();
    }

    @Override public String toString() { return "udp socket on " + local; }

    private void enter() throws ClosedChannelException {
        while (true) {
            int u = uses.get();
            if (u == 0 || closed) throw new ClosedChannelException();
            if (uses.compareAndSet(u, u + 1)) return;
        }
    }

    private void leave() {
        if (uses.decrementAndGet() != 0) return;
        Sockets.close(fd);
        if (in != null) in.free();
        if (held != null) held.free();
        if (out != null) out.free();
    }

    /**
     * Native memory for {@code n} datagrams of up to {@code size} bytes: the mmsghdr array, one
     * iovec and one sockaddr per datagram, the data, and an errno capture segment.
     */
    private static final class Batch {
        final MemorySegment all, headers, capture;
        private final MemorySegment iovecs, names, data;
        /** Datagrams it holds, and bytes each. */
        final int size, slot;

        Batch(int n, int slot) {
            this.size = n;
            this.slot = slot;
            long h = n * MMSGHDR_SIZE, v = n * IOVEC_SIZE, s = n * SOCKADDR_STRIDE, c = 16;
            all = Sockets.malloc(h + v + s + c + (long) n * slot);
            headers = all.asSlice(0, h);
            iovecs = all.asSlice(h, v);
            names = all.asSlice(h + v, s);
            capture = all.asSlice(h + v + s, Native.LAYOUT.byteSize());
            data = all.asSlice(h + v + s + c, (long) n * slot);
            headers.fill((byte) 0);
            for (int i = 0; i < n; i++) {
                MemorySegment iov = iovecs.asSlice(i * IOVEC_SIZE, IOVEC_SIZE);
                iov.set(ValueLayout.ADDRESS, 0, data(i));
                iov.set(ValueLayout.JAVA_LONG, 8, slot);
                MemorySegment hdr = headers.asSlice(i * MMSGHDR_SIZE, MMSGHDR_SIZE);
                hdr.set(ValueLayout.ADDRESS, MSG_NAME, name(i));
                hdr.set(ValueLayout.JAVA_INT, MSG_NAMELEN, SOCKADDR_SIZE);
                hdr.set(ValueLayout.ADDRESS, MSG_IOV, iov);
                hdr.set(ValueLayout.JAVA_LONG, MSG_IOVLEN, 1);
            }
        }

        MemorySegment data(int i) { return data.asSlice((long) i * slot, slot); }

        MemorySegment name(int i) { return names.asSlice(i * SOCKADDR_STRIDE, SOCKADDR_SIZE); }

        int length(int i) { return headers.get(ValueLayout.JAVA_INT, i * MMSGHDR_SIZE + MMSG_LEN); }

        /** Before a receive: the kernel writes how much of the sockaddr it filled. */
        void resetName(int i) { setName(i, SOCKADDR_SIZE); }

        void setName(int i, int len) { headers.set(ValueLayout.JAVA_INT, i * MMSGHDR_SIZE + MSG_NAMELEN, len); }

        /** Before a send: the datagram's length. */
        void setLength(int i, int n) {
            iovecs.set(ValueLayout.JAVA_LONG, i * IOVEC_SIZE + 8, n);
        }

        void free() { Sockets.free(all); }
    }
}

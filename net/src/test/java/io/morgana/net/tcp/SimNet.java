package io.morgana.net.tcp;

import io.morgana.api.Random;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Deterministic simulation of two TCP engines joined by a wire on virtual time: a fixed latency,
 * a serialising bottleneck with a drop-tail queue, and a seeded fault injector (drop, duplicate,
 * reorder, corrupt) per direction, plus targeted drops and a path-MTU "router". Everything runs on
 * one thread in event order; the same seed gives the same run.
 */
final class SimNet {
    static final int A_IP = 0x0a000001, B_IP = 0x0a000002;

    record Ev(long at, long order, Runnable task) {}

    /** One segment as it left a host. */
    record Sent(long at, TcpHeader h, int payload) {}

    static final class Faults {
        double drop, duplicate, reorder, corrupt;

        Faults set(double drop, double duplicate, double reorder, double corrupt) {
            this.drop = drop;
            this.duplicate = duplicate;
            this.reorder = reorder;
            this.corrupt = corrupt;
            return this;
        }
    }

    final class Host implements TcpEngine.Output {
        final int ip;
        final TcpEngine engine;
        Host peer;
        final Faults faults = new Faults();
        final List<Sent> sent = new ArrayList<>();
        Predicate<Sent> dropIf = s -> false;
        /** Packets (IP length) above this are dropped and answered with ICMP frag-needed; 0 = off. */
        int pathMtu;
        private long linkFreeAt;
        private long queued;

        Host(int ip, TcpConfig cfg, long seed) {
            this.ip = ip;
            this.engine = new TcpEngine(cfg, seeded(seed), this);
        }

        @Override public void send(int srcIp, int dstIp, byte[] segment, int off, int len) {
            byte[] copy = java.util.Arrays.copyOfRange(segment, off, off + len);
            TcpHeader h = TcpHeader.parse(copy, 0);
            Sent s = new Sent(now, h, len - h.headerLength());
            sent.add(s);
            if (dstIp != peer.ip) return;
            if (dropIf.test(s)) return;
            if (pathMtu > 0 && len + 20 > pathMtu) {
                byte[] quoted = java.util.Arrays.copyOf(copy, 8);
                int mtu = pathMtu;
                at(now + latency, () -> engine.icmpError(now, 4, mtu, srcIp, dstIp, quoted, 0, 8));
                return;
            }
            if (chance(faults.drop)) return;
            if (chance(faults.corrupt)) copy[rnd.nextInt(copy.length)] ^= (byte) (1 << rnd.nextInt(8));
            long size = len + 40L;
            if (queued + size > queueLimit) {
                drops++;
                return;
            }
            queued += size;
            long depart = Math.max(now, linkFreeAt) + size * 1_000_000_000L / bytesPerSecond;
            linkFreeAt = depart;
            long arrive = depart + latency + (chance(faults.reorder) ? latency / 2 + rnd.nextInt((int) Math.max(1, latency)) : 0);
            at(depart, () -> queued -= size);
            deliver(arrive, srcIp, dstIp, copy);
            if (chance(faults.duplicate)) deliver(arrive + rnd.nextInt(1_000_000), srcIp, dstIp, copy.clone());
        }

        private void deliver(long at, int srcIp, int dstIp, byte[] bytes) {
            at(at, () -> peer.engine.receive(now, srcIp, dstIp, bytes, 0, bytes.length));
        }

        /** Segments this host sent that carried data, in order. */
        List<Sent> dataSegments() {
            return sent.stream().filter(s -> s.payload > 0).toList();
        }
    }

    long now = 1_000_000_000L;
    long latency = 5_000_000L;
    long bytesPerSecond = 12_500_000L;
    long queueLimit = 256 * 1024;
    long drops;
    final java.util.Random rnd;
    final Host a, b;
    private final PriorityQueue<Ev> events = new PriorityQueue<>((x, y) -> x.at != y.at ? Long.compare(x.at, y.at) : Long.compare(x.order, y.order));
    private long order;

    SimNet(long seed, TcpConfig cfg) { this(seed, cfg, cfg); }

    SimNet(long seed, TcpConfig cfgA, TcpConfig cfgB) {
        rnd = new java.util.Random(seed);
        a = new Host(A_IP, cfgA, seed * 31 + 1);
        b = new Host(B_IP, cfgB, seed * 31 + 2);
        a.peer = b;
        b.peer = a;
    }

    static Random seeded(long seed) {
        java.util.Random r = new java.util.Random(seed);
        return r::nextBytes;
    }

    boolean chance(double p) { return p > 0 && rnd.nextDouble() < p; }

    void at(long time, Runnable task) { events.add(new Ev(Math.max(time, now), order++, task)); }

    /** Runs {@code task} after the current event (no re-entrance into the engine). */
    void defer(Runnable task) { at(now, task); }

    /** Advances virtual time until {@code done} holds; returns false if {@code maxNanos} passed first. */
    boolean run(BooleanSupplier done, long maxNanos) {
        long end = now + maxNanos;
        while (!done.getAsBoolean()) {
            long next = Math.min(events.isEmpty() ? Long.MAX_VALUE : events.peek().at,
                    Math.min(a.engine.nextDeadline(), b.engine.nextDeadline()));
            if (next == Long.MAX_VALUE || next > end) {
                now = Math.max(now, Math.min(end, next));
                return done.getAsBoolean();
            }
            now = Math.max(now, next);
            if (!events.isEmpty() && events.peek().at <= now) {
                events.poll().task.run();
            } else {
                if (a.engine.nextDeadline() <= now) a.engine.onTimers(now);
                if (b.engine.nextDeadline() <= now) b.engine.onTimers(now);
            }
        }
        return true;
    }

    void runFor(long nanos) { run(() -> false, nanos); }

    // ---------------------------------------------------------------- application drivers

    /** Reads everything into a SHA-256, optionally stalled until a time or at a limited rate. */
    final class Sink implements TcpConnection.Handler {
        final MessageDigest digest = sha256();
        long bytes;
        boolean eof, closed;
        long stalledUntil;
        int chunk = 1 << 20;
        boolean closeAtEof = true;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        private TcpConnection conn;

        Sink attach(TcpConnection c) {
            conn = c;
            c.handler(this);
            defer(() -> readable(c));
            return this;
        }

        @Override public void readable(TcpConnection c) {
            conn = c;
            defer(this::drain);
        }

        @Override public void closed(TcpConnection c) { closed = true; defer(this::drain); }

        private void drain() {
            if (eof || conn == null) return;
            if (now < stalledUntil) {
                at(stalledUntil, this::drain);
                return;
            }
            int budget = chunk;
            while (budget > 0) {
                buf.clear().limit(Math.min(buf.capacity(), budget));
                int n = conn.read(now, buf);
                if (n < 0) {
                    eof = true;
                    if (closeAtEof) conn.close(now);
                    return;
                }
                if (n == 0) return;
                digest.update(buf.array(), 0, n);
                bytes += n;
                budget -= n;
            }
            if (stalledUntil > 0) at(now + 10_000_000L, this::drain);
            else defer(this::drain);
        }

        String hash() { return HexFormat.of().formatHex(digest.digest()); }
    }

    /** Writes {@code total} pseudo-random bytes (seeded), then shuts output down if asked. */
    final class Source implements TcpConnection.Handler {
        final MessageDigest digest = sha256();
        final long total;
        long written;
        boolean shutdownAtEnd = true, established;
        private final java.util.Random data;
        private final byte[] block = new byte[1 << 16];
        private final ByteBuffer pending = ByteBuffer.allocate(1 << 16).limit(0);
        private TcpConnection conn;

        Source(long total, long seed) {
            this.total = total;
            this.data = new java.util.Random(seed);
        }

        Source attach(TcpConnection c) {
            conn = c;
            c.handler(this);
            if (c.state() != TcpConnection.State.SYN_SENT) established(c);
            return this;
        }

        @Override public void established(TcpConnection c) { established = true; defer(this::pump); }
        @Override public void writable(TcpConnection c) { defer(this::pump); }

        private void pump() {
            while (true) {
                if (!pending.hasRemaining()) {
                    if (written == total) {
                        if (shutdownAtEnd) conn.shutdownOutput(now);
                        return;
                    }
                    int n = (int) Math.min(block.length, total - written);
                    data.nextBytes(block);
                    digest.update(block, 0, n);
                    written += n;
                    pending.clear();
                    pending.put(block, 0, n).flip();
                }
                int n = conn.write(now, pending);
                if (n <= 0) return;
            }
        }

        String hash() { return HexFormat.of().formatHex(digest.digest()); }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** B listens on {@code port}; each accepted connection gets a fresh handler from {@code onAccept}. */
    TcpListenSocket listen(int port, java.util.function.Consumer<TcpConnection> onAccept) throws Exception {
        TcpListenSocket l = b.engine.listen(port, 128);
        l.onAcceptable(() -> defer(() -> {
            TcpConnection c;
            while ((c = l.accept()) != null) onAccept.accept(c);
        }));
        return l;
    }

    TcpConnection connect(int port, TcpConnection.Handler h) throws Exception {
        return a.engine.connect(now, A_IP, B_IP, port, h);
    }
}

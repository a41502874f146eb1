package io.morgana.net.tcp;

import static io.morgana.net.tcp.TcpHeader.ACK;
import static io.morgana.net.tcp.TcpHeader.FIN;
import static io.morgana.net.tcp.TcpHeader.RST;
import static io.morgana.net.tcp.TcpHeader.SYN;

import io.morgana.api.Random;
import io.morgana.net.util.Counter;
import io.morgana.net.util.Counters;
import java.io.IOException;
import java.net.BindException;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * Morgana's TCP for one stack, sans I/O: segments come in through {@link #receive}, ICMP errors
 * through {@link #icmpError}, time through {@link #onTimers}; segments go out through the
 * {@link Output} given at construction. No threads, no clock, no randomness of its own: the caller
 * passes the time and a {@link Random} (for the boot-time secret keys) in.
 *
 * <p>It demultiplexes to connections by 4-tuple and to listeners by port, answers closed ports
 * with RST, chooses ISNs per RFC 6528 (SipHash of the 4-tuple under a secret key plus a 4 µs
 * clock) and ephemeral ports per RFC 6056 (algorithm 3, double hash), sends SYN cookies when a
 * listener's SYN queue is full, reuses a TIME_WAIT 4-tuple for a new SYN that is provably newer
 * (RFC 6191), rate-limits RFC 5961 challenge ACKs, and bounds connections and buffered bytes.
 * Hostile input is counted under {@code tcp.rx.drop.<reason>} and dropped.
 */
public final class TcpEngine {

    /** Where segments go: the IPv4 layer (protocol 6). The buffer is only valid during the call. */
    public interface Output {
        void send(int srcIp, int dstIp, byte[] segment, int off, int len);

        /**
         * A segment with a partial checksum (pseudo-header sum only) for the link to complete;
         * with {@code segmentSize > 0} a super-segment for it to cut into segments of that
         * payload. Called only after {@link #offloads} turned offloads on.
         */
        default void sendOffloaded(int srcIp, int dstIp, byte[] segment, int off, int len, int segmentSize) {
            throw new UnsupportedOperationException("this output takes no offloaded segments");
        }
    }

    /** Largest payload of a super-segment: an IPv4 datagram of 65,535 bytes with a 20-byte IP and a 60-byte TCP header. */
    static final int MAX_SUPER_PAYLOAD = 65_535 - 20 - 60;

    record Key(int localIp, int localPort, int remoteIp, int remotePort) {
        // Written out: a record's own go through the ObjectMethods bootstrap, whose method handles are spun
        // at the first connection (~6 ms; the AOT cache cannot keep them).
        @Override public boolean equals(Object o) {
            return o instanceof Key k && k.localIp == localIp && k.localPort == localPort && k.remoteIp == remoteIp
                    && k.remotePort == remotePort;
        }

        @Override public int hashCode() { return ((localIp * 31 + localPort) * 31 + remoteIp) * 31 + remotePort; }
    }

    private record Timer(long deadline, TcpConnection conn) {}

    private static final long COOKIE_PERIOD = 64_000_000_000L;
    private static final int[] COOKIE_MSS = {216, 536, 1200, 1220, 1400, 1440, 1460, 8960};

    private final TcpConfig config;
    private final Output out;
    private final BufferBudget budget;
    private final SipHash isnHash, portHash, cookieHash;
    private final Map<Key, TcpConnection> conns = new HashMap<>();
    private final Map<Integer, TcpListenSocket> listeners = new HashMap<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) -> Long.compare(a.deadline, b.deadline));
    private final Counters registry;
    private final Map<String, Counter> counters = new HashMap<>();
    /** Gauges in the registry: connections in the table (TIME_WAIT included). */
    private final Counter connectionGauge;
    private final int[] portTable = new int[256];
    private final byte[] tx = new byte[65536 + 64];
    private boolean checksumOffload, segmentationOffload;
    private long challengeWindow = Long.MIN_VALUE;
    private int challengeCount;
    private long lastNow;

    public TcpEngine(TcpConfig config, Random random, Output out) { this(config, random, out, new Counters()); }

    /** With the stack's counter registry, so that {@code tcp.*} counters show in {@code Stack.counters()}. */
    public TcpEngine(TcpConfig config, Random random, Output out, Counters registry) {
        this.config = config;
        this.registry = registry;
        this.out = out;
        this.budget = new BufferBudget(config.totalBufferBytes(), registry.counter("tcp.buffer.bytes"));
        this.connectionGauge = registry.counter("tcp.connections");
        this.isnHash = new SipHash(random.nextLong(), random.nextLong());
        this.portHash = new SipHash(random.nextLong(), random.nextLong());
        this.cookieHash = new SipHash(random.nextLong(), random.nextLong());
    }

    public TcpConfig config() { return config; }

    /**
     * What the link below does for TCP (call before the first segment): with {@code checksum}
     * data and ACK segments go out with partial checksums through {@link Output#sendOffloaded};
     * with {@code segmentation} too, connections build super-segments of whole SMSS up to
     * {@link #MAX_SUPER_PAYLOAD} bytes of new data for the link to cut (TSO). Retransmissions
     * stay one SMSS.
     */
    public void offloads(boolean checksum, boolean segmentation) {
        checksumOffload = checksum;
        segmentationOffload = checksum && segmentation;
    }

    /** Whether connections may build super-segments. */
    boolean segmentationOffload() { return segmentationOffload; }
    BufferBudget budget() { return budget; }
    long lastNow() { return lastNow; }

    // ---------------------------------------------------------------- application side

    /**
     * Listens on {@code port} (0: an ephemeral one) of every local address.
     *
     * @throws BindException if the port is taken
     */
    public TcpListenSocket listen(int port, int backlog) throws BindException {
        if (port < 0 || port > 65535) throw new BindException("port must be 0..65535, not " + port);
        if (port == 0) {
            for (int p = config.ephemeralLow(); p <= config.ephemeralHigh() && port == 0; p++) {
                if (!listeners.containsKey(p)) port = p;
            }
            if (port == 0) throw new BindException("no free port to listen on");
        }
        if (listeners.containsKey(port)) throw new BindException("TCP port " + port + " is already listened on");
        TcpListenSocket l = new TcpListenSocket(this, port, Math.max(1, Math.min(backlog, config.maxBacklog())));
        listeners.put(port, l);
        return l;
    }

    void unlisten(TcpListenSocket l, long now) {
        listeners.remove(l.port, l);
        for (TcpConnection c : new ArrayList<>(conns.values())) {
            if (c.listener == l) {
                c.listener = null;
                c.abort(now);
            }
        }
    }

    /**
     * Starts an active open from {@code localIp} to {@code remoteIp:remotePort} and returns the
     * connection in SYN_SENT; the handler hears when it is established or fails.
     *
     * @throws SocketException if no ephemeral port is free or the connection limit is reached
     */
    public TcpConnection connect(long now, int localIp, int remoteIp, int remotePort, TcpConnection.Handler handler) throws IOException {
        return connect(now, localIp, 0, remoteIp, remotePort, handler);
    }

    /** As {@link #connect(long, int, int, int, TcpConnection.Handler)} from a given local port (0: ephemeral). */
    public TcpConnection connect(long now, int localIp, int localPort, int remoteIp, int remotePort, TcpConnection.Handler handler) throws IOException {
        lastNow = now;
        if (remotePort <= 0 || remotePort > 65535) throw new SocketException("remote port must be 1..65535, not " + remotePort);
        if (conns.size() >= config.maxConnections() && !evictTimeWait()) {
            throw new SocketException("too many TCP connections (limit " + config.maxConnections() + ")");
        }
        int port = localPort != 0 ? localPort : ephemeralPort(localIp, remoteIp, remotePort);
        if (localPort != 0 && conns.containsKey(new Key(localIp, port, remoteIp, remotePort))) {
            throw new BindException("TCP " + ip(localIp) + ":" + port + " -> " + ip(remoteIp) + ":" + remotePort + " is in use");
        }
        Key k = new Key(localIp, port, remoteIp, remotePort);
        TcpConnection c = new TcpConnection(this, k, tsOffset(k));
        c.handler(handler);
        track(k, c);
        count("tcp.active-open");
        c.activeOpen(now, isn(now, k));
        reschedule(c);
        return c;
    }

    /** RFC 6056 algorithm 3: a keyed-hash offset per destination plus a per-bucket counter. */
    private int ephemeralPort(int localIp, int remoteIp, int remotePort) throws BindException {
        int low = config.ephemeralLow(), num = config.ephemeralHigh() - low + 1;
        long dest = (long) localIp << 32 | (remoteIp & 0xffffffffL);
        int offset = (int) (portHash.hash(dest, remotePort) >>> 33);
        int idx = (int) (portHash.hash(dest, remotePort, 1) & (portTable.length - 1));
        for (int count = 0; count < num; count++) {
            int port = low + Math.floorMod(offset + portTable[idx] + count, num);
            if (listeners.containsKey(port) || conns.containsKey(new Key(localIp, port, remoteIp, remotePort))) continue;
            portTable[idx] += count + 1;
            return port;
        }
        throw new BindException("no free ephemeral port towards " + ip(remoteIp) + ":" + remotePort);
    }

    /** RFC 6528: ISN = M + F(4-tuple, secret), M a 4-microsecond clock. */
    private int isn(long now, Key k) {
        return (int) isnHash.hash(tuple(k)[0], tuple(k)[1]) + (int) (now / 4000);
    }

    private int tsOffset(Key k) {
        return (int) isnHash.hash(tuple(k)[0], tuple(k)[1], 0x7473);
    }

    private static long[] tuple(Key k) {
        return new long[] {(long) k.localIp << 32 | (k.remoteIp & 0xffffffffL), (long) k.localPort << 16 | k.remotePort};
    }

    // ---------------------------------------------------------------- input

    /** One TCP segment from the IPv4 layer (already addressed to us). Never throws for bad input. */
    public void receive(long now, int srcIp, int dstIp, byte[] b, int off, int len) { receive(now, srcIp, dstIp, b, off, len, false); }

    /**
     * As {@link #receive(long, int, int, byte[], int, int)}; with {@code checksumVerified} the link
     * vouched for the checksum (it may be partial, and the segment longer than the MSS: the host's
     * TSO), so it is not checked.
     */
    public void receive(long now, int srcIp, int dstIp, byte[] b, int off, int len, boolean checksumVerified) {
        lastNow = now;
        count("tcp.rx.segments");
        String problem = TcpHeader.problem(srcIp, dstIp, b, off, len, checksumVerified);
        if (problem != null) {
            count("tcp.rx.drop." + problem);
            return;
        }
        if (dstIp == -1 || (dstIp >>> 28) == 0xe || srcIp == -1 || (srcIp >>> 28) == 0xe || srcIp == 0) {
            count("tcp.rx.drop.broadcast");
            return;
        }
        TcpHeader h = TcpHeader.parse(b, off);
        int pOff = off + h.headerLength(), pLen = len - h.headerLength();
        Key k = new Key(dstIp, h.dstPort(), srcIp, h.srcPort());
        TcpConnection c = conns.get(k);
        int isnFloor = 0;
        boolean reuse = false;
        if (c != null && c.state() == TcpConnection.State.TIME_WAIT && h.has(SYN) && !h.has(ACK) && !h.has(RST)) {
            boolean newer = c.timestampsOn() && h.timestamps() ? Seq.gt(h.tsVal(), c.tsRecent()) : Seq.gt(h.seq(), c.rcvNxt());
            if (newer && listeners.containsKey(h.dstPort())) {
                isnFloor = c.sndNxt() + 65535 + 2;
                reuse = true;
                c.terminate(null);
                c = null;
                count("tcp.timewait.reuse");
            }
        }
        if (c != null) {
            c.input(now, h, b, pOff, pLen);
            reschedule(c);
            return;
        }
        TcpListenSocket l = listeners.get(h.dstPort());
        if (l != null) {
            listenInput(now, l, k, h, b, pOff, pLen, reuse, isnFloor);
            return;
        }
        count("tcp.rx.closed-port");
        if (h.has(RST)) return;
        if (h.has(ACK)) {
            sendReset(dstIp, srcIp, h.dstPort(), h.srcPort(), h.ack(), 0, false);
        } else {
            int segLen = pLen + (h.has(SYN) ? 1 : 0) + (h.has(FIN) ? 1 : 0);
            sendReset(dstIp, srcIp, h.dstPort(), h.srcPort(), 0, h.seq() + segLen, true);
        }
    }

    private void listenInput(long now, TcpListenSocket l, Key k, TcpHeader h, byte[] b, int pOff, int pLen, boolean reuse, int isnFloor) {
        if (h.has(RST)) return;
        if (h.has(ACK)) {
            if (!h.has(SYN) && config.synCookies()) {
                int mss = cookieMss(now, k, h);
                if (mss > 0) {
                    cookieAccept(now, l, k, h, mss, b, pOff, pLen);
                    return;
                }
                count("tcp.syncookie.bad");
            }
            sendReset(k.localIp, k.remoteIp, k.localPort, k.remotePort, h.ack(), 0, false);
            return;
        }
        if (!h.has(SYN)) return;
        if (l.acceptQueue.size() >= l.backlog) {
            count("tcp.listen.overflow");
            return;
        }
        if (l.synQueue >= l.backlog || (conns.size() >= config.maxConnections() && !evictTimeWait())) {
            if (config.synCookies()) {
                sendCookie(now, k, h);
            } else {
                count("tcp.listen.drop");
            }
            return;
        }
        TcpConnection c = new TcpConnection(this, k, tsOffset(k));
        c.listener = l;
        l.synQueue++;
        track(k, c);
        int iss = isn(now, k);
        if (reuse && Seq.lt(iss, isnFloor)) iss = isnFloor;
        count("tcp.passive-open");
        c.passiveOpen(now, h, iss);
        reschedule(c);
    }

    private int cookieMac(Key k, int peerIsn, long t) {
        long[] tu = tuple(k);
        return (int) (cookieHash.hash(tu[0], tu[1], peerIsn & 0xffffffffL, t) >>> 40);
    }

    /** A SYN-ACK whose ISN encodes what we need to rebuild the connection from the final ACK; no state kept. */
    private void sendCookie(long now, Key k, TcpHeader syn) {
        count("tcp.syncookie.sent");
        int peerMss = syn.mss() > 0 ? syn.mss() : 536;
        int limit = Math.min(peerMss, config.mssFromMtu());
        int idx = 0;
        for (int i = 0; i < COOKIE_MSS.length; i++) if (COOKIE_MSS[i] <= limit) idx = i;
        long t = now / COOKIE_PERIOD;
        int cookie = cookieMac(k, syn.seq(), t) << 8 | (int) (t & 31) << 3 | idx;
        boolean ts = config.timestamps() && syn.timestamps();
        boolean ws = ts && config.windowScaling() && syn.windowScale() >= 0;
        boolean sack = ts && config.sack() && syn.sackPermitted();
        int tsv = 0;
        if (ts) {
            int clock = (int) (now / 1_000_000L) + tsOffset(k);
            tsv = (clock & ~0x3f) | (ws ? syn.windowScale() : 0xf) | (sack ? 0x10 : 0);
            if (Seq.gt(tsv, clock)) tsv -= 64;
        }
        int rcvScale = ws ? TcpConnection.scaleFor(config.receiveBuffer()) : -1;
        TcpHeader h = new TcpHeader(k.localPort, k.remotePort, cookie, syn.seq() + 1, SYN | ACK,
                Math.min(config.receiveBuffer(), 65535), 0, config.mssFromMtu(), rcvScale, sack, ts, tsv, syn.tsVal(),
                TcpHeader.NO_SACK, 0);
        transmitRaw(k.localIp, k.remoteIp, h);
    }

    /** The MSS a valid cookie ACK encodes, or -1. */
    private int cookieMss(long now, Key k, TcpHeader h) {
        int cookie = h.ack() - 1;
        long tNow = now / COOKIE_PERIOD;
        for (long t = tNow; t >= tNow - 1 && t >= 0; t--) {
            if ((t & 31) == ((cookie >>> 3) & 31) && cookieMac(k, h.seq() - 1, t) == cookie >>> 8) return COOKIE_MSS[cookie & 7];
        }
        return -1;
    }

    private void cookieAccept(long now, TcpListenSocket l, Key k, TcpHeader h, int mss, byte[] b, int pOff, int pLen) {
        if (l.acceptQueue.size() >= l.backlog || conns.size() >= config.maxConnections() + config.maxBacklog()) {
            count("tcp.listen.overflow");
            return;
        }
        int ws = -1;
        boolean sack = false;
        if (h.timestamps()) {
            int bits = h.tsEcr() & 0x3f;
            ws = (bits & 0xf) == 0xf ? -1 : bits & 0xf;
            sack = (bits & 0x10) != 0;
        }
        count("tcp.syncookie.accepted");
        TcpConnection c = new TcpConnection(this, k, tsOffset(k));
        track(k, c);
        c.cookieOpen(now, h, h.ack() - 1, mss, ws, sack);
        c.listener = l;
        l.synQueue++;
        l.ready(c);
        if (c.state() != TcpConnection.State.CLOSED) {
            c.input(now, h, b, pOff, pLen);
            reschedule(c);
        }
    }

    /**
     * An ICMP destination-unreachable about a segment we sent: {@code quoted} holds at least the
     * first 8 bytes of its TCP header. Codes are ICMP's (0/1 net/host, 2/3 protocol/port
     * unreachable, 4 frag-needed, which lowers the path MTU); -1 means the stack could not reach
     * the next hop at all (ARP failed).
     */
    public void icmpError(long now, int code, int nextHopMtu, int origSrcIp, int origDstIp, byte[] quoted, int off, int len) {
        lastNow = now;
        if (len < 8) {
            count("tcp.icmp.drop.truncated");
            return;
        }
        Key k = new Key(origSrcIp, TcpHeader.u16(quoted, off), origDstIp, TcpHeader.u16(quoted, off + 2));
        TcpConnection c = conns.get(k);
        if (c == null) {
            count("tcp.icmp.drop.no-connection");
            return;
        }
        int seq = TcpHeader.i32(quoted, off + 4);
        if (code == 4) c.fragmentationNeeded(now, seq, nextHopMtu);
        else c.unreachable(now, seq, code == 2 || code == 3 ? TcpError.REFUSED : code == -1 ? TcpError.UNREACHABLE : null);
        reschedule(c);
    }

    // ---------------------------------------------------------------- output

    /** Sends a segment; more than {@code smss} bytes of data only with segmentation offload (a super-segment). */
    void transmit(TcpConnection c, TcpHeader h, SendBuffer data, int dataOffset, int len, int smss) {
        int hl = h.encode(tx, 0);
        if (len > 0) data.copy(dataOffset, tx, hl, len);
        count("tcp.tx.segments");
        if (checksumOffload) {
            TcpChecksum.fillPartial(c.localIp, c.remoteIp, tx, 0, hl + len);
            if (len > smss) count("tcp.tx.super-segments");
            out.sendOffloaded(c.localIp, c.remoteIp, tx, 0, hl + len, len > smss ? smss : 0);
        } else {
            TcpChecksum.fill(c.localIp, c.remoteIp, tx, 0, hl + len);
            out.send(c.localIp, c.remoteIp, tx, 0, hl + len);
        }
    }

    private void transmitRaw(int src, int dst, TcpHeader h) {
        int hl = h.encode(tx, 0);
        TcpChecksum.fill(src, dst, tx, 0, hl);
        count("tcp.tx.segments");
        out.send(src, dst, tx, 0, hl);
    }

    void sendReset(int src, int dst, int srcPort, int dstPort, int seq, int ack, boolean withAck) {
        count("tcp.tx.rst");
        transmitRaw(src, dst, TcpHeader.of(srcPort, dstPort, seq, withAck ? ack : 0, RST | (withAck ? ACK : 0), 0));
    }

    /** RFC 5961 section 7: challenge ACKs share one per-second budget. */
    void challengeAck(long now, TcpConnection c) {
        long second = now / 1_000_000_000L;
        if (second != challengeWindow) {
            challengeWindow = second;
            challengeCount = 0;
        }
        if (++challengeCount > config.challengeAcksPerSecond()) {
            count("tcp.challenge-ack.limited");
            return;
        }
        count("tcp.challenge-ack");
        c.challengeAckNow(now);
    }

    // ---------------------------------------------------------------- lifecycle and timers

    void established(TcpConnection c) {
        count("tcp.established");
        if (c.listener != null) {
            c.listener.ready(c);
        }
    }

    private void track(Key k, TcpConnection c) {
        if (conns.put(k, c) == null) connectionGauge.inc();
    }

    void removed(TcpConnection c, TcpConnection.State old) {
        if (conns.remove(c.key, c)) connectionGauge.add(-1);
        if (c.listener != null && old == TcpConnection.State.SYN_RECEIVED) {
            c.listener.synQueue--;
            c.listener = null;
        }
    }

    /** At the connection bound, the oldest TIME_WAIT connection goes (Linux's tw bucket limit). */
    private boolean evictTimeWait() {
        for (TcpConnection c : conns.values()) {
            if (c.state() == TcpConnection.State.TIME_WAIT) {
                count("tcp.timewait.evicted");
                c.terminate(null);
                return true;
            }
        }
        return false;
    }

    void reschedule(TcpConnection c) {
        if (c.state() == TcpConnection.State.CLOSED) return;
        long d = c.nextDeadline();
        if (d < c.registeredDeadline) {
            c.registeredDeadline = d;
            timers.add(new Timer(d, c));
        }
    }

    /** When {@link #onTimers} next has work, or {@link Long#MAX_VALUE}. */
    public long nextDeadline() {
        while (!timers.isEmpty()) {
            Timer t = timers.peek();
            if (t.conn.state() != TcpConnection.State.CLOSED && t.deadline == t.conn.registeredDeadline) return t.deadline;
            timers.poll();
        }
        return Long.MAX_VALUE;
    }

    /** Runs every timer due at {@code now}. */
    public void onTimers(long now) {
        lastNow = now;
        while (!timers.isEmpty() && timers.peek().deadline <= now) {
            Timer t = timers.poll();
            TcpConnection c = t.conn;
            if (c.state() == TcpConnection.State.CLOSED || t.deadline != c.registeredDeadline) continue;
            c.registeredDeadline = TcpConnection.NEVER;
            c.onTimer(now);
            reschedule(c);
        }
    }

    // ---------------------------------------------------------------- observability

    void count(String name) {
        counters.computeIfAbsent(name, registry::counter).inc();
    }

    /** Counters ({@code tcp.rx.drop.bad-checksum}, …) and the gauges {@code tcp.connections} and {@code tcp.buffer.bytes}. */
    public Map<String, Long> counters() {
        Map<String, Long> m = new TreeMap<>();
        registry.snapshot().forEach((k, v) -> {
            if (k.startsWith("tcp.")) m.put(k, v);
        });
        return m;
    }

    public long counter(String name) { return registry.get(name); }

    /** A snapshot of every connection. */
    public List<TcpInfo> connections() {
        List<TcpInfo> l = new ArrayList<>();
        for (TcpConnection c : conns.values()) l.add(c.info());
        return l;
    }

    public int connectionCount() { return conns.size(); }

    static String ip(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }
}

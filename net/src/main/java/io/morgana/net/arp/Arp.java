package io.morgana.net.arp;

import io.morgana.api.Ipv4Address;
import io.morgana.api.MacAddress;
import io.morgana.net.link.Link;
import io.morgana.net.util.Counter;
import io.morgana.net.util.Counters;
import io.morgana.net.util.LongMap;
import io.morgana.net.wire.ArpPacket;
import io.morgana.net.wire.EthernetFrame;
import io.morgana.net.wire.Malformed;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * ARP for IPv4 over Ethernet (RFC 826): a bounded cache with expiry and refresh, resolution with
 * retries and a bounded queue of frames per destination, answers for our address, a gratuitous
 * announcement when the address is set. Replies we did not ask for are counted and ignored, so a
 * stranger cannot plant or overwrite entries by replying. Loop thread only; time comes from the
 * injected clock and {@link #tick} drives retries.
 */
public final class Arp {
    private static final System.Logger LOG = System.getLogger("arp");

    /**
     * Bounds and timers.
     *
     * @param cacheSize      resolved entries kept; the least recently confirmed is evicted beyond it
     * @param maxPending     destinations being resolved at once
     * @param queuePerDest   frames waiting per destination (more are dropped)
     * @param reachableNanos how long a resolved entry is used without confirmation
     * @param refreshNanos   age after which using an entry sends a unicast request to confirm it
     * @param retryNanos     interval between requests while resolving
     * @param retries        requests sent before giving up on a destination
     */
    public record Limits(int cacheSize, int maxPending, int queuePerDest, long reachableNanos, long refreshNanos,
            long retryNanos, int retries) {
        public static final Limits DEFAULT = new Limits(512, 32, 48, 60_000_000_000L, 45_000_000_000L,
                1_000_000_000L, 3);
    }

    /** Told when resolution of {@code ip} failed, once per frame that was waiting for it. */
    @FunctionalInterface
    public interface FailureListener {
        void unresolved(int ip, ByteBuffer frame);
    }

    enum Reason { TRUNCATED, UNSUPPORTED, NOT_FOR_US, UNSOLICITED, BAD_SENDER, ADDRESS_CONFLICT, TABLE_FULL }

    private static final class Entry {
        final int ip;
        long mac = -1;          // -1 while resolving
        long confirmed;         // when the mapping was last confirmed
        long refreshSent = -1;  // when a confirming request was sent, -1 if none outstanding
        int requestsSent;
        long nextRequest;
        byte[][] queue;
        int[] queueLen;
        int queued;
        boolean isPending;

        Entry(int ip) { this.ip = ip; }

        boolean resolved() { return mac >= 0; }
    }

    private final Link link;
    private final LongSupplier clock;
    private final Limits limits;
    private final Runnable wantTick;
    private final LongMap<Entry> cache;
    private final List<Entry> pending = new ArrayList<>();
    private final ArpPacket view = new ArpPacket();
    private final ByteBuffer tx = ByteBuffer.allocateDirect(EthernetFrame.HEADER_LENGTH + ArpPacket.LENGTH);
    private final long mac;
    private final Counter[] drops;
    private final Counter rxPackets, txRequests, txReplies, unresolved, queueFull, evicted, notLearned;
    private FailureListener failureListener = (ip, frame) -> {};
    private int address;
    private long lastConflictLog = Long.MIN_VALUE;

    public Arp(Link link, LongSupplier clock, Counters counters, Limits limits, Runnable wantTick) {
        this.link = link;
        this.clock = clock;
        this.limits = limits;
        this.wantTick = wantTick;
        this.mac = link.mac().bits();
        this.cache = new LongMap<>(limits.cacheSize() + limits.maxPending());
        drops = counters.perReason("arp.rx.drop", Reason.class);
        rxPackets = counters.counter("arp.rx.packets");
        txRequests = counters.counter("arp.tx.requests");
        txReplies = counters.counter("arp.tx.replies");
        unresolved = counters.counter("arp.tx.drop.unresolved");
        queueFull = counters.counter("arp.tx.drop.queue-full");
        evicted = counters.counter("arp.cache.evicted");
        notLearned = counters.counter("arp.cache.full-not-learned");
    }

    public void onFailure(FailureListener l) { failureListener = l; }

    /** Sets our address (0: none); {@link #announce} tells the neighbours. */
    public void setAddress(int ip) { address = ip; }

    /** Sends a gratuitous ARP request for our address, if we have one (RFC 5227 announcement). */
    public void announce() {
        int ip = address;
        if (ip == 0) return;
        LOG.log(Level.DEBUG, () -> "announcing " + new Ipv4Address(ip) + " at " + new MacAddress(mac));
        request(ip, -1, ip);
    }

    /** An ARP packet of {@code len} bytes at {@code off} (after the Ethernet header). */
    public void receive(ByteBuffer b, int off, int len) {
        Malformed m = view.wrap(b, off, len);
        if (m != null) {
            drops[m == Malformed.TRUNCATED ? Reason.TRUNCATED.ordinal() : Reason.UNSUPPORTED.ordinal()].inc();
            return;
        }
        rxPackets.inc();
        long sha = view.senderMac();
        int spa = view.senderIp();
        int tpa = view.targetIp();
        if ((sha & 0x0100_0000_0000L) != 0 || sha == 0 || sha == mac) {
            drops[Reason.BAD_SENDER.ordinal()].inc();
            return;
        }
        if (address != 0 && spa == address) {
            drops[Reason.ADDRESS_CONFLICT.ordinal()].inc();
            long t = clock.getAsLong();
            if (lastConflictLog != Long.MIN_VALUE && t - lastConflictLog < 10_000_000_000L) return; // a flood must not flood the log
            lastConflictLog = t;
            LOG.log(Level.WARNING, () -> "another host (" + new MacAddress(sha) + ") claims our address " + new Ipv4Address(spa));
            return;
        }
        long now = clock.getAsLong();
        Entry e = spa == 0 ? null : cache.get(spa & 0xffff_ffffL);
        if (view.operation() == ArpPacket.OP_REQUEST) {
            if (address == 0 || tpa != address) {
                drops[Reason.NOT_FOR_US.ordinal()].inc();
                return;
            }
            // Someone about to talk to us: learn them (RFC 826) and answer. A full table is not
            // churned for them (a flood of requests from made-up neighbours would evict the ones
            // we talk to): the answer needs no entry, and we resolve them if we ever send.
            if (spa != 0) {
                if (e != null || cache.size() - pending.size() < limits.cacheSize()) learn(e, spa, sha, now);
                else notLearned.inc();
            }
            reply(sha, spa);
            return;
        }
        // A reply: accepted only while we are resolving or confirming that address.
        if (e == null || (e.resolved() && e.refreshSent < 0) || spa == 0) {
            drops[Reason.UNSOLICITED.ordinal()].inc();
            return;
        }
        learn(e, spa, sha, now);
    }

    private void learn(Entry e, int ip, long hw, long now) {
        if (e == null) {
            e = newEntry(ip);
            if (e == null) return;
        }
        e.mac = hw;
        e.confirmed = now;
        e.refreshSent = -1;
        if (e.queued > 0) flush(e);
        if (e.isPending) {
            e.isPending = false;
            pending.remove(e);
        }
    }

    private void flush(Entry e) {
        for (int i = 0; i < e.queued; i++) {
            ByteBuffer f = ByteBuffer.wrap(e.queue[i], 0, e.queueLen[i]);
            EthernetFrame.putMac(f, 0, e.mac);
            link.send(f);
            e.queue[i] = null;
        }
        e.queued = 0;
        e.queue = null;
        e.queueLen = null;
    }

    /** A new entry, evicting the least recently confirmed resolved one when the cache is full; null if impossible. */
    private Entry newEntry(int ip) {
        if (cache.size() - pending.size() >= limits.cacheSize()) {
            Entry[] oldest = {null};
            cache.forEach((k, v) -> {
                if (!v.isPending && (oldest[0] == null || v.confirmed - oldest[0].confirmed < 0)) oldest[0] = v;
            });
            if (oldest[0] == null) {
                drops[Reason.TABLE_FULL.ordinal()].inc();
                return null;
            }
            cache.remove(oldest[0].ip & 0xffff_ffffL);
            evicted.inc();
        }
        Entry e = new Entry(ip);
        cache.put(ip & 0xffff_ffffL, e);
        return e;
    }

    /**
     * The MAC address of {@code ip} if known and fresh, else -1. Using an ageing entry sends a
     * unicast request to confirm it (RFC 1122 2.3.2.1) while it goes on being used.
     */
    public long lookup(int ip) {
        Entry e = cache.get(ip & 0xffff_ffffL);
        if (e == null || !e.resolved()) return -1;
        long now = clock.getAsLong();
        long age = now - e.confirmed;
        if (age < limits.refreshNanos()) return e.mac;
        if (age >= limits.reachableNanos()) {
            e.mac = -1; // stale: resolve afresh (the caller queues)
            return -1;
        }
        if (e.refreshSent < 0 || now - e.refreshSent >= limits.retryNanos()) {
            e.refreshSent = now;
            request(ip, e.mac, address);
        }
        return e.mac;
    }

    /**
     * Queues a copy of the frame ({@code len} bytes at index 0 of {@code frame}; its destination
     * MAC is filled in on resolution) until {@code ip} resolves, asking for it if not already.
     * Returns false when it had to be dropped (queue or table full).
     */
    public boolean enqueue(int ip, ByteBuffer frame, int len) {
        Entry e = cache.get(ip & 0xffff_ffffL);
        if (e == null) {
            if (pending.size() >= limits.maxPending()) {
                queueFull.inc();
                return false;
            }
            e = newEntry(ip);
            if (e == null) {
                queueFull.inc();
                return false;
            }
        }
        if (!e.isPending) {
            if (pending.size() >= limits.maxPending()) {
                queueFull.inc();
                return false;
            }
            e.mac = -1;
            e.requestsSent = 0;
            e.nextRequest = clock.getAsLong();
            pending.add(e);
            e.isPending = true;
            wantTick.run();
            sendPendingRequest(e);
        }
        if (e.queue == null) {
            e.queue = new byte[limits.queuePerDest()][];
            e.queueLen = new int[limits.queuePerDest()];
        }
        if (e.queued == e.queue.length) {
            queueFull.inc();
            return false;
        }
        byte[] copy = new byte[len];
        frame.get(0, copy, 0, len);
        e.queue[e.queued] = copy;
        e.queueLen[e.queued++] = len;
        return true;
    }

    private void sendPendingRequest(Entry e) {
        e.requestsSent++;
        e.nextRequest = clock.getAsLong() + limits.retryNanos();
        request(e.ip, -1, address);
    }

    /** Retries and gives up on resolutions; returns whether it needs to be called again. */
    public boolean tick(long now) {
        for (int i = pending.size() - 1; i >= 0; i--) {
            Entry e = pending.get(i);
            if (now - e.nextRequest < 0) continue;
            if (e.requestsSent < limits.retries()) {
                sendPendingRequest(e);
                continue;
            }
            pending.remove(i);
            e.isPending = false;
            cache.remove(e.ip & 0xffff_ffffL);
            LOG.log(Level.DEBUG, () -> "no answer from " + new Ipv4Address(e.ip) + " after " + e.requestsSent + " requests");
            for (int q = 0; q < e.queued; q++) {
                unresolved.inc();
                failureListener.unresolved(e.ip, ByteBuffer.wrap(e.queue[q], 0, e.queueLen[q]));
            }
            e.queued = 0;
            e.queue = null;
        }
        return !pending.isEmpty();
    }

    /** Sends a request for {@code target}: broadcast when {@code to} is -1, else unicast to confirm. */
    private void request(int target, long to, int from) {
        tx.clear();
        int p = EthernetFrame.writeHeader(tx, 0, to < 0 ? MacAddress.BROADCAST.bits() : to, mac, EthernetFrame.TYPE_ARP);
        p = ArpPacket.write(tx, p, ArpPacket.OP_REQUEST, mac, from, 0, target);
        tx.limit(p);
        txRequests.inc();
        link.send(tx);
    }

    private void reply(long toMac, int toIp) {
        tx.clear();
        int p = EthernetFrame.writeHeader(tx, 0, toMac, mac, EthernetFrame.TYPE_ARP);
        p = ArpPacket.write(tx, p, ArpPacket.OP_REPLY, mac, address, toMac, toIp);
        tx.limit(p);
        txReplies.inc();
        link.send(tx);
    }

    /** Entries in the cache, resolved or resolving (for tests and bounds checks). */
    public int size() { return cache.size(); }

    /** Destinations being resolved. */
    public int pendingCount() { return pending.size(); }

    /** Frames waiting for resolution, over all destinations. */
    public int queuedFrames() {
        int n = 0;
        for (Entry e : pending) n += e.queued;
        return n;
    }

    public Limits limits() { return limits; }
}

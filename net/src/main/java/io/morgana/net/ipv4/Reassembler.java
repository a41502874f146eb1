package io.morgana.net.ipv4;

import io.morgana.net.util.Counter;
import io.morgana.net.util.Counters;
import io.morgana.net.wire.Ipv4Packet;
import java.nio.ByteBuffer;

/**
 * IPv4 fragment reassembly with bounded memory: at most {@link Limits#maxDatagrams} datagrams in
 * flight (the oldest is evicted for a new one), {@link Limits#maxFragments} fragments each,
 * {@link Limits#maxBytes} bytes of reassembly buffers in all (the oldest others are evicted to make
 * room), and a timeout. Overlapping fragments drop the whole datagram (RFC 5722's rule, applied to
 * IPv4 too: overlaps are how reassembly attacks work); an exact duplicate is ignored. Datagrams
 * and their buffers (up to 16 KiB each) are pooled for reuse, so steady fragmented traffic makes no
 * garbage; the pool adds at most {@code maxDatagrams} × 16 KiB to the bound. Loop thread only.
 */
public final class Reassembler {

    /** Told of a datagram that timed out after its first fragment came (for ICMP time exceeded, RFC 1122 3.3.2). */
    @FunctionalInterface
    public interface TimeoutListener {
        /** {@code firstFragment}: the payload of fragment zero, position to limit, valid during the call. */
        void timedOut(int source, int destination, int protocol, int identification, int tos, int ttl, ByteBuffer firstFragment);
    }

    public record Limits(int maxDatagrams, int maxFragments, int maxBytes, long timeoutNanos) {
        public static final Limits DEFAULT = new Limits(64, 64, 1 << 20, 30_000_000_000L);
    }

    enum Reason { FRAG_OVERLAP, FRAG_TIMEOUT, FRAG_EVICTED, FRAG_TOO_BIG, FRAG_TOO_MANY, FRAG_BAD_LENGTH, FRAG_INCONSISTENT }

    /** Buffers up to this size stay with a pooled datagram for reuse; larger ones go back to the GC. */
    private static final int KEEP_BUFFER = 16 * 1024;
    private static final byte[] EMPTY = new byte[0];

    /**
     * One datagram being reassembled. Fragments are copied straight to their offset in
     * {@code buf} (no overlap is ever accepted, so nothing is overwritten). Pooled and reused.
     */
    private static final class Datagram {
        int source, destination, identification, protocol, tos, ttl;
        long deadline;
        long created;
        int totalLength;      // payload length, known once the last fragment came (-1 before)
        int fragments;
        int received;         // payload bytes received
        int held;             // bytes of buf counted against Limits.maxBytes
        final int[] offsets;
        final int[] lengths;
        byte[] buf = EMPTY;
        ByteBuffer view;

        Datagram(int max) {
            offsets = new int[max];
            lengths = new int[max];
        }

        void reset() {
            totalLength = -1;
            fragments = received = held = tos = ttl = 0;
        }
    }

    private final Limits limits;
    private final Datagram[] slots;
    private final java.util.ArrayDeque<Datagram> pool = new java.util.ArrayDeque<>();
    private int inFlight;
    private int bytes;
    private TimeoutListener timeoutListener = (s, d, p, i, t, ttl, f) -> {};
    private final Counter[] drops;
    private final Counter duplicates, reassembled;
    // Fields of the last completed datagram, for the caller.
    private int doneTos, doneTtl, doneIdent;

    public Reassembler(Limits limits, Counters counters) {
        this.limits = limits;
        this.slots = new Datagram[limits.maxDatagrams()];
        drops = counters.perReason("ipv4.rx.drop", Reason.class);
        duplicates = counters.counter("ipv4.rx.frag.duplicate");
        reassembled = counters.counter("ipv4.rx.frag.reassembled");
    }

    /**
     * Adds the fragment {@code p} (a valid view). Returns the whole payload (position 0, limit its
     * length, valid until the next call) when this fragment completed the datagram, else null.
     */
    public ByteBuffer add(Ipv4Packet p, ByteBuffer b, long now) {
        int off = p.fragmentOffset();
        int len = p.payloadLength();
        boolean last = !p.moreFragments();
        if (len == 0 || (!last && (len & 7) != 0)) {
            drops[Reason.FRAG_BAD_LENGTH.ordinal()].inc();
            return null;
        }
        if (off + len > Ipv4Packet.MAX_LENGTH - Ipv4Packet.MIN_HEADER) {
            drops[Reason.FRAG_TOO_BIG.ordinal()].inc();
            return null;
        }
        int slot = find(p.source(), p.destination(), p.identification(), p.protocol());
        Datagram d;
        if (slot < 0) {
            slot = freeSlot();
            d = pool.poll();
            if (d == null) d = new Datagram(limits.maxFragments());
            d.reset();
            slots[slot] = d;
            d.source = p.source();
            d.destination = p.destination();
            d.identification = p.identification();
            d.protocol = p.protocol();
            d.deadline = now + limits.timeoutNanos();
            d.created = now;
            inFlight++;
        } else {
            d = slots[slot];
        }
        if (off == 0) {
            d.tos = p.tos();
            d.ttl = p.ttl();
        }
        // Consistency with what we know of the end.
        if (last) {
            int total = off + len;
            if ((d.totalLength >= 0 && d.totalLength != total) || total < maxEnd(d)) {
                drop(slot, Reason.FRAG_INCONSISTENT);
                return null;
            }
            d.totalLength = total;
        } else if (d.totalLength >= 0 && off + len > d.totalLength) {
            drop(slot, Reason.FRAG_INCONSISTENT);
            return null;
        }
        for (int i = 0; i < d.fragments; i++) {
            int eo = d.offsets[i], el = d.lengths[i];
            if (off < eo + el && eo < off + len) {
                if (eo == off && el == len) {
                    duplicates.inc();
                    return null;
                }
                drop(slot, Reason.FRAG_OVERLAP);
                return null;
            }
        }
        if (d.fragments == limits.maxFragments()) {
            drop(slot, Reason.FRAG_TOO_MANY);
            return null;
        }
        int need = off + len;
        if (need > d.held) {
            int grown = Math.min(Ipv4Packet.MAX_LENGTH, Math.max(need, Math.max(2 * d.held, 2048)));
            int extra = grown - d.held;
            if (extra > limits.maxBytes()) {
                drop(slot, Reason.FRAG_TOO_BIG);
                return null;
            }
            while (bytes + extra > limits.maxBytes()) {
                int victim = oldestExcept(slot);
                if (victim < 0) {
                    drop(slot, Reason.FRAG_TOO_BIG);
                    return null;
                }
                drop(victim, Reason.FRAG_EVICTED);
            }
            if (d.buf.length < grown) {
                d.buf = java.util.Arrays.copyOf(d.buf, grown);
                d.view = ByteBuffer.wrap(d.buf);
            }
            d.held = grown;
            bytes += extra;
        }
        b.get(p.payloadOffset(), d.buf, off, len);
        int i = d.fragments++;
        d.offsets[i] = off;
        d.lengths[i] = len;
        d.received += len;
        if (d.totalLength < 0 || d.received != d.totalLength) return null;
        // Complete: no overlaps and every byte counted, so the fragments tile [0, total). The
        // buffer goes back to the pool but is only reused by a later call, after the caller is done.
        ByteBuffer out = d.view.clear().limit(d.totalLength);
        doneTos = d.tos;
        doneTtl = d.ttl;
        doneIdent = d.identification;
        release(slot);
        reassembled.inc();
        return out;
    }

    /** TOS of the datagram {@link #add} completed last. */
    public int lastTos() { return doneTos; }
    public int lastTtl() { return doneTtl; }
    public int lastIdentification() { return doneIdent; }

    private static int maxEnd(Datagram d) {
        int m = 0;
        for (int i = 0; i < d.fragments; i++) m = Math.max(m, d.offsets[i] + d.lengths[i]);
        return m;
    }

    /** Drops datagrams past their deadline; returns whether any remain in flight. */
    public boolean expire(long now) {
        for (int i = 0; i < slots.length; i++) {
            Datagram d = slots[i];
            if (d == null || now - d.deadline < 0) continue;
            for (int f = 0; f < d.fragments; f++) {
                if (d.offsets[f] != 0) continue;
                timeoutListener.timedOut(d.source, d.destination, d.protocol, d.identification, d.tos, d.ttl,
                        d.view.clear().limit(d.lengths[f]));
                break;
            }
            drop(i, Reason.FRAG_TIMEOUT);
        }
        return inFlight > 0;
    }

    public void onTimeout(TimeoutListener l) { timeoutListener = l; }

    private int find(int src, int dst, int ident, int proto) {
        if (inFlight == 0) return -1;
        for (int i = 0; i < slots.length; i++) {
            Datagram d = slots[i];
            if (d != null && d.identification == ident && d.source == src && d.destination == dst && d.protocol == proto) return i;
        }
        return -1;
    }

    private int freeSlot() {
        for (int i = 0; i < slots.length; i++) if (slots[i] == null) return i;
        int victim = oldestExcept(-1);
        drop(victim, Reason.FRAG_EVICTED);
        return victim;
    }

    private int oldestExcept(int except) {
        int best = -1;
        for (int i = 0; i < slots.length; i++) {
            if (i == except || slots[i] == null) continue;
            if (best < 0 || slots[i].created - slots[best].created < 0) best = i;
        }
        return best;
    }

    private void drop(int slot, Reason why) {
        drops[why.ordinal()].inc();
        release(slot);
    }

    private void release(int slot) {
        Datagram d = slots[slot];
        bytes -= d.held;
        slots[slot] = null;
        inFlight--;
        if (d.buf.length > KEEP_BUFFER) {
            d.buf = EMPTY;
            d.view = null;
        }
        if (pool.size() < slots.length) pool.push(d);
    }

    /** Datagrams being reassembled now. */
    public int inFlight() { return inFlight; }

    /** Bytes of reassembly buffers held now (what {@link Limits#maxBytes} bounds). */
    public int bytesHeld() { return bytes; }

    public Limits limits() { return limits; }
}

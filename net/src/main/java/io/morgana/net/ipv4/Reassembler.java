package io.morgana.net.ipv4;

import io.morgana.net.util.Counter;
import io.morgana.net.util.Counters;
import io.morgana.net.wire.Ipv4Packet;
import java.nio.ByteBuffer;

/**
 * IPv4 fragment reassembly with bounded memory: at most {@link Limits#maxDatagrams} datagrams in
 * flight (the oldest is evicted for a new one), {@link Limits#maxFragments} fragments each,
 * {@link Limits#maxBytes} bytes of fragment data in all (the oldest others are evicted to make
 * room), and a timeout. Overlapping fragments drop the whole datagram (RFC 5722's rule, applied to
 * IPv4 too: overlaps are how reassembly attacks work); an exact duplicate is ignored. Loop thread
 * only.
 */
public final class Reassembler {

    public record Limits(int maxDatagrams, int maxFragments, int maxBytes, long timeoutNanos) {
        public static final Limits DEFAULT = new Limits(64, 64, 1 << 20, 30_000_000_000L);
    }

    enum Reason { FRAG_OVERLAP, FRAG_TIMEOUT, FRAG_EVICTED, FRAG_TOO_BIG, FRAG_TOO_MANY, FRAG_BAD_LENGTH, FRAG_INCONSISTENT }

    /** One datagram being reassembled. */
    private static final class Datagram {
        int source, destination, identification, protocol, tos, ttl;
        long deadline;
        long created;
        int totalLength = -1; // payload length, known once the last fragment came
        int fragments;
        int received;         // payload bytes held
        final int[] offsets;
        final int[] lengths;
        final byte[][] data;

        Datagram(int max) {
            offsets = new int[max];
            lengths = new int[max];
            data = new byte[max][];
        }
    }

    private final Limits limits;
    private final Datagram[] slots;
    private int inFlight;
    private int bytes;
    private final ByteBuffer out = ByteBuffer.allocate(Ipv4Packet.MAX_LENGTH);
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
            d = slots[slot] = new Datagram(limits.maxFragments());
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
        if (len > limits.maxBytes()) {
            drop(slot, Reason.FRAG_TOO_BIG);
            return null;
        }
        while (bytes + len > limits.maxBytes()) {
            int victim = oldestExcept(slot);
            if (victim < 0) {
                drop(slot, Reason.FRAG_TOO_BIG);
                return null;
            }
            drop(victim, Reason.FRAG_EVICTED);
        }
        byte[] copy = new byte[len];
        b.get(p.payloadOffset(), copy);
        int i = d.fragments++;
        d.offsets[i] = off;
        d.lengths[i] = len;
        d.data[i] = copy;
        d.received += len;
        bytes += len;
        if (d.totalLength < 0 || d.received != d.totalLength) return null;
        // Complete: no overlaps and every byte counted, so the fragments tile [0, total).
        out.clear();
        for (int f = 0; f < d.fragments; f++) out.put(d.offsets[f], d.data[f]);
        out.limit(d.totalLength);
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
            if (slots[i] != null && now - slots[i].deadline >= 0) drop(i, Reason.FRAG_TIMEOUT);
        }
        return inFlight > 0;
    }

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
        bytes -= slots[slot].received;
        slots[slot] = null;
        inFlight--;
    }

    /** Datagrams being reassembled now. */
    public int inFlight() { return inFlight; }

    /** Bytes of fragment data held now. */
    public int bytesHeld() { return bytes; }

    public Limits limits() { return limits; }
}

package io.morgana.dns.wire;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a message into a byte array of bounded size, compressing owner names and the names
 * RFC 3597 lets us compress. {@link #mark()} and {@link #rollback} take back what did not fit.
 */
public final class MessageWriter {
    private final byte[] buf;
    private int pos;
    private final Map<Name, Integer> offsets = new HashMap<>();
    private final List<Name> added = new ArrayList<>();

    public MessageWriter(int max) { buf = new byte[Math.min(max, 65535)]; }

    public int position() { return pos; }
    public int capacity() { return buf.length; }

    /** Thrown by writes that do not fit; the caller rolls back to its mark. */
    public static final class Full extends RuntimeException {
        private Full() { super("message full", null, false, false); }
    }

    private static final Full FULL = new Full();

    private void need(int n) { if (pos + n > buf.length) throw FULL; }

    public void header(int id, int flags) {
        need(12);
        u16(id);
        u16(flags);
        pos += 8;
        java.util.Arrays.fill(buf, 4, 12, (byte) 0);
    }

    /** Sets section count {@code i} (0 question, 1 answer, 2 authority, 3 additional). */
    public void count(int i, int n) { put16(4 + 2 * i, n); }

    public void flags(int flags) { put16(2, flags); }

    public void u8(int v) { need(1); buf[pos++] = (byte) v; }

    public void u16(int v) { need(2); buf[pos++] = (byte) (v >> 8); buf[pos++] = (byte) v; }

    public void u32(long v) { need(4); for (int i = 3; i >= 0; i--) buf[pos++] = (byte) (v >>> (8 * i)); }

    public void bytes(byte[] b, int off, int len) { need(len); System.arraycopy(b, off, buf, pos, len); pos += len; }

    void put16(int at, int v) { buf[at] = (byte) (v >> 8); buf[at + 1] = (byte) v; }

    public void name(Name n, boolean compress) {
        byte[] w = n.wireUnsafe();
        if (!compress) {
            bytes(w, 0, w.length);
            return;
        }
        Name suffix = n;
        int i = 0;
        while (w[i] != 0) {
            Integer at = offsets.get(suffix);
            if (at != null) {
                u16(0xc000 | at);
                return;
            }
            if (pos < 0x3fff) {
                offsets.put(suffix, pos);
                added.add(suffix);
            }
            bytes(w, i, w[i] + 1);
            i += w[i] + 1;
            suffix = suffix.parent();
        }
        u8(0);
    }

    public void question(Question q) {
        name(q.name(), true);
        u16(q.type());
        u16(q.qclass());
    }

    public void record(Record r) {
        name(r.name(), true);
        u16(r.type());
        u16(r.rclass());
        u32(r.ttl());
        int lenAt = pos;
        u16(0);
        Rdata.write(this, r.type(), r.rdata());
        put16(lenAt, pos - lenAt - 2);
    }

    public void opt(int udpSize, int extRcode, int version, int flags, byte[] options) {
        u8(0);
        u16(Type.OPT);
        u16(udpSize);
        u32((long) extRcode << 24 | (long) version << 16 | flags);
        u16(options.length);
        bytes(options, 0, options.length);
    }

    /** A point to roll back to. */
    public long mark() { return (long) added.size() << 32 | pos; }

    public void rollback(long mark) {
        pos = (int) mark;
        int keep = (int) (mark >>> 32);
        while (added.size() > keep) offsets.remove(added.remove(added.size() - 1));
    }

    public byte[] buffer() { return buf; }

    public byte[] toByteArray() { return java.util.Arrays.copyOf(buf, pos); }
}

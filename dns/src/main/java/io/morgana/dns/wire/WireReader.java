package io.morgana.dns.wire;

/**
 * A cursor over a message's bytes that never reads past {@code limit} and reads compressed names
 * safely: every pointer must point strictly before the place the current run of labels started
 * (so pointers cannot loop or point forward), and the expanded name is at most 255 bytes.
 */
public final class WireReader {
    private final byte[] b;
    private final int limit;
    private final int msgEnd;
    public int pos;

    public WireReader(byte[] b, int off, int limit) {
        this(b, off, limit, limit);
    }

    /** A reader of {@code [off, limit)} whose names may point back into the message up to {@code msgEnd}. */
    public WireReader(byte[] b, int off, int limit, int msgEnd) {
        this.b = b;
        this.pos = off;
        this.limit = limit;
        this.msgEnd = msgEnd;
    }

    public byte[] bytes() { return b; }

    public int limit() { return limit; }

    public int remaining() { return limit - pos; }

    private void need(int n, String what) {
        if (limit - pos < n) throw new WireException(what + " truncated");
    }

    public int u8(String what) {
        need(1, what);
        return b[pos++] & 0xff;
    }

    public int u16(String what) {
        need(2, what);
        int v = (b[pos] & 0xff) << 8 | (b[pos + 1] & 0xff);
        pos += 2;
        return v;
    }

    public long u32(String what) {
        need(4, what);
        long v = Rdata.u32(b, pos);
        pos += 4;
        return v;
    }

    public void skip(int n, String what) {
        need(n, what);
        pos += n;
    }

    /** Reads a possibly compressed name; {@link #pos} moves past it as it is in the stream. */
    public Name name() {
        byte[] out = new byte[Name.MAX_WIRE];
        int o = 0;
        int p = pos, segmentStart = pos, end = -1, lim = limit;
        while (true) {
            if (p >= lim) throw new WireException("name truncated");
            int len = b[p] & 0xff;
            if ((len & 0xc0) == 0xc0) {
                if (p + 1 >= lim) throw new WireException("compression pointer truncated");
                int target = (len & 0x3f) << 8 | (b[p + 1] & 0xff);
                if (target >= segmentStart) throw new WireException("compression pointer points forward or loops");
                if (end < 0) end = p + 2;
                p = segmentStart = target;
                lim = msgEnd;
                continue;
            }
            if ((len & 0xc0) != 0) throw new WireException("unknown label type 0x" + Integer.toHexString(len));
            if (o + len + 1 > Name.MAX_WIRE) throw new WireException("name longer than 255 bytes");
            if (p + 1 + len > lim) throw new WireException("label truncated");
            System.arraycopy(b, p, out, o, len + 1);
            o += len + 1;
            p += len + 1;
            if (len == 0) break;
        }
        pos = end >= 0 ? end : p;
        return o == 1 ? Name.ROOT : Name.ofWireTrusted(java.util.Arrays.copyOf(out, o));
    }
}

package io.morgana.net.wire;

import io.morgana.api.Ipv4Address;
import java.nio.ByteBuffer;

/**
 * An IPv4 header (RFC 791): a checked view and a {@link Repr}. Options are accepted and skipped
 * (the payload starts after IHL words). The header checksum is verified by {@link #wrap} and
 * computed by {@link #writeHeader}.
 */
public final class Ipv4Packet {
    public static final int MIN_HEADER = 20;
    public static final int MAX_LENGTH = 65_535;
    public static final int FLAG_DF = 0x4000;
    public static final int FLAG_MF = 0x2000;
    public static final int DEFAULT_TTL = 64;

    private ByteBuffer b;
    private int off, ihl, total;

    /**
     * Checks the datagram at {@code off} within {@code length} available bytes: version, IHL,
     * total length against the bytes there (more bytes is link padding, ignored; fewer is
     * truncation) and the header checksum.
     */
    public Malformed wrap(ByteBuffer buf, int offset, int length) {
        b = buf;
        off = offset;
        if (length < MIN_HEADER) return Malformed.TRUNCATED;
        int vihl = b.get(off) & 0xff;
        if (vihl >>> 4 != 4) return Malformed.BAD_VERSION;
        ihl = (vihl & 0xf) * 4;
        if (ihl < MIN_HEADER) return Malformed.BAD_HEADER_LENGTH;
        if (ihl > length) return Malformed.TRUNCATED;
        total = b.getShort(off + 2) & 0xffff;
        if (total < ihl) return Malformed.BAD_TOTAL_LENGTH;
        if (total > length) return Malformed.TRUNCATED;
        if (!Checksum.verify(b, off, ihl, 0)) return Malformed.BAD_CHECKSUM;
        return null;
    }

    public int headerLength() { return ihl; }
    public int totalLength() { return total; }
    public int tos() { return b.get(off + 1) & 0xff; }
    public int identification() { return b.getShort(off + 4) & 0xffff; }
    public boolean dontFragment() { return (b.getShort(off + 6) & FLAG_DF) != 0; }
    public boolean moreFragments() { return (b.getShort(off + 6) & FLAG_MF) != 0; }
    /** The fragment offset in bytes. */
    public int fragmentOffset() { return (b.getShort(off + 6) & 0x1fff) * 8; }
    public boolean isFragment() { return (b.getShort(off + 6) & 0x3fff) != 0; }
    public int ttl() { return b.get(off + 8) & 0xff; }
    public int protocol() { return b.get(off + 9) & 0xff; }
    public int checksum() { return b.getShort(off + 10) & 0xffff; }
    public int source() { return b.getInt(off + 12); }
    public int destination() { return b.getInt(off + 16); }
    public int offset() { return off; }
    public int payloadOffset() { return off + ihl; }
    public int payloadLength() { return total - ihl; }

    /**
     * Writes a 20-byte header (no options) with its checksum at {@code off}; returns the payload
     * offset. {@code flagsOffset} is the DF/MF flags ored with the fragment offset in 8-byte units.
     */
    public static int writeHeader(ByteBuffer b, int off, int tos, int totalLength, int identification, int flagsOffset,
            int ttl, int protocol, int source, int destination) {
        b.putShort(off, (short) (0x4500 | (tos & 0xff)));
        b.putShort(off + 2, (short) totalLength);
        b.putShort(off + 4, (short) identification);
        b.putShort(off + 6, (short) flagsOffset);
        b.putShort(off + 8, (short) (ttl << 8 | protocol));
        b.putShort(off + 10, (short) 0);
        b.putInt(off + 12, source);
        b.putInt(off + 16, destination);
        b.putShort(off + 10, (short) Checksum.compute(b, off, MIN_HEADER, 0));
        return off + MIN_HEADER;
    }

    /** An IPv4 header as a value (no options). */
    public record Repr(int tos, int identification, boolean dontFragment, boolean moreFragments, int fragmentOffset,
            int ttl, int protocol, Ipv4Address source, Ipv4Address destination, int payloadLength) {
        public Repr {
            if (fragmentOffset % 8 != 0) throw new IllegalArgumentException("fragment offset must be a multiple of 8");
            if (payloadLength + MIN_HEADER > MAX_LENGTH) throw new IllegalArgumentException("datagram longer than 65535");
        }

        public static Repr parse(Ipv4Packet p) {
            return new Repr(p.tos(), p.identification(), p.dontFragment(), p.moreFragments(), p.fragmentOffset(), p.ttl(),
                    p.protocol(), new Ipv4Address(p.source()), new Ipv4Address(p.destination()), p.payloadLength());
        }

        public int emit(ByteBuffer b, int off) {
            int flags = (dontFragment ? FLAG_DF : 0) | (moreFragments ? FLAG_MF : 0) | fragmentOffset / 8;
            return writeHeader(b, off, tos, MIN_HEADER + payloadLength, identification, flags, ttl, protocol,
                    source.bits(), destination.bits());
        }
    }
}

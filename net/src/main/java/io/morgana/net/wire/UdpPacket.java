package io.morgana.net.wire;

import java.nio.ByteBuffer;

/**
 * A UDP header (RFC 768): a checked view and a {@link Repr}. The checksum covers the
 * pseudo-header ({@link io.morgana.net.ipv4.Ipv4Service#pseudoHeaderSum}); zero means none was
 * sent, and a computed zero is sent as 0xffff.
 */
public final class UdpPacket {
    public static final int HEADER_LENGTH = 8;

    private ByteBuffer b;
    private int off, length;

    /** Checks the length field against the {@code available} bytes (more is ignored, as IP padding). */
    public Malformed wrap(ByteBuffer buf, int offset, int available) {
        b = buf;
        off = offset;
        if (available < HEADER_LENGTH) return Malformed.TRUNCATED;
        length = b.getShort(off + 4) & 0xffff;
        if (length < HEADER_LENGTH) return Malformed.BAD_LENGTH;
        if (length > available) return Malformed.TRUNCATED;
        return null;
    }

    /** Whether the checksum is absent or right, given the pseudo-header sum for {@link #length()} bytes. */
    public boolean checksumValid(int pseudoHeaderSum) {
        return checksum() == 0 || Checksum.verify(b, off, length, pseudoHeaderSum);
    }

    public int sourcePort() { return b.getShort(off) & 0xffff; }
    public int destinationPort() { return b.getShort(off + 2) & 0xffff; }
    /** Header and payload. */
    public int length() { return length; }
    public int checksum() { return b.getShort(off + 6) & 0xffff; }
    public int payloadOffset() { return off + HEADER_LENGTH; }
    public int payloadLength() { return length - HEADER_LENGTH; }

    /** Writes the header (checksum zero) at {@code off}; returns the payload offset. */
    public static int writeHeader(ByteBuffer b, int off, int sourcePort, int destinationPort, int length) {
        b.putShort(off, (short) sourcePort);
        b.putShort(off + 2, (short) destinationPort);
        b.putShort(off + 4, (short) length);
        b.putShort(off + 6, (short) 0);
        return off + HEADER_LENGTH;
    }

    /** Computes and stores the checksum of the {@code length}-byte datagram at {@code off}. */
    public static void fillChecksum(ByteBuffer b, int off, int length, int pseudoHeaderSum) {
        b.putShort(off + 6, (short) 0);
        int c = Checksum.compute(b, off, length, pseudoHeaderSum);
        b.putShort(off + 6, (short) (c == 0 ? 0xffff : c));
    }

    public record Repr(int sourcePort, int destinationPort, int payloadLength) {
        public static Repr parse(UdpPacket p) { return new Repr(p.sourcePort(), p.destinationPort(), p.payloadLength()); }

        /** Writes the header and, when {@code pseudoHeaderSum >= 0}, the checksum over the payload already in place. */
        public int emit(ByteBuffer b, int off, int pseudoHeaderSum) {
            int p = writeHeader(b, off, sourcePort, destinationPort, HEADER_LENGTH + payloadLength);
            if (pseudoHeaderSum >= 0) fillChecksum(b, off, HEADER_LENGTH + payloadLength, pseudoHeaderSum);
            return p;
        }
    }
}

package io.morgana.net.wire;

import java.nio.ByteBuffer;

/**
 * An ICMPv4 message (RFC 792, RFC 1191 for the next-hop MTU): a checked view (the checksum over
 * the whole message is verified) and a {@link Repr}.
 */
public final class IcmpPacket {
    public static final int HEADER_LENGTH = 8;
    public static final int ECHO_REPLY = 0;
    public static final int DEST_UNREACHABLE = 3;
    public static final int ECHO_REQUEST = 8;
    public static final int TIME_EXCEEDED = 11;
    public static final int PARAMETER_PROBLEM = 12;
    public static final int CODE_NET_UNREACHABLE = 0;
    public static final int CODE_HOST_UNREACHABLE = 1;
    public static final int CODE_PROTOCOL_UNREACHABLE = 2;
    public static final int CODE_PORT_UNREACHABLE = 3;
    public static final int CODE_FRAG_NEEDED = 4;

    private ByteBuffer b;
    private int off, len;

    public Malformed wrap(ByteBuffer buf, int offset, int length) {
        b = buf;
        off = offset;
        len = length;
        if (length < HEADER_LENGTH) return Malformed.TRUNCATED;
        return Checksum.verify(b, off, len, 0) ? null : Malformed.BAD_CHECKSUM;
    }

    public int type() { return b.get(off) & 0xff; }
    public int code() { return b.get(off + 1) & 0xff; }
    public int checksum() { return b.getShort(off + 2) & 0xffff; }
    /** Echo: identifier. */
    public int identifier() { return b.getShort(off + 4) & 0xffff; }
    /** Echo: sequence number. */
    public int sequence() { return b.getShort(off + 6) & 0xffff; }
    /** Destination unreachable, fragmentation needed: the next-hop MTU (0 from old routers). */
    public int nextHopMtu() { return b.getShort(off + 6) & 0xffff; }
    /** The four bytes after type, code and checksum. */
    public int restOfHeader() { return b.getInt(off + 4); }
    public int dataOffset() { return off + HEADER_LENGTH; }
    public int dataLength() { return len - HEADER_LENGTH; }

    /** Writes type, code and rest of header at {@code off} (checksum zero); returns the data offset. */
    public static int writeHeader(ByteBuffer b, int off, int type, int code, int restOfHeader) {
        b.put(off, (byte) type);
        b.put(off + 1, (byte) code);
        b.putShort(off + 2, (short) 0);
        b.putInt(off + 4, restOfHeader);
        return off + HEADER_LENGTH;
    }

    /** Computes and stores the checksum of the {@code length}-byte message at {@code off}. */
    public static void fillChecksum(ByteBuffer b, int off, int length) {
        b.putShort(off + 2, (short) 0);
        b.putShort(off + 2, (short) Checksum.compute(b, off, length, 0));
    }

    /** An ICMP message as a value: header fields and the data after them. */
    public record Repr(int type, int code, int restOfHeader, byte[] data) {
        public static Repr echo(boolean request, int identifier, int sequence, byte[] data) {
            return new Repr(request ? ECHO_REQUEST : ECHO_REPLY, 0, identifier << 16 | sequence, data);
        }

        public static Repr parse(IcmpPacket p) {
            byte[] d = new byte[p.dataLength()];
            p.b.get(p.dataOffset(), d);
            return new Repr(p.type(), p.code(), p.restOfHeader(), d);
        }

        public int length() { return HEADER_LENGTH + data.length; }

        /** Writes the message with its checksum; returns the offset after it. */
        public int emit(ByteBuffer b, int off) {
            int d = writeHeader(b, off, type, code, restOfHeader);
            b.put(d, data);
            fillChecksum(b, off, length());
            return off + length();
        }
    }
}

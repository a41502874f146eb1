package io.morgana.net.wire;

import io.morgana.api.MacAddress;
import java.nio.ByteBuffer;

/**
 * An Ethernet II frame (no FCS). A checked view: {@link #wrap} then the getters; reuse one
 * instance per layer so that parsing allocates nothing. {@link Repr} builds one.
 */
public final class EthernetFrame {
    public static final int HEADER_LENGTH = 14;
    public static final int TYPE_IPV4 = 0x0800;
    public static final int TYPE_ARP = 0x0806;
    public static final int TYPE_IPV6 = 0x86dd;

    private ByteBuffer b;
    private int off, len;

    /** Checks the frame of {@code len} bytes at {@code off}; null when valid, else why not. */
    public Malformed wrap(ByteBuffer buf, int offset, int length) {
        b = buf;
        off = offset;
        len = length;
        return length < HEADER_LENGTH ? Malformed.TRUNCATED : null;
    }

    public long destination() { return getMac(b, off); }
    public long source() { return getMac(b, off + 6); }
    public int etherType() { return b.getShort(off + 12) & 0xffff; }
    public int payloadOffset() { return off + HEADER_LENGTH; }
    public int payloadLength() { return len - HEADER_LENGTH; }

    /** Reads a 48-bit MAC address at {@code off}. */
    public static long getMac(ByteBuffer b, int off) {
        return (b.getShort(off) & 0xffffL) << 32 | (b.getInt(off + 2) & 0xffff_ffffL);
    }

    public static void putMac(ByteBuffer b, int off, long mac) {
        b.putShort(off, (short) (mac >>> 32));
        b.putInt(off + 2, (int) mac);
    }

    /** Writes a header at {@code off}; returns where the payload starts. */
    public static int writeHeader(ByteBuffer b, int off, long destination, long source, int etherType) {
        putMac(b, off, destination);
        putMac(b, off + 6, source);
        b.putShort(off + 12, (short) etherType);
        return off + HEADER_LENGTH;
    }

    /** An Ethernet header as a value. */
    public record Repr(MacAddress destination, MacAddress source, int etherType) {
        public static Repr parse(EthernetFrame f) {
            return new Repr(new MacAddress(f.destination()), new MacAddress(f.source()), f.etherType());
        }

        /** Writes the header at {@code off}; returns the payload offset. */
        public int emit(ByteBuffer b, int off) {
            return writeHeader(b, off, destination.bits(), source.bits(), etherType);
        }
    }
}

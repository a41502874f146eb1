package io.morgana.target.tap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The offload header that precedes every frame on a TAP opened with {@code IFF_VNET_HDR}: the
 * virtio-net header ({@code struct virtio_net_hdr_v1}, 12 bytes, the size we set with
 * {@code TUNSETVNETHDRSZ}) in the host's byte order, which is little-endian on the hosts we run on
 * (x86-64, aarch64; a big-endian host would need {@code TUNSETVNETLE}).
 *
 * <pre>
 *   u8 flags, u8 gso_type, u16 hdr_len, u16 gso_size, u16 csum_start, u16 csum_offset, u16 num_buffers
 * </pre>
 *
 * {@link #NEEDS_CSUM}: the transport checksum at {@code csum_start + csum_offset} holds only the
 * pseudo-header sum; the rest is to be summed from {@code csum_start} to the end.
 * {@link #DATA_VALID}: the host verified the checksums. {@code gso_type} other than
 * {@link #GSO_NONE}: a super-segment to be cut into segments of {@code gso_size} payload bytes
 * after {@code hdr_len} bytes of headers.
 *
 * @param flags       {@link #NEEDS_CSUM}, {@link #DATA_VALID}
 * @param gsoType     {@link #GSO_NONE}, {@link #GSO_TCPV4}, … (optionally | {@link #GSO_ECN})
 * @param headerLength bytes of Ethernet, IP and transport headers (a hint for the host)
 * @param gsoSize     payload bytes per segment
 * @param csumStart   where checksumming starts, from the start of the frame
 * @param csumOffset  where the checksum field is, from {@code csumStart}
 */
public record VirtioNetHeader(int flags, int gsoType, int headerLength, int gsoSize, int csumStart, int csumOffset) {

    /** Bytes of the header as we configure it ({@code TUNSETVNETHDRSZ}). */
    public static final int LENGTH = 12;
    public static final int NEEDS_CSUM = 1, DATA_VALID = 2;
    public static final int GSO_NONE = 0, GSO_TCPV4 = 1, GSO_UDP = 3, GSO_TCPV6 = 4, GSO_ECN = 0x80;

    /** A frame that needs nothing done: the header of every ordinary frame we send. */
    public static final VirtioNetHeader NONE = new VirtioNetHeader(0, GSO_NONE, 0, 0, 0, 0);

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public VirtioNetHeader {
        for (int v : new int[] {headerLength, gsoSize, csumStart, csumOffset}) {
            if (v < 0 || v > 0xffff) throw new IllegalArgumentException("virtio-net header field out of range: " + v);
        }
        if (flags < 0 || flags > 0xff || gsoType < 0 || gsoType > 0xff) throw new IllegalArgumentException("flags and gso_type are bytes");
    }

    /** A frame whose checksum (and, with {@code gsoSize > 0}, segmentation) the host is to do. */
    public static VirtioNetHeader offloaded(int csumStart, int csumOffset, int headerLength, int gsoSize) {
        return new VirtioNetHeader(NEEDS_CSUM, gsoSize > 0 ? GSO_TCPV4 : GSO_NONE, headerLength, gsoSize, csumStart, csumOffset);
    }

    public boolean needsChecksum() { return (flags & NEEDS_CSUM) != 0; }

    public boolean dataValid() { return (flags & DATA_VALID) != 0; }

    /** Reads the header at {@code offset}. */
    public static VirtioNetHeader read(MemorySegment s, long offset) {
        return new VirtioNetHeader(s.get(ValueLayout.JAVA_BYTE, offset) & 0xff, s.get(ValueLayout.JAVA_BYTE, offset + 1) & 0xff,
                u16(s, offset + 2), u16(s, offset + 4), u16(s, offset + 6), u16(s, offset + 8));
    }

    /** Writes the header at {@code offset} ({@link #LENGTH} bytes, {@code num_buffers} zero). */
    public void write(MemorySegment s, long offset) {
        write(s, offset, flags, gsoType, headerLength, gsoSize, csumStart, csumOffset);
    }

    /**
     * Writes a header from its fields without making a record (the send path): two little-endian
     * stores, the first eight bytes and the last four, rather than one per field; each FFM store
     * that C1 inlines costs compiler memory, and seven of them made this small method one of the
     * largest compilations of a running appliance.
     */
    static void write(MemorySegment s, long offset, int flags, int gsoType, int headerLength, int gsoSize, int csumStart,
            int csumOffset) {
        long head = (flags & 0xffL) | (gsoType & 0xffL) << 8 | (headerLength & 0xffffL) << 16 | (gsoSize & 0xffffL) << 32
                | (csumStart & 0xffffL) << 48;
        s.set(U64, offset, head);
        s.set(U32, offset + 8, csumOffset & 0xffff); // and num_buffers, zero
    }

    /** The {@code flags} byte of the header at {@code offset} (the receive path needs no more). */
    static int flags(MemorySegment s, long offset) { return s.get(ValueLayout.JAVA_BYTE, offset) & 0xff; }

    private static int u16(MemorySegment s, long offset) { return s.get(U16, offset) & 0xffff; }
}

package io.morgana.net.link;

import io.morgana.net.ipv4.Ipv4Service;
import io.morgana.net.wire.Checksum;
import io.morgana.net.wire.EthernetFrame;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Predicate;

/**
 * What a link that offers no offloads does in software for a frame the stack handed over with
 * {@link Link#sendOffloaded} or a driver passed up with {@link Link.Receiver#receiveVerified}:
 * completing a partial transport checksum and cutting a TCP super-segment into segments, the way
 * the Linux kernel does for a virtio-net device (same rules, so that tests without a kernel check
 * what a kernel would see).
 *
 * <p>A <em>partial</em> checksum (virtio's {@code NEEDS_CSUM}, Linux's {@code CHECKSUM_PARTIAL})
 * is a transport checksum field that holds the folded, not complemented, sum of the pseudo-header
 * for the datagram's transport length; the rest is to be summed over the transport header and
 * payload. Only IPv4 TCP and UDP frames are touched; anything else passes unchanged.
 */
public final class Offloads {
    private Offloads() {}

    private static final int ETH = EthernetFrame.HEADER_LENGTH;
    private static final int FIN = 0x01, PSH = 0x08, CWR = 0x80;

    /**
     * Where the transport checksum of an IPv4 TCP or UDP frame (position to limit) sits, as an
     * index into the buffer, or -1 for any other frame. The transport header starts at
     * {@code checksumField - 16} (TCP) or {@code - 6} (UDP): see {@link #transportOffset}.
     */
    static int checksumField(ByteBuffer frame) {
        int p = frame.position();
        if (frame.remaining() < ETH + 20 || (frame.getShort(p + 12) & 0xffff) != EthernetFrame.TYPE_IPV4) return -1;
        int ihl = (frame.get(p + ETH) & 0x0f) * 4;
        int proto = frame.get(p + ETH + 9) & 0xff;
        int field = p + ETH + ihl + (proto == 6 ? 16 : proto == 17 ? 6 : -1_000_000);
        return field >= 0 && field + 2 <= frame.limit() ? field : -1;
    }

    /**
     * Fills in the partial transport checksum of {@code frame} (position to limit, unchanged).
     * Returns false, leaving the frame alone, for a frame that is not IPv4 TCP or UDP.
     */
    public static boolean completeChecksum(ByteBuffer frame) {
        ByteOrder order = frame.order();
        frame.order(ByteOrder.BIG_ENDIAN);
        try {
            int field = checksumField(frame);
            if (field < 0) return false;
            int p = frame.position();
            int ihl = (frame.get(p + ETH) & 0x0f) * 4;
            int start = p + ETH + ihl;
            int end = Math.min(frame.limit(), p + ETH + (frame.getShort(p + ETH + 2) & 0xffff));
            if (end <= start) return false;
            int c = Checksum.compute(frame, start, end - start, 0);
            boolean udp = field - start == 6;
            frame.putShort(field, (short) (udp && c == 0 ? 0xffff : c));
            return true;
        } finally {
            frame.order(order);
        }
    }

    /**
     * Cuts an IPv4 TCP super-segment (position to limit, partial checksum) into frames of at most
     * {@code segmentSize} payload bytes, each with complete checksums, and hands them one after
     * the other to {@code out} (the buffer is reused: send or copy it before returning). As Linux
     * does: every segment carries the same header but for the sequence number, the IP total length
     * and identification (counting up), FIN and PSH on the last only and CWR on the first only.
     * A frame that needs no cutting only has its checksum completed. Stops at the first segment
     * {@code out} refuses and returns false; true when every segment was taken.
     */
    public static boolean segment(ByteBuffer frame, int segmentSize, Predicate<ByteBuffer> out) {
        frame.order(ByteOrder.BIG_ENDIAN);
        int field = checksumField(frame);
        int p = frame.position();
        int ihl = field < 0 ? 0 : (frame.get(p + ETH) & 0x0f) * 4;
        int tcp = p + ETH + ihl;
        if (field < 0 || field - tcp != 16 || segmentSize <= 0) {
            completeChecksum(frame);
            return out.test(frame);
        }
        int thl = (frame.get(tcp + 12) & 0xf0) >>> 2;
        int headers = ETH + ihl + thl;
        int end = Math.min(frame.limit(), p + ETH + (frame.getShort(p + ETH + 2) & 0xffff));
        int payload = end - p - headers;
        if (payload <= segmentSize) {
            completeChecksum(frame);
            return out.test(frame);
        }
        ByteBuffer seg = ByteBuffer.allocate(headers + segmentSize);
        int seq = frame.getInt(tcp + 4);
        int id = frame.getShort(p + ETH + 4) & 0xffff;
        int flags = frame.get(tcp + 13) & 0xff;
        for (int off = 0, i = 0; off < payload; off += segmentSize, i++) {
            int n = Math.min(segmentSize, payload - off);
            boolean first = off == 0, last = off + n == payload;
            seg.clear();
            seg.put(0, frame, p, headers);
            seg.put(headers, frame, p + headers + off, n);
            int ip = ETH, t = ETH + ihl;
            seg.putShort(ip + 2, (short) (ihl + thl + n));
            seg.putShort(ip + 4, (short) (id + i));
            seg.putShort(ip + 10, (short) 0);
            seg.putShort(ip + 10, (short) Checksum.compute(seg, ip, ihl, 0));
            seg.putInt(t + 4, seq + off);
            int f = flags & ~((last ? 0 : FIN | PSH) | (first ? 0 : CWR));
            seg.put(t + 13, (byte) f);
            int src = seg.getInt(ip + 12), dst = seg.getInt(ip + 16);
            seg.putShort(t + 16, (short) Ipv4Service.pseudoHeaderSum(src, dst, Ipv4Service.PROTO_TCP, thl + n));
            seg.limit(headers + n).position(0);
            completeChecksum(seg);
            if (!out.test(seg)) return false;
        }
        return true;
    }

    /**
     * {@link Link#sendOffloaded} done in software on a link without offloads: the frame's
     * checksum completed, cut into segments if it is a super-segment, each sent with
     * {@link Link#send}. Returns false if the link dropped any.
     */
    public static boolean sendInSoftware(Link link, ByteBuffer frame, int segmentSize) {
        return segment(frame, segmentSize, link::send);
    }
}

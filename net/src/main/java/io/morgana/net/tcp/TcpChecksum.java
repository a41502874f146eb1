package io.morgana.net.tcp;

import io.morgana.net.ipv4.Ipv4Service;

/** The Internet checksum (RFC 1071) of a TCP segment over the IPv4 pseudo-header (RFC 9293 3.1). */
public final class TcpChecksum {
    private TcpChecksum() {}

    /** Ones'-complement checksum of {@code segment[off, off+len)} with the pseudo-header; 0 means valid when the field is included. */
    public static int compute(int srcIp, int dstIp, byte[] segment, int off, int len) {
        long sum = (srcIp >>> 16) + (srcIp & 0xffff) + (dstIp >>> 16) + (dstIp & 0xffff) + 6 + len;
        int i = off, end = off + len;
        for (; i + 7 < end; i += 8) {
            sum += ((segment[i] & 0xff) << 8 | (segment[i + 1] & 0xff))
                    + ((segment[i + 2] & 0xff) << 8 | (segment[i + 3] & 0xff))
                    + ((segment[i + 4] & 0xff) << 8 | (segment[i + 5] & 0xff))
                    + ((segment[i + 6] & 0xff) << 8 | (segment[i + 7] & 0xff));
        }
        for (; i + 1 < end; i += 2) sum += (segment[i] & 0xff) << 8 | (segment[i + 1] & 0xff);
        if (i < end) sum += (segment[i] & 0xff) << 8;
        while ((sum >>> 16) != 0) sum = (sum & 0xffff) + (sum >>> 16);
        return (int) (~sum & 0xffff);
    }

    /**
     * Writes into the checksum field the folded, not complemented, pseudo-header sum for a
     * segment of {@code len} bytes: a partial checksum, for a link that completes it
     * ({@code io.morgana.net.link.Link.Offload#TX_CHECKSUM}).
     */
    public static void fillPartial(int srcIp, int dstIp, byte[] segment, int off, int len) {
        int sum = Ipv4Service.pseudoHeaderSum(srcIp, dstIp, Ipv4Service.PROTO_TCP, len);
        segment[off + 16] = (byte) (sum >>> 8);
        segment[off + 17] = (byte) sum;
    }

    /** Writes the checksum field of a segment whose checksum field is zero. */
    public static void fill(int srcIp, int dstIp, byte[] segment, int off, int len) {
        int c = compute(srcIp, dstIp, segment, off, len);
        segment[off + 16] = (byte) (c >>> 8);
        segment[off + 17] = (byte) c;
    }

    public static boolean valid(int srcIp, int dstIp, byte[] segment, int off, int len) {
        return compute(srcIp, dstIp, segment, off, len) == 0;
    }
}

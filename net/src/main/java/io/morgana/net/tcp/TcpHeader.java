package io.morgana.net.tcp;

import java.util.Arrays;

/**
 * A TCP header in its plain representation (RFC 9293 section 3.1) with the options Morgana
 * understands: MSS, window scale and timestamps (RFC 7323), SACK-permitted and SACK (RFC 2018).
 * Absent options are {@code -1} ({@code mss}, {@code windowScale}) or {@code false}. Unknown
 * options are skipped. Build with {@link #encode}; parse a checked segment with {@link #parse}.
 *
 * @param sackBlocks left/right edge pairs, at most 4 pairs
 */
public record TcpHeader(int srcPort, int dstPort, int seq, int ack, int flags, int window, int urgentPointer,
                        int mss, int windowScale, boolean sackPermitted, boolean timestamps, int tsVal, int tsEcr,
                        int[] sackBlocks, int headerLength) {

    public static final int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10, URG = 0x20, ECE = 0x40, CWR = 0x80;
    public static final int MIN_LENGTH = 20;
    static final int[] NO_SACK = new int[0];

    public boolean has(int flag) { return (flags & flag) != 0; }

    /** Why bytes are not a TCP segment we accept, or {@code null} when they are (lengths, data offset, checksum, options). */
    public static String problem(int srcIp, int dstIp, byte[] b, int off, int len) { return problem(srcIp, dstIp, b, off, len, false); }

    /** As {@link #problem(int, int, byte[], int, int)}; the checksum is left alone when the link vouched for it. */
    public static String problem(int srcIp, int dstIp, byte[] b, int off, int len, boolean checksumVerified) {
        if (len < MIN_LENGTH) return "truncated";
        int dataOffset = (b[off + 12] & 0xf0) >>> 2;
        if (dataOffset < MIN_LENGTH || dataOffset > len) return "bad-data-offset";
        if (!checksumVerified && !TcpChecksum.valid(srcIp, dstIp, b, off, len)) return "bad-checksum";
        if ((b[off] == 0 && b[off + 1] == 0) || (b[off + 2] == 0 && b[off + 3] == 0)) return "port-zero";
        return optionsProblem(b, off + MIN_LENGTH, off + dataOffset);
    }

    private static String optionsProblem(byte[] b, int i, int end) {
        while (i < end) {
            int kind = b[i] & 0xff;
            if (kind == 0) return null;
            if (kind == 1) { i++; continue; }
            if (i + 1 >= end) return "bad-options";
            int olen = b[i + 1] & 0xff;
            if (olen < 2 || i + olen > end) return "bad-options";
            boolean ok = switch (kind) {
                case 2 -> olen == 4;
                case 3 -> olen == 3;
                case 4 -> olen == 2;
                case 5 -> olen >= 10 && olen <= 34 && (olen - 2) % 8 == 0;
                case 8 -> olen == 10;
                default -> true;
            };
            if (!ok) return "bad-options";
            i += olen;
        }
        return null;
    }

    /** Parses a segment that {@link #problem} accepted. */
    public static TcpHeader parse(byte[] b, int off) {
        int dataOffset = (b[off + 12] & 0xf0) >>> 2;
        int mss = -1, ws = -1, tsVal = 0, tsEcr = 0;
        boolean sackOk = false, ts = false;
        int[] sack = NO_SACK;
        int i = off + MIN_LENGTH, end = off + dataOffset;
        while (i < end) {
            int kind = b[i] & 0xff;
            if (kind == 0) break;
            if (kind == 1) { i++; continue; }
            int olen = b[i + 1] & 0xff;
            switch (kind) {
                case 2 -> mss = u16(b, i + 2);
                case 3 -> ws = Math.min(b[i + 2] & 0xff, 14);
                case 4 -> sackOk = true;
                case 5 -> {
                    sack = new int[(olen - 2) / 4];
                    for (int k = 0; k < sack.length; k++) sack[k] = i32(b, i + 2 + 4 * k);
                }
                case 8 -> { ts = true; tsVal = i32(b, i + 2); tsEcr = i32(b, i + 6); }
                default -> { }
            }
            i += olen;
        }
        return new TcpHeader(u16(b, off), u16(b, off + 2), i32(b, off + 4), i32(b, off + 8), b[off + 13] & 0xff,
                u16(b, off + 14), u16(b, off + 18), mss, ws, sackOk, ts, tsVal, tsEcr, sack, dataOffset);
    }

    /** Length of the encoded header with its options (a multiple of 4). */
    public int encodedLength() {
        int o = 0;
        if (mss >= 0) o += 4;
        if (sackPermitted || timestamps) o += timestamps ? 12 : 4;
        if (windowScale >= 0) o += 4;
        if (sackBlocks.length > 0) o += 4 + 8 * (sackBlocks.length / 2);
        return MIN_LENGTH + o;
    }

    /**
     * Writes the header at {@code off} with a zero checksum (fill it in with {@link TcpChecksum#fill}
     * once the payload follows). Returns the header length.
     */
    public int encode(byte[] out, int off) {
        put16(out, off, srcPort);
        put16(out, off + 2, dstPort);
        put32(out, off + 4, seq);
        put32(out, off + 8, ack);
        int hl = encodedLength();
        out[off + 12] = (byte) ((hl / 4) << 4);
        out[off + 13] = (byte) flags;
        put16(out, off + 14, window);
        put16(out, off + 16, 0);
        put16(out, off + 18, urgentPointer);
        int i = off + MIN_LENGTH;
        if (mss >= 0) { out[i] = 2; out[i + 1] = 4; put16(out, i + 2, mss); i += 4; }
        if (timestamps) {
            if (sackPermitted) { out[i] = 4; out[i + 1] = 2; } else { out[i] = 1; out[i + 1] = 1; }
            out[i + 2] = 8; out[i + 3] = 10; put32(out, i + 4, tsVal); put32(out, i + 8, tsEcr);
            i += 12;
        } else if (sackPermitted) {
            out[i] = 1; out[i + 1] = 1; out[i + 2] = 4; out[i + 3] = 2; i += 4;
        }
        if (windowScale >= 0) { out[i] = 1; out[i + 1] = 3; out[i + 2] = 3; out[i + 3] = (byte) windowScale; i += 4; }
        if (sackBlocks.length > 0) {
            out[i] = 1; out[i + 1] = 1; out[i + 2] = 5; out[i + 3] = (byte) (2 + 4 * sackBlocks.length);
            i += 4;
            for (int v : sackBlocks) { put32(out, i, v); i += 4; }
        }
        return hl;
    }

    /** A copy with a different sequence/ack/flags, used by tests to craft segments. */
    public TcpHeader with(int seq, int ack, int flags) {
        return new TcpHeader(srcPort, dstPort, seq, ack, flags, window, urgentPointer, mss, windowScale, sackPermitted,
                timestamps, tsVal, tsEcr, sackBlocks, headerLength);
    }

    /** A plain header with no options. */
    public static TcpHeader of(int srcPort, int dstPort, int seq, int ack, int flags, int window) {
        return new TcpHeader(srcPort, dstPort, seq, ack, flags, window, 0, -1, -1, false, false, 0, 0, NO_SACK, MIN_LENGTH);
    }

    @Override public boolean equals(Object o) {
        return o instanceof TcpHeader h && srcPort == h.srcPort && dstPort == h.dstPort && seq == h.seq && ack == h.ack
                && flags == h.flags && window == h.window && urgentPointer == h.urgentPointer && mss == h.mss
                && windowScale == h.windowScale && sackPermitted == h.sackPermitted && timestamps == h.timestamps
                && tsVal == h.tsVal && tsEcr == h.tsEcr && Arrays.equals(sackBlocks, h.sackBlocks);
    }

    @Override public int hashCode() { return Integer.hashCode(seq) * 31 + ack; }

    @Override public String toString() {
        StringBuilder s = new StringBuilder().append(srcPort).append('>').append(dstPort).append(" [");
        String[] names = {"F", "S", "R", "P", ".", "U", "E", "C"};
        for (int k = 0; k < 8; k++) if ((flags & (1 << k)) != 0) s.append(names[k]);
        s.append("] seq=").append(Integer.toUnsignedString(seq)).append(" ack=").append(Integer.toUnsignedString(ack))
                .append(" win=").append(window);
        if (mss >= 0) s.append(" mss=").append(mss);
        if (windowScale >= 0) s.append(" ws=").append(windowScale);
        if (sackPermitted) s.append(" sackOK");
        if (timestamps) s.append(" ts=").append(Integer.toUnsignedString(tsVal)).append('/').append(Integer.toUnsignedString(tsEcr));
        for (int k = 0; k + 1 < sackBlocks.length; k += 2) {
            s.append(" sack=").append(Integer.toUnsignedString(sackBlocks[k])).append('-').append(Integer.toUnsignedString(sackBlocks[k + 1]));
        }
        return s.toString();
    }

    static int u16(byte[] b, int i) { return (b[i] & 0xff) << 8 | (b[i + 1] & 0xff); }
    static int i32(byte[] b, int i) { return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff); }
    static void put16(byte[] b, int i, int v) { b[i] = (byte) (v >>> 8); b[i + 1] = (byte) v; }
    static void put32(byte[] b, int i, int v) { b[i] = (byte) (v >>> 24); b[i + 1] = (byte) (v >>> 16); b[i + 2] = (byte) (v >>> 8); b[i + 3] = (byte) v; }
}

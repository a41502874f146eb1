package io.morgana.net.wire;

import java.nio.ByteBuffer;

/**
 * The Internet checksum (RFC 1071): the ones'-complement sum of 16-bit big-endian words. Sums
 * eight bytes at a time; the buffer must be in big-endian order (the default).
 */
public final class Checksum {
    private Checksum() {}

    /**
     * The unfolded sum of the 16-bit words of {@code len} bytes at {@code off} (an odd last byte is
     * padded with zero), plus {@code initial}. Add sums of several pieces as long as each but the
     * last has an even length.
     */
    public static long sum(ByteBuffer b, int off, int len, long initial) {
        long s = initial;
        int i = off, end = off + len;
        for (; i + 8 <= end; i += 8) {
            long x = b.getLong(i);
            s += (x >>> 32) + (x & 0xffff_ffffL);
        }
        if (i + 4 <= end) {
            s += b.getInt(i) & 0xffff_ffffL;
            i += 4;
        }
        if (i + 2 <= end) {
            s += b.getShort(i) & 0xffff;
            i += 2;
        }
        if (i < end) s += (b.get(i) & 0xff) << 8;
        return s;
    }

    /** Folds a sum to 16 bits (not complemented). */
    public static int fold(long s) {
        s = (s & 0xffff_ffffL) + (s >>> 32);
        s = (s & 0xffff) + (s >>> 16);
        s = (s & 0xffff) + (s >>> 16);
        s = (s & 0xffff) + (s >>> 16);
        return (int) s;
    }

    /** The checksum to put in a header: the complement of the folded sum of the bytes plus {@code initial}. */
    public static int compute(ByteBuffer b, int off, int len, long initial) {
        return ~fold(sum(b, off, len, initial)) & 0xffff;
    }

    /** Whether bytes that include their checksum field sum (with {@code initial}) to 0xffff. */
    public static boolean verify(ByteBuffer b, int off, int len, long initial) {
        return fold(sum(b, off, len, initial)) == 0xffff;
    }
}

package io.morgana.net.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071): the ones'-complement sum of 16-bit big-endian words, summed
 * sixteen bytes at a time. Works on a buffer of either byte order.
 */
public final class Checksum {
    private Checksum() {}

    /**
     * The unfolded sum of the 16-bit words of {@code len} bytes at {@code off} (an odd last byte is
     * padded with zero), plus {@code initial}. Add sums of several pieces as long as each but the
     * last has an even length.
     */
    public static long sum(ByteBuffer b, int off, int len, long initial) {
        // Summed as little-endian words, whatever the buffer's order: no byte swapping per load on
        // the usual (little-endian) host, and the ones'-complement sum of byte-swapped words is the
        // byte-swapped sum (RFC 1071 2(B)), so one swap at the end gives the big-endian sum.
        long s = 0, t = 0;
        int i = off, end = off + len;
        for (; i + 16 <= end; i += 16) {
            long x = (long) LONG.get(b, i), y = (long) LONG.get(b, i + 8);
            s += (x >>> 32) + (x & 0xffff_ffffL);
            t += (y >>> 32) + (y & 0xffff_ffffL);
        }
        s += t;
        if (i + 8 <= end) {
            long x = (long) LONG.get(b, i);
            s += (x >>> 32) + (x & 0xffff_ffffL);
            i += 8;
        }
        if (i + 4 <= end) {
            s += (int) INT.get(b, i) & 0xffff_ffffL;
            i += 4;
        }
        if (i + 2 <= end) {
            s += (short) SHORT.get(b, i) & 0xffff;
            i += 2;
        }
        if (i < end) s += b.get(i) & 0xff;
        int f = fold(s);
        return ((f & 0xff) << 8 | f >>> 8) + initial;
    }

    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT = MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

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

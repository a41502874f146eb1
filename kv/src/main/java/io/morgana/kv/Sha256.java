package io.morgana.kv;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * SHA-256 (FIPS 180-4), for the stores' value digests (ETags).
 *
 * <p>Written out rather than taken from {@code MessageDigest.getInstance("SHA-256")}: that lookup
 * loads the JCA provider framework (the provider list, the {@code java.security} file, the Sun
 * provider's service tables, {@code KnownOIDs}), about 25 ms of the first request an appliance
 * serves once nothing else has loaded it. A digest is computed once per value and then cached; with
 * C1 only (the spt target) the JDK's SHA-256 is plain Java as well, and large values, where C2's
 * SHA instructions pay, go to the JDK ({@link TreeKv#JDK_DIGEST_FROM}).
 */
final class Sha256 {
    private Sha256() {}

    /** Round constants: the first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
    private static final int[] K = new int[64];
    /** Initial hash value: the first 32 bits of the fractional parts of the square roots of the first 8 primes. */
    private static final int[] H0 = new int[8];

    static {
        int n = 0;
        for (int p = 2; n < 64; p++) {
            if (!isPrime(p)) continue;
            if (n < 8) H0[n] = fraction32(Math.sqrt(p));
            K[n++] = fraction32(Math.cbrt(p));
        }
    }

    private static boolean isPrime(int p) {
        for (int d = 2; d * d <= p; d++) if (p % d == 0) return false;
        return true;
    }

    private static int fraction32(double x) { return (int) (long) ((x - Math.floor(x)) * 0x1p32); }

    /** The digest of the remaining bytes of {@code b}, which it consumes (any byte order). */
    static byte[] digest(ByteBuffer b) {
        ByteBuffer in = b.slice().order(ByteOrder.BIG_ENDIAN);
        long bits = (long) in.remaining() * 8;
        int[] h = H0.clone();
        int[] w = new int[64];
        while (in.remaining() >= 64) {
            for (int t = 0; t < 16; t++) w[t] = in.getInt();
            compress(h, w);
        }
        // The last bytes, a 1 bit, zeros, and the message length in bits in the last 8 bytes of a block.
        ByteBuffer last = ByteBuffer.allocate(in.remaining() < 56 ? 64 : 128);
        last.put(in).put((byte) 0x80).putLong(last.capacity() - 8, bits).clear();
        while (last.hasRemaining()) {
            for (int t = 0; t < 16; t++) w[t] = last.getInt();
            compress(h, w);
        }
        b.position(b.limit());
        ByteBuffer out = ByteBuffer.allocate(32);
        for (int v : h) out.putInt(v);
        return out.array();
    }

    /** One 64-byte block, its 16 words in {@code w[0..15]}, into the hash state {@code h}. */
    private static void compress(int[] h, int[] w) {
        for (int t = 16; t < 64; t++) {
            int s0 = Integer.rotateRight(w[t - 15], 7) ^ Integer.rotateRight(w[t - 15], 18) ^ (w[t - 15] >>> 3);
            int s1 = Integer.rotateRight(w[t - 2], 17) ^ Integer.rotateRight(w[t - 2], 19) ^ (w[t - 2] >>> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        int a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        for (int t = 0; t < 64; t++) {
            int sum1 = Integer.rotateRight(e, 6) ^ Integer.rotateRight(e, 11) ^ Integer.rotateRight(e, 25);
            int choose = (e & f) ^ (~e & g);
            int t1 = hh + sum1 + choose + K[t] + w[t];
            int sum0 = Integer.rotateRight(a, 2) ^ Integer.rotateRight(a, 13) ^ Integer.rotateRight(a, 22);
            int majority = (a & b) ^ (a & c) ^ (b & c);
            hh = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + sum0 + majority;
        }
        h[0] += a;
        h[1] += b;
        h[2] += c;
        h[3] += d;
        h[4] += e;
        h[5] += f;
        h[6] += g;
        h[7] += hh;
    }
}

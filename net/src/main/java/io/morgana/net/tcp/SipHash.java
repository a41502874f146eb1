package io.morgana.net.tcp;

/**
 * SipHash-2-4 (Aumasson and Bernstein) over whole 64-bit little-endian words: the keyed
 * pseudo-random function behind initial sequence numbers (RFC 6528), ephemeral port offsets
 * (RFC 6056) and SYN cookies. Written from the paper's description.
 */
final class SipHash {
    private final long k0, k1;

    SipHash(long k0, long k1) { this.k0 = k0; this.k1 = k1; }

    long hash(long... words) {
        long[] v = {k0 ^ 0x736f6d6570736575L, k1 ^ 0x646f72616e646f6dL, k0 ^ 0x6c7967656e657261L, k1 ^ 0x7465646279746573L};
        for (long m : words) absorb(v, m);
        absorb(v, ((long) (words.length * 8) & 0xff) << 56);
        v[2] ^= 0xff;
        for (int r = 0; r < 4; r++) round(v);
        return v[0] ^ v[1] ^ v[2] ^ v[3];
    }

    private static void absorb(long[] v, long m) {
        v[3] ^= m;
        round(v);
        round(v);
        v[0] ^= m;
    }

    private static void round(long[] v) {
        v[0] += v[1]; v[1] = Long.rotateLeft(v[1], 13); v[1] ^= v[0]; v[0] = Long.rotateLeft(v[0], 32);
        v[2] += v[3]; v[3] = Long.rotateLeft(v[3], 16); v[3] ^= v[2];
        v[0] += v[3]; v[3] = Long.rotateLeft(v[3], 21); v[3] ^= v[0];
        v[2] += v[1]; v[1] = Long.rotateLeft(v[1], 17); v[1] ^= v[2]; v[2] = Long.rotateLeft(v[2], 32);
    }
}

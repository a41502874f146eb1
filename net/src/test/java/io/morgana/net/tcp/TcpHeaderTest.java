package io.morgana.net.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The segment codec: options, checksum over the pseudo-header, and hostile bytes. */
class TcpHeaderTest {
    static final int SRC = 0x0a000001, DST = 0x0a000002;

    static byte[] segment(TcpHeader h, byte[] payload) {
        byte[] b = new byte[h.encodedLength() + payload.length];
        int hl = h.encode(b, 0);
        System.arraycopy(payload, 0, b, hl, payload.length);
        TcpChecksum.fill(SRC, DST, b, 0, b.length);
        return b;
    }

    @Test void synWithEveryOptionRoundTrips() {
        TcpHeader h = new TcpHeader(40000, 80, 0x89abcdef, 0, TcpHeader.SYN, 65535, 0, 1460, 7, true, true, 123456, 0,
                TcpHeader.NO_SACK, 0);
        byte[] b = segment(h, new byte[0]);
        assertEquals(40, b.length, "MSS 4 + SACK-permitted/timestamps 12 + window scale 4");
        assertNull(TcpHeader.problem(SRC, DST, b, 0, b.length));
        TcpHeader p = TcpHeader.parse(b, 0);
        assertEquals(h, p);
        assertEquals(40, p.headerLength());
    }

    @Test void sackBlocksRoundTrip() {
        int[] blocks = {1000, 2000, -5, 7};
        TcpHeader h = new TcpHeader(1, 2, 5, 6, TcpHeader.ACK, 100, 0, -1, -1, false, true, 1, 2, blocks, 0);
        byte[] b = segment(h, new byte[] {9, 8, 7});
        TcpHeader p = TcpHeader.parse(b, 0);
        assertArrayEquals(blocks, p.sackBlocks());
        assertEquals(b.length - 3, p.headerLength());
        assertEquals(9, b[p.headerLength()]);
    }

    @Test void everySingleBitFlipIsCaught() {
        byte[] payload = new byte[333];
        new SplittableRandom(1).nextBytes(payload);
        TcpHeader h = new TcpHeader(1234, 80, 1, 2, TcpHeader.ACK | TcpHeader.PSH, 500, 0, -1, -1, false, true, 3, 4, TcpHeader.NO_SACK, 0);
        byte[] good = segment(h, payload);
        assertNull(TcpHeader.problem(SRC, DST, good, 0, good.length));
        for (int i = 0; i < good.length * 8; i++) {
            byte[] b = good.clone();
            b[i / 8] ^= (byte) (1 << (i % 8));
            assertNotNull(TcpHeader.problem(SRC, DST, b, 0, b.length), "bit " + i);
        }
        assertEquals("bad-checksum", TcpHeader.problem(SRC + 1, DST, good, 0, good.length), "pseudo-header covers addresses");
    }

    @Test void truncationAndBadOptionsAreRejectedWithoutThrowing() {
        TcpHeader h = new TcpHeader(1, 2, 3, 4, TcpHeader.SYN, 5, 0, 1460, 2, true, true, 1, 0, TcpHeader.NO_SACK, 0);
        byte[] good = segment(h, new byte[0]);
        for (int len = 0; len < good.length; len++) assertNotNull(TcpHeader.problem(SRC, DST, good, 0, len), "length " + len);
        byte[] b = good.clone();
        b[21] = 3; // the MSS option claims length 3
        TcpChecksum.fill(SRC, DST, zeroChecksum(b), 0, b.length);
        assertEquals("bad-options", TcpHeader.problem(SRC, DST, b, 0, b.length));
        byte[] c = good.clone();
        c[12] = 0x40; // data offset 16 < 20
        TcpChecksum.fill(SRC, DST, zeroChecksum(c), 0, c.length);
        assertEquals("bad-data-offset", TcpHeader.problem(SRC, DST, c, 0, c.length));
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < 20000; i++) {
            byte[] junk = new byte[r.nextInt(80)];
            r.nextBytes(junk);
            if (junk.length >= 20) junk[12] = (byte) (r.nextInt(16) << 4);
            if (junk.length >= 20) TcpChecksum.fill(SRC, DST, zeroChecksum(junk), 0, junk.length);
            if (TcpHeader.problem(SRC, DST, junk, 0, junk.length) == null) TcpHeader.parse(junk, 0);
        }
    }

    private static byte[] zeroChecksum(byte[] b) {
        if (b.length >= 18) {
            b[16] = 0;
            b[17] = 0;
        }
        return b;
    }

    @Test void sipHashMatchesTheReferenceVectors() {
        SipHash h = new SipHash(0x0706050403020100L, 0x0f0e0d0c0b0a0908L);
        assertEquals(0x726fdb47dd0e0e31L, h.hash());
        assertEquals(0x93f5f5799a932462L, h.hash(0x0706050403020100L));
    }

    @Test void sequenceComparisonsWrapAround() {
        assertEquals(true, Seq.lt(0xfffffff0, 0x10));
        assertEquals(true, Seq.gt(0x10, 0xfffffff0));
        assertEquals(true, Seq.inRange(2, 0xffffffff, 5));
    }
}

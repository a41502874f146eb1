package io.morgana.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Sha256} against the JDK's {@code MessageDigest} and FIPS 180-4's examples. */
class Sha256Test {

    private static byte[] jdk(byte[] data) throws Exception { return MessageDigest.getInstance("SHA-256").digest(data); }

    private static String hex(String text) {
        return HexFormat.of().formatHex(Sha256.digest(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII))));
    }

    @Test void fipsExamples() {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", hex(""));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", hex("abc"));
        assertEquals("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
                hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"));
    }

    @Test void everyLengthAroundTheBlockAndPaddingEdges() throws Exception {
        SplittableRandom r = new SplittableRandom(1804);
        for (int n = 0; n <= 1100; n++) {
            byte[] data = new byte[n];
            r.nextBytes(data);
            assertArrayEquals(jdk(data), Sha256.digest(ByteBuffer.wrap(data)), "length " + n);
        }
    }

    @Test void largeDirectAndLittleEndianBuffersFromAnyPosition() throws Exception {
        SplittableRandom r = new SplittableRandom(256);
        byte[] data = new byte[3 << 20];
        r.nextBytes(data);
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length + 7).order(ByteOrder.LITTLE_ENDIAN);
        direct.position(7);
        direct.put(data).position(7);
        assertArrayEquals(jdk(data), Sha256.digest(direct));
        assertEquals(direct.limit(), direct.position(), "consumed");
        ByteBuffer part = ByteBuffer.wrap(data, 1000, 5000);
        byte[] expected = jdk(java.util.Arrays.copyOfRange(data, 1000, 6000));
        assertArrayEquals(expected, Sha256.digest(part));
        assertEquals(6000, part.position());
    }

    @Test void storesDigestSmallValuesHereAndLargeOnesWithTheJdkAlike() throws Exception {
        SplittableRandom r = new SplittableRandom(2);
        for (int n : new int[] {TreeKv.JDK_DIGEST_FROM - 1, TreeKv.JDK_DIGEST_FROM, TreeKv.JDK_DIGEST_FROM + 65}) {
            byte[] data = new byte[n];
            r.nextBytes(data);
            assertArrayEquals(jdk(data), TreeKv.sha256(ByteBuffer.wrap(data)), "length " + n);
            assertArrayEquals(Sha256.digest(ByteBuffer.wrap(data)), TreeKv.sha256(ByteBuffer.wrap(data)), "length " + n);
        }
    }
}

package io.morgana.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class KernelRandomTest {

    @Test void oneInstanceAProcess() throws Exception {
        assertSame(KernelRandom.shared(), KernelRandom.shared());
    }

    @Test void drawsDifferAndLookUniform() throws Exception {
        KernelRandom r = KernelRandom.shared();
        Set<String> draws = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            byte[] b = new byte[16];
            r.nextBytes(b);
            assertTrue(draws.add(Arrays.toString(b)), "a 128-bit draw repeated");
        }
        byte[] big = new byte[1 << 20];
        r.nextBytes(big); // more than one read(2) may return
        int[] counts = new int[256];
        for (byte x : big) counts[x & 0xff]++;
        // Each value is expected 4096 times (sd 64): a real source never strays 1000 from it, a broken one
        // (zeros, a short read leaving the tail untouched, a counter) does at once.
        for (int v = 0; v < 256; v++) assertTrue(Math.abs(counts[v] - 4096) < 1000, "byte " + v + " seen " + counts[v] + " times");
        long[] longs = new long[1000];
        for (int i = 0; i < longs.length; i++) longs[i] = r.nextLong();
        assertEquals(longs.length, Arrays.stream(longs).distinct().count());
        r.nextBytes(new byte[0]);
    }

    @Test void threadsDrawDistinctValues() throws Exception {
        KernelRandom r = KernelRandom.shared();
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            ts.add(Thread.ofVirtual().start(() -> { for (int i = 0; i < 500; i++) assertTrue(seen.add(r.nextLong())); }));
        }
        for (Thread t : ts) t.join();
        assertEquals(4000, seen.size());
    }

    @Test void aMissingDeviceIsABootErrorNamingIt() {
        BootException e = assertThrows(BootException.class, () -> KernelRandom.open("/nonexistent/urandom"));
        assertEquals(BootException.OSERR, e.exitStatus());
        assertTrue(e.getMessage().startsWith("cannot open /nonexistent/urandom for randomness (No such file or directory): "), e.getMessage());
        assertFalse(e.getMessage().contains("Exception"), e.getMessage());
    }
}

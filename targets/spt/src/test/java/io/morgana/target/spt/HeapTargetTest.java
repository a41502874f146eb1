package io.morgana.target.spt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The soft heap target's policy, and one real forced collection in this JVM. */
class HeapTargetTest {
    static final long M = 1 << 20, S = 1_000_000_000L;

    @Test void collectsPastTheTargetAtMostOnceASecondAndAdapts() {
        HeapTarget h = new HeapTarget(8 * M);
        assertFalse(h.due(8 * M, 0), "at the target is not past it");
        assertTrue(h.due(8 * M + 1, 0));
        h.collected(3 * M, 32 * M, 0);
        assertEquals(8 * M, h.target(), "a small live set keeps the configured target");
        assertFalse(h.due(20 * M, S - 1), "not again within a second");
        assertTrue(h.due(20 * M, S));
        h.collected(6 * M, 32 * M, S);
        assertEquals(12 * M, h.target(), "twice what stayed live");
        assertFalse(h.due(11 * M, 3 * S));
        h.collected(20 * M, 32 * M, 3 * S);
        assertEquals(32 * M, h.target(), "never past the heap's maximum");
        assertEquals(3, h.collections());
    }

    @Test void sizesAsTheLauncherTakesThem() {
        assertEquals(8 * M, HeapTarget.parseSize("8m"));
        assertEquals(512 * 1024, HeapTarget.parseSize("512K"));
        assertEquals(1L << 30, HeapTarget.parseSize("1g"));
        assertEquals(0, HeapTarget.parseSize("0"));
        assertEquals(4096, HeapTarget.parseSize(" 4096 "));
        for (String bad : new String[] {"", "m", "lots", "-1m", "1.5m", "8mb", "9999999999999m"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HeapTarget.parseSize(bad), bad);
            assertTrue(e.getMessage().contains("8m"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new HeapTarget(0));
    }

    /** This JVM uses more than 1 MiB of heap: the check collects once, then waits its second. */
    @Test void aCheckPastTheTargetCollects() {
        byte[][] garbage = new byte[64][];
        for (int i = 0; i < garbage.length; i++) garbage[i] = new byte[32 * 1024];
        HeapTarget h = new HeapTarget(M);
        Runtime rt = Runtime.getRuntime();
        long now = System.nanoTime();
        assertTrue(h.check(rt, now), "2 MiB and more in use, past a 1 MiB target");
        assertEquals(1, h.collections());
        assertTrue(h.target() >= M && h.target() <= Math.max(rt.maxMemory(), M), "target " + h.target());
        assertFalse(h.check(rt, now + 1), "not twice within a second");
        assertEquals(64, garbage.length);
    }
}

package io.morgana.net.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LongMapTest {
    @Test
    void behavesLikeAHashMapUnderRandomOperations() {
        LongMap<Long> m = new LongMap<>(4);
        Map<Long, Long> ref = new HashMap<>();
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 200_000; i++) {
            long k = r.nextInt(3000) - 1000; // small range: many collisions, removals inside probe runs
            switch (r.nextInt(3)) {
                case 0 -> assertEquals(ref.put(k, (long) i), m.put(k, (long) i));
                case 1 -> assertEquals(ref.remove(k), m.remove(k));
                default -> assertEquals(ref.get(k), m.get(k));
            }
            assertEquals(ref.size(), m.size());
        }
        Map<Long, Long> seen = new HashMap<>();
        m.forEach(seen::put);
        assertEquals(ref, seen);
    }
}

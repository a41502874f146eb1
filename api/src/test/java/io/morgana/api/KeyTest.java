package io.morgana.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyTest {

    @Test void keysWithTheSameSegmentsAreEqualHoweverMade() {
        Key a = Key.parse("/css//site.css/"), b = Key.of("css", "site.css"), c = Key.ROOT.child("css").child("site.css");
        assertEquals(a, b);
        assertEquals(b, c);
        assertEquals(a.hashCode(), c.hashCode());
        assertEquals(new Key(List.of("css")), c.parent());
        Map<Key, String> m = new HashMap<>();
        m.put(a, "x");
        assertEquals("x", m.get(c));
        assertEquals("css/site.css", c.toString());
    }

    @Test void differentSegmentsOrOtherTypesAreNotEqual() {
        assertNotEquals(Key.of("a", "b"), Key.of("b", "a"));
        assertNotEquals(Key.of("a"), Key.of("a", "b"));
        assertNotEquals(Key.ROOT, Key.of("a"));
        assertNotEquals(Key.of("a"), "a");
        assertNotEquals(Key.of("a"), null);
        assertEquals(Key.ROOT, Key.parse("/"));
    }

    @Test void segmentsThatCouldEscapeAreRefused() {
        for (String bad : List.of("..", ".", "", "a/b", "a\0")) {
            assertThrows(IllegalArgumentException.class, () -> Key.of(bad), bad);
        }
    }
}

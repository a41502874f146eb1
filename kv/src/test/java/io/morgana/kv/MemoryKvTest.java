package io.morgana.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Key;
import io.morgana.api.KvException;
import io.morgana.api.KvRw;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class MemoryKvTest extends KvContract {
    @Override KvRw store() { return new MemoryKv(); }

    private static ByteBuffer bytes(int n) { return ByteBuffer.allocate(n); }

    /** Each value counts its bytes, its key and the fixed overhead; a write past the capacity is refused and changes nothing. */
    @Test void aFullStoreRefusesWritesAndIsLeftAsItWas() throws Exception {
        MemoryKv kv = new MemoryKv(1000);
        kv.set(Key.parse("a"), bytes(400));
        assertEquals(MemoryKv.ENTRY_OVERHEAD + 1 + 400, kv.used());
        kv.set(Key.parse("b"), bytes(400));
        long full = kv.used();
        KvException e = assertThrows(KvException.class, () -> kv.set(Key.parse("c"), bytes(400)));
        assertTrue(e.getMessage().contains("full") && e.getMessage().contains("'c'"), e.getMessage());
        assertTrue(kv.kind(Key.parse("c")).isEmpty(), "nothing was written");
        assertEquals(full, kv.used());

        kv.set(Key.parse("a"), bytes(10)); // smaller in place: room again
        kv.set(Key.parse("c"), bytes(200));
        kv.remove(Key.parse("b"));
        kv.remove(Key.parse("c"));
        assertEquals(MemoryKv.ENTRY_OVERHEAD + 1 + 10, kv.used(), "removals give the room back");
    }

    /** Renames count the keys' new lengths, and a value they replace leaves the count. */
    @Test void renamesKeepTheCount() throws Exception {
        MemoryKv kv = new MemoryKv(10_000);
        kv.set(Key.parse("d/x"), bytes(100));
        kv.set(Key.parse("d/y"), bytes(100));
        kv.set(Key.parse("v"), bytes(50));
        kv.rename(Key.parse("d"), Key.parse("longer"));
        assertEquals(3 * MemoryKv.ENTRY_OVERHEAD + "longer/x".length() * 2 + 200 + 1 + 50, kv.used());
        kv.rename(Key.parse("v"), Key.parse("longer/x")); // replaces a 100-byte value
        assertEquals(2 * MemoryKv.ENTRY_OVERHEAD + "longer/x".length() * 2 + 100 + 50, kv.used());
        kv.remove(Key.parse("longer"));
        assertEquals(0, kv.used());
    }
}

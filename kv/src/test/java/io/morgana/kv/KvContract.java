package io.morgana.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Key;
import io.morgana.api.KvException;
import io.morgana.api.KvRo.Entry;
import io.morgana.api.KvRo.Kind;
import io.morgana.api.KvRw;
import io.morgana.api.NoSuchKeyException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every {@link KvRw} must do; each implementation's test supplies a fresh, empty store. */
abstract class KvContract {

    abstract KvRw store() throws Exception;

    static ByteBuffer bytes(String s) { return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8)); }

    static String text(ByteBuffer b) { return StandardCharsets.UTF_8.decode(b.duplicate()).toString(); }

    static Key k(String s) { return Key.parse(s); }

    @Test void setGetAndRanges() throws Exception {
        KvRw kv = store();
        kv.set(k("a/b/c.txt"), bytes("hello world"));
        assertEquals("hello world", text(kv.get(k("a/b/c.txt"))));
        assertEquals("world", text(kv.get(k("a/b/c.txt"), 6, 100)));
        assertEquals("lo", text(kv.get(k("a/b/c.txt"), 3, 2)));
        assertEquals("", text(kv.get(k("a/b/c.txt"), 11, 5)));
        assertThrows(KvException.class, () -> kv.get(k("a/b/c.txt"), 12, 1));
        assertEquals(11, kv.size(k("a/b/c.txt")));
        assertTrue(kv.get(k("a/b/c.txt")).isReadOnly());
        assertThrows(NoSuchKeyException.class, () -> kv.get(k("a/b/missing")));
        assertThrows(NoSuchKeyException.class, () -> kv.get(k("a/b")));
    }

    @Test void setCopiesTheBytes() throws Exception {
        KvRw kv = store();
        ByteBuffer b = bytes("abc");
        kv.set(k("x"), b);
        b.put(0, (byte) 'z');
        assertEquals("abc", text(kv.get(k("x"))));
    }

    @Test void kindsAndSortedListing() throws Exception {
        KvRw kv = store();
        kv.set(k("d/z"), bytes("1"));
        kv.set(k("d/a-b"), bytes("2"));
        kv.set(k("d/a/x"), bytes("3"));
        kv.set(k("top"), bytes("4"));
        assertEquals(Optional.of(Kind.DICTIONARY), kv.kind(Key.ROOT));
        assertEquals(Optional.of(Kind.DICTIONARY), kv.kind(k("d")));
        assertEquals(Optional.of(Kind.VALUE), kv.kind(k("d/z")));
        assertEquals(Optional.empty(), kv.kind(k("nothing")));
        assertEquals(List.of(new Entry("a", Kind.DICTIONARY), new Entry("a-b", Kind.VALUE), new Entry("z", Kind.VALUE)),
                kv.list(k("d")));
        assertEquals(List.of(new Entry("d", Kind.DICTIONARY), new Entry("top", Kind.VALUE)), kv.list(Key.ROOT));
        assertThrows(NoSuchKeyException.class, () -> kv.list(k("top")));
        assertThrows(NoSuchKeyException.class, () -> kv.list(k("nothing")));
    }

    @Test void valuesAndDictionariesDoNotOverlap() throws Exception {
        KvRw kv = store();
        kv.set(k("v"), bytes("1"));
        assertThrows(KvException.class, () -> kv.set(k("v/under"), bytes("2")));
        kv.set(k("d/x"), bytes("1"));
        assertThrows(KvException.class, () -> kv.set(k("d"), bytes("2")));
        assertThrows(KvException.class, () -> kv.set(Key.ROOT, bytes("2")));
    }

    @Test void digestIsSha256AndFollowsChanges() throws Exception {
        KvRw kv = store();
        kv.set(k("f"), bytes("abc"));
        byte[] want = MessageDigest.getInstance("SHA-256").digest("abc".getBytes());
        assertArrayEquals(want, kv.digest(k("f")));
        kv.digest(k("f"))[0] ^= 1; // callers cannot corrupt the cache
        assertArrayEquals(want, kv.digest(k("f")));
        kv.set(k("f"), bytes("abcd"));
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest("abcd".getBytes()), kv.digest(k("f")));
    }

    @Test void removeValuesAndWholeDictionaries() throws Exception {
        KvRw kv = store();
        kv.set(k("d/a"), bytes("1"));
        kv.set(k("d/e/b"), bytes("2"));
        kv.set(k("keep"), bytes("3"));
        kv.remove(k("d/a"));
        assertFalse(kv.exists(k("d/a")));
        kv.remove(k("d"));
        assertFalse(kv.exists(k("d/e/b")));
        assertFalse(kv.exists(k("d")));
        kv.remove(k("never-there"));
        assertTrue(kv.exists(k("keep")));
    }

    @Test void renameValuesAndDictionaries() throws Exception {
        KvRw kv = store();
        kv.set(k("a"), bytes("1"));
        kv.set(k("b"), bytes("2"));
        kv.rename(k("a"), k("b"));
        assertEquals("1", text(kv.get(k("b"))));
        assertFalse(kv.exists(k("a")));
        kv.set(k("d/x"), bytes("x"));
        kv.set(k("d/y/z"), bytes("z"));
        kv.rename(k("d"), k("e/f"));
        assertEquals("z", text(kv.get(k("e/f/y/z"))));
        assertFalse(kv.exists(k("d")));
        assertThrows(NoSuchKeyException.class, () -> kv.rename(k("gone"), k("g")));
        assertThrows(KvException.class, () -> kv.rename(k("e"), k("e/f/inside")));
        kv.set(k("dir/v"), bytes("v"));
        assertThrows(KvException.class, () -> kv.rename(k("b"), k("dir")));
    }

    @Test void lastModifiedIsSet() throws Exception {
        KvRw kv = store();
        kv.set(k("f"), bytes("1"));
        assertTrue(kv.lastModified(k("f")).isAfter(java.time.Instant.parse("2020-01-01T00:00:00Z")));
    }
}

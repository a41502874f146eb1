package io.morgana.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Key;
import io.morgana.api.KvException;
import io.morgana.api.KvRw;
import io.morgana.api.NoSuchKeyException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryKvTest extends KvContract {

    @TempDir Path tmp;
    private int n;

    @Override KvRw store() throws Exception {
        Path d = Files.createDirectories(tmp.resolve("store" + n++));
        return DirectoryKv.open(d, true);
    }

    @Test void symlinksLeadingOutAreAbsentAndNeverWrittenThrough() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "s3cret");
        Files.createSymbolicLink(root.resolve("out"), outside);
        Files.createSymbolicLink(root.resolve("secret-link"), outside.resolve("secret"));
        Files.writeString(root.resolve("inside.txt"), "ok");
        Files.createSymbolicLink(root.resolve("alias"), root.resolve("inside.txt"));
        DirectoryKv kv = DirectoryKv.open(root, true);

        assertThrows(NoSuchKeyException.class, () -> kv.get(Key.parse("out/secret")));
        assertThrows(NoSuchKeyException.class, () -> kv.get(Key.parse("secret-link")));
        assertFalse(kv.exists(Key.parse("out")));
        assertEquals(List.of("alias", "inside.txt"), kv.list(Key.ROOT).stream().map(e -> e.name()).toList());
        assertEquals("ok", text(kv.get(Key.parse("alias"))), "a link that stays inside is fine");
        assertThrows(KvException.class, () -> kv.set(Key.parse("out/new"), bytes("x")));
        assertFalse(Files.exists(outside.resolve("new")));
        assertThrows(IllegalArgumentException.class, () -> Key.parse("../outside/secret"));
    }

    @Test void cachedReadsSeeEveryChangeOnTheHost() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("changes"));
        Path f = Files.createDirectories(root.resolve("d")).resolve("f");
        java.nio.file.attribute.FileTime t = java.nio.file.attribute.FileTime.fromMillis(1_700_000_000_000L);
        Files.writeString(f, "one");
        Files.setLastModifiedTime(f, t);
        DirectoryKv kv = DirectoryKv.open(root, false);
        Key k = Key.parse("d/f");
        assertEquals("one", text(kv.get(k)));
        assertEquals("one", text(kv.get(k)));

        Files.writeString(f, "two"); // same size, in place, new time
        assertEquals("two", text(kv.get(k)));
        assertEquals(3, kv.size(k));

        Path other = tmp.resolve("replacement");
        Files.writeString(other, "six");
        Files.setLastModifiedTime(other, Files.getLastModifiedTime(f));
        Files.move(other, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING); // same size and time, another file
        assertEquals("six", text(kv.get(k)));

        Files.writeString(f, "longer now");
        Files.setLastModifiedTime(f, t);
        assertEquals(10, kv.size(k));
        assertEquals(t.toInstant(), kv.lastModified(k));

        // A directory swapped for a link that leads out: the key is absent, not served from the cache.
        Path outside = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.writeString(outside.resolve("f"), "out");
        Files.move(root.resolve("d"), tmp.resolve("d-moved"));
        Files.createSymbolicLink(root.resolve("d"), outside);
        assertThrows(NoSuchKeyException.class, () -> kv.get(k));
        Files.delete(root.resolve("d"));
        assertThrows(NoSuchKeyException.class, () -> kv.size(k));
    }

    @Test void readOnlyStoreRefusesChanges() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("ro"));
        Files.writeString(root.resolve("f"), "1");
        DirectoryKv kv = DirectoryKv.open(root, false);
        KvException e = assertThrows(KvException.class, () -> kv.set(Key.parse("g"), bytes("2")));
        assertTrue(e.getMessage().contains("read-only"), e.getMessage());
        assertThrows(KvException.class, () -> kv.remove(Key.parse("f")));
        assertTrue(Files.exists(root.resolve("f")));
    }

    @Test void setLeavesNoTemporaryFilesAndReplacesAtomically() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("atomic"));
        DirectoryKv kv = DirectoryKv.open(root, true);
        kv.set(Key.parse("f"), bytes("old"));
        kv.set(Key.parse("f"), bytes("new"));
        try (var s = Files.list(root)) {
            assertEquals(List.of(root.resolve("f")), s.toList());
        }
        assertEquals("new", Files.readString(root.resolve("f")));
    }

    @Test void largeValuesAreMappedAndReadWhole() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("big"));
        byte[] big = new byte[DirectoryKv.MAP_THRESHOLD + 17];
        new java.util.Random(3).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        DirectoryKv kv = DirectoryKv.open(root, false);
        ByteBuffer b = kv.get(Key.parse("big.bin"));
        assertEquals(big.length, b.remaining());
        assertEquals(ByteBuffer.wrap(big), b);
    }

    @Test void openingAMissingDirectoryNamesIt() {
        KvException e = assertThrows(KvException.class, () -> DirectoryKv.open(tmp.resolve("nope"), false));
        assertEquals("no such directory '" + tmp.resolve("nope") + "'", e.getMessage());
    }
}

package io.morgana.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Key;
import io.morgana.api.KvException;
import io.morgana.api.KvRo;
import io.morgana.api.KvRo.Entry;
import io.morgana.api.KvRo.Kind;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.TimeZone;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackedKvTest {

    static String text(KvRo kv, String key) throws Exception {
        return StandardCharsets.UTF_8.decode(kv.get(Key.parse(key))).toString();
    }

    @Test void loadsFromAClassesDirectory() throws Exception {
        KvRo kv = PackedKv.load(getClass().getClassLoader(), "docs").orElseThrow();
        assertEquals("alpha", text(kv, "a.txt"));
        assertEquals("beta", text(kv, "sub/b.txt"));
        assertEquals(List.of(new Entry("a.txt", Kind.VALUE), new Entry("sub", Kind.DICTIONARY)), kv.list(Key.ROOT));
    }

    @Test void nothingPackedIsEmpty() {
        assertTrue(PackedKv.load(getClass().getClassLoader(), "absent").isEmpty());
    }

    /** A jar built without directory entries, as some tools make them. */
    @Test void loadsFromAJarWithoutDirectoryEntries(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("app.jar");
        try (JarOutputStream out = jarWithManifest(jar)) {
            put(out, "morgana/kv/site/index.html", "<p>jar</p>");
            put(out, "morgana/kv/site/img/logo.svg", "<svg/>");
            put(out, "morgana/kv/other/x", "not mine");
        }
        try (URLClassLoader l = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            KvRo kv = PackedKv.load(l, "site").orElseThrow();
            assertEquals("<p>jar</p>", text(kv, "index.html"));
            assertEquals("<svg/>", text(kv, "img/logo.svg"));
            assertEquals(List.of(new Entry("img", Kind.DICTIONARY), new Entry("index.html", Kind.VALUE)), kv.list(Key.ROOT));
        }
    }

    /**
     * A jar entry's DOS time is read as UTC, which is what Maven's reproducible jars write, not in
     * the host's zone; an extended time stamp is an exact instant. The host zone here is five and
     * a half hours off UTC, so reading the DOS fields in it would move the time.
     */
    @Test void jarEntryTimesAreTheBuildsWhateverTheHostZone(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("times.jar");
        try (JarOutputStream out = jarWithManifest(jar)) {
            JarEntry dos = new JarEntry("morgana/kv/t/dos");
            dos.setTimeLocal(LocalDateTime.of(2026, 1, 1, 0, 0, 0)); // DOS fields only, as Maven writes them
            out.putNextEntry(dos);
            out.closeEntry();
            JarEntry exact = new JarEntry("morgana/kv/t/exact");
            exact.setLastModifiedTime(FileTime.from(Instant.parse("2026-02-03T04:05:06Z"))); // extended time stamp
            out.putNextEntry(exact);
            out.closeEntry();
        }
        TimeZone host = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("Asia/Kolkata"));
        try (URLClassLoader l = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            KvRo kv = PackedKv.load(l, "t").orElseThrow();
            assertEquals(Instant.parse("2026-01-01T00:00:00Z"), kv.lastModified(Key.parse("dos")));
            assertEquals(Instant.parse("2026-02-03T04:05:06Z"), kv.lastModified(Key.parse("exact")));
        } finally {
            TimeZone.setDefault(host);
        }
    }

    /**
     * Values of a jar are listed at boot and read when first asked for, then kept: a value read
     * before its jar is truncated under the appliance is still served, one read after fails with
     * a KvException that names it, and its listed size stays known.
     */
    @Test void jarValuesAreReadWhenFirstAskedForAndThenKept(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("lazy.jar");
        String big = "line of a large packed file\n".repeat(40_000); // ~1.1 MB, deflated in the jar
        try (JarOutputStream out = jarWithManifest(jar)) {
            put(out, "morgana/kv/l/first", "read before");
            put(out, "morgana/kv/l/big", big);
        }
        try (URLClassLoader l = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            KvRo kv = PackedKv.load(l, "l").orElseThrow();
            assertEquals("read before", text(kv, "first"));
            Files.write(jar, new byte[0]); // same file, now empty: what was not read yet cannot be
            assertEquals("read before", text(kv, "first"));
            assertEquals(big.length(), kv.size(Key.parse("big")));
            refused(kv, "big");
        }
    }

    /** Closed, the store lets go of its jar: values read before are still served, others are a KvException. */
    @Test void aClosedStoreServesWhatItReadAndNoMore(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("closed.jar");
        try (JarOutputStream out = jarWithManifest(jar)) {
            put(out, "morgana/kv/c/read", "in memory");
            put(out, "morgana/kv/c/unread", "still in the jar");
        }
        try (URLClassLoader l = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            PackedKv kv = PackedKv.load(l, "c").orElseThrow();
            assertEquals("in memory", text(kv, "read"));
            kv.close();
            assertEquals("in memory", text(kv, "read"));
            refused(kv, "unread");
        }
    }

    /** A value too large for the heap is refused when asked for, with its key named; the others are served. */
    @Test void aValueTooLargeForTheHeapIsRefusedNotRead(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("large.jar");
        try (JarOutputStream out = jarWithManifest(jar)) {
            put(out, "morgana/kv/g/small", "fits");
            put(out, "morgana/kv/g/large", "x".repeat(2000));
        }
        try (URLClassLoader l = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            KvRo kv = PackedKv.load(l, "g", 1000).orElseThrow();
            assertEquals(2000, kv.size(Key.parse("large")));
            assertTrue(refused(kv, "large").getMessage().contains("larger heap"));
            assertEquals("fits", text(kv, "small"));
        }
    }

    /** Asserts that reading {@code key} fails with a KvException that names it; returns it. */
    private static KvException refused(KvRo kv, String key) {
        KvException e = assertThrows(KvException.class, () -> kv.get(Key.parse(key)));
        assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
        return e;
    }

    /** A jar at {@code jar} with a manifest, as Maven writes one (PackedKv finds packed content through manifests). */
    private static JarOutputStream jarWithManifest(Path jar) throws Exception {
        Manifest mf = new Manifest();
        mf.getMainAttributes().putValue("Manifest-Version", "1.0");
        return new JarOutputStream(Files.newOutputStream(jar), mf);
    }

    private static void put(JarOutputStream out, String name, String content) throws Exception {
        out.putNextEntry(new JarEntry(name));
        OutputStream o = out;
        o.write(content.getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
    }
}

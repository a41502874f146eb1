package io.morgana.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Key;
import io.morgana.api.KvRo;
import io.morgana.api.KvRo.Entry;
import io.morgana.api.KvRo.Kind;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        Manifest mf = new Manifest();
        mf.getMainAttributes().putValue("Manifest-Version", "1.0");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf)) {
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

    private static void put(JarOutputStream out, String name, String content) throws Exception {
        out.putNextEntry(new JarEntry(name));
        OutputStream o = out;
        o.write(content.getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
    }
}

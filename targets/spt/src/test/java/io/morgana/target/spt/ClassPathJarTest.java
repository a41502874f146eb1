package io.morgana.target.spt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image's class path joined into one jar answers lookups as the jars did. */
class ClassPathJarTest {
    @TempDir Path tmp;

    private static final LocalDateTime TIME_A = LocalDateTime.of(2025, 6, 1, 12, 30, 2), TIME_B = LocalDateTime.of(2024, 2, 29, 23, 59, 58);
    private static final Instant BUILD = Instant.parse("2026-01-01T00:00:00Z");

    /** A jar of name/content pairs, each entry at {@code time}; a directory entry where a name ends in '/'. */
    private Path jar(String name, LocalDateTime time, String... entries) throws Exception {
        Path j = tmp.resolve("in").resolve(name);
        Files.createDirectories(j.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(j))) {
            for (int i = 0; i < entries.length; i += 2) {
                JarEntry e = new JarEntry(entries[i]);
                e.setTimeLocal(time);
                out.putNextEntry(e);
                out.write(entries[i + 1].getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return j;
    }

    private List<Path> classPath() throws Exception {
        return List.of(
                jar("app.jar", TIME_A, "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nMain-Class: x.App\r\n\r\n",
                        "module-info.class", "not used on a class path",
                        "morgana/", "", "morgana/kv/", "", "morgana/kv/site/index.html", "<h1>app</h1>",
                        "shared.txt", "from app",
                        "META-INF/services/java.lang.Runnable", "x.First # comment\nx.Second"), // no final newline
                jar("lib.jar", TIME_B, "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n\r\n",
                        "morgana/", "", "shared.txt", "from lib", "lib.txt", "only in lib",
                        "META-INF/services/java.lang.Runnable", "x.Third\n"));
    }

    @Test void lookupsFindWhatTheClassPathFoundAndServicesAreJoinedInOrder() throws Exception {
        Path lib = Files.createDirectories(tmp.resolve("lib"));
        ClassPathJar.Joined j = ClassPathJar.join(classPath(), lib, "site.jar", BUILD);
        assertEquals(List.of("site.jar"), j.classPath());
        assertEquals(2, j.joined());
        assertEquals(1, j.shadowed(), "lib.jar's shared.txt");
        try (URLClassLoader cl = new URLClassLoader(new URL[] {lib.resolve("site.jar").toUri().toURL()}, null)) {
            assertEquals("from app", new String(cl.getResourceAsStream("shared.txt").readAllBytes(), StandardCharsets.UTF_8), "the first jar wins");
            assertEquals("only in lib", new String(cl.getResourceAsStream("lib.txt").readAllBytes(), StandardCharsets.UTF_8));
            assertEquals(1, Collections.list(cl.getResources("morgana/kv/")).size(), "directory entries kept (PackedKv looks a store up by its directory)");
            assertEquals("x.First # comment\nx.Second\nx.Third\n\n",
                    new String(cl.getResourceAsStream("META-INF/services/java.lang.Runnable").readAllBytes(), StandardCharsets.UTF_8));
        }
        try (JarFile out = new JarFile(lib.resolve("site.jar").toFile())) {
            assertNull(out.getEntry("module-info.class"));
            assertEquals("1.0", out.getManifest().getMainAttributes().getValue("Manifest-Version"));
            assertNull(out.getManifest().getMainAttributes().getValue("Main-Class"), "the jars' manifests are not carried over");
            assertEquals(TIME_A, out.getEntry("morgana/kv/site/index.html").getTimeLocal(), "entry times kept, field for field");
            assertEquals(TIME_B, out.getEntry("lib.txt").getTimeLocal());
            assertEquals(List.of("META-INF/", "META-INF/MANIFEST.MF"), out.stream().limit(2).map(JarEntry::getName).toList());
        }
    }

    @Test void aJoinIsTheSameBytesWhereverAndWheneverItRuns() throws Exception {
        List<Path> cp = classPath();
        Path a = Files.createDirectories(tmp.resolve("a/lib")), b = Files.createDirectories(tmp.resolve("elsewhere/b/lib"));
        ClassPathJar.join(cp, a, "site.jar", BUILD);
        java.util.TimeZone zone = java.util.TimeZone.getDefault();
        try {
            java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("Asia/Kolkata")); // not through a time zone
            Thread.sleep(1100);
            ClassPathJar.join(cp, b, "site.jar", BUILD);
        } finally {
            java.util.TimeZone.setDefault(zone);
        }
        assertArrayEquals(Files.readAllBytes(a.resolve("site.jar")), Files.readAllBytes(b.resolve("site.jar")));
    }

    @Test void signedMultiReleaseAndClassPathJarsAreKeptApartInTheirPlace() throws Exception {
        Path plain = jar("plain.jar", TIME_A, "a.txt", "a");
        Path signed = jar("signed.jar", TIME_A, "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n\r\n", "META-INF/SIGNER.SF", "x",
                "META-INF/SIGNER.RSA", "x", "b.txt", "b");
        Path mr = jar("mr.jar", TIME_A, "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nMulti-Release: true\r\n\r\n",
                "META-INF/versions/21/c.txt", "c21", "c.txt", "c");
        Path other = jar("other.jar", TIME_A, "d.txt", "d");
        Path withClassPath = jar("cp.jar", TIME_A, "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nClass-Path: more.jar\r\n\r\n");
        assertTrue(ClassPathJar.keptApart(withClassPath));
        assertTrue(ClassPathJar.keptApart(signed));
        assertTrue(ClassPathJar.keptApart(mr));
        assertFalse(ClassPathJar.keptApart(plain));
        Path lib = Files.createDirectories(tmp.resolve("lib"));
        ClassPathJar.Joined j = ClassPathJar.join(List.of(plain, signed, mr, other), lib, "app.jar", BUILD);
        assertEquals(List.of("app.jar", "signed.jar", "mr.jar"), j.classPath(), "the joined jar takes the first joined jar's place");
        assertEquals(List.of("signed.jar", "mr.jar"), j.keptApart());
        assertArrayEquals(Files.readAllBytes(signed), Files.readAllBytes(lib.resolve("signed.jar")), "copied as it is");
        try (JarFile out = new JarFile(lib.resolve("app.jar").toFile())) {
            assertTrue(out.getEntry("a.txt") != null && out.getEntry("d.txt") != null && out.getEntry("b.txt") == null);
        }
    }

    @Test void jarsOfTheSameNameAreJoinedAndOnlyJarsKeptApartMustDifferInName() throws Exception {
        Path one = jar("x/util.jar", TIME_A, "one.txt", "1"), two = jar("y/util.jar", TIME_A, "two.txt", "2");
        Path lib = Files.createDirectories(tmp.resolve("lib"));
        assertEquals(List.of("app.jar"), ClassPathJar.join(List.of(one, two), lib, "app.jar", BUILD).classPath());
        String signed = "META-INF/A.SF";
        Path s1 = jar("p/s.jar", TIME_A, signed, "x"), s2 = jar("q/s.jar", TIME_A, signed, "y");
        Path lib2 = Files.createDirectories(tmp.resolve("lib2"));
        IOException e = assertThrows(IOException.class,
                () -> ClassPathJar.join(List.of(s1, s2), lib2, "app.jar", BUILD));
        assertTrue(e.getMessage().contains("keeps its name s.jar in the image") && e.getMessage().endsWith("which another such jar has; rename it"),
                e.getMessage());
        Path lib3 = Files.createDirectories(tmp.resolve("lib3"));
        Path named = jar("r/app.jar", TIME_A, signed, "z");
        e = assertThrows(IOException.class, () -> ClassPathJar.join(List.of(named), lib3, "app.jar", BUILD));
        assertTrue(e.getMessage().contains("which is the joined jar's name"), e.getMessage());
    }
}

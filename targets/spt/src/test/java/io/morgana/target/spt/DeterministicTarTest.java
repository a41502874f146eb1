package io.morgana.target.spt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive's bytes depend on names, contents and the executable bit only; GNU tar reads it back. */
class DeterministicTarTest {

    @TempDir Path tmp;

    static final String LONG = "a-directory-with-a-rather-long-name/another-one-just-as-long-as-the-first/and-a-file-name-past-100.txt";

    Path tree(Path root, boolean reversed, long mtime) throws Exception {
        List<String> files = List.of("b/x.txt", "a/y.txt", "bin/run", LONG);
        for (String f : reversed ? files.reversed() : files) {
            Path p = root.resolve(f);
            Files.createDirectories(p.getParent());
            Files.writeString(p, "content of " + f);
            Files.setLastModifiedTime(p, FileTime.fromMillis(mtime));
        }
        Files.setPosixFilePermissions(root.resolve("bin/run"), PosixFilePermissions.fromString("rwx------"));
        return root;
    }

    byte[] tar(Path root) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DeterministicTar.write(root, "app", rel -> !rel.equals("a/y.txt"), 1767225600L, out);
        return out.toByteArray();
    }

    @Test void sameTreeMadeDifferentlyGivesTheSameBytesAndTarReadsIt() throws Exception {
        byte[] one = tar(tree(tmp.resolve("one"), false, 1_000_000_000_000L));
        byte[] two = tar(tree(tmp.resolve("elsewhere/two"), true, 1_700_000_000_000L));
        assertArrayEquals(one, two);
        assertEquals(0, one.length % 10240, "whole records");

        Path archive = tmp.resolve("app.tar");
        Files.write(archive, one);
        Process p = new ProcessBuilder("tar", "--numeric-owner", "--full-time", "-tvf", archive.toString()).redirectErrorStream(true).start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertEquals(0, p.waitFor(), lines.toString());
        List<String> names = lines.stream().map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList();
        assertEquals(List.of("app/", "app/a/", "app/a-directory-with-a-rather-long-name/",
                "app/a-directory-with-a-rather-long-name/another-one-just-as-long-as-the-first/", "app/" + LONG,
                "app/b/", "app/b/x.txt", "app/bin/", "app/bin/run"), names, "sorted, excluded file left out");
        for (String l : lines) {
            assertTrue(l.contains(" 0/0 ") && l.contains("2026-01-01 00:00:00"), l);
        }
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("-rwxr-xr-x") && l.endsWith("app/bin/run")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("-rw-r--r--") && l.endsWith("app/b/x.txt")), lines.toString());

        Path out = Files.createDirectories(tmp.resolve("extracted"));
        Process x = new ProcessBuilder("tar", "-xf", archive.toString(), "-C", out.toString()).redirectErrorStream(true).start();
        assertEquals(0, x.waitFor(), new String(x.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals("content of " + LONG, Files.readString(out.resolve("app/" + LONG)));
    }
}

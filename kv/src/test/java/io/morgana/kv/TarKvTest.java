package io.morgana.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Key;
import io.morgana.api.KvException;
import io.morgana.api.KvRo;
import io.morgana.api.NoSuchKeyException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarKvTest {
    static final Instant T = Instant.parse("2025-06-07T08:09:10Z");

    @TempDir Path dir;

    /** An archive with ordinary files and everything a hostile one might hold. */
    Path archive(String name, boolean gzip) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream f = Files.newOutputStream(p);
                OutputStream z = gzip ? new GZIPOutputStream(f) : f;
                TarArchiveOutputStream tar = new TarArchiveOutputStream(z)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            file(tar, "./index.html", "<h1>hi</h1>");
            TarArchiveEntry d = new TarArchiveEntry("css/");
            tar.putArchiveEntry(d);
            tar.closeArchiveEntry();
            file(tar, "css/site.css", "body { color: red }");
            file(tar, "deep/a/b/c.txt", "c");
            file(tar, "empty.txt", "");
            file(tar, "../escape.txt", "evil");
            file(tar, "/abs/../../etc/passwd", "evil");
            TarArchiveEntry sym = new TarArchiveEntry("link", TarConstants.LF_SYMLINK);
            sym.setLinkName("/etc/passwd");
            tar.putArchiveEntry(sym);
            tar.closeArchiveEntry();
            TarArchiveEntry hard = new TarArchiveEntry("copy.html", TarConstants.LF_LINK);
            hard.setLinkName("index.html");
            tar.putArchiveEntry(hard);
            tar.closeArchiveEntry();
            file(tar, "long/" + "n".repeat(150) + ".txt", "long name");
        }
        return p;
    }

    static void file(TarArchiveOutputStream tar, String name, String content) throws IOException {
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setSize(b.length);
        e.setModTime(FileTime.from(T));
        tar.putArchiveEntry(e);
        tar.write(b);
        tar.closeArchiveEntry();
    }

    static String text(ByteBuffer b) { return StandardCharsets.UTF_8.decode(b).toString(); }

    void checkStore(TarKv kv) throws Exception {
        assertEquals("<h1>hi</h1>", text(kv.get(Key.parse("index.html"))));
        assertEquals("<h1>hi</h1>", text(kv.get(Key.parse("copy.html"))));
        assertEquals("body { color: red }", text(kv.get(Key.parse("css/site.css"))));
        assertEquals("long name", text(kv.get(Key.parse("long/" + "n".repeat(150) + ".txt"))));
        assertEquals(0, kv.size(Key.parse("empty.txt")));
        assertEquals(19, kv.size(Key.parse("css/site.css")));
        assertEquals(T, kv.lastModified(Key.parse("css/site.css")));
        assertEquals(Optional.of(KvRo.Kind.DICTIONARY), kv.kind(Key.parse("deep/a")));
        assertEquals(Optional.of(KvRo.Kind.VALUE), kv.kind(Key.parse("deep/a/b/c.txt")));
        assertEquals(Optional.empty(), kv.kind(Key.parse("escape.txt")));
        assertEquals(Optional.empty(), kv.kind(Key.parse("etc/passwd")));
        assertEquals(Optional.empty(), kv.kind(Key.parse("link")));
        assertEquals(3, kv.skipped());
        assertEquals(List.of(new KvRo.Entry("copy.html", KvRo.Kind.VALUE), new KvRo.Entry("css", KvRo.Kind.DICTIONARY),
                new KvRo.Entry("deep", KvRo.Kind.DICTIONARY), new KvRo.Entry("empty.txt", KvRo.Kind.VALUE),
                new KvRo.Entry("index.html", KvRo.Kind.VALUE), new KvRo.Entry("long", KvRo.Kind.DICTIONARY)), kv.list(Key.ROOT));
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest("body { color: red }".getBytes(StandardCharsets.UTF_8)),
                kv.digest(Key.parse("css/site.css")));
        assertEquals("color", text(kv.get(Key.parse("css/site.css"), 7, 5)));
        assertEquals("red }", text(kv.get(Key.parse("css/site.css"), 14, 100)));
        assertThrows(KvException.class, () -> kv.get(Key.parse("css/site.css"), 20, 1));
        assertThrows(NoSuchKeyException.class, () -> kv.get(Key.parse("nope")));
        assertThrows(NoSuchKeyException.class, () -> kv.list(Key.parse("index.html")));
        assertTrue(kv.get(Key.parse("index.html")).isReadOnly());
    }

    @Test
    void plainTarIsMapped() throws Exception {
        TarKv kv = TarKv.open(archive("site.tar", false));
        checkStore(kv);
        assertTrue(kv.get(Key.parse("index.html")).isDirect());
    }

    @Test
    void gzippedTarIsInflated() throws Exception {
        checkStore(TarKv.open(archive("site.tar.gz", true)));
        checkStore(TarKv.of(Files.readAllBytes(archive("site.tgz", true)), "bytes"));
    }

    @Test
    void readsWhatGnuTarWrites() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/sub"));
        byte[] big = new byte[300_000];
        new java.util.Random(5).nextBytes(big);
        Files.write(src.resolve("big.bin"), big);
        Files.writeString(src.getParent().resolve("top.txt"), "top");
        Path tgz = dir.resolve("gnu.tar.gz");
        Process p = new ProcessBuilder("tar", "-czf", tgz.toString(), "-C", dir.resolve("src").toString(), ".")
                .redirectErrorStream(true).start();
        assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        TarKv kv = TarKv.open(tgz);
        assertEquals(ByteBuffer.wrap(big), kv.get(Key.parse("sub/big.bin")));
        assertEquals("top", text(kv.get(Key.parse("top.txt"))));
        assertEquals(Files.getLastModifiedTime(src.resolve("big.bin")).toInstant().getEpochSecond(),
                kv.lastModified(Key.parse("sub/big.bin")).getEpochSecond());
    }

    @Test
    void refusesWhatIsNotATar() throws Exception {
        Path junk = dir.resolve("junk.tar");
        Files.writeString(junk, "this is not an archive at all, just text that goes on ".repeat(20));
        KvException e = assertThrows(KvException.class, () -> TarKv.open(junk));
        assertTrue(e.getMessage().contains("junk.tar"), e.getMessage());
        Path badGz = dir.resolve("bad.tar.gz");
        Files.write(badGz, new byte[] {0x1f, (byte) 0x8b, 1, 2, 3});
        assertThrows(IOException.class, () -> TarKv.open(badGz));
        assertThrows(KvException.class, () -> TarKv.open(dir.resolve("missing.tar")));
    }
}

package io.morgana.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

/** Our tar reader against archives another implementation wrote, and against hostile bytes. */
class TarReaderTest {

    static byte[] archive(int longFileMode, int bigNumberMode) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(longFileMode);
            tar.setBigNumberMode(bigNumberMode);
            add(tar, "a.txt", "alpha".getBytes(StandardCharsets.UTF_8));
            add(tar, "dir/" + "x".repeat(180) + ".txt", "long".getBytes(StandardCharsets.UTF_8));
            add(tar, "b.txt", new byte[1234]);
        }
        return bytes.toByteArray();
    }

    static void add(TarArchiveOutputStream tar, String name, byte[] data) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setSize(data.length);
        e.setModTime(FileTime.from(Instant.parse("2024-01-02T03:04:05Z")));
        tar.putArchiveEntry(e);
        tar.write(data);
        tar.closeArchiveEntry();
    }

    @Test void gnuAndPaxLongNamesOffsetsAndTimes() throws IOException {
        for (int mode : new int[] {TarArchiveOutputStream.LONGFILE_GNU, TarArchiveOutputStream.LONGFILE_POSIX}) {
            byte[] a = archive(mode, TarArchiveOutputStream.BIGNUMBER_STAR);
            List<TarReader.Entry> es = TarReader.entries(ByteBuffer.wrap(a));
            assertEquals(3, es.size(), "mode " + mode);
            assertEquals("a.txt", es.get(0).name());
            assertEquals("alpha", new String(a, (int) es.get(0).dataOffset(), (int) es.get(0).size(), StandardCharsets.UTF_8));
            assertEquals("dir/" + "x".repeat(180) + ".txt", es.get(1).name(), "long name, mode " + mode);
            assertEquals(1234, es.get(2).size());
            assertEquals(Instant.parse("2024-01-02T03:04:05Z"), es.get(0).modified());
            assertTrue(es.stream().allMatch(e -> e.type() == TarReader.Type.FILE));
        }
    }

    @Test void aBadChecksumOrASizePastTheEndIsRefusedWithTheOffset() throws IOException {
        byte[] a = archive(TarArchiveOutputStream.LONGFILE_POSIX, TarArchiveOutputStream.BIGNUMBER_STAR);
        byte[] bad = a.clone();
        bad[0] ^= 1; // first header's name changes, its checksum no longer matches
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TarReader.entries(ByteBuffer.wrap(bad)));
        assertTrue(e.getMessage().contains("checksum at offset 0"), e.getMessage());

        byte[] huge = a.clone();
        byte[] size = String.format("%011o", 077777777777L).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(size, 0, huge, 124, 11);
        fixChecksum(huge, 0);
        e = assertThrows(IllegalArgumentException.class, () -> TarReader.entries(ByteBuffer.wrap(huge)));
        assertTrue(e.getMessage().contains("past the archive's end"), e.getMessage());
    }

    @Test void base256NumbersAreRead() {
        ByteBuffer b = ByteBuffer.allocate(12);
        b.put(0, (byte) 0x80);
        b.put(11, (byte) 0x05);
        b.put(10, (byte) 0x01);
        assertEquals(0x105, TarReader.number(b, 0, 12, 0));
        b.put(0, (byte) 0xff);
        assertThrows(IllegalArgumentException.class, () -> TarReader.number(b, 0, 12, 0), "negative");
    }

    /** Random corruption: every outcome is a parsed list or an IllegalArgumentException, never another throw. */
    @Test void mutatedArchivesNeverEscape() throws IOException {
        byte[] a = archive(TarArchiveOutputStream.LONGFILE_POSIX, TarArchiveOutputStream.BIGNUMBER_STAR);
        Random r = new Random(20261123);
        int parsed = 0, refused = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] m = a.clone();
            int flips = 1 + r.nextInt(8);
            for (int f = 0; f < flips; f++) m[r.nextInt(Math.min(m.length, 4096))] = (byte) r.nextInt(256);
            if (r.nextBoolean()) fixChecksum(m, 0); // get past the checksum to the fields behind it
            int cut = r.nextInt(10) == 0 ? r.nextInt(m.length) : m.length;
            try {
                for (TarReader.Entry e : TarReader.entries(ByteBuffer.wrap(m, 0, cut).slice())) {
                    assertTrue(e.dataOffset() >= 0 && e.size() >= 0 && e.dataOffset() + e.size() <= cut, e.toString());
                }
                parsed++;
            } catch (IllegalArgumentException e) {
                refused++;
            }
        }
        assertTrue(parsed > 0 && refused > 0, parsed + " parsed, " + refused + " refused");
    }

    static void fixChecksum(byte[] a, int header) {
        for (int i = 148; i < 156; i++) a[header + i] = ' ';
        long sum = 0;
        for (int i = 0; i < 512; i++) sum += a[header + i] & 0xff;
        byte[] s = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(s, 0, a, header + 148, 8);
    }
}

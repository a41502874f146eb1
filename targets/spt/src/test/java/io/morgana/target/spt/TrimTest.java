package io.morgana.target.spt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.target.spt.SyscallPolicy.Arch;
import io.morgana.target.spt.Trim.Mapping;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trim's reading of {@code /proc/self/maps}, and the trim itself on a file this JVM maps: its
 * pages leave the process's resident set, come back when read, and nothing written is lost.
 */
class TrimTest {

    @TempDir Path tmp;

    @Test void parsesFileMappingsAndLeavesTheRestOut() {
        Mapping lib = Trim.parse("7f3a1c000000-7f3a1c200000 r-xp 00000000 fd:01 1234567    /opt/app/runtime/lib/server/libjvm.so");
        assertEquals(new Mapping(0x7f3a1c000000L, 0x7f3a1c200000L, "/opt/app/runtime/lib/server/libjvm.so"), lib);
        assertEquals(0x200000L, lib.length());
        assertEquals("/tmp/a dir/with spaces.aot (deleted)",
                Trim.parse("800000000-800400000 r--p 00001000 fd:01 42 /tmp/a dir/with spaces.aot (deleted)").path());
        assertNull(Trim.parse("7ffd5a1d0000-7ffd5a1f1000 rw-p 00000000 00:00 0                          [stack]"));
        assertNull(Trim.parse("7ffd5a1fb000-7ffd5a1fd000 r-xp 00000000 00:00 0                          [vdso]"));
        assertNull(Trim.parse("7f3a1c400000-7f3a1c500000 rw-p 00000000 00:00 0 "), "anonymous");
        assertNull(Trim.parse("7f3a1c600000-7f3a1c700000 rw-s 00000000 00:01 77 /memfd:buffers (deleted)"));
        assertNull(Trim.parse("7f3a1c800000-7f3a1c801000 rw-s 00000000 00:06 5 /dev/zero"));
        assertNull(Trim.parse("garbage"));
        assertNull(Trim.parse(""));
        assertEquals(new Mapping(0x1000, 0x2000, "/x y"), Trim.parse("  1000-2000   r--p 00000000 fd:01   77    /x y  "));
        assertNull(Trim.parse("zz-7f rw-p 00000000 fd:01 1 /x"));
        assertNull(Trim.parse("2000-1000 r--p 00000000 fd:01 1 /x"), "end before start");
    }

    @Test void readsTheStatusFilesKilobytesAndWritesMegabytes() {
        assertEquals(47512, Trim.kilobytes("VmRSS:\t   47512 kB"));
        assertEquals(0, Trim.kilobytes("RssFile:\t       0 kB"));
        assertEquals(-1, Trim.kilobytes("VmRSS:"));
        assertEquals(-1, Trim.kilobytes("no colon 12 kB"));
        assertEquals("46.3", Trim.megabytes(new StringBuilder(), 47512).toString());
        assertEquals("0.0", Trim.megabytes(new StringBuilder(), 0).toString());
        assertEquals("?", Trim.megabytes(new StringBuilder(), -1).toString());
        assertEquals("trimmed after boot: resident 46.3 -> 23.4 MB (pages of files 26.5 -> 8.0 MB) in 36 ms;"
                        + " what serving still uses comes back as it is touched",
                Trim.describe(new Trim.Result(97, 68L << 20, 0, 47512, 24000, 27200, 8200, 36_400_000L, null)));
    }

    @Test void joinsMappingsOfOneFileThatTouch() {
        List<Mapping> m = Trim.fileMappings(List.of(
                "1000-3000 r--p 00000000 fd:01 9 /lib/libc.so.6",
                "3000-5000 r-xp 00002000 fd:01 9 /lib/libc.so.6",
                "5000-6000 rw-p 00000000 00:00 0 ",
                "6000-7000 r--p 00000000 fd:01 10 /lib/libm.so.6",
                "7000-8000 r--p 00000000 fd:01 11 /lib/libz.so",
                "8000-9000 r--p 00001000 fd:01 11 /lib/libz.so",
                "9000-a000 r--p 00000000 fd:01 12 /lib/libx.so"));
        assertEquals(List.of(new Mapping(0x1000, 0x5000, "/lib/libc.so.6"), new Mapping(0x6000, 0x7000, "/lib/libm.so.6"),
                new Mapping(0x7000, 0x9000, "/lib/libz.so"),
                new Mapping(0x9000, 0xa000, "/lib/libx.so")), m);
    }

    @Test void knowsTheSealsNumberForMadvise() {
        var rule = SyscallPolicy.RULES.stream().filter(r -> r.name().equals("madvise")).findFirst().orElseThrow();
        assertEquals(rule.x86_64(), Arch.X86_64.madviseNr);
        assertEquals(rule.aarch64(), Arch.AARCH64.madviseNr);
    }

    /** --no-trim: a preparation that has run has its status file closed. */
    @Test void aDroppedPreparationHoldsNoDescriptor() throws Exception {
        Trim t = Trim.prepared();
        assertTrue(t.holdsStatus());
        Trim.dropPrepared();
        assertTrue(!t.holdsStatus(), "the dropped trim's status file is closed");
        Trim.Result r = Trim.of(List.of()).run();
        assertEquals("no file mappings were listed before the seal", r.problem());
        assertTrue(r.rssBeforeKb() > 0 && !r.done(), "reads its status, pages out nothing: " + r);
    }

    /** This JVM's own list: its libjvm is there, and the trim would cover it. */
    @Test void listsThisJvmsLibjvm() throws IOException {
        Trim t = Trim.prepare();
        assertTrue(t.mappings().stream().anyMatch(m -> m.path().endsWith("/libjvm.so")), t.mappings().toString());
        assertTrue(t.mappings().stream().noneMatch(m -> m.path().startsWith("[")), t.mappings().toString());
    }

    @Test void pagedOutPagesLeaveTheResidentSetAndComeBackIntact() throws Exception {
        int size = 4 << 20;
        byte[] content = new byte[size];
        new Random(7).nextBytes(content);
        Path file = tmp.resolve("mapped.bin");
        Files.write(file, content);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.force(true); // clean pages: the kernel may drop them from the page cache, not only unmap them
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment shared = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
                MemorySegment priv = ch.map(FileChannel.MapMode.PRIVATE, 0, size, arena);
                touch(shared);
                touch(priv);
                for (int i = 0; i < size; i += 4096) priv.set(ValueLayout.JAVA_BYTE, i, (byte) ~content[i]); // copied, anonymous pages
                long sharedRss = residentKb(shared.address());
                assertTrue(sharedRss >= 4000, "the read mapping is resident before the trim: " + sharedRss + " kB");

                Trim.Result r = Trim.of(List.of(new Mapping(shared.address(), shared.address() + size, file.toString()),
                        new Mapping(priv.address(), priv.address() + size, file.toString()))).run();
                assertTrue(r.done(), "trim: " + r.problem());
                assertEquals(0, r.failed(), r.toString());
                assertEquals(2L * size, r.mappedBytes());
                assertTrue(r.fileAfterKb() <= r.fileBeforeKb() - 3000, "the file pages left the resident set: " + r);

                long after = residentKb(shared.address());
                assertTrue(after <= sharedRss / 4, "paged out: " + sharedRss + " -> " + after + " kB");
                byte[] back = new byte[size];
                MemorySegment.copy(shared, ValueLayout.JAVA_BYTE, 0, back, 0, size);
                assertArrayEquals(content, back, "the file's pages read back as they were");
                for (int i = 0; i < size; i++) {
                    byte want = i % 4096 == 0 ? (byte) ~content[i] : content[i];
                    if (priv.get(ValueLayout.JAVA_BYTE, i) != want) throw new AssertionError("private copy lost its write at " + i);
                }
                assertTrue(residentKb(shared.address()) >= 4000, "read again, the pages are resident again");
            }
        }
    }

    private static void touch(MemorySegment s) {
        long sum = 0;
        for (long i = 0; i < s.byteSize(); i += 4096) sum += s.get(ValueLayout.JAVA_BYTE, i);
        if (sum == Long.MIN_VALUE) throw new AssertionError(); // keeps the reads
    }

    /** The {@code Rss} of the mapping that starts at {@code start}, from {@code /proc/self/smaps}. */
    private static long residentKb(long start) throws IOException {
        String prefix = Long.toHexString(start) + "-";
        boolean in = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (line.matches("[0-9a-f]+-[0-9a-f]+ .*")) {
                if (in) break;
                in = line.startsWith(prefix);
            } else if (in && line.startsWith("Rss:")) {
                return Long.parseLong(line.substring(4).replace("kB", "").strip());
            }
        }
        throw new AssertionError("no mapping at " + prefix + " in /proc/self/smaps");
    }
}

package io.morgana.target.spt;

import io.morgana.target.spt.SyscallPolicy.Arch;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The trim: once boot is over, the pages of mapped files that only start-up touched go back to the
 * kernel.
 *
 * <p>Starting a JVM touches much more of its files than serving does: libjvm's class loading,
 * linking, argument parsing and AOT-cache mapping, the cache's classes of code that runs once, the
 * runtime image's index. Those pages stay mapped, and counted as the appliance's resident memory,
 * until the kernel runs short of memory. The trim gives them back once, a while after the seal
 * ({@code --trim-after}), with {@code madvise(MADV_PAGEOUT)} over every file mapping: the kernel
 * unmaps each page, and drops it from the page cache where nothing else maps it, as its own reclaim
 * would. A page that serving still uses comes back on its next touch. {@code MADV_RANDOM} is set on
 * each mapping first, so that such a fault reads only the page it needs instead of reading ahead
 * around it. What stays resident is what serving uses.
 *
 * <p>It cannot lose data: {@code MADV_PAGEOUT} is reclaim, not discard. The pages a process wrote in
 * a private file mapping are its own (anonymous) copies, which stay where there is no swap; a file's
 * own page is read again from the file when touched. Its cost is one pass of reclaim on a thread of
 * its own (20–40 ms of CPU for the website) and the faults that bring back the pages in use.
 *
 * <p>The mappings are listed from {@code /proc/self/maps} by {@link #prepare} before the seal, which
 * forbids opening files: on the seal's background thread after its preload, off boot's path. A
 * file mapped later in boot is left as it is; a sealed process cannot map a file at all.
 * {@code /proc/self/status} is opened then too and read again ({@code pread}) to report what the trim
 * changed. Kernels before Linux 5.4 have no {@code MADV_PAGEOUT}: the trim then says so and does
 * nothing.
 */
final class Trim {

    private static final System.Logger LOG = System.getLogger("spt");

    static final int MADV_RANDOM = 1, MADV_PAGEOUT = 21;
    private static final int EINVAL = 22;

    /** A run of addresses {@code [start, end)} mapped from the file at {@code path}. */
    record Mapping(long start, long end, String path) {
        Mapping {
            if (Long.compareUnsigned(end, start) <= 0) throw new IllegalArgumentException("empty mapping " + start + "-" + end);
        }

        long length() { return end - start; }
    }

    /** What one trim did: the file mappings' bytes it covered, resident kilobytes before and after. */
    record Result(int mappings, long mappedBytes, int failed, long rssBeforeKb, long rssAfterKb,
                  long fileBeforeKb, long fileAfterKb, long nanos, String problem) {
        boolean done() { return problem == null; }
    }

    private final List<Mapping> mappings;
    private final FileChannel status;

    private Trim(List<Mapping> mappings, FileChannel status) {
        this.mappings = mappings;
        this.status = status;
    }

    /**
     * {@link #prepare}, run once: by the seal's background preparation ({@link Seal#prepareInBackground}),
     * off boot's path, or by the first caller of {@link #prepared}.
     */
    static final FutureTask<Trim> PREPARED = new FutureTask<>(Trim::prepare);

    /** The prepared trim (preparing it now, or waiting for the thread that does); before the seal. */
    static Trim prepared() throws IOException {
        try {
            return Preload.runOrAwait(PREPARED);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw new IOException(e.getCause());
        }
    }

    /**
     * For {@code --no-trim}: the background preparation does not run, or, if it has, its status
     * file is closed (a sealed appliance holds no descriptor it does not use).
     */
    static void dropPrepared() {
        if (PREPARED.cancel(false) || !PREPARED.isDone()) return;
        try {
            PREPARED.get().close();
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
            // nothing was opened
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Lists this process's file mappings and opens its status file: call before the seal. */
    static Trim prepare() throws IOException {
        return of(fileMappings(Files.readAllLines(Path.of("/proc/self/maps"), StandardCharsets.UTF_8)));
    }

    /** A trim of the given mappings (tests give their own); opens this process's status file. */
    static Trim of(List<Mapping> mappings) throws IOException {
        return new Trim(List.copyOf(mappings), FileChannel.open(Path.of("/proc/self/status")));
    }

    List<Mapping> mappings() { return mappings; }

    /** Whether the status file opened before the seal is still open (until the trim has run). */
    boolean holdsStatus() { return status.isOpen(); }

    /**
     * The mapping one line of {@code /proc/PID/maps} describes, if it maps a file the trim may page
     * out; otherwise null: anonymous memory, the stack, {@code [vdso]} and other special mappings,
     * devices ({@code /dev/...}) and memory-backed files ({@code memfd:}), which have no file to
     * read their pages back from.
     */
    static Mapping parse(String line) {
        // start-end perms offset dev inode [path, which may hold spaces]; no regular expression, as
        // this runs on boot's path, which loads none
        String[] f = new String[6];
        int i = 0, n = 0, len = line.length();
        while (n < 6) {
            while (i < len && line.charAt(i) == ' ') i++;
            if (i >= len) break;
            int j = n == 5 ? len : line.indexOf(' ', i);
            if (j < 0) j = len;
            f[n++] = line.substring(i, j).stripTrailing();
            i = j;
        }
        if (n < 6 || !f[5].startsWith("/") || f[5].startsWith("/dev/") || f[5].startsWith("/memfd:")) return null;
        if (f[4].equals("0")) return null;
        int dash = f[0].indexOf('-');
        if (dash <= 0) return null;
        try {
            long start = Long.parseUnsignedLong(f[0], 0, dash, 16);
            long end = Long.parseUnsignedLong(f[0], dash + 1, f[0].length(), 16);
            return Long.compareUnsigned(end, start) > 0 ? new Mapping(start, end, f[5]) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The file mappings of a maps listing, in its (address) order; those of one file that touch are joined into one. */
    static List<Mapping> fileMappings(List<String> lines) {
        List<Mapping> out = new ArrayList<>();
        for (String line : lines) {
            Mapping m = parse(line);
            if (m == null) continue;
            Mapping last = out.isEmpty() ? null : out.getLast();
            if (last != null && last.end() == m.start() && last.path().equals(m.path())) {
                out.set(out.size() - 1, new Mapping(last.start(), m.end(), last.path()));
            } else {
                out.add(m);
            }
        }
        return List.copyOf(out);
    }

    /** Runs {@link #run} once, {@code after} from now, on a daemon thread of its own, and logs what it did. */
    void startAfter(Duration after) {
        Thread.ofPlatform().daemon().name("spt-trim").start(() -> {
            describe(new Result(0, 0, 0, -1, -1, -1, -1, 0, null)); // loads what runs after the trim now: see describe
            try {
                Thread.sleep(after);
            } catch (InterruptedException e) {
                close();
                return;
            }
            Result r = run();
            LOG.log(Level.INFO, r.done() ? describe(r) : "not trimmed: " + r.problem());
        });
    }

    /**
     * The log line of a trim, made with a {@link StringBuilder} and integer arithmetic only. What
     * runs after the pages are given back should need no class that is not loaded yet: loading one
     * (a formatter, a string concatenation's generated class) reads the runtime image and runs
     * libjvm's class loader, and takes back megabytes of exactly the pages that were given up.
     */
    static String describe(Result r) {
        StringBuilder sb = new StringBuilder(160).append("trimmed after boot: resident ");
        megabytes(sb, r.rssBeforeKb()).append(" -> ");
        megabytes(sb, r.rssAfterKb()).append(" MB (pages of files ");
        megabytes(sb, r.fileBeforeKb()).append(" -> ");
        megabytes(sb, r.fileAfterKb()).append(" MB) in ").append(r.nanos() / 1_000_000)
                .append(" ms; what serving still uses comes back as it is touched");
        if (r.failed() > 0) sb.append(" (").append(r.failed()).append(" mappings refused)");
        return sb.toString();
    }

    /** {@code kb} in megabytes with one decimal, rounded down; "?" if unknown. */
    static StringBuilder megabytes(StringBuilder sb, long kb) {
        if (kb < 0) return sb.append('?');
        long tenths = kb * 10 / 1024;
        return sb.append(tenths / 10).append('.').append(tenths % 10);
    }

    /** Pages out every listed mapping now; never throws. */
    Result run() {
        long t0 = System.nanoTime();
        long[] before = resident();
        Arch arch = Arch.current();
        int failed = 0;
        long bytes = 0;
        String problem = null;
        if (arch == null) {
            problem = "the trim knows the madvise(2) of x86_64 and aarch64, not '" + System.getProperty("os.arch") + "'";
        } else if (mappings.isEmpty()) {
            problem = "no file mappings were listed before the seal";
        } else {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = arena.allocate(Seccomp.Native.CALL_STATE);
                // The advice is checked before the length: a zero-length call asks whether the kernel knows it.
                if (madvise(state, arch, mappings.getFirst().start(), 0, MADV_PAGEOUT) != 0) {
                    int errno = (int) Seccomp.Native.ERRNO.get(state, 0L);
                    problem = errno == EINVAL ? "this kernel has no MADV_PAGEOUT (Linux 5.4 or later has)"
                            : "madvise(MADV_PAGEOUT) failed: " + Seccomp.Errno.describe(errno);
                } else {
                    for (Mapping m : mappings) {
                        madvise(state, arch, m.start(), m.length(), MADV_RANDOM);
                        if (madvise(state, arch, m.start(), m.length(), MADV_PAGEOUT) != 0) failed++;
                        bytes += m.length();
                    }
                }
            } catch (Throwable t) {
                problem = "madvise could not be called through FFM: " + t;
            }
        }
        long[] after = resident();
        close();
        return new Result(mappings.size(), bytes, failed, before[0], after[0], before[1], after[1], System.nanoTime() - t0, problem);
    }

    private static long madvise(MemorySegment state, Arch arch, long start, long length, int advice) throws Throwable {
        return (long) Seccomp.Native.SYSCALL.invokeExact(state, (long) arch.madviseNr, start, length, (long) advice, 0L, 0L);
    }

    /** {@code VmRSS} and {@code RssFile} of this process in kB, from the status file opened before the seal; -1 if unknown. */
    private long[] resident() {
        long[] kb = {-1, -1};
        try {
            ByteBuffer buf = ByteBuffer.allocate(8192);
            while (buf.hasRemaining() && status.read(buf, buf.position()) > 0) { /* pread from 0 until the end */ }
            for (String line : new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).split("\n")) {
                if (line.startsWith("VmRSS:")) kb[0] = kilobytes(line);
                if (line.startsWith("RssFile:")) kb[1] = kilobytes(line);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "trim: cannot read /proc/self/status: {0}", e.toString());
        }
        return kb;
    }

    /** The number in a line such as {@code "VmRSS:    4096 kB"}; -1 if none. No regular expression: see {@link #describe}. */
    static long kilobytes(String line) {
        long n = -1;
        for (int i = line.indexOf(':') + 1; i > 0 && i < line.length(); i++) {
            char c = line.charAt(i);
            if (c >= '0' && c <= '9') n = (n < 0 ? 0 : n * 10) + (c - '0');
            else if (n >= 0) break;
        }
        return n;
    }

    private void close() {
        try {
            status.close();
        } catch (IOException e) {
            // nothing to do: it was only read
        }
    }
}

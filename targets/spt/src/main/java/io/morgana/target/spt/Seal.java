package io.morgana.target.spt;

import io.morgana.target.spt.SyscallPolicy.Arch;
import java.lang.System.Logger.Level;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The seal of a booted appliance: preload what the JVM would otherwise open lazily, then install
 * the {@link SyscallPolicy} filter on every thread. After it, the process can use the descriptors
 * it holds and nothing else on the host.
 */
public final class Seal {
    private Seal() {}

    /**
     * In a holder: {@link #prepareInBackground} runs on the main thread at the start of boot, and
     * the first logger looked up scans every jar for a LoggerFinder.
     */
    private static final class Log {
        static final System.Logger LOG = System.getLogger("spt");
    }

    /**
     * The filter for this process, compiled once: its rules, architecture and process id are known
     * from the start. {@link #prepareInBackground} compiles it after the preload, off the boot's
     * path; otherwise the first caller of {@link #filter} does. Null where the seal knows no
     * system call numbers ({@link #install} says so).
     */
    private static final FutureTask<byte[]> FILTER = new FutureTask<>(Seal::compile);

    private static byte[] compile() {
        Arch arch = Arch.current();
        return arch == null ? null : SeccompProgram.encode(SeccompProgram.compile(SyscallPolicy.RULES, arch, (int) ProcessHandle.current().pid()));
    }

    /**
     * Starts the seal's preparation on a background thread at the start of boot: the preload
     * ({@link Preload}), then the filter's compilation, then the {@link Trim}'s list of mappings
     * (after the preload, which maps the native libraries it loads). The main thread only installs
     * the filter.
     */
    static void prepareInBackground() {
        Thread.ofPlatform().daemon().name("spt-preload").start(() -> {
            Preload.everything();
            FILTER.run();
            Trim.PREPARED.run();
        });
    }

    /** The compiled filter: waits for the background compilation, or compiles it now. */
    private static byte[] filter() {
        try {
            return Preload.runOrAwait(FILTER);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the seal's filter did not compile: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Does everything the seal does but installing the filter: loads what the JVM would otherwise
     * open lazily, and compiles the filter.
     * {@code --no-seal} runs it too, so that an unsealed run (and the build's training run, whose
     * AOT cache then holds these classes) behaves like a sealed one.
     */
    public static void preload() {
        long t0 = System.nanoTime();
        Preload.everything();
        filter();
        Log.LOG.log(Level.DEBUG, () -> "preloaded for the seal in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }

    /** Seals this process; throws with an actionable message when it cannot. Irreversible. */
    public static void install() throws Seccomp.SealException {
        Arch arch = Arch.current();
        if (arch == null) {
            throw new Seccomp.SealException("the seal knows x86_64 and aarch64 system calls, not '"
                    + System.getProperty("os.arch") + "'; run with --no-seal");
        }
        if (!System.getProperty("os.name", "").equals("Linux")) {
            throw new Seccomp.SealException("the seal needs Linux seccomp, not " + System.getProperty("os.name") + "; run with --no-seal");
        }
        long t0 = System.nanoTime();
        Preload.everything();
        byte[] program = filter();
        Seccomp.install(program, arch);
        // StringBuilder, not +: the build's training run does not seal, so the AOT cache holds no
        // linked string concatenation for this message, and linking one costs milliseconds at boot.
        Log.LOG.log(Level.INFO, new StringBuilder("sealed: ").append(program.length / SeccompProgram.INSN_BYTES)
                .append(" BPF instructions; only held descriptors, memory, threads, signals and clocks remain (")
                .append((System.nanoTime() - t0) / 1_000_000).append(" ms with the preload)").toString());
    }
}

package io.morgana.target.spt;

import io.morgana.target.spt.SyscallPolicy.Arch;
import java.lang.System.Logger.Level;

/**
 * The seal of a booted appliance: preload what the JVM would otherwise open lazily, then install
 * the {@link SyscallPolicy} filter on every thread. After it, the process can use the descriptors
 * it holds and nothing else on the host.
 */
public final class Seal {
    private Seal() {}

    private static final System.Logger LOG = System.getLogger("spt");

    /**
     * Does everything the seal does but installing the filter: loads what the JVM would otherwise
     * open lazily, and compiles the filter.
     * {@code --no-seal} runs it too, so that an unsealed run (and the build's training run, whose
     * AOT cache then holds these classes) behaves like a sealed one.
     */
    public static void preload() {
        long t0 = System.nanoTime();
        Preload.everything();
        // Compile (not install) the filter too: the training run then loads and profiles the seal's
        // classes into the AOT cache, instead of the sealed start loading them from the jar.
        Arch arch = Arch.current();
        if (arch != null) SeccompProgram.encode(SeccompProgram.compile(SyscallPolicy.RULES, arch, (int) ProcessHandle.current().pid()));
        LOG.log(Level.DEBUG, () -> "preloaded for the seal in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
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
        var program = SeccompProgram.compile(SyscallPolicy.RULES, arch, (int) ProcessHandle.current().pid());
        Seccomp.install(SeccompProgram.encode(program), arch);
        // StringBuilder, not +: the build's training run does not seal, so the AOT cache holds no
        // linked string concatenation for this message, and linking one costs milliseconds at boot.
        LOG.log(Level.INFO, new StringBuilder("sealed: ").append(program.size())
                .append(" BPF instructions; only held descriptors, memory, threads, signals and clocks remain (")
                .append((System.nanoTime() - t0) / 1_000_000).append(" ms with the preload)").toString());
    }
}

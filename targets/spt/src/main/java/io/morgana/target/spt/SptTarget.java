package io.morgana.target.spt;

import io.morgana.api.Arg;
import io.morgana.api.Arg.Group;
import io.morgana.api.Device;
import io.morgana.api.Stack;
import io.morgana.runtime.Boot;
import io.morgana.runtime.BootException;
import io.morgana.runtime.Target;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code spt}: the {@code tap} target (Morgana's own stack on a TAP device), sealed. After boot has
 * acquired every declared device, {@link #sealAfterBoot} installs the {@link SyscallPolicy} seccomp
 * filter; from then on the appliance can use its descriptors and nothing else on the host. A second
 * later ({@code --trim-after}) the {@link Trim} gives the pages of files that only start-up touched
 * back to the kernel, and a {@link HeapTarget} keeps the heap in use near {@code --heap-target}.
 *
 * <p>Packed by {@link SptPackager} into a minimal runtime image with an AOT cache.
 */
public final class SptTarget implements Target {

    /**
     * In a holder: the first logger looked up scans every jar for a LoggerFinder, and the target is
     * created before its {@link #warmUp}, which should start first.
     */
    private static final class Log {
        static final System.Logger LOG = System.getLogger("spt");
    }

    public static final Arg<Boolean> NO_SEAL = Arg.flag("no-seal",
            "do not install the seccomp seal after boot (debugging only: the appliance can then open files, sockets, programs)")
            .inGroup(Group.RUNTIME);
    public static final Arg<String> HEAP = Arg.string("heap", "32m",
            "maximum Java heap, read by the spt launcher (-Xmx); e.g. 16m, 64m, 1g").inGroup(Group.RUNTIME).metavar("SIZE");

    public static final Arg<String> HEAP_TARGET = Arg.of("heap-target", "SIZE", s -> {
                HeapTarget.parseSize(s);
                return s;
            }, "8m", "heap in use past which the appliance asks for a full collection (at most once a second; the target"
                    + " grows to twice what stays live): Serial would otherwise fill --heap with garbage first; 0 for none")
            .inGroup(Group.RUNTIME);
    public static final Arg<Boolean> NO_TRIM = Arg.flag("no-trim",
            "keep the pages of the JVM's files that only start-up used (see --trim-after)").inGroup(Group.RUNTIME);
    public static final Arg<Duration> TRIM_AFTER = Arg.duration("trim-after", Duration.ofSeconds(1),
            "this long after the seal, give the pages of mapped files (libjvm, the AOT cache, libraries) back to the kernel"
                    + " once; those serving still uses come back as it touches them, the rest was start-up's")
            .inGroup(Group.RUNTIME);

    /** The target whose stack spt seals. */
    static final String STACK_TARGET = "tap";

    @Override public String name() { return "spt"; }

    @Override public String summary() {
        return "sealed process: Morgana's own stack on a TAP device, then a seccomp filter allowing only held descriptors";
    }

    @Override public String requirements() {
        return "Linux x86_64 or aarch64 with seccomp filters (any kernel >= 3.17); what the tap target needs"
                + " (/dev/net/tun, CAP_NET_ADMIN or an existing TAP interface owned by the user); jlink of JDK 25 to build";
    }

    @Override public Set<Device.Kind> provides() { return stackTarget().map(Target::provides).orElse(Set.of(Device.Kind.STACK)); }

    @Override public boolean implemented() { return stackTarget().isPresent(); }

    @Override public List<Arg<?>> args() {
        var own = List.<Arg<?>>of(NO_SEAL, HEAP, HEAP_TARGET, NO_TRIM, TRIM_AFTER);
        return stackTarget().map(t -> concat(t.args(), own)).orElse(own);
    }

    /** Host directories cannot be read after the seal: key-value stores come packed in the appliance. */
    @Override public boolean hostDirectories() { return false; }

    /** The stack target's warm-up, and the seal's preparation on a thread of its own (see {@link Seal#prepareInBackground}). */
    @Override public void warmUp() {
        stackTarget().ifPresent(Target::warmUp);
        Seal.prepareInBackground();
    }

    @Override public Stack openStack(Boot boot) throws BootException {
        Target t = stackTarget().orElseThrow(() -> new BootException(BootException.UNAVAILABLE,
                "the spt target runs on the tap target's stack, and no target named '" + STACK_TARGET
                        + "' is on the class path; add morgana-target-tap to the appliance"));
        return t.openStack(boot);
    }

    /**
     * Seals the appliance (unless {@code --no-seal}), then starts the {@link Trim}'s wait (unless
     * {@code --no-trim}) and the {@link HeapTarget}'s watch (unless {@code --heap-target=0}).
     */
    @Override public void sealAfterBoot(Boot boot) throws BootException {
        Trim trim = null;
        if (boot.arg(NO_TRIM)) Trim.dropPrepared();
        else trim = prepareTrim();
        if (boot.arg(NO_SEAL)) {
            Seal.preload();
            Log.LOG.log(Level.WARNING, "--no-seal: NOT sealing; this appliance can open files, create sockets and run programs."
                    + " Use it to debug only.");
        } else {
            try {
                Seal.install();
            } catch (Seccomp.SealException e) {
                throw new BootException(BootException.OSERR, "cannot seal the appliance: " + e.getMessage(), e);
            }
        }
        if (trim != null) trim.startAfter(boot.arg(TRIM_AFTER));
        long heapTarget = HeapTarget.parseSize(boot.arg(HEAP_TARGET));
        if (heapTarget > 0) new HeapTarget(heapTarget).start();
    }

    /**
     * The trim's list of mappings, taken before the seal, after the preload (whose native libraries
     * are mapped then; the seal waits for it anyway); null (and a warning) if it cannot be, as the
     * trim is only a saving.
     */
    private static Trim prepareTrim() {
        try {
            Preload.everything();
            return Trim.prepared();
        } catch (java.io.IOException | RuntimeException e) {
            Log.LOG.log(Level.WARNING, "not trimming after boot: cannot list this process's mappings: " + e);
            return null;
        }
    }

    /** The seal's allowlist as {@code morgana describe -t spt} shows it. */
    public static String describeSeal() { return SyscallPolicy.describe(); }

    @Override public String notes() {
        return describeSeal();
    }

    /** Looked up once, as {@link io.morgana.runtime.Main} finds targets. */
    private static java.util.Optional<Target> stackTarget() {
        return StackTarget.FOUND;
    }

    private static final class StackTarget {
        static final java.util.Optional<Target> FOUND = find();

        private static java.util.Optional<Target> find() {
            return io.morgana.runtime.Main.targets().stream().filter(t -> t.name().equals(STACK_TARGET)).findFirst();
        }
    }

    private static List<Arg<?>> concat(List<Arg<?>> a, List<Arg<?>> b) {
        var l = new java.util.ArrayList<Arg<?>>(a);
        l.addAll(b);
        return List.copyOf(l);
    }
}

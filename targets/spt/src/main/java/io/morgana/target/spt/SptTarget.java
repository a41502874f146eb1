package io.morgana.target.spt;

import io.morgana.api.Arg;
import io.morgana.api.Arg.Group;
import io.morgana.api.Device;
import io.morgana.api.Stack;
import io.morgana.runtime.Boot;
import io.morgana.runtime.BootException;
import io.morgana.runtime.Target;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Set;

/**
 * {@code spt}: the {@code tap} target (Morgana's own stack on a TAP device), sealed. After boot has
 * acquired every declared device, {@link #sealAfterBoot} installs the {@link SyscallPolicy} seccomp
 * filter; from then on the appliance can use its descriptors and nothing else on the host.
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
        var own = List.<Arg<?>>of(NO_SEAL, HEAP);
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

    @Override public void sealAfterBoot(Boot boot) throws BootException {
        if (boot.arg(NO_SEAL)) {
            Seal.preload();
            Log.LOG.log(Level.WARNING, "--no-seal: NOT sealing; this appliance can open files, create sockets and run programs."
                    + " Use it to debug only.");
            return;
        }
        try {
            Seal.install();
        } catch (Seccomp.SealException e) {
            throw new BootException(BootException.OSERR, "cannot seal the appliance: " + e.getMessage(), e);
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

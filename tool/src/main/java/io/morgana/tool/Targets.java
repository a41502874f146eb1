package io.morgana.tool;

import io.morgana.api.Arg;
import io.morgana.api.Device;
import io.morgana.api.Manifest;
import io.morgana.runtime.Target;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The targets Morgana knows: the ones whose module is on the tool's class path answer for
 * themselves ({@link Target}); the others are listed from what is planned, as not built yet.
 */
public final class Targets {

    /** One target as the tool shows it. */
    public record Info(String name, String summary, String requirements, boolean exists, Optional<Target> target) {

        public String status() { return exists ? "exists" : "not built yet"; }

        public List<Arg<?>> args() { return target.map(Target::args).orElse(List.of()); }

        public Set<Device.Kind> provides() { return target.map(Target::provides).orElse(EnumSet.noneOf(Device.Kind.class)); }
    }

    private record Planned(String summary, String requirements) {}

    /** Every target Morgana plans, in the order users meet them. */
    private static final Map<String, Planned> PLANNED = new LinkedHashMap<>();
    static {
        PLANNED.put("unix", new Planned("a plain process; the network stack is the host's sockets",
                "a JDK 25 (bin/morgana finds or names one); nothing else"));
        PLANNED.put("tap", new Planned("Morgana's own TCP/IP stack on a host TAP interface",
                "root or CAP_NET_ADMIN, and /dev/net/tun"));
        PLANNED.put("spt", new Planned("the tap target sealed by seccomp after boot, in a minimal reproducible runtime image",
                "what tap needs, plus Linux with seccomp"));
        PLANNED.put("vm", new Planned("a bootable microVM image", "KVM and a VMM (not built yet)"));
        PLANNED.put("oci", new Planned("an OCI container image", "a container runtime (not built yet)"));
    }

    private final Map<String, Info> byName;

    private Targets(Map<String, Info> byName) { this.byName = byName; }

    /** Targets found on the tool's class path, then the planned ones that are not there. */
    public static Targets load() {
        return of(discover(Targets.class.getClassLoader()));
    }

    static List<Target> discover(ClassLoader loader) {
        List<Target> found = new ArrayList<>();
        ServiceLoader<Target> sl = ServiceLoader.load(Target.class, loader);
        var it = sl.iterator();
        while (true) {
            try {
                if (!it.hasNext()) break;
                found.add(it.next());
            } catch (ServiceConfigurationError e) {
                System.err.println("morgana: warning: a target failed to load and is left out: " + e.getMessage());
            }
        }
        return found;
    }

    public static Targets of(List<Target> found) {
        Map<String, Info> m = new LinkedHashMap<>();
        Map<String, Target> byName = found.stream().collect(Collectors.toMap(Target::name, t -> t, (a, b) -> a, LinkedHashMap::new));
        for (var e : PLANNED.entrySet()) {
            Target t = byName.remove(e.getKey());
            if (t != null) m.put(t.name(), info(t));
            else m.put(e.getKey(), new Info(e.getKey(), e.getValue().summary(), e.getValue().requirements(), false, Optional.empty()));
        }
        for (Target t : byName.values()) m.put(t.name(), info(t));
        return new Targets(m);
    }

    private static Info info(Target t) {
        return new Info(t.name(), t.summary(), t.requirements(), t.implemented(), Optional.of(t));
    }

    public List<Info> all() { return List.copyOf(byName.values()); }

    /** The target called {@code name}, or a usage error that lists the known ones. */
    public Info named(String name) throws ToolException {
        Info i = byName.get(name);
        if (i == null) {
            throw new ToolException(ToolException.USAGE, "unknown target '" + name + "'. Known targets: "
                    + String.join(", ", byName.keySet()) + " (see 'morgana targets').");
        }
        return i;
    }

    /** The target called {@code name}, which must be built and usable. */
    public Info usable(String name) throws ToolException {
        Info i = named(name);
        if (!i.exists()) {
            String built = byName.values().stream().filter(Info::exists).map(Info::name).collect(Collectors.joining(", "));
            throw new ToolException(ToolException.UNAVAILABLE, "target '" + name + "' is not built yet. Targets that exist: "
                    + (built.isEmpty() ? "none" : built) + ". Choose one with -t (see 'morgana targets').");
        }
        return i;
    }

    /** Refuses a manifest that declares a device the target cannot provide, naming each. */
    public static void checkDevices(Manifest manifest, Info target) throws ToolException {
        Set<Device.Kind> provides = target.provides();
        List<String> missing = manifest.devices().stream().filter(d -> !provides.contains(d.kind()))
                .map(d -> kindName(d.kind()) + " '" + d.name() + "'").toList();
        if (!missing.isEmpty()) {
            String has = provides.stream().map(Targets::kindName).collect(Collectors.joining(", "));
            throw new ToolException(ToolException.UNAVAILABLE, "appliance '" + manifest.name() + "' declares "
                    + String.join(" and ", missing) + ", which target '" + target.name() + "' cannot provide (it provides: "
                    + (has.isEmpty() ? "nothing" : has) + "). Choose a target that does (see 'morgana targets'), "
                    + "or drop the device from the manifest.");
        }
    }

    static String kindName(Device.Kind k) {
        return switch (k) {
            case STACK -> "network stack";
            case KV_RO -> "read-only key-value store";
            case KV_RW -> "read-write key-value store";
            case BLOCK -> "block device";
        };
    }
}

package io.morgana.runtime;

import io.morgana.api.Appliance;
import io.morgana.api.Manifest;
import io.morgana.runtime.log.LogSink;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The process entry point: {@code java -cp CLASSPATH io.morgana.runtime.Main TARGET [BOOT_ARGS...]}.
 * Finds the one {@link Appliance} on the class path ({@code META-INF/services/io.morgana.api.Appliance})
 * and the {@link Target} called TARGET, boots, and exits with the appliance's status: 0 when it
 * returns, 1 when it throws, or a {@link BootException} status (64 usage, 69 device unavailable,
 * 71 port in use, 78 malformed appliance). SIGTERM/SIGINT stop it gracefully.
 */
public final class Main {
    private Main() {}

    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err));
    }

    /** Everything {@link #main} does but exiting; returns the status. */
    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length == 0 || argv[0].startsWith("-")) {
            err.println("morgana: usage: java -cp CLASSPATH io.morgana.runtime.Main TARGET [BOOT_ARGS...] (targets: "
                    + String.join(", ", targetNames()) + ")");
            return BootException.USAGE;
        }
        Session session;
        try {
            Target target = target(argv[0]);
            target.warmUp();
            warmUpVirtualThreads();
            Appliance appliance = appliance(Main.class.getClassLoader());
            Manifest manifest = manifest(appliance);
            String[] bootArgs = java.util.Arrays.copyOfRange(argv, 1, argv.length);
            session = new Session(appliance, manifest, target, bootArgs, LogSink.global(), out, m -> err.println("morgana: " + m));
        } catch (BootException e) {
            err.println("morgana: " + e.getMessage());
            return e.exitStatus();
        }
        Thread hook = new Thread(() -> {
            session.requestStop();
            try {
                session.awaitExit(session.grace().plus(Duration.ofSeconds(2)));
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "morgana-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        handleSignals(session, err);
        return session.run();
    }

    /**
     * The appliance runs on a virtual thread; the first one started creates the scheduler and its
     * first carrier thread (milliseconds of class initialisation). A background thread does that
     * now, while boot acquires devices.
     */
    private static void warmUpVirtualThreads() {
        Thread.ofPlatform().daemon().name("vthread-warm-up").start(() -> Thread.startVirtualThread(() -> { }));
    }

    /**
     * SIGTERM and SIGINT ask for a graceful stop, after which the process exits with the
     * appliance's status (0 for a clean stop) rather than 128+signal; a second one exits at once.
     * Where the JDK's signal API is missing (or the signal is ignored, as for background jobs of a
     * non-interactive shell), the shutdown hook still stops the appliance.
     */
    private static void handleSignals(Session session, PrintStream err) {
        java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
        for (String name : List.of("TERM", "INT")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                    if (count.incrementAndGet() == 1) {
                        session.requestStop();
                    } else {
                        err.println("morgana: second SIG" + sig.getName() + ": exiting without waiting");
                        Runtime.getRuntime().halt(128 + sig.getNumber());
                    }
                });
            } catch (IllegalArgumentException | LinkageError e) {
                // keep the JVM's default: the shutdown hook stops the appliance
            }
        }
    }

    /** The target called {@code name} among those on the class path. */
    public static Target target(String name) throws BootException {
        List<String> names = new ArrayList<>();
        for (Target t : targets()) {
            if (t.name().equals(name)) return t;
            names.add(t.name());
        }
        throw new BootException(BootException.USAGE, "unknown target '" + name + "' (known targets: "
                + (names.isEmpty() ? "none on the class path" : String.join(", ", names)) + ")");
    }

    /** Every target on the class path, in class-path order. */
    public static List<Target> targets() {
        return providers(Target.class, System.getProperty(PACKED_TARGETS), Main.class.getClassLoader());
    }

    /**
     * System properties by which a packed appliance's launcher (spt) names the providers that the
     * build found in the class path's {@code META-INF/services}, comma-separated in class-path order:
     * boot then creates them by name instead of opening every jar to look for them (milliseconds of
     * a sealed appliance's start, ahead of everything else). They apply to the JVM's own class path only.
     */
    public static final String PACKED_TARGETS = "morgana.packed.targets", PACKED_APPLIANCES = "morgana.packed.appliances";

    /**
     * The providers of {@code service} for {@code loader}: those named in {@code packed} (the value of a
     * {@code PACKED_*} property, or null), else what {@link ServiceLoader} finds.
     *
     * @throws ServiceConfigurationError if a named provider cannot be created, as ServiceLoader would
     */
    static <S> List<S> providers(Class<S> service, String packed, ClassLoader loader) {
        List<S> out = new ArrayList<>();
        if (packed == null || loader != ClassLoader.getSystemClassLoader()) {
            for (S s : ServiceLoader.load(service, loader)) out.add(s);
            return out;
        }
        for (String name : packed.split(",")) {
            if (name.isBlank()) continue;
            try {
                out.add(Class.forName(name.strip(), true, loader).asSubclass(service).getConstructor().newInstance());
            } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
                throw new ServiceConfigurationError(service.getName() + ": provider " + name.strip() + " named by the launcher"
                        + " cannot be created: " + e, e);
            }
        }
        return out;
    }

    private static List<String> targetNames() {
        return targets().stream().map(Target::name).toList();
    }

    /**
     * The one appliance {@code loader} finds through {@link ServiceLoader}.
     *
     * @throws BootException (CONFIG) if there is none, several, or it cannot be created
     */
    public static Appliance appliance(ClassLoader loader) throws BootException {
        List<Appliance> found = new ArrayList<>();
        try {
            found.addAll(providers(Appliance.class, System.getProperty(PACKED_APPLIANCES), loader));
        } catch (ServiceConfigurationError e) {
            throw new BootException(BootException.CONFIG, "cannot create the appliance: " + e.getMessage()
                    + " (an appliance class needs a public no-argument constructor)", e);
        }
        if (found.isEmpty()) {
            throw new BootException(BootException.CONFIG, "no appliance on the class path: an appliance names its class in "
                    + "src/main/resources/META-INF/services/io.morgana.api.Appliance (morgana new NAME makes one)");
        }
        if (found.size() > 1) {
            throw new BootException(BootException.CONFIG, "several appliances on the class path ("
                    + String.join(", ", found.stream().map(a -> a.getClass().getName()).toList())
                    + "): put exactly one on it");
        }
        return found.getFirst();
    }

    /** The appliance's manifest; a failure to build it is a CONFIG error. */
    public static Manifest manifest(Appliance a) throws BootException {
        try {
            Manifest m = a.manifest();
            if (m == null) throw new BootException(BootException.CONFIG, a.getClass().getName() + ".manifest() returned null");
            return m;
        } catch (RuntimeException e) {
            throw new BootException(BootException.CONFIG, a.getClass().getName() + ".manifest() failed: " + e, e);
        }
    }

    /** Morgana's version, from the build. */
    public static String version() {
        try (InputStream in = Main.class.getResourceAsStream("version.txt")) {
            return in == null ? "unknown" : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}

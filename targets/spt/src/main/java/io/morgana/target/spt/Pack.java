package io.morgana.target.spt;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The CLI's entry into {@link SptPackager} ({@code morgana build -t spt DIR}):
 *
 * <pre>
 *   java -cp SPT_TARGET_CLASSPATH io.morgana.target.spt.Pack NAME OUT APPLIANCE_CLASSPATH
 * </pre>
 *
 * Packs the appliance's jars and this target's (its own class path: runtime, spt, and the tap
 * target spt runs on) into the image {@code OUT} ({@code OUT/bin/NAME} runs it) and the archive
 * {@code OUT/../NAME.spt.tar.xz}; prints progress and the SHA-256 of what it made. Exit 0, or 1
 * with a message saying what to do.
 *
 * <p>Training run for the AOT cache: the appliance boots on spt, unsealed, on a transient TAP
 * interface {@code mtrainPID} (it disappears with the process) with a link-local address, serves
 * {@value #TRAINING_REQUESTS} requests from this process, and is stopped. This needs
 * {@code CAP_NET_ADMIN}; without it the appliance is packed without an AOT cache (and starts from
 * the runtime's CDS archive), which the output says. {@code MORGANA_SPT_TRAINING_ARGS} replaces the
 * training's boot arguments (split on spaces); the requests then go to its {@code --ipv4} address,
 * which must be reachable from where the build runs (e.g. the build runs in the namespace of the
 * TAP interface it names).
 */
public final class Pack {
    private Pack() {}

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: java -cp CLASSPATH io.morgana.target.spt.Pack NAME OUT APPLIANCE_CLASSPATH");
            System.exit(64);
        }
        String name = args[0];
        Path out = Path.of(args[1]).toAbsolutePath().normalize();
        try {
            List<Path> jars = classPath(args[2], System.getProperty("java.class.path", ""));
            SptPackager.Options o = SptPackager.Options.of(name);
            SptPackager.build(jars, out, out.resolveSibling(name + ".spt.tar.xz"), o, System.out::println);
        } catch (SptPackager.PackagingException | IOException e) {
            System.err.println("morgana: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Requests the training run sends once the appliance listens: enough for C1 to compile the request path. */
    static final int TRAINING_REQUESTS = 200;

    /**
     * Boot arguments of the training run: {@code MORGANA_SPT_TRAINING_ARGS} (split on spaces), or
     * unsealed on a transient TAP interface {@code mtrainPID} with the address {@code 169.254.X.2/24}
     * (X from the process id, so that parallel builds use different subnets).
     */
    static List<String> trainingArgs() {
        String env = System.getenv("MORGANA_SPT_TRAINING_ARGS");
        if (env != null && !env.isBlank()) {
            return List.of(env.trim().split("\\s+"));
        }
        long pid = ProcessHandle.current().pid();
        return List.of("--no-seal", "--interface=" + TRANSIENT + pid % 100_000_000L, "--ipv4=169.254." + (1 + pid % 254) + ".2/24");
    }

    private static final String TRANSIENT = "mtrain";

    /**
     * The training exercise: waits until the appliance has started, then sends it
     * {@link #TRAINING_REQUESTS} requests ({@link TrainingRequests}) so that the AOT cache holds the
     * request path too. On the transient interface the host side gets address {@code .1} of the
     * subnet first ({@code ip addr add}; it goes with the interface when the appliance exits).
     */
    static SptPackager.Training training(String name, List<String> args) {
        return run -> {
            if (!run.awaitOutput("started " + name, Duration.ofSeconds(60))) {
                throw new IllegalStateException("the appliance did not start for the training run");
            }
            String iface = args.stream().filter(a -> a.startsWith("--interface=" + TRANSIENT)).map(a -> a.substring(12)).findFirst().orElse(null);
            String ipv4 = args.stream().filter(a -> a.startsWith("--ipv4=")).map(a -> a.substring(7)).findFirst().orElse(null);
            if (iface != null && ipv4 != null && !hostSide(iface, ipv4.replaceFirst("\\.2/", ".1/"), run.progress())) {
                return;
            }
            String address = ipv4 != null && ipv4.matches("[0-9.]+/\\d+") ? ipv4.substring(0, ipv4.indexOf('/')) : null;
            int answered = TrainingRequests.send(run, address, TRAINING_REQUESTS, run.progress());
            run.progress().accept("spt: training requests answered: " + answered + " of " + TRAINING_REQUESTS);
        };
    }

    /** {@code ip addr add ADDRESS dev IFACE}; false (and said why) if that fails. */
    private static boolean hostSide(String iface, String address, java.util.function.Consumer<String> progress)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ip", "addr", "add", address, "dev", iface).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        if (p.waitFor() == 0) return true;
        progress.accept("spt: cannot give the training interface " + iface + " a host address (" + out
                + "); the AOT cache covers the start only");
        return false;
    }

    /**
     * The appliance's class path, then this target's, then the tap target from the directory this
     * jar lives in (spt runs on tap's stack); one jar per file name, first wins.
     */
    static List<Path> classPath(String applianceClassPath, String ownClassPath) throws IOException {
        Map<String, Path> byName = new LinkedHashMap<>();
        List<String> entries = new ArrayList<>(List.of(applianceClassPath.split(File.pathSeparator)));
        entries.addAll(List.of(ownClassPath.split(File.pathSeparator)));
        for (String e : entries) {
            if (e.isBlank()) continue;
            Path p = Path.of(e).toAbsolutePath().normalize();
            if (Files.isDirectory(p)) {
                throw new IOException("class-path entry " + p + " is a directory; spt packs jars: build the jars first (mvn package)");
            }
            byName.putIfAbsent(p.getFileName().toString(), p);
        }
        boolean hasTap = byName.keySet().stream().anyMatch(n -> n.startsWith("morgana-target-tap-"));
        Path own = byName.values().stream().filter(p -> p.getFileName().toString().startsWith("morgana-target-spt-")).findFirst().orElse(null);
        if (!hasTap && own != null) {
            try (Stream<Path> s = Files.list(own.getParent())) {
                s.filter(p -> p.getFileName().toString().startsWith("morgana-target-tap-") && p.toString().endsWith(".jar"))
                        .sorted().findFirst().ifPresent(p -> byName.putIfAbsent(p.getFileName().toString(), p));
            }
        }
        return List.copyOf(byName.values());
    }
}

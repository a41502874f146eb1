package io.morgana.target.spt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

/**
 * Packs an appliance for the {@code spt} target: an image directory (a {@code jlink}ed runtime
 * holding only the modules {@code jdeps} finds, the appliance and Morgana jars joined into
 * {@code lib/NAME.jar} ({@link ClassPathJar}), a launcher with
 * JVM options chosen for a sealed single-purpose process, an AOT cache from a training run) and
 * {@code NAME.spt.tar.xz}, a deterministic archive of it.
 *
 * <p>The CLI ({@code morgana build -t spt DIR}) runs {@link Pack} ({@code Pack NAME DIR/dist/spt
 * APPLIANCE_CLASSPATH}), which calls {@link #build(List, Path, Path, Options, Consumer)} with the
 * image {@code DIR/dist/spt/} and the archive {@code DIR/dist/NAME.spt.tar.xz}; a Java caller can
 * call the same, or {@link #build(Path, List, Path, Consumer)} for {@code OUT/NAME/} and
 * {@code OUT/NAME.spt.tar.xz}.
 *
 * <p><b>Reproducible:</b> the jars (Maven's {@code project.build.outputTimestamp}), the runtime
 * image ({@code jlink}, the default CDS archive, {@code objcopy --strip-unneeded} are deterministic
 * for one JDK and binutils), the launcher and the archive (sorted entries, fixed time and owner,
 * single-threaded {@code xz}) are the same bytes for the same commit. The <b>AOT cache is not</b>:
 * two training runs of the same image, even at the same path, give caches that differ in size and
 * content (which classes, lambda forms and method profiles a run happens to record depends on
 * timing). It is therefore left out of the archive: it lives in the image as {@code lib/NAME.aot};
 * its digest is printed and marked as not reproducible.
 */
public final class SptPackager {
    private SptPackager() {}

    /** Drives the appliance during the training run (e.g. a few requests) until it returns; then the appliance is stopped. */
    @FunctionalInterface
    public interface Training {
        void exercise(TrainingRun run) throws Exception;

        /** Waits for the appliance's first output (it is up), then lets it idle for {@code d}: exercises start only. */
        static Training idle(Duration d) {
            return run -> {
                run.awaitOutput("", Duration.ofSeconds(60));
                Thread.sleep(d.toMillis());
            };
        }
    }

    /** The appliance under training: its process, what it has printed (stdout and stderr), where to report. */
    public record TrainingRun(Process process, Path log, Consumer<String> progress) {
        public TrainingRun(Process process, Path log) { this(process, log, s -> { }); }

        /** Blocks until the output contains {@code text} (any output for ""); false on timeout or exit. */
        public boolean awaitOutput(String text, Duration timeout) throws IOException, InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < end) {
                String out = Files.readString(log, StandardCharsets.UTF_8);
                if (!out.isEmpty() && out.contains(text)) return true;
                if (!process.isAlive()) return false;
                Thread.sleep(20);
            }
            return false;
        }
    }

    /**
     * @param name          appliance name: {@code dist/NAME/}, {@code bin/NAME}, {@code NAME.spt.tar.xz}
     * @param mainClass     what the launcher runs
     * @param mainArgs      arguments before the user's boot arguments (the target name)
     * @param trainingArgs  boot arguments of the training run (after the launcher's main arguments), or null for no AOT cache
     * @param training      what the training run does while the appliance is up
     * @param timestamp     modification time of every file and archive entry
     * @param xzLevel       xz preset, e.g. "-6" or "-9e"
     */
    public record Options(String name, String mainClass, List<String> mainArgs, List<String> trainingArgs,
                          Training training, Instant timestamp, String xzLevel) {
        public Options {
            mainArgs = List.copyOf(mainArgs);
            trainingArgs = trainingArgs == null ? null : List.copyOf(trainingArgs);
            if (!name.matches("[a-z][a-z0-9-]*")) throw new IllegalArgumentException("appliance names are lower-case words joined by '-', not '" + name + "'");
        }

        /**
         * Morgana's runtime on the spt target, trained by {@link Pack#trainingArgs() booting unsealed
         * on a transient TAP} and {@link Pack#training serving requests}; fixed time 2026-01-01.
         */
        public static Options of(String name) {
            List<String> args = Pack.trainingArgs();
            return new Options(name, "io.morgana.runtime.Main", List.of("spt"), args,
                    Pack.training(name, args), Instant.parse("2026-01-01T00:00:00Z"), "-6");
        }

        public Options withMain(String cls, List<String> args) { return new Options(name, cls, args, trainingArgs, training, timestamp, xzLevel); }
        public Options withTraining(List<String> args, Training t) { return new Options(name, mainClass, mainArgs, args, t, timestamp, xzLevel); }
        public Options withoutTraining() { return new Options(name, mainClass, mainArgs, null, training, timestamp, xzLevel); }
        public Options withXz(String level) { return new Options(name, mainClass, mainArgs, trainingArgs, training, timestamp, level); }
        public Options withTimestamp(Instant t) { return new Options(name, mainClass, mainArgs, trainingArgs, training, t, xzLevel); }
    }

    /** One file made, with its SHA-256 (hex); {@code reproducible} false for the AOT cache. */
    public record Artefact(Path path, String sha256, long size, boolean reproducible) {
        @Override public String toString() { return sha256 + "  " + path + (reproducible ? "" : "   (not reproducible: AOT cache)"); }
    }

    /**
     * @param image     {@code dist/NAME/}: runnable in place ({@code bin/NAME})
     * @param launcher  {@code dist/NAME/bin/NAME}
     * @param archive   {@code dist/NAME.spt.tar.xz}
     * @param aotCache  {@code lib/NAME.aot} in the image, when the training run made one
     * @param modules   what jdeps found and jlink linked
     * @param artefacts the archive, the AOT cache and every file of the image, with digests
     */
    public record Result(Path image, Path launcher, Path archive, Optional<Path> aotCache, List<String> modules, List<Artefact> artefacts) {}

    /** Packaging could not go on; the message says why and what to do. */
    public static final class PackagingException extends Exception {
        public PackagingException(String message) { super(message); }
        public PackagingException(String message, Throwable cause) { super(message, cause); }
    }

    /** {@code outDir/NAME/} and {@code outDir/NAME.spt.tar.xz}, with {@link Options#of} named after the appliance directory. */
    public static Result build(Path applianceDir, List<Path> jars, Path outDir, Consumer<String> progress) throws PackagingException {
        String name = applianceDir.toAbsolutePath().normalize().getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return build(jars, outDir, Options.of(name), progress);
    }

    /** {@code outDir/NAME/} and {@code outDir/NAME.spt.tar.xz}. */
    public static Result build(List<Path> jars, Path outDir, Options o, Consumer<String> progress) throws PackagingException {
        Path out = outDir.toAbsolutePath().normalize();
        return build(jars, out.resolve(o.name()), out.resolve(o.name() + ".spt.tar.xz"), o, progress);
    }

    /**
     * The image in {@code image} (emptied first), its archive at {@code archive}, the digests of
     * everything in {@code archive}'s name with {@code .sha256} for {@code .tar.xz}.
     */
    public static Result build(List<Path> jars, Path image, Path archive, Options o, Consumer<String> progress) throws PackagingException {
        try {
            return doBuild(jars, image.toAbsolutePath().normalize(), archive.toAbsolutePath().normalize(), o, progress);
        } catch (IOException e) {
            throw new PackagingException("packing for spt failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PackagingException("packing for spt was interrupted", e);
        }
    }

    private static Result doBuild(List<Path> jars, Path image, Path archive, Options o, Consumer<String> progress)
            throws IOException, InterruptedException, PackagingException {
        for (Path j : jars) {
            if (!Files.isRegularFile(j) || !j.toString().endsWith(".jar")) {
                throw new PackagingException("spt packs jars, and '" + j + "' is not one; build the appliance's jar first (mvn package)");
            }
        }
        Path out = archive.getParent();
        Files.createDirectories(out);
        deleteTree(image);
        Files.createDirectories(image);

        progress.accept("spt: finding the JDK modules the appliance uses (jdeps)");
        List<String> modules = jdeps(jars);
        progress.accept("spt: modules: " + String.join(",", modules));

        progress.accept("spt: linking a minimal runtime (jlink)");
        Path runtime = image.resolve("runtime");
        jlink("--add-modules", String.join(",", modules), "--strip-debug", "--no-header-files", "--no-man-pages",
                "--compress=zip-0", "--generate-cds-archive", "--output", runtime.toString());
        // Heaps are bounded far below 32 GB: the archive for uncompressed oops is never used.
        Files.deleteIfExists(runtime.resolve("lib/server/classes_nocoops.jsa"));
        stripNativeLibraries(runtime, progress);

        Path lib = Files.createDirectories(image.resolve("lib"));
        ClassPathJar.Joined joined = ClassPathJar.join(jars, lib, o.name() + ".jar", o.timestamp());
        List<String> classPath = joined.classPath();
        progress.accept("spt: class path: " + joined.joined() + " jar(s) joined into lib/" + o.name() + ".jar"
                + (joined.keptApart().isEmpty() ? "" : ", kept apart (signed, multi-release or with a Class-Path): " + String.join(", ", joined.keptApart()))
                + (joined.shadowed() == 0 ? "" : "; " + joined.shadowed() + " entries shadowed by a jar earlier on the class path"));
        Path launcher = Files.createDirectories(image.resolve("bin")).resolve(o.name());
        List<String> properties = o.mainClass().equals(io.morgana.runtime.Main.class.getName()) ? packedServices(jars) : List.of();
        Files.writeString(launcher, launcher(o, classPath, properties), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        fixTimes(image, o.timestamp());

        Optional<Path> aot = Optional.empty();
        if (o.trainingArgs() != null) aot = train(image, launcher, o, progress);

        progress.accept("spt: archiving (deterministic tar, xz " + o.xzLevel() + ")");
        String aotRel = "lib/" + o.name() + ".aot";
        writeArchive(image, o.name(), rel -> !rel.equals(aotRel), o.timestamp().getEpochSecond(), o.xzLevel(), archive);

        List<Artefact> artefacts = new ArrayList<>();
        artefacts.add(artefact(archive, true));
        try (Stream<Path> s = Files.walk(image)) {
            for (Path p : s.filter(Files::isRegularFile).sorted(Comparator.comparing(Path::toString)).toList()) {
                artefacts.add(artefact(p, !p.getFileName().toString().endsWith(".aot")));
            }
        }
        Path sums = archive.resolveSibling(archive.getFileName().toString().replaceFirst("\\.tar\\.xz$", "") + ".sha256");
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(sums, StandardCharsets.UTF_8))) {
            for (Artefact a : artefacts) {
                w.print(a.sha256() + "  " + out.relativize(a.path()) + (a.reproducible() ? "" : "  # AOT cache: not reproducible") + "\n");
            }
        }
        progress.accept("spt: built " + out.relativize(archive) + " (" + Files.size(archive) / 1024 + " KiB), digests in " + out.relativize(sums));
        progress.accept("spt: sha256 " + artefacts.get(0).sha256() + "  " + out.relativize(archive));
        if (aot.isPresent()) {
            progress.accept("spt: sha256 " + sha256(aot.get()) + "  " + out.relativize(aot.get()) + "  (AOT cache: not reproducible, not in the archive)");
        }
        return new Result(image, launcher, archive, aot, modules, List.copyOf(artefacts));
    }

    /** {@code jdeps --print-module-deps} over every jar: the JDK modules the code refers to. */
    static List<String> jdeps(List<Path> jars) throws PackagingException {
        List<String> args = new ArrayList<>(List.of("--print-module-deps", "--ignore-missing-deps", "--multi-release", "25"));
        jars.forEach(j -> args.add(j.toString()));
        String outText = tool("jdeps", args.toArray(String[]::new)).strip();
        String last = outText.lines().reduce((a, b) -> b).orElse("").strip();
        if (!last.matches("[a-z][a-z0-9.]*(,[a-z][a-z0-9.]*)*")) {
            throw new PackagingException("jdeps did not print a module list but:\n" + outText);
        }
        List<String> mods = new ArrayList<>(List.of(last.split(",")));
        if (!mods.contains("java.base")) mods.add(0, "java.base");
        return List.copyOf(mods);
    }

    /** Runs a JDK tool in this JVM; its output, or an exception carrying it. */
    static String tool(String name, String... args) throws PackagingException {
        ToolProvider t = ToolProvider.findFirst(name).orElseThrow(() -> new PackagingException(
                name + " is not in this Java runtime (" + System.getProperty("java.home") + "); build spt appliances with a full JDK 25"));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc;
        try (PrintWriter w = new PrintWriter(buf, true, StandardCharsets.UTF_8)) {
            rc = t.run(w, w, args);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        if (rc != 0) throw new PackagingException(name + " failed (exit " + rc + "): " + text.strip());
        return text;
    }

    /**
     * jlink as its own process, not through {@link ToolProvider}: run in-process, the first jlink of
     * a JVM wrote a different {@code lib/modules} than later ones (the generated classes depend on
     * the state of the JVM that runs jlink), which broke reproducibility.
     */
    static void jlink(String... args) throws PackagingException, IOException, InterruptedException {
        Path exe = Path.of(System.getProperty("java.home"), "bin", "jlink");
        if (!Files.isExecutable(exe)) {
            throw new PackagingException("no jlink in " + System.getProperty("java.home") + "; build spt appliances with a full JDK 25, not a JRE");
        }
        List<String> cmd = new ArrayList<>(List.of(exe.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new PackagingException("jlink failed (exit " + p.exitValue() + "): " + text.strip());
    }

    /** {@code objcopy --strip-unneeded} on the runtime's shared libraries: their symbol tables are half of libjvm.so. */
    private static void stripNativeLibraries(Path runtime, Consumer<String> progress) throws IOException, InterruptedException {
        Path objcopy = Stream.of("/usr/bin/objcopy", "/bin/objcopy").map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
        if (objcopy == null) {
            progress.accept("spt: objcopy not found (Debian: binutils): native libraries left unstripped; the archive is larger");
            return;
        }
        List<Path> libs;
        try (Stream<Path> s = Files.walk(runtime)) {
            libs = s.filter(p -> p.toString().endsWith(".so")).sorted().toList();
        }
        for (Path so : libs) {
            Process p = new ProcessBuilder(objcopy.toString(), "--strip-unneeded", so.toString()).redirectErrorStream(true).start();
            String msg = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) throw new IOException("objcopy --strip-unneeded " + so + " failed: " + msg.strip());
        }
    }

    /** The training run: the appliance booted unsealed under -XX:AOTCacheOutput, exercised, stopped. */
    private static Optional<Path> train(Path image, Path launcher, Options o, Consumer<String> progress) throws IOException, InterruptedException {
        Path cache = image.resolve("lib").resolve(o.name() + ".aot");
        progress.accept("spt: training run for the AOT cache: " + o.name() + " " + String.join(" ", o.trainingArgs()));
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(o.trainingArgs());
        Path log = Files.createTempFile("morgana-spt-training", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        // -XX:-AOTRecordTraining (diagnostic, unlocked by the launcher): the cache keeps the classes,
        // linked, but no method profiles or compilation records. A C1-only JVM (TieredStopAtLevel=1)
        // has no use for profiles, and replaying the records queues every method the training run
        // compiled as soon as it first runs: ~30 ms more compiler CPU competing with boot on two
        // cores (spt website: C1 CPU to the first 200 55-58 -> 25-32 ms), 350 KB more cache.
        pb.environment().put("MORGANA_JAVA_OPTS", "-XX:AOTCacheOutput=" + cache + " -XX:-AOTRecordTraining");
        Process p = pb.start();
        try {
            o.training().exercise(new TrainingRun(p, log, progress));
        } catch (Exception | AssertionError e) {
            progress.accept("spt: the training exercise failed: " + e + "; the AOT cache covers less. The appliance's output:\n"
                    + tail(Files.readString(log, StandardCharsets.UTF_8), 20));
        }
        p.destroy(); // SIGTERM: the runtime stops cleanly and the JVM writes the cache on exit
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            progress.accept("spt: the training run did not stop within 120 s; no AOT cache");
        }
        Files.deleteIfExists(image.resolve("lib").resolve(o.name() + ".aot.config"));
        if (!Files.isRegularFile(cache)) {
            progress.accept("spt: the training run made no AOT cache (exit " + p.exitValue() + "); the appliance starts without one. Its output:\n"
                    + tail(Files.readString(log, StandardCharsets.UTF_8), 20));
            Files.deleteIfExists(log);
            return Optional.empty();
        }
        Files.deleteIfExists(log);
        Files.setLastModifiedTime(cache, FileTime.from(o.timestamp()));
        progress.accept("spt: AOT cache " + Files.size(cache) / 1024 + " KiB");
        return Optional.of(cache);
    }

    /**
     * For the runtime's entry point: the system properties naming the targets and the appliance
     * that the jars' {@code META-INF/services} declare, in class-path order ({@code Main.PACKED_*}),
     * so that boot creates them by name rather than opening every jar to search for them.
     */
    static List<String> packedServices(List<Path> jars) throws IOException {
        Set<String> targets = new LinkedHashSet<>(), appliances = new LinkedHashSet<>();
        for (Path j : jars) {
            try (java.util.jar.JarFile jar = new java.util.jar.JarFile(j.toFile())) {
                providers(jar, io.morgana.runtime.Target.class, targets);
                providers(jar, io.morgana.api.Appliance.class, appliances);
            }
        }
        List<String> out = new ArrayList<>();
        if (!targets.isEmpty()) out.add("-D" + io.morgana.runtime.Main.PACKED_TARGETS + "=" + String.join(",", targets));
        if (!appliances.isEmpty()) out.add("-D" + io.morgana.runtime.Main.PACKED_APPLIANCES + "=" + String.join(",", appliances));
        return out;
    }

    /** The class names in {@code jar}'s provider-configuration file for {@code service} (comments and blanks dropped). */
    private static void providers(java.util.jar.JarFile jar, Class<?> service, Set<String> into) throws IOException {
        var e = jar.getJarEntry("META-INF/services/" + service.getName());
        if (e == null) return;
        try (InputStream in = jar.getInputStream(e)) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()) {
                int hash = line.indexOf('#');
                String name = (hash < 0 ? line : line.substring(0, hash)).strip();
                if (!name.isEmpty()) into.add(name);
            }
        }
    }

    /** The launcher, for an entry point other than the runtime's (no packed services). */
    static String launcher(Options o, List<String> classPath) {
        return launcher(o, classPath, List.of());
    }

    /** The launcher: the JVM options, each for a reason (see the comments it carries). */
    static String launcher(Options o, List<String> classPath, List<String> properties) {
        StringBuilder cp = new StringBuilder();
        for (String j : classPath) cp.append(cp.isEmpty() ? "" : ":").append("$here/lib/").append(j);
        String mainArgs = o.mainArgs().stream().map(SptPackager::shQuote).reduce((a, b) -> a + " " + b).orElse("");
        return """
                #!/bin/sh
                # @NAME@: a Morgana appliance packed for the spt target (a sealed process).
                # Usage: bin/@NAME@ [BOOT ARGUMENTS]      bin/@NAME@ --help lists them.
                #
                # JVM options, and why each is there:
                #   -Xmx from --heap=SIZE (default 32m)  the heap is a declared, bounded budget
                #   -Xms8m (or --heap if less)  start small and grow: resident memory follows use (the JVM would
                #                               otherwise commit 1/64 of the host's RAM up to -Xmx at once)
                #   -XX:NewSize, -XX:MaxNewSize: 1/32 of --heap, at least 2 MiB, at most half the heap (2 MiB at the default 32m)
                #   -XX:SurvivorRatio=2         a small young generation with room to age: eden (half of it) is wholly resident, as
                #                               allocation cycles through it, and each survivor space is a quarter, so objects that
                #                               live for a few young GCs (a connection's buffers) die there instead of being
                #                               promoted. With 1 MiB and the default ratio (100 KiB survivors) each connection that
                #                               lasted ~0.1 s left ~60 KB of garbage in the old generation, which Serial grows (up to
                #                               -Xmx) rather than collect: examples/website, 1,000 requests per connection, VmRSS
                #                               after 100,000 requests 42.8 -> 37.6 MB, after 300,000 55.4 -> 38.4 MB (heap 20 -> 7 MB
                #                               committed, no full GC either way); after 10,000 the same; wrk -c10 rate the same
                #   -XX:+UseSerialGC            no GC threads, smallest footprint, fastest start for small heaps
                #   -XX:TieredStopAtLevel=1     C1 only: compiles fast with little memory; no C2 compiler threads
                #   -XX:CICompilerCount=1       one compiler thread: less memory, and boot does not compete with it for the CPU
                #   -XX:CompileThresholdScaling=3  compile a method after 3x the usual calls: at boot the JIT otherwise burns
                #                               ~100 ms of CPU (measured) on code that runs a few hundred times; hot request paths
                #                               still compile within the first few thousand requests
                #   -XX:-AOTReplayTraining      no training-data replay thread (diagnostic): the build's cache holds no training
                #                               data (see the training run), so the thread would only spend ~7 ms of CPU at start
                #   -XX:ArchiveRelocationMode=0 map the AOT cache at the address it was made for instead of a random one: no
                #                               relocation pass over ~17 MB at each start (CPU, and ~13 MB of pages written),
                #                               its read-only part stays clean and shared. The cost: the cache's address is not
                #                               randomised (ASLR) — a diagnostic option, hence -XX:+UnlockDiagnosticVMOptions
                #   -XX:TrimNativeHeapInterval=100  give freed malloc memory (compiler arenas, mostly) back to the OS every 100 ms
                #   -XX:CompileCommand=MemLimit,*.*,3m  a C1 compilation that needs more than 3 MB of arena is given up and
                #                               the method stays interpreted (its callees still compile). The JVM keeps freed
                #                               arena chunks pooled for up to 5 s, so the largest compilation holds its size in
                #                               resident memory. Measured on examples/website: every compilation but one stays
                #                               under 2.3 MB (the TAP driver's hot methods were split until they did)
                #   -XX:CompileCommand=exclude,jdk.internal.classfile.impl.StackMapGenerator::processBlock  the one: the
                #                               ClassFile API's stack-map pass, busy while the JDK spins classes at boot, inlines
                #                               past the cap every time and is then given up anyway. Not compiling it spares that
                #                               work and ~1.4 MB of pooled arena (VmRSS 49.5 -> 48.1 MB, 5 runs each)
                #   -XX:CompileCommand=quiet    the JVM does not echo the CompileCommand on stdout, which is the appliance's
                #   -XX:-UsePerfData            no hsperfdata file in /tmp (nothing may write files once sealed), less memory
                #   -XX:+DisableAttachMechanism no attach listener: nothing may reach into a sealed appliance
                #   -XX:+ExitOnOutOfMemoryError a broken appliance exits for its supervisor to restart, rather than limps
                #   -XX:AOTCache=lib/@NAME@.aot    classes loaded and linked by the build's training run (if present; no profiles);
                #                               otherwise the runtime's default CDS archive (-Xshare:auto)
                #   -Xlog:all=warning:stderr    JVM warnings go to stderr; stdout is the appliance's
                #   --enable-native-access=ALL-UNNAMED  FFM (TAP device, seal) without warnings
                #   -Dmorgana.packed.targets=..., -Dmorgana.packed.appliances=...  (if present) the targets and the appliance the
                #                               build found in the jars' META-INF/services: boot creates them by name instead of
                #                               opening every jar to look for them
                #   MALLOC_ARENA_MAX=2          glibc's per-thread malloc arenas only add resident memory here
                # MORGANA_JAVA_OPTS adds JVM options (split on spaces, not globbed: set -f), e.g. the build's -XX:AOTCacheOutput.
                here=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd -P) || exit 70
                heap=32m
                for a in "$@"; do
                  case $a in
                    --heap=*) heap=${a#--heap=} ;;
                  esac
                done
                case $heap in
                  *[!0-9kKmMgG]*|''|[!0-9]*) echo "@NAME@: --heap=$heap: want a size such as 16m, 64m or 1g" >&2; exit 64 ;;
                esac
                xms=8m
                case $heap in
                  *[kK]|*[0-9]) xms=$heap ;;
                  *[mM]) if [ "${heap%?}" -lt 8 ]; then xms=$heap; fi ;;
                esac
                case $heap in
                  *[kK]) kib=${heap%?} ;;
                  *[mM]) kib=$((${heap%?} * 1024)) ;;
                  *[gG]) kib=$((${heap%?} * 1048576)) ;;
                  *) kib=$((heap / 1024)) ;;
                esac
                young=$((kib / 32))
                if [ "$young" -lt 2048 ]; then young=2048; fi
                if [ "$young" -gt $((kib / 2)) ]; then young=$((kib / 2)); fi
                aot=
                if [ -r "$here/lib/@NAME@.aot" ]; then aot=-XX:AOTCache=$here/lib/@NAME@.aot; fi
                MALLOC_ARENA_MAX=2
                export MALLOC_ARENA_MAX
                set -f
                # shellcheck disable=SC2086
                exec "$here/runtime/bin/java" -Xmx"$heap" -Xms"$xms" -XX:NewSize="$young"k -XX:MaxNewSize="$young"k -XX:SurvivorRatio=2 -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData \\
                  -XX:CICompilerCount=1 -XX:CompileThresholdScaling=3 -XX:+UnlockDiagnosticVMOptions -XX:-AOTReplayTraining -XX:ArchiveRelocationMode=0 \\
                  -XX:TrimNativeHeapInterval=100 -XX:CompileCommand=quiet -XX:CompileCommand=MemLimit,*.*,3m \\
                  -XX:CompileCommand=exclude,jdk.internal.classfile.impl.StackMapGenerator::processBlock \\
                  -XX:+DisableAttachMechanism -XX:+ExitOnOutOfMemoryError -Xlog:all=warning:stderr \\
                  --enable-native-access=ALL-UNNAMED @PROPERTIES@${aot:+"$aot"} $MORGANA_JAVA_OPTS \\
                  -cp "@CLASSPATH@" @MAIN@ @ARGS@ "$@"
                """.replace("@NAME@", o.name()).replace("@CLASSPATH@", cp)
                .replace("@PROPERTIES@", properties.stream().map(p -> shQuote(p) + " ").reduce("", String::concat)).replace("@MAIN@ @ARGS@", (o.mainClass() + " " + mainArgs).strip());
    }

    private static String shQuote(String s) {
        return s.matches("[A-Za-z0-9_./=:,+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    /** tar | xz -T1: single-threaded so that block boundaries, hence bytes, do not depend on the machine's cores. */
    private static void writeArchive(Path image, String top, java.util.function.Predicate<String> include, long mtime,
                                     String level, Path archive) throws IOException, InterruptedException, PackagingException {
        Path xz = Stream.of("/usr/bin/xz", "/bin/xz").map(Path::of).filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new PackagingException("xz is needed to compress the spt archive (Debian: apt-get install xz-utils)"));
        Path tmp = archive.resolveSibling(archive.getFileName() + ".tmp");
        Process p = new ProcessBuilder(xz.toString(), "-T1", level, "--check=crc64", "-c")
                .redirectOutput(tmp.toFile()).redirectError(ProcessBuilder.Redirect.PIPE).start();
        try (OutputStream in = p.getOutputStream()) {
            DeterministicTar.write(image, top, include, mtime, new java.io.BufferedOutputStream(in, 1 << 16) {
                @Override public void close() throws IOException { flush(); }
            });
        }
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException("xz failed: " + err.strip());
        Files.move(tmp, archive, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(archive, FileTime.from(Instant.ofEpochSecond(mtime)));
    }

    private static Artefact artefact(Path p, boolean reproducible) throws IOException {
        return new Artefact(p, sha256(p), Files.size(p), reproducible);
    }

    public static String sha256(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void fixTimes(Path root, Instant t) throws IOException {
        FileTime ft = FileTime.from(t);
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                if (!Files.isSymbolicLink(p)) Files.setLastModifiedTime(p, ft);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static String tail(String text, int lines) {
        List<String> l = text.lines().toList();
        return String.join("\n", l.subList(Math.max(0, l.size() - lines), l.size()));
    }
}

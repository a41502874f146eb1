package io.morgana.tool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The plain layout for targets that run on a stock JDK ({@code unix}, {@code tap}):
 * {@code lib/*.jar} (the appliance, its dependencies, the runtime and the one target) and
 * {@code bin/NAME}, a launcher that finds a JDK 25 and starts {@code io.morgana.runtime.Main}.
 */
final class JarPackager implements Packager {

    /**
     * JVM options for an appliance: Serial GC suits one small single-purpose process on few cores;
     * native access is what the FFM-based drivers (TAP, seccomp) need, and is harmless elsewhere.
     */
    static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED");

    static final String MAIN = "io.morgana.runtime.Main";

    @Override
    public void pack(Packing p) throws ToolException {
        Path lib = p.out().resolve("lib");
        Path bin = p.out().resolve("bin");
        try {
            Files.createDirectories(lib);
            Files.createDirectories(bin);
            Map<String, Path> jars = jars(p);
            // Drop jars left from an earlier build, copy the ones that changed.
            try (Stream<Path> old = Files.list(lib)) {
                for (Path o : old.toList()) if (!jars.containsKey(o.getFileName().toString())) Files.delete(o);
            }
            for (var e : jars.entrySet()) {
                Path to = lib.resolve(e.getKey());
                if (!Files.isRegularFile(e.getValue())) {
                    throw new ToolException(ToolException.SOFTWARE, "a jar of the class path is missing: " + e.getValue()
                            + ". Run the command again through bin/morgana (it rebuilds Morgana when needed).");
                }
                if (!Files.exists(to) || Files.size(to) != Files.size(e.getValue())
                        || Files.getLastModifiedTime(to).compareTo(Files.getLastModifiedTime(e.getValue())) != 0) {
                    Files.copy(e.getValue(), to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
            Files.writeString(p.out().resolve("classpath"), String.join("\n", jars.keySet()) + "\n", StandardCharsets.UTF_8);
            Files.copy(p.home().jdkFinder(), bin.resolve("jdk.sh"), StandardCopyOption.REPLACE_EXISTING);
            Path launcher = bin.resolve(p.manifest().name());
            Files.writeString(launcher, launcher(p, jars.keySet().stream().toList()), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new ToolException(ToolException.CANT_CREATE, "cannot write " + p.out() + ": " + e.getMessage());
        }
    }

    /** File name → source, appliance first; a jar both sides have (the API) is kept once. */
    private static Map<String, Path> jars(Packing p) throws ToolException {
        Map<String, Path> jars = new LinkedHashMap<>();
        for (Path j : p.applianceClasspath()) jars.putIfAbsent(j.getFileName().toString(), j);
        for (Path j : p.home().targetClasspath(p.target().name())) jars.putIfAbsent(j.getFileName().toString(), j);
        return jars;
    }

    private static String launcher(Packing p, List<String> jars) {
        String cp = jars.stream().map(j -> "$here/lib/" + j).collect(Collectors.joining(":"));
        return "#!/bin/sh\n"
                + "# " + p.manifest().name() + " on the " + p.target().name() + " target, packed by 'morgana build'.\n"
                + "# Boot arguments: " + p.manifest().name() + " --help\n"
                + "here=$(cd \"$(dirname \"$0\")/..\" && pwd)\n"
                + ". \"$here/bin/jdk.sh\"\n"
                + "morgana_find_jdk || exit 69\n"
                + "exec \"$JAVA_HOME/bin/java\" " + String.join(" ", JVM_OPTIONS) + " -cp \"" + cp + "\" " + MAIN + " "
                + p.target().name() + " \"$@\"\n";
    }

    @Override
    public List<String> command(Packing p, List<String> bootArgs) throws ToolException {
        List<String> jars;
        try {
            jars = Files.readAllLines(p.out().resolve("classpath"), StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new ToolException(ToolException.NO_INPUT, p.out() + " holds no packed appliance; run 'morgana build -t "
                    + p.target().name() + " " + p.project().dir() + "' first.");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(p.home().java().toString());
        cmd.addAll(JVM_OPTIONS);
        cmd.add("-cp");
        cmd.add(jars.stream().map(j -> p.out().resolve("lib").resolve(j).toString()).collect(Collectors.joining(":")));
        cmd.add(MAIN);
        cmd.add(p.target().name());
        cmd.addAll(bootArgs);
        return cmd;
    }
}

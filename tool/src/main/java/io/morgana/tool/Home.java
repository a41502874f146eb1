package io.morgana.tool;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Where Morgana is: the checkout that bin/morgana built ({@code MORGANA_HOME}), the JDK it found
 * ({@code MORGANA_JAVA}), and the jars the tool itself runs from ({@code tool/target/lib}).
 */
public record Home(Path root, Path java, String version) {

    public static Home current() {
        String root = System.getenv("MORGANA_HOME");
        Path rootPath = root != null && !root.isBlank() ? Path.of(root) : fromCodeSource();
        String java = System.getenv("MORGANA_JAVA");
        Path javaPath = java != null && !java.isBlank() ? Path.of(java) : Path.of(System.getProperty("java.home"), "bin", "java");
        return new Home(rootPath.toAbsolutePath().normalize(), javaPath, readVersion());
    }

    /** tool/target/classes → the checkout's root. */
    private static Path fromCodeSource() {
        try {
            Path p = Path.of(Home.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path q = p; q != null; q = q.getParent()) {
                if (Files.isRegularFile(q.resolve("bin/morgana")) && Files.isRegularFile(q.resolve("pom.xml"))) return q;
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall through
        }
        return Path.of("").toAbsolutePath();
    }

    private static String readVersion() {
        try (InputStream in = Home.class.getResourceAsStream("morgana.properties")) {
            Properties p = new Properties();
            if (in != null) p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path mvnw() { return root.resolve("mvnw"); }

    public Path jdkFinder() { return root.resolve("bin/jdk.sh"); }

    /** The directory of jars the tool runs from: Morgana's modules, the targets, picocli. */
    public Path toolLib() { return root.resolve("tool/target/lib"); }

    /**
     * Jars an appliance needs at run time on {@code target} besides its own: the runtime, the
     * chosen target's module and their dependencies — the tool's own jars minus the CLI (picocli)
     * and minus the other targets.
     */
    public List<Path> targetClasspath(String target) throws ToolException {
        Path lib = toolLib();
        if (!Files.isDirectory(lib)) {
            throw new ToolException(ToolException.UNAVAILABLE, "Morgana is not built here (" + lib + " is missing). "
                    + "Run the tool through bin/morgana, which builds it, or run './mvnw install -DskipTests' in " + root + ".");
        }
        List<Path> jars = new ArrayList<>();
        try (Stream<Path> s = Files.list(lib)) {
            s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().forEach(p -> {
                String n = p.getFileName().toString();
                if (n.startsWith("picocli-")) return;
                // spt runs on the tap target's stack, so it needs the tap jar as well as its own.
                boolean wanted = n.startsWith("morgana-target-" + target + "-")
                        || (target.equals("spt") && n.startsWith("morgana-target-tap-"));
                if (n.startsWith("morgana-target-") && !wanted) return;
                jars.add(p);
            });
        } catch (IOException e) {
            throw new ToolException(ToolException.UNAVAILABLE, "cannot list " + lib + ": " + e.getMessage());
        }
        return jars;
    }
}

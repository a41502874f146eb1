package io.morgana.tool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A directory holding an appliance: a Maven project whose main resources name exactly one
 * {@code io.morgana.api.Appliance} in {@code META-INF/services}. Built on demand, and only when
 * its sources changed since the last build; its run-time class path is resolved once per build
 * and cached in {@code target/morgana/classpath.txt}.
 */
public final class ApplianceProject {

    static final String SERVICE = "META-INF/services/io.morgana.api.Appliance";

    private final Path dir;
    private final Path given;
    private final String artifactId;
    private final String version;
    private final String applianceClass;

    private ApplianceProject(Path dir, Path given, String artifactId, String version, String applianceClass) {
        this.dir = dir;
        this.given = given;
        this.artifactId = artifactId;
        this.version = version;
        this.applianceClass = applianceClass;
    }

    /** Checks that {@code dir} holds an appliance project, without building it. */
    public static ApplianceProject open(Path dir) throws ToolException {
        Path d = dir.toAbsolutePath().normalize();
        String hint = "Point at an appliance project (for example examples/echo), or create one with 'morgana new NAME'.";
        if (!Files.isDirectory(d)) {
            throw new ToolException(ToolException.NO_INPUT, "no such directory: " + dir + ". " + hint);
        }
        Path pom = d.resolve("pom.xml");
        if (!Files.isRegularFile(pom)) {
            throw new ToolException(ToolException.NO_INPUT, dir + " is not an appliance project: it has no pom.xml. " + hint);
        }
        Path service = d.resolve("src/main/resources").resolve(SERVICE);
        if (!Files.isRegularFile(service)) {
            throw new ToolException(ToolException.NO_INPUT, dir + " has no appliance: " + d.relativize(service)
                    + " is missing. It must name the class that implements io.morgana.api.Appliance (one line). " + hint);
        }
        List<String> classes;
        try {
            classes = Files.readAllLines(service, StandardCharsets.UTF_8).stream()
                    .map(l -> l.replaceAll("#.*", "").strip()).filter(l -> !l.isEmpty()).toList();
        } catch (IOException e) {
            throw new ToolException(ToolException.NO_INPUT, "cannot read " + service + ": " + e.getMessage());
        }
        if (classes.size() != 1) {
            throw new ToolException(ToolException.CONFIG, service + " names " + classes.size() + " appliance classes " + classes
                    + "; an appliance project has exactly one. Keep one line: the class implementing io.morgana.api.Appliance.");
        }
        String text;
        try {
            text = Files.readString(pom, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ToolException(ToolException.NO_INPUT, "cannot read " + pom + ": " + e.getMessage());
        }
        String noParent = text.replaceAll("(?s)<parent>.*?</parent>", "").replaceAll("(?s)<dependencies>.*", "");
        String artifactId = first(noParent, "artifactId");
        String version = first(noParent, "version");
        if (version == null) version = first(text.replaceAll("(?s).*<parent>(.*?)</parent>.*", "$1"), "version");
        if (artifactId == null) {
            throw new ToolException(ToolException.CONFIG, pom + " has no <artifactId>; add one (the appliance's name).");
        }
        return new ApplianceProject(d, dir, artifactId, version, classes.get(0));
    }

    private static String first(String xml, String tag) {
        Matcher m = Pattern.compile("<" + tag + ">\\s*([^<]+?)\\s*</" + tag + ">").matcher(xml);
        return m.find() ? m.group(1) : null;
    }

    public Path dir() { return dir; }

    public String artifactId() { return artifactId; }

    public String applianceClass() { return applianceClass; }

    /** The appliance's jar, once built. */
    public Path jar() { return dir.resolve("target").resolve(artifactId + "-" + version + ".jar"); }

    public Path classesDir() { return dir.resolve("target/classes"); }

    Path stateDir() { return dir.resolve("target/morgana"); }

    Path classpathFile() { return stateDir().resolve("classpath.txt"); }

    Path stampFile() { return stateDir().resolve("build.stamp"); }

    public Path dist(String target) { return dir.resolve("dist").resolve(target); }

    /** Whether the sources (or Morgana, which it is compiled against) changed since the last build here. */
    public boolean stale(Home home) throws ToolException {
        try {
            return !Files.isRegularFile(jar()) || !Files.isRegularFile(classpathFile()) || !Files.isRegularFile(stampFile())
                    || !Files.readString(stampFile()).strip().equals(sourceDigest(home));
        } catch (IOException e) {
            return true;
        }
    }

    /** Digest of Morgana's build stamp, the pom and the main sources' names, sizes and modification times. */
    String sourceDigest(Home home) throws ToolException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            Path morgana = home.root().resolve(".build-stamp");
            if (Files.isRegularFile(morgana)) md.update(Files.readAllBytes(morgana));
            List<Path> files;
            Path main = dir.resolve("src/main");
            try (Stream<Path> s = Files.isDirectory(main) ? Files.walk(main) : Stream.empty()) {
                files = Stream.concat(Stream.of(dir.resolve("pom.xml")), s.filter(Files::isRegularFile)).sorted().toList();
            }
            for (Path f : files) {
                String line = dir.relativize(f) + " " + Files.size(f) + " " + Files.getLastModifiedTime(f).toMillis() + "\n";
                md.update(line.getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new ToolException(ToolException.NO_INPUT, "cannot read the sources of " + dir + ": " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Builds the jar and resolves the run-time class path if the sources changed; returns the class path. */
    public List<Path> build(Home home, Progress progress) throws ToolException {
        if (stale(home)) {
            String digest = sourceDigest(home);
            Progress.Step step = progress.step("building " + given + " (Maven: package, resolve class path)");
            new Maven(home).run(dir, stateDir().resolve("build.log"), List.of(
                    "-Dmaven.test.skip=true", "package", "dependency:build-classpath",
                    "-Dmdep.outputFile=" + classpathFile(), "-DincludeScope=runtime"));
            if (!Files.isRegularFile(jar())) {
                throw new ToolException(ToolException.CONFIG, "Maven built " + dir + " but " + jar() + " is missing: "
                        + "is the pom's <packaging> 'jar'? An appliance project builds one jar.");
            }
            try {
                Files.writeString(stampFile(), digest + "\n");
            } catch (IOException e) {
                throw new ToolException(ToolException.CANT_CREATE, "cannot write " + stampFile() + ": " + e.getMessage());
            }
            step.done();
        }
        return classpath();
    }

    /** The cached run-time class path: the appliance's jar, then its dependencies. */
    List<Path> classpath() throws ToolException {
        try {
            String text = Files.readString(classpathFile(), StandardCharsets.UTF_8).strip();
            Stream<Path> deps = text.isEmpty() ? Stream.empty()
                    : Stream.of(text.split(java.io.File.pathSeparator)).map(Path::of);
            return Stream.concat(Stream.of(jar()), deps).toList();
        } catch (IOException e) {
            throw new ToolException(ToolException.SOFTWARE, "cannot read the cached class path " + classpathFile()
                    + ": " + e.getMessage() + ". Delete " + stateDir() + " and try again.");
        }
    }

    /** The directory as the user named it. */
    @Override public String toString() { return given.toString(); }
}

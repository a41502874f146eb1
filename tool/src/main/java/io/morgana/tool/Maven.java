package io.morgana.tool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs Morgana's Maven wrapper for an appliance project, its output kept in a log file. */
final class Maven {

    private final Home home;

    Maven(Home home) { this.home = home; }

    /**
     * Runs {@code mvnw -q -f POM GOALS…} in {@code dir}. Output goes to {@code log}; when Maven
     * fails, its last lines are printed and a {@link ToolException} says where the whole log is.
     */
    void run(Path dir, Path log, List<String> goals) throws ToolException {
        List<String> cmd = new ArrayList<>();
        cmd.add(home.mvnw().toString());
        cmd.add("-q");
        cmd.add("-B");
        cmd.add("-f");
        cmd.add(dir.resolve("pom.xml").toString());
        cmd.addAll(goals);
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Map<String, String> env = pb.environment();
            // mvnw finds the JDK itself (bin/jdk.sh); hand it the one bin/morgana chose.
            Path javaHome = home.java().getParent().getParent();
            if (Files.isRegularFile(javaHome.resolve("release"))) env.put("JAVA_HOME", javaHome.toString());
            // A short Maven run starts faster with C1 only and the serial GC (what .mvn/jvm.config sets
            // inside the checkout; projects made by 'morgana new' live outside it).
            env.putIfAbsent("MAVEN_OPTS", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1");
            int status = pb.start().waitFor();
            if (status != 0) {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                List<String> tail = lines.subList(Math.max(0, lines.size() - 40), lines.size());
                for (String l : tail) System.err.println("  | " + l);
                throw new ToolException(ToolException.SOFTWARE, "Maven failed building " + dir + " (exit " + status + ").\n"
                        + "  The last lines are above; the whole log is " + log + ".\n"
                        + "  Fix the error there, then run the same morgana command again.");
            }
        } catch (IOException e) {
            throw new ToolException(ToolException.SOFTWARE, "cannot run Maven (" + home.mvnw() + "): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException(ToolException.SOFTWARE, "interrupted while Maven was building " + dir);
        }
    }
}

package io.morgana.tool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A copy of this checkout in a temporary directory, driven through its bin/morgana exactly as a
 * user would: the first call there builds and installs Morgana (the "fresh clone" path), the
 * others reuse that build. A copy, so that the nested build never rewrites the target/
 * directories of the build that runs these tests. Shared by every test class of the JVM.
 */
final class Checkout {

    record Result(int status, String out, String err) {
        @Override public String toString() { return "exit " + status + "\n--- stdout\n" + out + "--- stderr\n" + err; }
    }

    private static Checkout shared;

    final Path root;

    private Checkout(Path root) { this.root = root; }

    static synchronized Checkout get() {
        if (shared == null) {
            try {
                Path src = Path.of(System.getProperty("morgana.repo", "..")).toAbsolutePath().normalize();
                Path dst = Files.createTempDirectory("t2-morgana-checkout-");
                copySources(src, dst);
                shared = new Checkout(dst);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dst)));
                Result r = shared.morgana(dst, Map.of(), Duration.ofMinutes(10), "--version");
                if (r.status() != 0) throw new IllegalStateException("bin/morgana could not build Morgana in " + dst + ":\n" + r);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    /** Tracked and untracked (not ignored) files: what a clone with local changes holds. */
    private static void copySources(Path src, Path dst) throws IOException {
        List<String> files = new ArrayList<>();
        try {
            Process p = new ProcessBuilder("git", "-C", src.toString(), "ls-files", "-z", "-co", "--exclude-standard")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() == 0) for (String f : out.split("\0")) if (!f.isEmpty()) files.add(f);
        } catch (IOException | InterruptedException e) {
            files.clear();
        }
        if (files.isEmpty()) { // not a git checkout: everything but build output
            try (Stream<Path> s = Files.walk(src)) {
                s.filter(Files::isRegularFile).map(p -> src.relativize(p).toString())
                        .filter(f -> !f.matches("(.*/)?(target|dist|\\.git)(/.*)?")).forEach(files::add);
            }
        }
        for (String f : files) {
            Path from = src.resolve(f);
            if (!Files.isRegularFile(from)) continue; // deleted but still tracked
            Path to = dst.resolve(f);
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }

    Path morganaScript() { return root.resolve("bin/morgana"); }

    ProcessBuilder builder(Path cwd, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(morganaScript().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        Map<String, String> e = pb.environment();
        // The outer Maven's settings for where its project is must not leak into the nested one.
        e.remove("MAVEN_PROJECTBASEDIR");
        e.remove("MAVEN_BASEDIR");
        env.forEach((k, v) -> {
            if (v == null) e.remove(k);
            else e.put(k, v);
        });
        return pb;
    }

    /** Runs bin/morgana to completion. */
    Result morgana(Path cwd, Map<String, String> env, Duration timeout, String... args) {
        return run(builder(cwd, env, args), timeout);
    }

    Result morgana(String... args) { return morgana(root, Map.of(), Duration.ofMinutes(3), args); }

    static Result run(ProcessBuilder pb, Duration timeout) {
        try {
            Path out = Files.createTempFile("t2-out", ".txt");
            Path err = Files.createTempFile("t2-err", ".txt");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError(pb.command() + " did not finish within " + timeout + ":\n" + Files.readString(err));
            }
            Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
            Files.delete(out);
            Files.delete(err);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A long-running bin/morgana (run); output goes to files read by {@link Running#err()}. */
    Running start(Path cwd, String... args) {
        try {
            Path out = Files.createTempFile("t2-run-out", ".txt");
            Path err = Files.createTempFile("t2-run-err", ".txt");
            Process p = builder(cwd, Map.of(), args).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            return new Running(p, out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Running(Process process, Path outFile, Path errFile) implements AutoCloseable {
        String out() { return read(outFile); }

        String err() { return read(errFile); }

        private static String read(Path p) {
            try {
                return Files.readString(p);
            } catch (IOException e) {
                return "";
            }
        }

        /** Always stops it (a test that failed half-way must not leave an appliance behind). */
        @Override public void close() {
            if (process.isAlive()) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }

    /** A port free for both TCP and UDP on loopback just now. */
    static int freePort() {
        for (int i = 0; i < 50; i++) {
            try (var tcp = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                int port = tcp.getLocalPort();
                try (var udp = new java.net.DatagramSocket(port, java.net.InetAddress.getLoopbackAddress())) {
                    return port;
                } catch (IOException e) {
                    // UDP side taken: try another
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no port free for both TCP and UDP");
    }

    static Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }
}

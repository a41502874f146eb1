package io.morgana.dns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs host tools (dig, kdig, nsd …) for interoperability tests. */
public final class Tools {
    private Tools() {}

    public record Result(int exit, String out) {}

    /** Runs {@code cmd}, waits at most {@code seconds}, returns exit status and stdout+stderr. */
    public static Result run(int seconds, String... cmd) throws IOException, InterruptedException {
        Path log = Files.createTempFile("d7-tool", ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                return new Result(-1, "timed out after " + seconds + " s: " + String.join(" ", cmd) + "\n" + Files.readString(log));
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.ISO_8859_1));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** A background process (an external DNS server) stopped by {@link #close}. */
    public static final class Daemon implements AutoCloseable {
        private final Process p;
        private final Path log;

        public Daemon(List<String> cmd) throws IOException {
            log = Files.createTempFile("d7-daemon", ".log");
            p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        }

        public String log() throws IOException { return Files.readString(log, StandardCharsets.ISO_8859_1); }

        public boolean alive() { return p.isAlive(); }

        @Override public void close() throws Exception {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
            Files.deleteIfExists(log);
        }
    }

    /** Polls {@code check} every 100 ms until true or {@code seconds} pass. */
    public static boolean waitFor(int seconds, java.util.concurrent.Callable<Boolean> check) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            if (check.call()) return true;
            Thread.sleep(100);
        }
        return check.call();
    }

    /** A free port number on {@code address} for both UDP and TCP (best effort). */
    public static int freePort(String address) throws IOException {
        for (int i = 0; i < 50; i++) {
            int port = 20000 + (int) (Math.random() * 40000);
            try (var u = new java.net.DatagramSocket(new java.net.InetSocketAddress(address, port));
                 var t = new java.net.ServerSocket()) {
                t.bind(new java.net.InetSocketAddress(address, port));
                return port;
            } catch (IOException e) {
                // taken: try another
            }
        }
        throw new IOException("no free port on " + address);
    }

    public static byte[] resource(String name) throws IOException {
        try (var in = Tools.class.getResourceAsStream("/" + name)) {
            if (in == null) throw new IOException("missing test resource " + name);
            return in.readAllBytes();
        }
    }
}

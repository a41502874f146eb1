package io.morgana.runtime;

import io.morgana.api.Appliance;
import io.morgana.runtime.log.LogSink;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Boots an appliance inside the calling JVM, for tests: the same boot as {@link Main} (arguments,
 * devices, run, graceful stop) without a subprocess. The appliance's log lines (every thread it
 * starts) are captured and also copied to stderr.
 *
 * <pre>{@code
 * try (Launcher.Running echo = Launcher.start(new Echo(), "unix", "--port=0")) {
 *     int port = echo.awaitLogInt("listening on tcp port ");
 *     ...
 * }
 * }</pre>
 */
public final class Launcher {
    private Launcher() {}

    /** Boots {@code appliance} on the target called {@code target}; returns at once. */
    public static Running start(Appliance appliance, String target, String... args) {
        try {
            return start(appliance, Main.target(target), args);
        } catch (BootException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Boots {@code appliance} on {@code target}; returns at once. */
    public static Running start(Appliance appliance, Target target, String... args) {
        return new Running(appliance, target, args);
    }

    /** A launched appliance. {@link #close()} stops it and waits for it to exit. */
    public static final class Running implements AutoCloseable {
        private final LogSink sink = LogSink.capturing(System.err);
        private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        private final CompletableFuture<Integer> exit = new CompletableFuture<>();
        private final Session session;
        private volatile String bootError;

        private Running(Appliance appliance, Target target, String[] args) {
            Session s = null;
            try {
                s = new Session(appliance, Main.manifest(appliance), target, args, sink,
                        new PrintStream(stdout, true, StandardCharsets.UTF_8), m -> {
                            bootError = m;
                            System.err.println("morgana: " + m);
                        });
            } catch (BootException e) {
                bootError = e.getMessage();
                exit.complete(e.exitStatus());
            }
            session = s;
            if (s != null) {
                Session run = s;
                Thread.ofPlatform().name("launcher-" + appliance.getClass().getSimpleName()).daemon(true).start(() -> {
                    try {
                        exit.complete(run.run());
                    } catch (Throwable t) {
                        exit.completeExceptionally(t);
                    }
                });
            }
        }

        /** Asks the appliance to stop, as SIGTERM would; returns at once. */
        public void stop() {
            if (session != null) session.requestStop();
        }

        /** Waits for the exit status. */
        public int awaitExit(Duration timeout) {
            try {
                return exit.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new IllegalStateException("appliance did not exit within " + timeout + "; log:\n" + String.join("\n", log()));
            } catch (ExecutionException e) {
                throw new IllegalStateException("the runtime failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
        }

        /** Whether the appliance has exited. */
        public boolean exited() { return exit.isDone(); }

        /** The message of the boot error that ended it, or null. */
        public String bootError() { return bootError; }

        /** What the runtime printed on stdout ({@code --help}, {@code --version}). */
        public String stdout() { return stdout.toString(StandardCharsets.UTF_8); }

        /** The log lines so far. */
        public List<String> log() { return sink.lines(); }

        /** Waits for a log line containing {@code text}; fails with the log so far if none comes. */
        public String awaitLog(String text, Duration timeout) {
            try {
                String line = sink.await(text, timeout.toMillis());
                if (line == null) {
                    throw new IllegalStateException("no log line with '" + text + "' within " + timeout
                            + (exit.isDone() ? " (the appliance exited with " + exit.getNow(-1) + ")" : "")
                            + (bootError == null ? "" : " — boot error: " + bootError)
                            + "; log:\n" + String.join("\n", log()));
                }
                return line;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
        }

        /** Waits for a line containing {@code prefix} and returns the integer right after it (a port). */
        public int awaitLogInt(String prefix, Duration timeout) {
            String line = awaitLog(prefix, timeout);
            String rest = line.substring(line.indexOf(prefix) + prefix.length());
            int end = 0;
            while (end < rest.length() && Character.isDigit(rest.charAt(end))) end++;
            return Integer.parseInt(rest.substring(0, end));
        }

        /** Stops the appliance and waits for it to exit (up to its grace period and 10 s more). */
        @Override public void close() {
            stop();
            if (session != null) awaitExit(session.grace().plusSeconds(10));
        }
    }
}

package io.morgana.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Linux network namespace for a test, with the interfaces and processes it creates, all removed
 * again by {@link #close()} (and by a shutdown hook should the test JVM be killed first).
 *
 * <h2>Where things live</h2>
 * The namespace holds the <em>kernel side</em> of the link: the TAP interface with its address,
 * and the real tools the test runs ({@code ping}, {@code socat}, {@code dnsmasq}, …) through
 * {@code ip netns exec}. The appliance runs on the other side of the TAP, either
 * <ul>
 *   <li>in the test JVM: the tap target opens the interface <em>inside</em> this namespace
 *       ({@code --interface=NAME --netns=}{@link #name()}); it switches one thread into the namespace
 *       just for the open, and the file descriptor then works from any thread; or</li>
 *   <li>in a subprocess started by {@link #spawn} ({@code ip netns exec NS java …}), which opens
 *       {@code --interface=NAME} without {@code --netns}.</li>
 * </ul>
 * Either way nothing is added to the root namespace, so concurrent tests cannot collide as long
 * as each helper uses its own name prefix, and deleting the namespace deletes the TAP device.
 * {@link #moveIn} supports the other arrangement (a device created and opened in the root
 * namespace, then moved in: the open descriptor keeps working).
 *
 * <h2>Use</h2>
 * <pre>{@code
 * try (Netns ns = Netns.create("t4ns-ping")) {
 *     ns.addTap("t4tap0", "10.4.0.1/24");
 *     try (Launcher.Running app = Launcher.start(new Echo(), "tap", ns.tapArgs("t4tap0", "--ipv4=10.4.0.2/24"))) {
 *         app.awaitLog("listening", Duration.ofSeconds(20));
 *         Netns.Result r = ns.exec(Duration.ofSeconds(30), "ping", "-c", "3", "10.4.0.2");
 *         assertEquals(0, r.exit(), r.output());
 *     }
 * }
 * }</pre>
 * Needs root and iproute2: annotate the test with {@link Privileged}.
 */
public final class Netns implements AutoCloseable {

    /** What a finished command did. */
    public record Result(int exit, String stdout, String stderr) {
        /** Both streams, for assertion messages. */
        public String output() { return "exit " + exit + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr; }
    }

    /** A process started in the namespace; its output goes to {@link #log()}. */
    public static final class Spawned implements AutoCloseable {
        private final Process process;
        private final Path log;

        Spawned(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        public Process process() { return process; }

        /** Everything the process wrote so far (stdout and stderr interleaved). */
        public String log() {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(cannot read " + log + ": " + e.getMessage() + ")";
            }
        }

        /** Stops the process and its children (TERM, then KILL after a second). */
        @Override public void close() {
            List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
            all.add(process.toHandle());
            for (ProcessHandle h : all) h.destroy();
            for (ProcessHandle h : all) {
                try {
                    h.onExit().get(1, TimeUnit.SECONDS);
                } catch (Exception e) {
                    h.destroyForcibly();
                }
            }
        }
    }

    private final String name;
    private final List<Spawned> spawned = new ArrayList<>();
    private final Thread hook;
    private boolean closed;

    private Netns(String name) {
        this.name = name;
        this.hook = new Thread(this::cleanUp, "netns-cleanup-" + name);
    }

    /**
     * Creates namespace {@code name} (start it with your helper's prefix) with loopback up. A
     * namespace of that name left over by a killed run is deleted first.
     */
    public static Netns create(String name) {
        if (!name.matches("[A-Za-z0-9_.-]{1,64}")) throw new IllegalArgumentException("bad namespace name '" + name + "'");
        Netns ns = new Netns(name);
        if (Files.exists(Path.of("/var/run/netns", name))) host("ip", "netns", "del", name);
        ns.checked(host("ip", "netns", "add", name), "ip netns add " + name);
        Runtime.getRuntime().addShutdownHook(ns.hook);
        ns.ip("link", "set", "lo", "up");
        return ns;
    }

    public String name() { return name; }

    /**
     * Creates TAP interface {@code ifname} inside the namespace, gives its kernel side
     * {@code kernelAddress} (e.g. {@code 10.4.0.1/24}) and brings it up. The appliance opens it.
     */
    public Netns addTap(String ifname, String kernelAddress) {
        checkIfname(ifname);
        ip("tuntap", "add", "dev", ifname, "mode", "tap");
        ip("addr", "add", kernelAddress, "dev", ifname);
        ip("link", "set", ifname, "up");
        return this;
    }

    /**
     * Creates a veth pair: {@code inside} in this namespace with {@code insideAddress}, {@code outside}
     * in namespace {@code peer} (null: the root namespace) with {@code outsideAddress}, both up.
     */
    public Netns addVeth(String inside, String insideAddress, String outside, Netns peer, String outsideAddress) {
        checkIfname(inside);
        checkIfname(outside);
        ip("link", "add", inside, "type", "veth", "peer", "name", outside);
        if (peer != null) ip("link", "set", outside, "netns", peer.name);
        Netns other = peer != null ? peer : this;
        if (peer != null) {
            other.ip("addr", "add", outsideAddress, "dev", outside);
            other.ip("link", "set", outside, "up");
        } else {
            // Created inside this namespace: move the outside end to the root namespace (pid 1's).
            ip("link", "set", outside, "netns", "1");
            checked(host("ip", "addr", "add", outsideAddress, "dev", outside), "addr on " + outside);
            checked(host("ip", "link", "set", outside, "up"), "up " + outside);
        }
        ip("addr", "add", insideAddress, "dev", inside);
        ip("link", "set", inside, "up");
        return this;
    }

    /**
     * Boot arguments that put a {@code tap}-target appliance on TAP {@code ifname} of this
     * namespace ({@code --interface=IFNAME --netns=NAME}), followed by {@code more}.
     */
    public String[] tapArgs(String ifname, String... more) {
        List<String> a = new ArrayList<>(List.of("--interface=" + ifname, "--netns=" + name));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /** Moves an interface from the root namespace into this one (an open TAP descriptor keeps working). */
    public Netns moveIn(String ifname) {
        checked(host("ip", "link", "set", ifname, "netns", name), "ip link set " + ifname + " netns " + name);
        return this;
    }

    /** Runs {@code ip ARGS} inside the namespace; fails the test if it fails. */
    public Result ip(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", name));
        cmd.addAll(List.of(args));
        return checked(host(cmd.toArray(String[]::new)), String.join(" ", cmd));
    }

    /** Runs a command inside the namespace and waits for it (killed when {@code timeout} passes). */
    public Result exec(Duration timeout, String... command) {
        return run(timeout, inside(command));
    }

    /** Like {@link #exec} but fails the test (with the output) unless the command exits 0. */
    public Result execOk(Duration timeout, String... command) {
        return checked(exec(timeout, command), String.join(" ", command));
    }

    /** Starts a command inside the namespace; it is stopped at {@link #close()} if still running. */
    public Spawned spawn(String... command) {
        try {
            Path log = Files.createTempFile(name + "-" + Path.of(command[0]).getFileName(), ".log");
            log.toFile().deleteOnExit();
            Process p = new ProcessBuilder(inside(command)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Spawned s = new Spawned(p, log);
            synchronized (this) {
                spawned.add(s);
            }
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
        }
    }

    /** The command line that runs {@code command} inside the namespace. */
    public List<String> inside(String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(List.of(command));
        return cmd;
    }

    /** Stops what {@link #spawn} started and deletes the namespace with its interfaces. Idempotent. */
    @Override public void close() {
        cleanUp();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs (or ran) cleanUp, which is idempotent
        }
    }

    private synchronized void cleanUp() {
        if (closed) return;
        closed = true;
        for (Spawned s : spawned) s.close();
        spawned.clear();
        host("ip", "netns", "del", name);
    }

    /** Runs a command in the root namespace. */
    public static Result host(String... command) {
        return run(Duration.ofSeconds(30), List.of(command));
    }

    private static Result run(Duration timeout, List<String> command) {
        Path out = null, err = null;
        try {
            out = Files.createTempFile("netns", ".out");
            err = Files.createTempFile("netns", ".err");
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            int exit;
            if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                exit = p.exitValue();
            } else {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
                exit = -1;
                Files.writeString(err, "\n(killed after " + timeout + ")", java.nio.file.StandardOpenOption.APPEND);
            }
            return new Result(exit, Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            return new Result(-1, "", "cannot run " + String.join(" ", command) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "", "interrupted");
        } finally {
            try {
                if (out != null) Files.deleteIfExists(out);
                if (err != null) Files.deleteIfExists(err);
            } catch (IOException ignored) {
                // temp files; the OS cleans /tmp
            }
        }
    }

    private Result checked(Result r, String what) {
        if (r.exit() != 0) throw new IllegalStateException(what + " failed in namespace " + name + ": " + r.output());
        return r;
    }

    private static void checkIfname(String ifname) {
        if (!ifname.matches("[A-Za-z0-9_.-]{1,15}")) {
            throw new IllegalArgumentException("interface names have 1..15 characters [A-Za-z0-9_.-], not '" + ifname + "'");
        }
    }
}

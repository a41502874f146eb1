package io.morgana.runtime;

import io.morgana.api.Appliance;
import io.morgana.api.Arg;
import io.morgana.api.Block;
import io.morgana.api.Clock;
import io.morgana.api.Device;
import io.morgana.api.KvException;
import io.morgana.api.KvRo;
import io.morgana.api.KvRw;
import io.morgana.api.Manifest;
import io.morgana.api.Random;
import io.morgana.api.Stack;
import io.morgana.kv.DirectoryKv;
import io.morgana.kv.MemoryKv;
import io.morgana.kv.PackedKv;
import io.morgana.kv.TarKv;
import io.morgana.runtime.log.LogSink;
import io.morgana.runtime.log.LogSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One boot of one appliance on one target: arguments, devices, run, stop. {@link Main} drives it
 * for a process, {@link Launcher} in-process for tests.
 */
final class Session implements Boot {

    private static final System.Logger LOG = System.getLogger("boot");

    private final Appliance appliance;
    private final Manifest manifest;
    final Target target;
    private final String[] argv;
    private final LogSink sink;
    private final PrintStream out;
    private final Consumer<String> bootErrors;

    private BootArgs args;
    private Random random;
    Stack stack;
    final Map<String, KvRo> kvRo = new HashMap<>();
    final Map<String, KvRw> kvRw = new HashMap<>();
    final Map<String, Block> blocks = new HashMap<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<Runnable> stopHooks = new ArrayList<>();
    final CountDownLatch stopLatch = new CountDownLatch(1);
    private final CountDownLatch exited = new CountDownLatch(1);
    private final Object events = new Object();
    private boolean applianceDone;
    private Throwable applianceFailure;
    private volatile boolean stopRequested;

    Session(Appliance appliance, Manifest manifest, Target target, String[] argv, LogSink sink, PrintStream out,
            Consumer<String> bootErrors) {
        this.appliance = appliance;
        this.manifest = manifest;
        this.target = target;
        this.argv = argv.clone();
        this.sink = sink;
        this.out = out;
        this.bootErrors = bootErrors;
    }

    // ---- Boot ----

    @Override public Manifest manifest() { return manifest; }

    @Override public <T> T arg(Arg<T> arg) { return args.get(arg); }

    @Override public boolean given(Arg<?> arg) { return args.given(arg); }

    @Override public Clock clock() { return HostServices.CLOCK; }

    @Override public Random random() { return random; }

    @Override public synchronized void onShutdown(AutoCloseable resource) { resources.add(resource); }

    synchronized void addStopHook(Runnable hook) {
        if (stopLatch.getCount() == 0) hook.run(); else stopHooks.add(hook);
    }

    // ---- run ----

    /** Boots, runs and stops the appliance; returns the exit status. Call once. */
    int run() {
        sink.bindToCurrentThread();
        long t0 = System.nanoTime();
        try {
            boot();
        } catch (BootException e) {
            bootErrors.accept(e.getMessage());
            closeResources();
            exited.countDown();
            return e.exitStatus();
        } catch (HelpShown h) {
            exited.countDown();
            return 0;
        }
        LOG.log(Level.INFO, "started " + manifest.name() + " on " + target.name() + " in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
        Thread app = Thread.ofVirtual().name("appliance-" + manifest.name()).start(() -> {
            Throwable failure = null;
            try {
                appliance.run(new ApplianceContext(this));
            } catch (Throwable t) {
                failure = t;
            }
            synchronized (events) {
                applianceDone = true;
                applianceFailure = failure;
                events.notifyAll();
            }
        });
        int status;
        try {
            synchronized (events) {
                while (!applianceDone && !stopRequested) events.wait();
            }
            status = stopRequested ? stopGracefully(app) : finish();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 1;
        }
        cutConnections();
        closeResources();
        exited.countDown();
        return status;
    }

    /** Asks the appliance to stop (SIGTERM, SIGINT, {@link Launcher.Running#stop()}). */
    void requestStop() {
        synchronized (events) {
            stopRequested = true;
            events.notifyAll();
        }
    }

    /** Waits until {@link #run} has returned; false on timeout. */
    boolean awaitExit(Duration timeout) throws InterruptedException {
        return exited.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    Duration grace() { return args == null ? StandardArgs.GRACE.defaultValue() : args.get(StandardArgs.GRACE); }

    private int stopGracefully(Thread app) throws InterruptedException {
        Duration grace = grace();
        long deadline = System.nanoTime() + grace.toNanos();
        LOG.log(Level.INFO, "stopping " + manifest.name() + " (grace " + grace.toMillis() + " ms)");
        runStopHooks();
        if (stack instanceof StoppableStack s) {
            s.stopAccepting();
            if (!s.awaitFlowsDone(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                LOG.log(Level.WARNING, "connections still open after the grace period: cutting them");
                s.abortFlows();
            }
        }
        synchronized (events) {
            long left;
            while (!applianceDone && (left = deadline - System.nanoTime()) > 0) TimeUnit.NANOSECONDS.timedWait(events, left);
        }
        if (!app.isAlive() || awaitApp(app, Duration.ZERO)) return finish();
        LOG.log(Level.WARNING, "appliance did not return within the grace period after stop: interrupting it");
        app.interrupt();
        awaitApp(app, Duration.ofSeconds(1));
        return 0;
    }

    private boolean awaitApp(Thread app, Duration d) throws InterruptedException {
        return app.join(d.isZero() ? Duration.ofMillis(1) : d);
    }

    private int finish() {
        Throwable f;
        synchronized (events) { f = applianceFailure; }
        if (!stopRequested) runStopHooks();
        if (f == null) return 0;
        if (f instanceof BindException) {
            LOG.log(Level.ERROR, f.getMessage());
            return BootException.OSERR;
        }
        LOG.log(Level.ERROR, "appliance " + manifest.name() + " failed: " + f, f);
        return 1;
    }

    private void runStopHooks() {
        List<Runnable> hooks;
        synchronized (this) {
            if (stopLatch.getCount() == 0) return;
            stopLatch.countDown();
            hooks = List.copyOf(stopHooks);
            stopHooks.clear();
        }
        for (Runnable h : hooks) {
            try {
                h.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "stop hook failed: " + e, e);
            }
        }
    }

    /** Whatever still runs when the appliance has ended is cut: no listener or flow outlives it. */
    private void cutConnections() {
        if (stack instanceof StoppableStack s) {
            s.stopAccepting();
            s.abortFlows();
        }
    }

    private void closeResources() {
        List<AutoCloseable> rs;
        synchronized (this) {
            rs = new ArrayList<>(resources);
            resources.clear();
        }
        for (int i = rs.size() - 1; i >= 0; i--) {
            try {
                rs.get(i).close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "closing " + rs.get(i) + " failed: " + e);
            }
        }
    }

    // ---- boot ----

    private static final class HelpShown extends Exception {
        HelpShown() { super(null, null, false, false); }
    }

    private void boot() throws BootException, HelpShown {
        long tBoot = System.nanoTime();
        if (!target.implemented()) {
            throw new BootException(BootException.UNAVAILABLE, "target " + target.name() + " is not built yet (see 'morgana targets')");
        }
        for (Device d : manifest.devices()) {
            if (!target.provides().contains(d.kind())) {
                throw new BootException(BootException.UNAVAILABLE, "appliance '" + manifest.name() + "' needs the "
                        + d.kind() + " device '" + d.name() + "' (" + d.doc() + "), which target " + target.name()
                        + " cannot provide (it provides " + target.provides() + "): choose another target (see 'morgana targets')");
            }
        }
        List<Arg<?>> declared = BootArgs.declared(target, manifest);
        if (BootArgs.wantsHelp(argv)) {
            out.print(BootArgs.help(manifest, target.name(), declared));
            out.flush();
            throw new HelpShown();
        }
        if (BootArgs.wantsVersion(argv)) {
            out.println("morgana " + Main.version() + " (appliance " + manifest.name() + ", target " + target.name() + ")");
            out.flush();
            throw new HelpShown();
        }
        args = BootArgs.parse(declared, argv);
        try {
            sink.spec(LogSpec.parse(args.get(StandardArgs.LOGS)));
        } catch (IllegalArgumentException e) {
            throw new BootException(BootException.USAGE, "--logs: " + e.getMessage());
        }
        args.loadFiles();
        random = KernelRandom.shared();
        long tArgs = System.nanoTime();
        // Stores and block devices first: a target's stack may wait for work its warm-up started
        // (tap: linking FFM downcalls), and loading a packed store fills that wait.
        for (Device d : manifest.devices()) {
            switch (d.kind()) {
                case KV_RO -> kvRo.put(d.name(), openKvRo(d));
                case KV_RW -> kvRw.put(d.name(), openKvRw(d));
                case BLOCK -> blocks.put(d.name(), openBlock(d));
                case STACK -> { }
            }
        }
        if (manifest.needs(Device.Kind.STACK)) {
            Stack s = target.openStack(this);
            // Every target's stack stops gracefully: the runtime keeps track where the target does not.
            stack = s instanceof StoppableStack ? s : new GracefulStack(s);
        }
        long tDevices = System.nanoTime();
        target.sealAfterBoot(this);
        long tSealed = System.nanoTime();
        LOG.log(Level.DEBUG, () -> "boot phases: arguments " + ms(tBoot, tArgs) + " ms, devices " + ms(tArgs, tDevices)
                + " ms, seal " + ms(tDevices, tSealed) + " ms");
    }

    private static String ms(long from, long to) {
        return String.valueOf(TimeUnit.NANOSECONDS.toMillis(to - from));
    }

    private KvRo openKvRo(Device d) throws BootException {
        String tarArg = d.options().get("tar-arg");
        String path = (String) args.value(d.name());
        String argName = d.name();
        if (tarArg != null && !tarArg.equals(d.name()) && args.value(tarArg) != null) {
            if (path != null) throw usage("give either --" + d.name() + " or --" + tarArg + " for the store '" + d.name() + "', not both");
            path = (String) args.value(tarArg);
            argName = tarArg;
            if (!isArchive(path)) throw usage("--" + tarArg + ": '" + path + "' is not a .tar, .tar.gz or .tgz archive");
        }
        if (path == null) {
            PackedKv packed = PackedKv.load(appliance.getClass().getClassLoader(), d.name()).orElseThrow(() -> usage(
                    "the read-only store '" + d.name() + "' (" + d.doc() + ") has no content: pass --" + d.name()
                    + "=DIR (or a .tar archive), or pack files into the appliance under src/main/resources/"
                    + PackedKv.PREFIX + d.name() + "/"));
            onShutdown(packed); // lets go of the jars it reads values from
            return packed;
        }
        Path p = Path.of(path);
        if (isArchive(path)) return openArchive(argName, p);
        if (Files.isRegularFile(p)) throw usage("--" + argName + ": '" + path + "' is a file; want a directory or a .tar/.tar.gz archive");
        checkHostDirectories(argName);
        try {
            return DirectoryKv.open(p, false);
        } catch (KvException e) {
            throw usage("--" + argName + ": " + e.getMessage());
        }
    }

    private KvRw openKvRw(Device d) throws BootException {
        String path = (String) args.value(d.name());
        if (path == null) {
            MemoryKv kv = new MemoryKv();
            LOG.log(Level.DEBUG, () -> "store '" + d.name() + "' is in memory, up to " + kv.capacity() / 1024
                    + " KiB (pass --" + d.name() + "=DIR to keep it)");
            return kv;
        }
        checkHostDirectories(d.name());
        try {
            Files.createDirectories(Path.of(path));
            return DirectoryKv.open(Path.of(path), true);
        } catch (IOException e) {
            throw usage("--" + d.name() + ": " + (e instanceof KvException ? e.getMessage() : "cannot create '" + path + "': " + e));
        }
    }

    private Block openBlock(Device d) throws BootException {
        String path = (String) args.value(d.name());
        try {
            FileBlock b = FileBlock.open(Path.of(path));
            onShutdown(b);
            return b;
        } catch (IOException e) {
            throw usage("--" + d.name() + ": " + e.getMessage());
        }
    }

    private void checkHostDirectories(String argName) throws BootException {
        if (!target.hostDirectories()) {
            throw usage("--" + argName + ": target " + target.name() + " cannot serve a host directory (the appliance is sealed "
                    + "off the host): pass a .tar/.tar.gz archive, or pack the files into the appliance");
        }
    }

    static boolean isArchive(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        return p.endsWith(".tar") || p.endsWith(".tar.gz") || p.endsWith(".tgz");
    }

    /** A .tar/.tar.gz archive read into memory at boot (so it works on sealed targets too). */
    private static KvRo openArchive(String argName, Path p) throws BootException {
        try {
            return TarKv.open(p);
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            throw usage("--" + argName + ": " + (m.contains(p.toString()) ? m : "cannot read the archive '" + p + "': " + m));
        }
    }

    private static BootException usage(String message) {
        return new BootException(BootException.USAGE, message);
    }
}

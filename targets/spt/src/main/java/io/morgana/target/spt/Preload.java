package io.morgana.target.spt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.zone.ZoneRulesProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TimeZone;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.stream.Stream;

/**
 * What the JVM opens lazily, done before the seal, because after it no file can be opened.
 * Each step is here because a sealed run failed without it (or the JDK's source shows the lazy
 * open); the seal test exercises them.
 *
 * <ul>
 *   <li>Classes: a jar on the class path is opened the first time a class is looked up in it and
 *       then stays open, so every jar is opened now (by asking each for its manifest); later class
 *       loading reads the open jar ({@code pread}, {@code lseek}). Classes in a class-path
 *       <em>directory</em> are files of their own, so they are loaded now. The runtime image
 *       ({@code lib/modules}) and the AOT/CDS archive are mapped at JVM start.
 *   <li>Time zones: {@code lib/tzdb.dat} is read on first use of {@code ZoneId}/{@code TimeZone}.
 *   <li>Randomness: the runtime opens {@code /dev/urandom} at boot and keeps it ({@code KernelRandom}).
 *       {@code java.security.SecureRandom} is not warmed (its providers cost ~14 ms of start): an
 *       appliance takes its randomness from its context, not from {@code SecureRandom}.
 *   <li>Native libraries: {@code libnet}/{@code libnio} (and {@code libextnet}) are loaded on first
 *       use of the classes that need them; {@code dlopen} after the seal fails.
 *   <li>Configuration read once: {@code conf/net.properties}, {@code conf/security/java.security}.
 *   <li>The seal's own FFM downcall is linked (so the training run exercises it too).
 * </ul>
 */
final class Preload {
    private Preload() {}

    private static final System.Logger LOG = System.getLogger("spt");

    /**
     * The preload, run once per process: by the seal's background preparation
     * ({@link Seal#prepareInBackground}, at the start of boot, so that it overlaps the acquisition
     * of devices instead of delaying the seal) or by the first caller of {@link #everything}.
     */
    private static final FutureTask<Void> ONCE = new FutureTask<>(Preload::steps, null);

    /** Preloads everything, or waits for the preload another thread is running to finish. */
    static void everything() {
        try {
            runOrAwait(ONCE);
        } catch (ExecutionException e) {
            LOG.log(Level.WARNING, "preload before the seal failed: {0}", e.getCause().toString());
        }
    }

    /**
     * Runs {@code task} here, or, if another thread runs or ran it, waits for it; returns its
     * result. Interrupts do not cut the wait short (the seal must not start before what it waits
     * for), and are passed on when it ends.
     */
    static <T> T runOrAwait(FutureTask<T> task) throws ExecutionException {
        task.run(); // does nothing if it has run or is running on another thread
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private static void steps() {
        openClassPath();
        warm("time zones", () -> {
            ZoneId.systemDefault().getRules();
            ZoneRulesProvider.getAvailableZoneIds();
            TimeZone.getDefault().getRawOffset();
        });
        warm("java.security", () -> java.security.Security.getProperty("securerandom.source"));
        warm("network libraries", () -> {
            InetAddress.getLoopbackAddress();
            try (var s = java.nio.channels.Selector.open()) {
                s.selectNow();
            }
            init("jdk.net.ExtendedSocketOptions");
            init("sun.net.ext.ExtendedSocketOptions");
        });
        warm("the seal's downcall", Seccomp::link);
    }

    /** Opens every jar of the class path and loads every class of a class-path directory. */
    static void openClassPath() {
        ClassLoader loader = Preload.class.getClassLoader();
        warm("class-path jars", () -> Collections.list(loader.getResources("META-INF/MANIFEST.MF")));
        String cp = System.getProperty("java.class.path", "");
        for (String entry : cp.split(java.io.File.pathSeparator)) {
            if (entry.isEmpty()) continue;
            Path dir = Path.of(entry);
            if (!Files.isDirectory(dir)) continue;
            warm("classes in " + dir, () -> {
                List<String> names = new ArrayList<>();
                try (Stream<Path> s = Files.walk(dir)) {
                    s.filter(p -> p.toString().endsWith(".class")).forEach(p -> {
                        String rel = dir.relativize(p).toString();
                        String name = rel.substring(0, rel.length() - ".class".length()).replace(java.io.File.separatorChar, '.');
                        if (!name.endsWith("module-info") && !name.endsWith("package-info")) names.add(name);
                    });
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                for (String n : names) {
                    try {
                        Class.forName(n, false, loader);
                    } catch (ClassNotFoundException | LinkageError e) {
                        LOG.log(Level.DEBUG, "preload: cannot load {0}: {1}", n, e);
                    }
                }
            });
        }
    }

    private static void init(String className) throws Exception {
        try {
            Class.forName(className, true, ClassLoader.getSystemClassLoader());
        } catch (ClassNotFoundException e) {
            // module not in this runtime image: nothing to preload
        }
    }

    interface Step { void run() throws Exception; }

    private static void warm(String what, Step step) {
        try {
            step.run();
        } catch (Exception | LinkageError e) {
            LOG.log(Level.WARNING, "preload of {0} before the seal failed: {1}; it may fail after the seal too", what, e);
        }
    }
}

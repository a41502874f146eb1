package io.morgana.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Appliance;
import io.morgana.api.Arg;
import io.morgana.api.Context;
import io.morgana.api.Device;
import io.morgana.api.Key;
import io.morgana.api.KvRo;
import io.morgana.api.Manifest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Boot on a test target, in-process: arguments, devices, run, stop, and each error's status and message. */
class BootTest {

    private static final Duration T = Duration.ofSeconds(10);
    static final Arg<Integer> COUNT = Arg.integer("count", 1, 0, 10, "how many");

    /** An appliance with the given manifest whose run is {@code body}. */
    record TestAppliance(Manifest manifest, ThrowingConsumer body) implements Appliance {
        @Override public void run(Context c) throws Exception { body.accept(c); }
    }

    interface ThrowingConsumer {
        void accept(Context c) throws Exception;
    }

    static TestAppliance app(Manifest.Builder m, ThrowingConsumer body) { return new TestAppliance(m.build(), body); }

    static Launcher.Running boot(Appliance a, String... args) { return Launcher.start(a, new TestTarget(), args); }

    @Test void returningExitsZeroThrowingExitsOne() {
        Launcher.Running ok = boot(app(Manifest.builder("ok").arg(COUNT), c -> assertEquals(3, c.arg(COUNT))), "--count=3");
        assertEquals(0, ok.awaitExit(T));
        Launcher.Running bad = boot(app(Manifest.builder("bad"), c -> { throw new IllegalStateException("boom"); }));
        assertEquals(1, bad.awaitExit(T));
        assertTrue(bad.log().stream().anyMatch(l -> l.contains("ERROR [boot] appliance bad failed: java.lang.IllegalStateException: boom")),
                String.join("\n", bad.log()));
    }

    @Test void usageErrorsExit64WithTheMessage() {
        Appliance a = app(Manifest.builder("a").arg(COUNT), c -> { });
        Launcher.Running r = boot(a, "--count=abc");
        assertEquals(64, r.awaitExit(T));
        assertEquals("--count: 'abc' is not a number (want an integer 0..10) [--count=N]", r.bootError());

        r = boot(a, "--cuont=1");
        assertEquals(64, r.awaitExit(T));
        assertEquals("unknown argument --cuont (did you mean --count?) (see --help)", r.bootError());

        r = boot(app(Manifest.builder("a").arg(Arg.string("zone", null, "the zone").required()), c -> { }));
        assertEquals(64, r.awaitExit(T));
        assertEquals("missing required argument --zone=TEXT: the zone", r.bootError());

        r = boot(a, "--logs=tcp:loud");
        assertEquals(64, r.awaitExit(T));
        assertTrue(r.bootError().startsWith("--logs: 'tcp:loud' has no known level"), r.bootError());
    }

    @Test void helpPrintsAndExitsZeroEvenWithBadArguments() {
        Launcher.Running r = boot(app(Manifest.builder("a").arg(COUNT), c -> { throw new AssertionError("must not run"); }),
                "--count=abc", "--help");
        assertEquals(0, r.awaitExit(T));
        assertTrue(r.stdout().contains("--count=N"), r.stdout());
        Launcher.Running v = boot(app(Manifest.builder("a"), c -> { throw new AssertionError("must not run"); }), "--version");
        assertEquals(0, v.awaitExit(T));
        assertTrue(v.stdout().startsWith("morgana "), v.stdout());
    }

    @Test void aDeviceTheTargetCannotProvideExits69NamingDeviceAndTarget() {
        Target none = new TestTarget("bare", EnumSet.noneOf(Device.Kind.class), true, true);
        Launcher.Running r = Launcher.start(app(Manifest.builder("a").needs(Device.stack()), c -> { }), none);
        assertEquals(69, r.awaitExit(T));
        assertTrue(r.bootError().contains("needs the STACK device 'net'") && r.bootError().contains("target bare cannot provide"),
                r.bootError());
    }

    @Test void aTargetNotBuiltYetIsRefused() {
        Target later = new TestTarget("vm", Set.of(), false, true);
        Launcher.Running r = Launcher.start(app(Manifest.builder("a"), c -> { }), later);
        assertEquals(69, r.awaitExit(T));
        assertEquals("target vm is not built yet (see 'morgana targets')", r.bootError());
    }

    @Test void stopRunsHooksAndAwaitStopReturns() {
        AtomicReference<String> seen = new AtomicReference<>();
        Launcher.Running r = boot(app(Manifest.builder("svc"), c -> {
            c.onStop(() -> seen.set("hook"));
            System.getLogger("test").log(System.Logger.Level.INFO, "up");
            c.awaitStop();
            assertTrue(c.stopping());
        }));
        r.awaitLog("up", T);
        r.stop();
        assertEquals(0, r.awaitExit(T));
        assertEquals("hook", seen.get());
    }

    @Test void anApplianceThatIgnoresStopIsInterruptedAfterGrace() {
        Launcher.Running r = boot(app(Manifest.builder("stubborn"), c -> {
            System.getLogger("test").log(System.Logger.Level.INFO, "up");
            Thread.sleep(60_000);
        }), "--stop-grace=100ms");
        r.awaitLog("up", T);
        long t0 = System.nanoTime();
        r.stop();
        assertEquals(0, r.awaitExit(T));
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
    }

    @Test void undeclaredDeviceIsAProgrammingError() {
        AtomicReference<Throwable> err = new AtomicReference<>();
        Launcher.Running r = boot(app(Manifest.builder("a"), c -> {
            try {
                c.kvRo("htdocs");
            } catch (IllegalStateException e) {
                err.set(e);
            }
        }));
        assertEquals(0, r.awaitExit(T));
        assertTrue(err.get().getMessage().contains("does not declare it: add Device.kvRo(\"htdocs\", ...)"), err.get().getMessage());
    }

    @Test void clockSleepAndRandomComeFromTheHost() {
        AtomicReference<String> err = new AtomicReference<>();
        Launcher.Running r = boot(app(Manifest.builder("svc"), c -> {
            long t0 = c.clock().nanoTime();
            c.sleep().sleep(Duration.ofMillis(20));
            if (c.clock().nanoTime() - t0 < 20_000_000) err.set("slept less than 20 ms");
            if (Math.abs(c.clock().now().toEpochMilli() - System.currentTimeMillis()) > 5000) err.set("wall clock is off");
            byte[] a = new byte[16], b = new byte[16];
            c.random().nextBytes(a);
            c.random().nextBytes(b);
            if (java.util.Arrays.equals(a, b)) err.set("random repeated itself");
            if (!c.target().equals("test")) err.set("target " + c.target());
        }));
        assertEquals(0, r.awaitExit(T));
        assertNull(err.get());
    }

    // ---- storage devices ----

    static String text(KvRo kv, String key) throws Exception {
        return StandardCharsets.UTF_8.decode(kv.get(Key.parse(key))).toString();
    }

    /** Boots an appliance needing {@code device}, runs {@code check} on its context; returns the exit status. */
    static Launcher.Running withDevice(Device device, Consumer<Context> check, String... args) {
        return boot(app(Manifest.builder("store").needs(device), check::accept), args);
    }

    @Test void readOnlyStoreDefaultsToPackedContent() {
        AtomicReference<String> got = new AtomicReference<>();
        Launcher.Running r = withDevice(Device.kvRo("site", "pages"), c -> {
            try {
                got.set(text(c.kvRo("site"), "index.html") + text(c.kvRo("site"), "css/site.css"));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        assertEquals(0, r.awaitExit(T), String.join("\n", r.log()));
        assertEquals("<h1>packed</h1>\nbody{}\n", got.get());
    }

    @Test void readOnlyStoreFromAHostDirectory(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("index.html"), "from disk");
        AtomicReference<String> got = new AtomicReference<>();
        Launcher.Running r = withDevice(Device.kvRo("site", "pages"), c -> {
            try {
                got.set(text(c.kvRo("site"), "index.html"));
                assertThrows(java.io.IOException.class, () -> ((io.morgana.api.KvRw) c.kvRo("site")).set(Key.parse("x"), ByteBuffer.allocate(1)));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, "--site=" + dir);
        assertEquals(0, r.awaitExit(T), String.join("\n", r.log()));
        assertEquals("from disk", got.get());
    }

    /** A .tar.gz of {@code name -> content}, written with the JDK's gzip and a hand-made ustar header. */
    static Path tarGz(Path file, String name, String content) throws Exception {
        byte[] body = content.getBytes(StandardCharsets.UTF_8);
        byte[] header = new byte[512];
        put(header, 0, name);
        put(header, 100, "0000644");
        put(header, 108, "0000000");
        put(header, 116, "0000000");
        put(header, 124, String.format("%011o", body.length));
        put(header, 136, String.format("%011o", 1_700_000_000L));
        java.util.Arrays.fill(header, 148, 156, (byte) ' ');
        header[156] = '0';
        put(header, 257, "ustar");
        put(header, 263, "00");
        int sum = 0;
        for (byte b : header) sum += b & 0xff;
        put(header, 148, String.format("%06o", sum));
        header[154] = 0;
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(header);
            out.write(body);
            out.write(new byte[(512 - body.length % 512) % 512 + 1024]);
        }
        return file;
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }

    @Test void readOnlyStoreFromATarArchiveByPathOrTarArg(@TempDir Path dir) throws Exception {
        Path tgz = tarGz(dir.resolve("site.tar.gz"), "index.html", "from tar");
        Device site = Device.kvRo("site", "pages").with("tar-arg", "tar");
        for (String arg : new String[] {"--site=" + tgz, "--tar=" + tgz}) {
            AtomicReference<String> got = new AtomicReference<>();
            Launcher.Running r = withDevice(site, c -> {
                try {
                    got.set(text(c.kvRo("site"), "index.html"));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, arg);
            assertEquals(0, r.awaitExit(T), String.join("\n", r.log()));
            assertEquals("from tar", got.get());
        }
        Launcher.Running r = withDevice(site, c -> { }, "--site=" + dir, "--tar=" + tgz);
        assertEquals(64, r.awaitExit(T));
        assertTrue(r.bootError().contains("not both"), r.bootError());
        r = withDevice(site, c -> { }, "--tar=" + dir.resolve("missing.tar"));
        assertEquals(64, r.awaitExit(T));
        assertTrue(r.bootError().startsWith("--tar: ") && r.bootError().contains("missing.tar"), r.bootError());
    }

    @Test void storeErrorsNameTheArgument(@TempDir Path dir) throws Exception {
        Launcher.Running r = withDevice(Device.kvRo("site", "pages"), c -> { }, "--site=" + dir.resolve("missing"));
        assertEquals(64, r.awaitExit(T));
        assertEquals("--site: no such directory '" + dir.resolve("missing") + "'", r.bootError());

        r = withDevice(Device.kvRo("nothing", "pages"), c -> { });
        assertEquals(64, r.awaitExit(T));
        assertTrue(r.bootError().contains("has no content: pass --nothing=DIR") && r.bootError().contains("src/main/resources/morgana/kv/nothing/"),
                r.bootError());

        Target sealed = new TestTarget("sealed", EnumSet.allOf(Device.Kind.class), true, false);
        r = Launcher.start(app(Manifest.builder("a").needs(Device.kvRo("site", "pages")), c -> { }), sealed, "--site=" + dir);
        assertEquals(64, r.awaitExit(T));
        assertTrue(r.bootError().contains("cannot serve a host directory"), r.bootError());
    }

    @Test void readWriteStoreInMemoryOrOnDisk(@TempDir Path dir) throws Exception {
        Consumer<Context> write = c -> {
            try {
                c.kvRw("data").set(Key.parse("a/b"), ByteBuffer.wrap("v".getBytes()));
                assertEquals("v", text(c.kvRw("data"), "a/b"));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        };
        assertEquals(0, withDevice(Device.kvRw("data", "state"), write).awaitExit(T));
        assertEquals(0, withDevice(Device.kvRw("data", "state"), write, "--data=" + dir.resolve("state")).awaitExit(T));
        assertEquals("v", Files.readString(dir.resolve("state/a/b")));
    }

    @Test void blockDeviceOverAHostFile(@TempDir Path dir) throws Exception {
        Path disk = dir.resolve("disk.img");
        Files.write(disk, new byte[4096]);
        Launcher.Running r = withDevice(Device.block("disk", "data"), c -> {
            try {
                var b = c.block("disk");
                assertEquals(8, b.sectors());
                byte[] sector = new byte[512];
                sector[0] = 42;
                b.write(3, ByteBuffer.wrap(sector));
                ByteBuffer back = ByteBuffer.allocate(512);
                b.read(3, back);
                assertArrayEquals(sector, back.array());
                assertThrows(IllegalArgumentException.class, () -> b.read(8, ByteBuffer.allocate(512)));
                assertThrows(IllegalArgumentException.class, () -> b.read(0, ByteBuffer.allocate(100)));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, "--disk=" + disk);
        assertEquals(0, r.awaitExit(T), String.join("\n", r.log()));
        assertEquals(42, Files.readAllBytes(disk)[3 * 512]);

        Files.write(dir.resolve("odd.img"), new byte[1000]);
        r = withDevice(Device.block("disk", "data"), c -> { }, "--disk=" + dir.resolve("odd.img"));
        assertEquals(64, r.awaitExit(T));
        assertTrue(r.bootError().contains("not a whole number of 512-byte sectors"), r.bootError());
        assertNull(withDevice(Device.block("disk", "d"), c -> { }, "--disk=" + disk).bootError());
    }
}

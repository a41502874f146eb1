package io.morgana.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/morgana end to end, on a copy of this checkout (see {@link Checkout}): what a user types,
 * what they see, and the exit status — for the main commands and for each kind of bad input.
 */
class MorganaCliTest {

    static Checkout co;

    @BeforeAll
    static void build() { co = Checkout.get(); }

    @Test
    void versionNamesTheProjectVersionAndTheJdk() {
        var r = co.morgana("--version");
        assertEquals(0, r.status(), r::toString);
        assertTrue(r.out().startsWith("morgana " + System.getProperty("morgana.version", "0.1.0-SNAPSHOT") + "\n"), r::toString);
        assertTrue(r.out().contains("java   25") || r.out().matches("(?s).*java   (2[5-9]|[3-9][0-9]).*"), r::toString);
        assertFalse(r.err().contains("building Morgana"), "a second call must reuse the build:\n" + r);
    }

    @Test
    void targetsSaysWhichExistAndWhatEachNeeds() {
        var r = co.morgana("targets");
        assertEquals(0, r.status(), r::toString);
        assertTrue(r.out().matches("(?s).*\nunix +exists .*"), r::toString);
        assertTrue(r.out().matches("(?s).*\nvm +not built yet .*"), r::toString);
        assertTrue(r.out().matches("(?s).*\noci +not built yet .*"), r::toString);
        for (String t : new String[] {"tap", "spt"}) assertTrue(r.out().matches("(?s).*\n" + t + " +(exists|not built yet) .*"), r::toString);
        assertTrue(r.out().contains("/dev/net/tun"), "tap's needs are named:\n" + r);
    }

    @Test
    void withoutJdk25ItSaysWhatToInstall() {
        var r = co.morgana(co.root, Checkout.env("MORGANA_JDK_DIRS", "/nonexistent-t2", "JAVA_HOME", null),
                Duration.ofSeconds(30), "run", "examples/echo");
        assertEquals(69, r.status(), r::toString);
        assertTrue(r.err().contains("no JDK 25 or newer found"), r::toString);
        assertTrue(r.err().contains("install a JDK 25"), r::toString);
    }

    @Test
    void unknownTargetListsTheKnownOnes() {
        var r = co.morgana("run", "-t", "nosuch", "examples/echo");
        assertEquals(64, r.status(), r::toString);
        assertTrue(r.err().contains("unknown target 'nosuch'"), r::toString);
        assertTrue(r.err().contains("unix, tap, spt, vm, oci"), r::toString);
    }

    @Test
    void targetNotBuiltYetIsRefusedWithTheOnesThatExist() {
        var r = co.morgana("run", "-t", "vm", "examples/echo");
        assertEquals(69, r.status(), r::toString);
        assertTrue(r.err().contains("target 'vm' is not built yet"), r::toString);
        assertTrue(r.err().matches("(?s).*Targets that exist: [^\n]*unix.*"), r::toString);
    }

    @Test
    void directoryWithoutAnApplianceSaysSo(@TempDir Path tmp) throws IOException {
        var none = co.morgana(co.root, Map.of(), Duration.ofSeconds(30), "describe", tmp.toString());
        assertEquals(66, none.status(), none::toString);
        assertTrue(none.err().contains("it has no pom.xml"), none::toString);
        assertTrue(none.err().contains("morgana new NAME"), none::toString);

        Files.writeString(tmp.resolve("pom.xml"), "<project><artifactId>x</artifactId></project>");
        var noService = co.morgana(co.root, Map.of(), Duration.ofSeconds(30), "run", tmp.toString());
        assertEquals(66, noService.status(), noService::toString);
        assertTrue(noService.err().contains("has no appliance: src/main/resources/META-INF/services/io.morgana.api.Appliance is missing"),
                noService::toString);

        var missingDir = co.morgana("run", tmp.resolve("nope").toString());
        assertEquals(66, missingDir.status(), missingDir::toString);
        assertTrue(missingDir.err().contains("no such directory"), missingDir::toString);
    }

    @Test
    void anUnknownCommandListsTheCommands() {
        var r = co.morgana("frobnicate");
        assertEquals(64, r.status(), r::toString);
        assertTrue(r.err().contains("unknown command 'frobnicate'; the commands are new, build, run, describe, targets"), r::toString);
    }

    @Test
    void bootArgumentsWithoutTheDoubleDashGetAHint() {
        var r = co.morgana("run", "examples/echo", "--port", "7000");
        assertEquals(64, r.status(), r::toString);
        assertTrue(r.err().contains("Boot arguments for the appliance go after '--'"), r::toString);
    }

    @Test
    void aPortThatIsNotANumberIsAUsageError() {
        var r = co.morgana("run", "examples/echo", "--", "--port=abc");
        assertEquals(64, r.status(), r::toString);
        assertTrue(r.err().contains("--port"), r::toString);
        assertTrue(r.err().contains("abc"), r::toString);
    }

    @Test
    void aPortInUseIsAnOsErrorNamingThePort() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(0));
            int port = taken.getLocalPort();
            var r = co.morgana("run", "examples/echo", "--", "--port=" + port);
            assertEquals(71, r.status(), r::toString);
            assertTrue(r.err().contains(Integer.toString(port)), r::toString);
            assertTrue(r.err().toLowerCase(java.util.Locale.ROOT).contains("in use"), r::toString);
            assertFalse(r.err().contains("\tat "), "no stack trace:\n" + r);
        }
    }

    @Test
    void describeListsDevicesAndGroupedBootArguments() {
        var r = co.morgana("describe", "examples/echo");
        assertEquals(0, r.status(), r::toString);
        String out = r.out();
        assertTrue(out.startsWith("echo"), r::toString);
        assertTrue(out.matches("(?s).*\nDevices\n  network stack +net .*"), r::toString);
        int app = out.indexOf("  Appliance (echo)\n"), target = out.indexOf("  Target (unix)\n"), std = out.indexOf("  Standard (every appliance)\n");
        assertTrue(app > 0 && target > app && std > target, "appliance, target and standard groups in order:\n" + r);
        assertTrue(out.substring(app, target).matches("(?s).*--port=PORT .*\\(default 7\\).*"), r::toString);
        assertTrue(out.substring(std).contains("--logs=SPEC"), r::toString);
        assertTrue(out.substring(std).matches("(?s).*--stop-grace=DURATION .*\\(default 5s\\).*"), r::toString);

        var again = co.morgana("describe", "--dot", "examples/echo");
        assertEquals(0, again.status(), again::toString);
        assertFalse(again.err().contains("building"), "unchanged sources are not rebuilt:\n" + again);
        assertTrue(again.out().startsWith("digraph \"echo\" {"), again::toString);
        assertTrue(again.out().contains("appliance -> \"device:stack:net\""), again::toString);
        assertTrue(again.out().strip().endsWith("}"), again::toString);

        var spt = co.morgana("describe", "-t", "spt", "examples/echo");
        assertEquals(0, spt.status(), spt::toString);
        String sealed = spt.out();
        assertTrue(sealed.contains("  Target (spt)\n") && sealed.contains("--no-seal"), spt::toString);
        assertTrue(sealed.matches("(?s).*--loop-spin=DURATION .*\\(default 50us\\).*"), "sub-millisecond defaults as typed:\n" + spt);
        assertTrue(sealed.matches("(?s).*--trim-after=DURATION .*\\(default 1s\\).*") && sealed.contains("--no-trim"), spt::toString);
        int allowed = sealed.indexOf("allowed:\n"), denied = sealed.indexOf("denied (EPERM):\n");
        assertTrue(allowed > 0 && denied > allowed, "the seal's allowlist, then what it denies:\n" + spt);
        assertTrue(sealed.substring(allowed, denied).matches("(?s).*\n  futex +\\S.*"), "allowed calls carry a reason:\n" + spt);
        assertTrue(sealed.substring(denied).matches("(?s).*\n  (openat|execve) .*"), "opening files and exec are denied:\n" + spt);
    }

    @Test
    void buildWritesALauncherAndTheJarsForTheTarget() throws Exception {
        var r = co.morgana("build", "-t", "unix", "examples/echo");
        assertEquals(0, r.status(), r::toString);
        Path dist = co.root.resolve("examples/echo/dist/unix");
        assertEquals(dist.resolve("bin/echo").toString(), r.out().strip());
        assertTrue(Files.isExecutable(dist.resolve("bin/echo")));
        var jars = Files.readAllLines(dist.resolve("classpath"));
        assertTrue(jars.get(0).startsWith("morgana-example-echo-"), jars::toString);
        assertTrue(jars.stream().anyMatch(j -> j.startsWith("morgana-target-unix-")), jars::toString);
        assertTrue(jars.stream().noneMatch(j -> j.startsWith("picocli-") || j.startsWith("morgana-target-tap-")), jars::toString);

        // The launcher runs on its own: --help lists the appliance's arguments.
        var help = Checkout.run(new ProcessBuilder(dist.resolve("bin/echo").toString(), "--help"), Duration.ofSeconds(30));
        assertEquals(0, help.status(), help::toString);
        assertTrue((help.out() + help.err()).contains("--port"), help::toString);
    }

    @Test
    void echoAnswersTcpAndUdpThenStopsCleanlyOnSigterm() throws Exception {
        int port = Checkout.freePort();
        try (var app = co.start(co.root, "run", "examples/echo", "--", "--port", Integer.toString(port))) {
            awaitTcp(app, port);
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(5000);
                OutputStream out = s.getOutputStream();
                out.write("hi over tcp\n".getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput();
                assertEquals("hi over tcp\n", new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
            }
            try (DatagramSocket u = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                u.setSoTimeout(2000);
                byte[] msg = "hi over udp".getBytes(StandardCharsets.US_ASCII);
                DatagramPacket reply = new DatagramPacket(new byte[100], 100);
                boolean got = false;
                for (int i = 0; i < 5 && !got; i++) { // UDP: allow a lost datagram on a busy machine
                    u.send(new DatagramPacket(msg, msg.length, InetAddress.getLoopbackAddress(), port));
                    try {
                        u.receive(reply);
                        got = true;
                    } catch (java.net.SocketTimeoutException e) {
                        // again
                    }
                }
                assertTrue(got, "no UDP echo:\n" + app.err());
                assertEquals("hi over udp", new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII));
            }
            // bin/morgana exec'ed the JVM: the process we started is the appliance, and gets SIGTERM itself.
            app.process().destroy();
            assertTrue(app.process().waitFor(20, TimeUnit.SECONDS), "still running 20 s after SIGTERM:\n" + app.err());
            assertEquals(0, app.process().exitValue(), "a stop on SIGTERM is a clean exit:\n" + app.err());
        }
    }

    /** The README's main job: bin/morgana run examples/website (here on a free port, not 8080). */
    @Test
    void websiteServesItsDefaultSite() throws Exception {
        int port = Checkout.freePort();
        try (var app = co.start(co.root, "run", "examples/website", "--", "--port=" + port)) {
            awaitTcp(app, port);
            var http = java.net.http.HttpClient.newHttpClient();
            var res = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, res.statusCode(), app::err);
            assertTrue(res.body().toLowerCase(java.util.Locale.ROOT).contains("<html"), res::body);
            app.process().destroy();
            assertTrue(app.process().waitFor(20, TimeUnit.SECONDS), app::err);
            assertEquals(0, app.process().exitValue(), app::err);
        }
    }

    /**
     * Issue 6's "done when": {@code build -t spt examples/website}, then {@code run -t spt} on a TAP
     * interface in a namespace: curl there is served by the sealed appliance through Morgana's own
     * TCP/IP, and SIGTERM stops it cleanly.
     */
    @Test
    @io.morgana.testing.Privileged(tools = {"curl", "jlink", "xz", "objcopy"})
    void websiteBuiltForSptServesSealedInANamespace() throws Exception {
        var built = co.morgana(co.root, Map.of(), Duration.ofMinutes(10), "build", "-t", "spt", "examples/website");
        assertEquals(0, built.status(), built::toString);
        assertTrue(built.err().contains("sha256") || built.out().contains("sha256"), "build prints the digests:\n" + built);
        Path archive = co.root.resolve("examples/website/dist/spt/website.spt.tar.xz");
        assertTrue(Files.size(archive) <= 20L << 20, "the archive is at most 20 MB: " + Files.size(archive));
        try (io.morgana.testing.Netns ns = io.morgana.testing.Netns.create("t2spt")) {
            String tap = "t2s" + ProcessHandle.current().pid() % 10_000_000;
            try (var app = co.start(co.root, "run", "-t", "spt", "examples/website", "--",
                    "--netns=" + ns.name(), "--interface=" + tap, "--ipv4=10.77.0.2/24", "--port=80")) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                attachWhenUp(app, ns, tap, "10.77.0.1/24", deadline);
                String code = "";
                while (!code.equals("200") && System.nanoTime() < deadline) {
                    code = ns.exec(Duration.ofSeconds(15), "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5",
                            "http://10.77.0.2/").stdout().strip();
                    if (!code.equals("200")) Thread.sleep(300);
                }
                assertEquals("200", code, app::err);
                assertEquals("404", ns.exec(Duration.ofSeconds(15), "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                        "--max-time", "5", "http://10.77.0.2/no-such-page").stdout().strip(), app::err);
                assertTrue(app.err().contains("sealed"), "the appliance sealed itself after boot:\n" + app.err());
                app.process().destroy();
                assertTrue(app.process().waitFor(20, TimeUnit.SECONDS), app::err);
                assertEquals(0, app.process().exitValue(), app::err);
            }
        }
    }

    /** Waits until the spt appliance has created {@code tap} in {@code ns}, then gives the namespace's side an address. */
    private static void attachWhenUp(Checkout.Running app, io.morgana.testing.Netns ns, String tap, String address, long deadline)
            throws Exception {
        while (ns.exec(Duration.ofSeconds(10), "ip", "link", "show", tap).exit() != 0) {
            assertTrue(app.process().isAlive(), () -> "exited:\n" + app.err());
            assertTrue(System.nanoTime() < deadline, () -> "no interface " + tap + " after 90 s:\n" + app.err());
            Thread.sleep(200);
        }
        ns.ip("addr", "add", address, "dev", tap);
        ns.ip("link", "set", tap, "up");
    }

    /**
     * Issue 7 names spt for the DNS appliance: {@code build -t spt examples/dns-server}, then
     * {@code run -t spt} with a zone file on a TAP interface in a namespace. The zone is read at
     * boot, before the seal; dig there gets answers (positive and NXDOMAIN, UDP and TCP) from the
     * sealed appliance through Morgana's own UDP and TCP, and SIGTERM stops it cleanly.
     */
    @Test
    @io.morgana.testing.Privileged(tools = {"dig", "jlink", "xz", "objcopy"})
    void dnsServerBuiltForSptAnswersDigSealedInANamespace(@TempDir Path tmp) throws Exception {
        var built = co.morgana(co.root, Map.of(), Duration.ofMinutes(10), "build", "-t", "spt", "examples/dns-server");
        assertEquals(0, built.status(), built::toString);
        assertTrue(Files.isRegularFile(co.root.resolve("examples/dns-server/dist/spt/dns-server.spt.tar.xz")), built::toString);
        Path zone = tmp.resolve("sealed.test.zone");
        Files.writeString(zone, """
                $ORIGIN sealed.test.
                $TTL 300
                @    SOA ns1 hostmaster 7 3600 600 604800 60
                @    NS  ns1
                ns1  A   10.78.0.2
                www  A   192.0.2.80
                """);
        try (io.morgana.testing.Netns ns = io.morgana.testing.Netns.create("t7spt")) {
            String tap = "t7s" + ProcessHandle.current().pid() % 10_000_000;
            try (var app = co.start(co.root, "run", "-t", "spt", "examples/dns-server", "--",
                    "--netns=" + ns.name(), "--interface=" + tap, "--ipv4=10.78.0.2/24", "--port=53", "--zone=" + zone)) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                attachWhenUp(app, ns, tap, "10.78.0.1/24", deadline);
                String answer = "";
                while (!answer.equals("192.0.2.80") && System.nanoTime() < deadline) {
                    answer = ns.exec(Duration.ofSeconds(15), "dig", "@10.78.0.2", "+short", "+tries=1", "+time=2", "www.sealed.test", "A")
                            .stdout().strip();
                    if (!answer.equals("192.0.2.80")) Thread.sleep(300);
                }
                assertEquals("192.0.2.80", answer, app::err);
                String tcp = ns.exec(Duration.ofSeconds(15), "dig", "@10.78.0.2", "+tcp", "+short", "+time=5", "www.sealed.test", "A")
                        .stdout().strip();
                assertEquals("192.0.2.80", tcp, app::err);
                String nx = ns.exec(Duration.ofSeconds(15), "dig", "@10.78.0.2", "+time=5", "no-such.sealed.test", "A").stdout();
                assertTrue(nx.contains("status: NXDOMAIN") && nx.contains("flags: qr aa"), nx + app.err());
                assertTrue(app.err().contains("sealed"), "the appliance sealed itself after boot:\n" + app.err());
                app.process().destroy();
                assertTrue(app.process().waitFor(20, TimeUnit.SECONDS), app::err);
                assertEquals(0, app.process().exitValue(), app::err);
            }
        }
    }

    @Test
    void newProjectRunsAndItsTestPasses(@TempDir Path tmp) throws Exception {
        var created = co.morgana(tmp, Map.of(), Duration.ofSeconds(30), "new", "demo");
        assertEquals(0, created.status(), created::toString);
        assertTrue(Files.isRegularFile(tmp.resolve("demo/pom.xml")));
        String source = Files.readString(tmp.resolve("demo/src/main/java/app/demo/DemoAppliance.java"));
        assertFalse(source.lines().anyMatch(l -> l.startsWith("import io.morgana.") && !l.startsWith("import io.morgana.api.")),
                "the appliance imports only io.morgana.api:\n" + source);

        var again = co.morgana(tmp, Map.of(), Duration.ofSeconds(30), "new", "demo");
        assertEquals(73, again.status(), again::toString);
        assertTrue(again.err().contains("already exists"), again::toString);
        var badName = co.morgana(tmp, Map.of(), Duration.ofSeconds(30), "new", "Bad_Name");
        assertEquals(64, badName.status(), badName::toString);

        int port = Checkout.freePort();
        try (var app = co.start(tmp, "run", "demo", "--", "--port=" + port, "--greeting=hi from the test")) {
            awaitTcp(app, port);
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(5000);
                InputStream in = s.getInputStream();
                assertEquals("hi from the test\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            app.process().destroy();
            assertTrue(app.process().waitFor(20, TimeUnit.SECONDS), app::err);
        }

        var test = Checkout.run(new ProcessBuilder(co.root.resolve("mvnw").toString(), "-B", "-f", "demo", "test")
                .directory(tmp.toFile()), Duration.ofMinutes(3));
        assertEquals(0, test.status(), test::toString);
        assertTrue(test.out().matches("(?s).*Tests run: [1-9][0-9]*, Failures: 0, Errors: 0, Skipped: 0.*"), test::toString);
    }

    @Test
    void aMissingRequiredArgumentIsAUsageError(@TempDir Path tmp) throws Exception {
        assertEquals(0, co.morgana(tmp, Map.of(), Duration.ofSeconds(30), "new", "needy").status());
        Path src = tmp.resolve("needy/src/main/java/app/needy/NeedyAppliance.java");
        String code = Files.readString(src);
        String required = code.replace("\"TCP port to greet clients on\")", "\"TCP port to greet clients on\").required()");
        assertFalse(code.equals(required), "the template changed; update this test");
        Files.writeString(src, required);
        var r = co.morgana(tmp, Map.of(), Duration.ofMinutes(2), "run", "needy");
        assertEquals(64, r.status(), r::toString);
        assertTrue(r.err().contains("--port"), r::toString);
        assertTrue(r.err().toLowerCase(java.util.Locale.ROOT).contains("required") || r.err().toLowerCase(java.util.Locale.ROOT).contains("missing"),
                r::toString);
    }

    /** Waits until the appliance accepts on {@code port} (the first run builds it: allow a minute). */
    static void awaitTcp(Checkout.Running app, int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!app.process().isAlive()) throw new AssertionError("exited with " + app.process().exitValue() + ":\n" + app.err());
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                return;
            } catch (IOException e) {
                Thread.sleep(200);
            }
        }
        throw new AssertionError("nothing listening on " + port + " after 90 s:\n" + app.err());
    }
}

package io.morgana.target.spt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.morgana.runtime.KernelRandom;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link SealProbe} as its own JVM (from a jar, as an appliance runs): sealed, opening a file,
 * creating a socket, connecting and executing {@code /bin/true} each fail with EPERM while the JVM
 * keeps working and the appliance keeps answering TCP and UDP echo; with {@code --no-seal} the same
 * attempts succeed. Seccomp with NO_NEW_PRIVS needs no privilege, so this runs everywhere on Linux.
 */
class SealTest {

    @TempDir static Path tmp;
    static Path jar;

    @BeforeAll static void packProbe() throws IOException {
        jar = ProbeJar.build(tmp.resolve("probe.jar"));
    }

    record Run(Map<String, String> lines, int tcpPort, int udpPort, Process process) {}

    static Run start(String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-XX:-UsePerfData", "-cp", jar + File.pathSeparator + location(KernelRandom.class) + File.pathSeparator
                        + location(io.morgana.api.Random.class), SealProbe.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Map<String, String> lines = new HashMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while ((line = r.readLine()) != null && System.nanoTime() < deadline) {
            String[] f = line.split(" ", 3);
            if (f[0].equals("serving")) return new Run(lines, Integer.parseInt(f[1]), Integer.parseInt(f[2]), p);
            if (f.length == 3) lines.put(f[0] + " " + f[1], f[2]);
        }
        p.destroyForcibly();
        fail("probe ended before serving (exit " + p.waitFor() + "): " + lines);
        return null;
    }

    /** The jar or class directory a class comes from (the probe uses the runtime's {@link KernelRandom}). */
    static String location(Class<?> c) throws java.net.URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    static void assertEchoes(Run run) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", run.tcpPort()), 5000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write("sealed but serving\n".getBytes(StandardCharsets.UTF_8));
            byte[] buf = new byte[19];
            int n = 0;
            while (n < buf.length) n += s.getInputStream().read(buf, n, buf.length - n);
            assertEquals("sealed but serving\n", new String(buf, StandardCharsets.UTF_8));
        }
        try (DatagramSocket d = new DatagramSocket()) {
            d.setSoTimeout(5000);
            byte[] msg = "udp too".getBytes(StandardCharsets.UTF_8);
            d.send(new DatagramPacket(msg, msg.length, new InetSocketAddress("127.0.0.1", run.udpPort())));
            DatagramPacket back = new DatagramPacket(new byte[64], 64);
            d.receive(back);
            assertEquals("udp too", new String(back.getData(), 0, back.getLength(), StandardCharsets.UTF_8));
        }
    }

    static void stop(Run run) throws Exception {
        run.process().getOutputStream().close();
        if (!run.process().waitFor(20, TimeUnit.SECONDS)) {
            run.process().destroyForcibly();
            fail("probe did not stop when its stdin closed");
        }
        assertEquals(0, run.process().exitValue(), "probe exit status");
    }

    @Test void sealedAppliancesCannotOpenConnectOrExecuteButKeepServing() throws Exception {
        Run run = start();
        try {
            for (String a : List.of("open", "socket", "connect", "exec")) {
                String v = run.lines().get("attempt " + a);
                assertTrue(v != null && v.startsWith("denied") && v.contains("Operation not permitted"), a + ": " + v);
            }
            assertJvmHealthy(run);
            assertEchoes(run);
            assertEchoes(run);
        } finally {
            stop(run);
        }
    }

    @Test void noSealAllowsTheSameAttempts() throws Exception {
        Run run = start("--no-seal");
        try {
            for (String a : List.of("open", "socket", "connect", "exec")) {
                String v = run.lines().get("attempt " + a);
                assertTrue(v != null && v.startsWith("allowed"), a + ": " + v);
            }
            assertJvmHealthy(run);
            assertEchoes(run);
        } finally {
            stop(run);
        }
    }

    static void assertJvmHealthy(Run run) {
        for (String c : List.of("platform-thread", "virtual-threads", "gc", "jit", "late-app-class", "late-jdk-class",
                "time-zone", "format", "kernel-random", "processors")) {
            assertEquals("ok", run.lines().get("check " + c), c + " after the seal: " + run.lines());
        }
    }
}

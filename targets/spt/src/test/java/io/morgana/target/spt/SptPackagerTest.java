package io.morgana.target.spt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Packs the seal probe as an spt appliance twice, in two different directories at two different
 * times, and compares every reproducible artefact's SHA-256; then runs the packed appliance sealed
 * from its jlinked runtime with its AOT cache.
 */
class SptPackagerTest {

    @TempDir Path tmp;

    static SptPackager.Options options() {
        return SptPackager.Options.of("probe").withMain(SealProbe.class.getName(), List.of())
                .withTraining(List.of("--no-seal"), SptPackager.Training.idle(Duration.ofSeconds(1)))
                .withXz("-1"); // the preset changes the size, not determinism; -6 costs a minute of CPU per build

    }

    SptPackager.Result buildIn(Path checkout) throws Exception {
        Path target = Files.createDirectories(checkout.resolve("target"));
        Path jar = ProbeJar.build(target.resolve("probe.jar"));
        // the probe keeps the runtime's KernelRandom descriptor across the seal: the runtime and api jars go with it
        List<Path> jars = List.of(jar, jarOf(io.morgana.runtime.KernelRandom.class, target.resolve("morgana-runtime.jar")),
                jarOf(io.morgana.api.Random.class, target.resolve("morgana-api.jar")));
        List<String> progress = new ArrayList<>();
        SptPackager.Result r = SptPackager.build(jars, checkout.resolve("dist"), options(), l -> { progress.add(l); System.out.println(l); });
        assertTrue(progress.stream().anyMatch(l -> l.contains("sha256") && l.contains("probe.spt.tar.xz")), "build prints the digest: " + progress);
        return r;
    }

    /** The jar {@code c} comes from, copied to {@code to}; a class directory (a reactor build) packed as one. */
    static Path jarOf(Class<?> c, Path to) throws Exception {
        Path from = Path.of(SealTest.location(c));
        return Files.isDirectory(from) ? ProbeJar.of(to, List.of(from)) : Files.copy(from, to);
    }

    static Map<String, String> reproducibleSums(SptPackager.Result r) {
        Map<String, String> m = new TreeMap<>();
        Path dist = r.archive().getParent();
        for (SptPackager.Artefact a : r.artefacts()) {
            if (a.reproducible()) m.put(dist.relativize(a.path()).toString(), a.sha256());
        }
        return m;
    }

    @Test void twoBuildsInDifferentPlacesGiveTheSameBytesAndTheApplianceRunsSealed() throws Exception {
        SptPackager.Result a = buildIn(tmp.resolve("checkout-one"));
        Thread.sleep(1100); // a different second: nothing may depend on the clock
        SptPackager.Result b = buildIn(tmp.resolve("somewhere/else/checkout-two"));

        Map<String, String> sa = reproducibleSums(a), sb = reproducibleSums(b);
        assertTrue(sa.containsKey("probe.spt.tar.xz") && sa.containsKey("probe/runtime/lib/modules")
                && sa.containsKey("probe/bin/probe") && sa.containsKey("probe/lib/probe.jar"), sa.keySet().toString());
        Map<String, String> differ = new TreeMap<>();
        for (String k : sa.keySet()) if (!sa.get(k).equals(sb.get(k))) differ.put(k, sa.get(k) + " vs " + sb.get(k));
        assertEquals(sa.keySet(), sb.keySet(), "both builds make the same files");
        assertEquals(Map.of(), differ, "two builds of the same jars must give identical artefacts");
        assertEquals(List.of("java.base", "jdk.unsupported"), a.modules(), "jdeps: the probe and the runtime need java.base, and the runtime's signal handling jdk.unsupported");
        assertTrue(a.aotCache().isPresent(), "the training run made an AOT cache");
        assertTrue(Files.size(a.archive()) < 40L << 20, "archive size " + Files.size(a.archive()));

        // The packed appliance: jlinked runtime, launcher, AOT cache, sealed.
        Path stderr = tmp.resolve("stderr.txt");
        Process p = new ProcessBuilder(a.launcher().toString(), "--heap=24m").redirectError(stderr.toFile()).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            List<String> lines = new ArrayList<>();
            String line;
            while ((line = r.readLine()) != null && !line.startsWith("serving")) lines.add(line);
            assertTrue(line != null, "packed appliance ended early: " + lines);
            assertTrue(lines.contains("sealed true"), lines.toString());
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("attempt exec denied")), lines.toString());
            assertTrue(lines.stream().filter(l -> l.startsWith("check ")).allMatch(l -> l.endsWith(" ok")), lines.toString());
            int port = Integer.parseInt(line.split(" ")[1]);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                s.getOutputStream().write('x');
                assertEquals('x', s.getInputStream().read());
            }
        } finally {
            p.getOutputStream().close();
            if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
        }
        String err = Files.readString(stderr);
        assertTrue(err.contains("sealed:") && !err.contains("WARNING") && !err.contains("[warning]"),
                "the launcher's JVM options give a clean start (native access enabled, AOT cache accepted): " + err);
    }
}

package io.morgana.target.spt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.testing.Netns;
import io.morgana.testing.Privileged;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/website packed for spt (jars of the reactor's modules, jlink, a training run that boots
 * it on TAP in a namespace and fetches pages with curl, archive), then run from its launcher,
 * sealed, on a TAP interface in a namespace: curl gets the site, also after the trim has paged out
 * the pages of files start-up used; SIGTERM stops it cleanly.
 */
@Privileged(tools = {"curl", "ip"})
class SptWebsiteTest {

    private static final Pattern TRIMMED = Pattern.compile("pages of files ([0-9.]+) -> ([0-9.]+) MB");

    @TempDir Path tmp;

    /**
     * The reactor's modules on the test class path, as jars: Maven gives their jars after
     * {@code package} ({@code verify}) and their class directories before ({@code test}), which
     * are packed here. Not the test classes, not the test harness, nothing from outside Morgana.
     */
    List<Path> applianceJars() throws Exception {
        List<Path> jars = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(e).toAbsolutePath();
            String n = p.getFileName().toString();
            if (Files.isRegularFile(p) && n.startsWith("morgana-") && !n.startsWith("morgana-testing") && !n.contains("-tests")) {
                jars.add(p);
                continue;
            }
            if (!Files.isDirectory(p) || !p.endsWith(Path.of("target", "classes")) || p.toString().contains("/testing/")) continue;
            String module = p.getParent().getParent().getFileName().toString();
            jars.add(ProbeJar.of(tmp.resolve("morgana-" + module + ".jar"), List.of(p)));
        }
        return jars;
    }

    @Test void websitePackedForSptServesCurlOverTapWhileSealed() throws Exception {
        try (Netns ns = Netns.create("s8ns-web")) {
            ns.addTap("s8tap0", "10.58.0.1/24");
            List<String> boot = List.of("--interface=s8tap0", "--netns=" + ns.name(), "--ipv4=10.58.0.2/24", "--port=80");
            List<String> training = new ArrayList<>(List.of("--no-seal"));
            training.addAll(boot);
            SptPackager.Options o = SptPackager.Options.of("website").withXz("-1").withTraining(training, run -> {
                if (!run.awaitOutput("listening", Duration.ofSeconds(90))) throw new IllegalStateException("training run did not start");
                for (int i = 0; i < 5; i++) ns.execOk(Duration.ofSeconds(20), "curl", "-sf", "-o", "/dev/null", "http://10.58.0.2/");
            });
            SptPackager.Result r = SptPackager.build(applianceJars(), tmp.resolve("dist"), o, System.out::println);
            assertTrue(r.aotCache().isPresent(), "the training run on TAP made an AOT cache");
            assertTrue(r.modules().contains("java.base"), r.modules().toString());

            Path log = tmp.resolve("website.log");
            List<String> cmd = new ArrayList<>(List.of(r.launcher().toString()));
            cmd.addAll(boot);
            cmd.add("--trim-after=0s"); // the trim at once, under the seal, while the first requests come
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                SptPackager.TrainingRun running = new SptPackager.TrainingRun(p, log);
                assertTrue(running.awaitOutput("listening", Duration.ofSeconds(90)), "did not start: " + Files.readString(log));
                String out = Files.readString(log, StandardCharsets.UTF_8);
                assertTrue(out.contains("sealed:"), "the appliance sealed itself: " + out);
                Netns.Result page = ns.execOk(Duration.ofSeconds(20), "curl", "-sf", "http://10.58.0.2/");
                assertTrue(page.stdout().contains("<html") || page.stdout().contains("<!doctype"), page.output());
                Netns.Result missing = ns.exec(Duration.ofSeconds(20), "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                        "http://10.58.0.2/no-such-page");
                assertEquals("404", missing.stdout().trim(), missing.output());

                assertTrue(running.awaitOutput("trimmed after boot", Duration.ofSeconds(30)),
                        "the sealed appliance may madvise its file mappings: " + Files.readString(log));
                Matcher m = TRIMMED.matcher(Files.readString(log, StandardCharsets.UTF_8));
                assertTrue(m.find(), Files.readString(log));
                // Not to a figure: pages the other threads touch come back during the trim, and pages of
                // files written just now (this build's) stay in the page cache, from which they return at once.
                assertTrue(Double.parseDouble(m.group(2)) <= Double.parseDouble(m.group(1)) - 2,
                        "the trim gave back pages of files: " + m.group());
                for (int i = 0; i < 3; i++) {
                    Netns.Result again = ns.execOk(Duration.ofSeconds(20), "curl", "-sf", "http://10.58.0.2/");
                    assertEquals(page.stdout(), again.stdout(), "the same page after the trim");
                }
            } finally {
                p.destroy();
                boolean stopped = p.waitFor(30, TimeUnit.SECONDS);
                if (!stopped) p.destroyForcibly();
                String out = Files.readString(log, StandardCharsets.UTF_8);
                assertTrue(stopped, "a sealed appliance stops on SIGTERM: " + out);
                assertEquals(0, p.exitValue(), "graceful stop after the seal: " + out);
            }
        }
    }
}

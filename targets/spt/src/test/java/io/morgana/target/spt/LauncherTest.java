package io.morgana.target.spt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher script: options as documented, no build path inside, --heap checked. */
class LauncherTest {

    @TempDir Path tmp;

    @Test void launcherNamesItsOptionsAndHoldsNoBuildPath() {
        String s = SptPackager.launcher(SptPackager.Options.of("website"), List.of("website.jar", "morgana-runtime.jar"));
        assertTrue(s.startsWith("#!/bin/sh\n"));
        for (String opt : List.of("-XX:+UseSerialGC", "-XX:-UsePerfData", "-XX:+DisableAttachMechanism", "--enable-native-access=ALL-UNNAMED",
                "-XX:AOTCache=$here/lib/website.aot", "io.morgana.runtime.Main spt \"$@\"", "\"$here/lib/website.jar:$here/lib/morgana-runtime.jar\"")) {
            assertTrue(s.contains(opt), opt + " in\n" + s);
        }
        assertTrue(!s.contains(System.getProperty("java.home")) && !s.contains("/work/") && !s.matches("(?s).*@[A-Z]+@.*"), s);
    }

    /** Issue 6: every JVM option the launcher passes says why it is there, in the launcher's own comment. */
    @Test void everyJvmOptionIsExplained() {
        String s = SptPackager.launcher(SptPackager.Options.of("website"), List.of("website.jar"));
        String comment = s.lines().filter(l -> l.startsWith("#")).reduce("", (a, b) -> a + b + "\n");
        String exec = s.substring(s.indexOf("exec \""));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?<=\\s)(-X[^\\s\"=]*|--[a-z-]+)").matcher(exec);
        int n = 0;
        while (m.find()) {
            String opt = m.group(1).replaceFirst("^(-Xm[xs]).*", "$1").replaceFirst("^(-XX:[+-]?)", "-XX:");
            String name = opt.startsWith("-XX:") ? opt.substring(4) : opt;
            assertTrue(comment.contains(name), name + " is passed but not explained in\n" + comment);
            n++;
        }
        assertTrue(n >= 12, "found the launcher's options (" + n + ") in\n" + exec);
    }

    @Test void smallHeapsStartAtTheirSize() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("small/bin"));
        Path launcher = bin.resolve("small");
        Files.writeString(launcher, SptPackager.launcher(SptPackager.Options.of("small").withMain("X", List.of()), List.of("x.jar")));
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        // no runtime beside it: the exec fails, but "sh -x" shows the options it would pass
        // the young generation is 1/32 of the heap, at least 2 MiB, at most half the heap
        for (String[] c : new String[][] {{"--heap=4m", "-Xms4m", "-XX:NewSize=2048k -XX:MaxNewSize=2048k"},
                {"--heap=2m", "-Xms2m", "-XX:NewSize=1024k -XX:MaxNewSize=1024k"}, {"--heap=64m", "-Xms8m", "-XX:NewSize=2048k"},
                {"--heap=1g", "-Xms8m", "-XX:NewSize=32768k -XX:MaxNewSize=32768k"}, {"--heap=32m", "-Xms8m", "-XX:NewSize=2048k"},
                {"--heap=131072k", "-Xms131072k", "-XX:NewSize=4096k"}}) {
            Process p = new ProcessBuilder("sh", "-x", launcher.toString(), c[0]).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            assertTrue(out.contains(c[1]) && out.contains(c[2]) && out.contains("-Xmx" + c[0].substring(7)), c[0] + ": " + out);
        }
    }

    @Test void badHeapIsAUsageError() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("app/bin"));
        Path launcher = bin.resolve("app");
        Files.writeString(launcher, SptPackager.launcher(SptPackager.Options.of("app"), List.of("app.jar")));
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Process p = new ProcessBuilder(launcher.toString(), "--heap=lots").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(64, p.waitFor(), out);
        assertTrue(out.contains("--heap=lots") && out.contains("16m"), out);
    }

    /** The build reads the jars' META-INF/services once, and the launcher passes what it found (quoted for sh). */
    @Test void packedServicesComeFromTheJarsInClassPathOrder() throws Exception {
        Path a = jar("a.jar", "META-INF/services/io.morgana.runtime.Target", "# targets\nio.x.ATarget  # the first\n\nio.x.Inner$BTarget\n");
        Path b = jar("b.jar", "META-INF/services/io.morgana.runtime.Target", "io.x.ATarget\nio.x.CTarget\n",
                "META-INF/services/io.morgana.api.Appliance", "io.x.App\n");
        Path none = jar("c.jar", "x.txt", "");
        List<String> props = SptPackager.packedServices(List.of(a, none, b));
        assertEquals(List.of("-Dmorgana.packed.targets=io.x.ATarget,io.x.Inner$BTarget,io.x.CTarget", "-Dmorgana.packed.appliances=io.x.App"), props);
        String s = SptPackager.launcher(SptPackager.Options.of("website"), List.of("a.jar"), props);
        String exec = s.substring(s.indexOf("exec \""));
        assertTrue(exec.contains("'-Dmorgana.packed.targets=io.x.ATarget,io.x.Inner$BTarget,io.x.CTarget' -Dmorgana.packed.appliances=io.x.App "), exec);
        assertTrue(exec.indexOf("-Dmorgana.packed") < exec.indexOf(" -cp "), exec);
        assertEquals(List.of(), SptPackager.packedServices(List.of(none)));
    }

    private Path jar(String name, String... entries) throws Exception {
        Path j = tmp.resolve(name);
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(j))) {
            for (int i = 0; i < entries.length; i += 2) {
                out.putNextEntry(new java.util.jar.JarEntry(entries[i]));
                out.write(entries[i + 1].getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return j;
    }
}

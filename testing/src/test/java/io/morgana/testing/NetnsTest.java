package io.morgana.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@Privileged(tools = "ping")
class NetnsTest {

    @Test
    void tapAndVethLiveInTheNamespaceAndGoAwayOnClose() {
        Netns.Spawned sleeper;
        String aName;
        try (Netns a = Netns.create("t4ns-harness-a"); Netns b = Netns.create("t4ns-harness-b")) {
            aName = a.name();
            assertEquals("t4ns-harness-a-" + ProcessHandle.current().pid(), aName);
            a.addTap("t4tap-h0", "10.4.99.1/24");
            String addr = a.ip("-4", "addr", "show", "dev", "t4tap-h0").stdout();
            assertTrue(addr.contains("10.4.99.1/24"), addr);
            assertNotEquals(0, Netns.host("ip", "link", "show", "t4tap-h0").exit(), "the TAP must not be in the root namespace");

            a.addVeth("t4v-ha", "10.4.98.1/24", "t4v-hb", b, "10.4.98.2/24");
            Netns.Result ping = a.exec(Duration.ofSeconds(20), "ping", "-c", "1", "-w", "10", "10.4.98.2");
            assertEquals(0, ping.exit(), ping.output());

            sleeper = a.spawn("sleep", "600");
            assertTrue(sleeper.process().isAlive());
        }
        assertFalse(Files.exists(Path.of("/var/run/netns", aName)));
        assertFalse(sleeper.process().isAlive(), "spawned processes are stopped on close");
    }

    @Test
    void aJvmThatExitsOrIsTerminatedWithoutClosingStillCleansUp() throws Exception {
        for (String mode : new String[] {"exit", "wait"}) {
            String base = "t4ns-leak-" + mode;
            String javaBin = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), NetnsLeaker.class.getName(), base, mode)
                    .redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("created " + base + "-"), line);
            String name = line.substring("created ".length());
            assertTrue(Files.exists(Path.of("/var/run/netns", name)));
            if (mode.equals("wait")) {
                p.destroy(); // SIGTERM
            } else {
                p.getOutputStream().write('\n'); // exit now
                p.getOutputStream().close();
            }
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertFalse(Files.exists(Path.of("/var/run/netns", name)), "the shutdown hook deleted " + name + " (" + mode + ")");
        }
    }
}

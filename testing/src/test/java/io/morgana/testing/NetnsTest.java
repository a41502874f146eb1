package io.morgana.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@Privileged(tools = "ping")
class NetnsTest {

    @Test
    void tapAndVethLiveInTheNamespaceAndGoAwayOnClose() {
        Netns.Spawned sleeper;
        try (Netns a = Netns.create("t4ns-harness-a"); Netns b = Netns.create("t4ns-harness-b")) {
            a.addTap("t4tap-h0", "10.4.99.1/24");
            String addr = a.ip("-4", "addr", "show", "dev", "t4tap-h0").stdout();
            assertTrue(addr.contains("10.4.99.1/24"), addr);
            assertNotEquals(0, Netns.host("ip", "link", "show", "t4tap-h0").exit(), "the TAP must not be in the root namespace");

            a.addVeth("t4v-ha", "10.4.98.1/24", "t4v-hb", b, "10.4.98.2/24");
            Netns.Result ping = a.exec(Duration.ofSeconds(10), "ping", "-c", "1", "-W", "2", "10.4.98.2");
            assertEquals(0, ping.exit(), ping.output());

            sleeper = a.spawn("sleep", "600");
            assertTrue(sleeper.process().isAlive());
        }
        assertFalse(Files.exists(Path.of("/var/run/netns/t4ns-harness-a")));
        assertFalse(sleeper.process().isAlive(), "spawned processes are stopped on close");
    }
}

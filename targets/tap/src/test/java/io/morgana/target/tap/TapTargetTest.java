package io.morgana.target.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.runtime.BootException;
import io.morgana.runtime.Launcher;
import io.morgana.runtime.Main;
import io.morgana.testing.Netns;
import io.morgana.testing.Privileged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The tap target booted by the runtime, as {@code morgana run -t tap} does, with an API-only appliance. */
class TapTargetTest {

    @Test
    void isFoundByNameAndSaysWhatItNeeds() throws BootException {
        TapTarget t = (TapTarget) Main.target("tap");
        assertTrue(t.requirements().contains("CAP_NET_ADMIN"), t.requirements());
        assertTrue(t.requirements().contains("/dev/net/tun"), t.requirements());
        assertTrue(t.args().stream().anyMatch(a -> a.name().equals("link-drop")), "fault injection arguments are offered");
    }

    @Test
    void refusesToBootWithoutAnAddressOrWithContradictions() {
        for (String[] args : new String[][] {
            {"--interface=t4tap-none"},
            {"--interface=t4tap-none", "--dhcp", "--ipv4=10.4.8.2/24"},
            {"--interface=t4tap-none", "--ipv4=10.4.8.2/24", "--ipv4-gateway=10.4.9.1"},
            {"--interface=t4tap-none", "--ipv4=10.4.8.2/24", "--tap-offload=maybe"},
        }) {
            try (Launcher.Running r = Launcher.start(new UdpEchoAppliance(), "tap", args)) {
                assertEquals(BootException.USAGE, r.awaitExit(Duration.ofSeconds(10)), String.join(" ", args));
                assertTrue(r.bootError() != null && r.bootError().contains("--"), r.bootError());
            }
        }
    }

    @Test
    @Privileged(tools = {"ping", "socat", "tshark"})
    void runsAnApplianceOnItsOwnStackWithPcap() throws Exception {
        Path pcap = Files.createTempDirectory("t4-target").resolve("run.pcap");
        try (Netns ns = Netns.create("t4ns-target")) {
            ns.addTap("t4tap-tg", "10.4.8.1/24");
            try (Launcher.Running app = Launcher.start(new UdpEchoAppliance(), "tap", "--interface=t4tap-tg",
                    "--netns=" + ns.name(), "--ipv4=10.4.8.2/24", "--ipv4-gateway=10.4.8.1", "--mac=02:00:00:00:04:08",
                    "--pcap=" + pcap)) {
                app.awaitLog("echoing on udp port 7", Duration.ofSeconds(20));
                assertTrue(String.join("\n", app.log()).contains("attached to TAP interface t4tap-tg"), String.join("\n", app.log()));
                assertTrue(String.join("\n", app.log()).contains("checksum and TCP segmentation offload"), "offloads by default");
                ns.execOk(Duration.ofSeconds(20), "ping", "-c", "3", "-i", "0.2", "-w", "10", "10.4.8.2");
                Netns.Result echo = ns.exec(Duration.ofSeconds(10), "sh", "-c", "echo via the tap target | socat -t 2 - UDP4:10.4.8.2:7");
                assertEquals("via the tap target", echo.stdout().trim(), echo.output());
                Netns.Result neigh = ns.ip("neigh", "show", "10.4.8.2");
                assertTrue(neigh.stdout().contains("02:00:00:00:04:08"), "--mac is our address: " + neigh.stdout());
                app.stop();
                assertEquals(0, app.awaitExit(Duration.ofSeconds(20)));
            }
        }
        Netns.Result r = Netns.host("tshark", "-n", "-r", pcap.toString(), "-Y", "udp.port == 7");
        assertEquals(2, r.stdout().lines().count(), "the echo request and reply are in --pcap: " + r.output());
    }

    @Test
    @Privileged
    void withDhcpAndNoServerItLogsRetriesAndKeepsRunning() throws Exception {
        try (Netns ns = Netns.create("t4ns-target-dhcp")) {
            ns.addTap("t4tap-td", "10.4.9.1/24");
            try (Launcher.Running app = Launcher.start(new UdpEchoAppliance(), "tap", "--interface=t4tap-td",
                    "--netns=" + ns.name(), "--dhcp", "--name=t4-appliance")) {
                app.awaitLog("no DHCP server answered 1 DISCOVER; retrying", Duration.ofSeconds(15));
                assertTrue(!app.exited(), "the appliance keeps running without an address");
            }
        }
    }

    @Test
    @Privileged
    void createsTheInterfaceWhenAbsent() throws Exception {
        try (Netns ns = Netns.create("t4ns-target-new")) {
            try (Launcher.Running app = Launcher.start(new UdpEchoAppliance(), "tap", "--interface=t4tap-tn",
                    "--netns=" + ns.name(), "--ipv4=10.4.10.2/24", "--tap-offload=false")) {
                app.awaitLog("created TAP interface t4tap-tn", Duration.ofSeconds(20));
                assertTrue(String.join("\n", app.log()).contains("no offloads"), "--tap-offload=false: " + app.log());
                assertTrue(ns.ip("link", "show", "t4tap-tn").stdout().contains("UP"));
            }
            assertTrue(ns.exec(Duration.ofSeconds(5), "ip", "link", "show", "t4tap-tn").exit() != 0, "gone with the appliance");
        }
    }
}

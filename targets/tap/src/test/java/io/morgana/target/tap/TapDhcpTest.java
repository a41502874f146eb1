package io.morgana.target.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Ipv4Address;
import io.morgana.api.MacAddress;
import io.morgana.net.dhcp.DhcpService;
import io.morgana.net.dhcp.Lease;
import io.morgana.net.stack.NetStack;
import io.morgana.testing.Netns;
import io.morgana.testing.Privileged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * DHCP against dnsmasq in a namespace: with no server the client retries and keeps running; once
 * dnsmasq starts it gets a lease (2-minute lease, T1 set to 20 s by the server to keep the test
 * short), answers pings on the leased address, renews, and checks its lease by INIT-REBOOT when
 * the link comes back after being down.
 */
@Privileged(tools = {"dnsmasq", "ping"})
class TapDhcpTest {
    static final String TAP = "t4tap-dh";

    @Test
    void retriesWithoutAServerThenLeasesAndRenewsFromDnsmasq() throws Exception {
        Path dir = Files.createTempDirectory("t4-dhcp");
        try (Netns ns = Netns.create("t4ns-dhcp"); TestLoop loop = new TestLoop()) {
            ns.addTap(TAP, "10.4.5.1/24");
            TapLink link = new TapLink(TapDevice.open(TAP, ns.name()), MacAddress.parse("02:00:00:00:04:05"));
            NetStack stack = NetStack.builder(link, loop).build().start();
            DhcpService dhcp = DhcpService.start(stack, "morgana-t4", null);
            link.onLinkUp(dhcp::linkReconnected);
            try {
                // No server yet: DISCOVER at 0 s, then a logged retry at ~4 s; the stack keeps running without an address.
                await(Duration.ofSeconds(10), () -> dhcp.counters().getOrDefault("dhcp.tx.discover", 0L) >= 2);
                assertTrue(stack.addresses().isEmpty());

                Netns.Spawned dnsmasq = ns.spawn("dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--port=0",
                        "--interface=" + TAP, "--bind-interfaces", "--user=root", "--log-dhcp", "--log-facility=-",
                        "--dhcp-leasefile=" + dir.resolve("leases"), "--pid-file=" + dir.resolve("pid"),
                        "--dhcp-range=10.4.5.50,10.4.5.60,255.255.255.0,2m",
                        "--dhcp-option=option:router,10.4.5.1", "--dhcp-option=option:dns-server,10.4.5.1",
                        "--dhcp-option=option:T1,20", "--dhcp-option=option:T2,90", "--dhcp-option=option:mtu,1400");
                // The next DISCOVER comes at ~12 s of backoff; the lease follows.
                await(Duration.ofSeconds(30), () -> dhcp.lease() != null, dnsmasq::log);
                assertTrue(dhcp.counters().get("dhcp.tx.discover") >= 3, "the client kept retrying: " + dhcp.counters());
                Lease lease = dhcp.lease();
                int host = lease.address().address().bits() & 0xff;
                assertTrue(host >= 50 && host <= 60, "leased from the range: " + lease);
                assertEquals(24, lease.address().length());
                assertEquals(Ipv4Address.parse("10.4.5.1"), lease.router());
                assertEquals(List.of(Ipv4Address.parse("10.4.5.1")), lease.dns());
                assertEquals(120, lease.duration().toSeconds());
                assertEquals(20, lease.renewAfter().toSeconds());
                await(Duration.ofSeconds(5), () -> stack.addresses().contains(lease.address().address()));
                assertEquals(1400, lease.mtu());
                await(Duration.ofSeconds(5), () -> stack.ipv4().mtu() == 1400); // option 26 applied
                await(Duration.ofSeconds(5), () -> stack.dnsServers().equals(List.of(Ipv4Address.parse("10.4.5.1")))); // for the resolver

                String us = lease.address().address().toString();
                Netns.Result ping = ns.exec(Duration.ofSeconds(20), "ping", "-c", "2", "-w", "10", us);
                assertEquals(0, ping.exit(), ping.output());
                assertTrue(dnsmasq.log().contains("DHCPACK(" + TAP + ") " + us + " 02:00:00:00:04:05 morgana-t4"), dnsmasq.log());

                // Renewal at T1 (20 s): a unicast REQUEST that dnsmasq acknowledges again.
                await(Duration.ofSeconds(40), () -> dhcp.counters().getOrDefault("dhcp.renewed", 0L) >= 1, dnsmasq::log);
                long acks = dnsmasq.log().lines().filter(l -> l.contains("DHCPACK(" + TAP + ") " + us)).count();
                assertTrue(acks >= 2, "dnsmasq acknowledged the renewal: " + dnsmasq.log());
                assertEquals(lease.address(), dhcp.lease().address());

                // The host side goes down and up: the client checks its lease by INIT-REBOOT and keeps it.
                long renewed = dhcp.counters().get("dhcp.renewed");
                ns.ip("link", "set", TAP, "down");
                Thread.sleep(4000); // the reader looks once a second; leave it several looks on a loaded machine
                ns.ip("link", "set", TAP, "up");
                await(Duration.ofSeconds(15), () -> dhcp.counters().get("dhcp.renewed") > renewed, dnsmasq::log);
                assertTrue(dnsmasq.log().contains("DHCPREQUEST(" + TAP + ") " + us + " 02:00:00:00:04:05"), dnsmasq.log());
                assertEquals(lease.address(), dhcp.lease().address());
            } finally {
                dhcp.close();
                stack.close();
            }
        }
    }

    static void await(Duration limit, BooleanSupplier condition) throws InterruptedException {
        await(limit, condition, () -> "");
    }

    static void await(Duration limit, BooleanSupplier condition, java.util.function.Supplier<String> context) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() >= end) throw new AssertionError("not within " + limit + "\n" + context.get());
            Thread.sleep(100);
        }
    }
}

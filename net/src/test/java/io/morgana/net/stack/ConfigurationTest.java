package io.morgana.net.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Arg;
import io.morgana.api.Clock;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Prefix;
import io.morgana.api.Manifest;
import io.morgana.api.Random;
import io.morgana.net.link.Faults;
import io.morgana.net.link.LinkArgs;
import io.morgana.net.link.MemoryLink;
import io.morgana.net.sim.SimNet;
import io.morgana.runtime.loop.SimulatedLoop;
import io.morgana.runtime.Boot;
import io.morgana.runtime.BootException;
import io.morgana.runtime.StandardArgs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Boot arguments into a stack, the DHCP hook, and the TCP placeholder. */
class ConfigurationTest {

    /** A Boot over parsed text arguments. */
    static Boot boot(Map<String, String> given) {
        return new Boot() {
            @Override public Manifest manifest() { return Manifest.builder("t").build(); }

            @Override @SuppressWarnings("unchecked") public <T> T arg(Arg<T> a) {
                String v = given.get(a.name());
                return v == null ? a.defaultValue() : a.parse(v);
            }

            @Override public boolean given(Arg<?> a) { return given.containsKey(a.name()); }

            @Override public Clock clock() { throw new UnsupportedOperationException(); }

            @Override public Random random() { return SimNet.seeded(1); }

            @Override public void onShutdown(AutoCloseable resource) {}
        };
    }

    static NetStack.Builder builder() {
        return NetStack.builder(MemoryLink.pair(SimNet.MAC_A, SimNet.MAC_B)[0], new SimulatedLoop());
    }

    @Test
    void argumentsConfigureTheStack(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Map<String, String> m = new HashMap<>(Map.of("ipv4", "10.0.0.2/24", "ipv4-gateway", "10.0.0.1",
                "link-drop", "0.05", "link-seed", "7", "pcap", dir.resolve("x.pcap").toString()));
        NetStack s = builder().configure(boot(m)).buildChecked();
        SimulatedLoop loop = (SimulatedLoop) s.loop();
        assertEquals(List.of(Ipv4Address.parse("10.0.0.2")), s.addresses(), "a static address holds before the loop runs");
        assertEquals(Ipv4Address.parse("10.0.0.2").bits(), s.ipv4().address());
        s.start();
        loop.runFor(java.time.Duration.ofNanos(1_000_000));
        assertEquals(List.of(Ipv4Address.parse("10.0.0.2")), s.addresses());
        assertEquals(24, s.ipv4().prefixLength());
        assertTrue(s.counters().containsKey("link.fault.dropped"), "fault injector installed");
        s.close();
        assertTrue(java.nio.file.Files.size(dir.resolve("x.pcap")) > 24, "pcap header and the gratuitous ARP");
    }

    @Test
    void wrongArgumentsSayWhatToDo() {
        BootException none = assertThrows(BootException.class, () -> builder().configure(boot(Map.of())));
        assertEquals(BootException.USAGE, none.exitStatus());
        assertTrue(none.getMessage().contains("--ipv4=") && none.getMessage().contains("--dhcp"), none.getMessage());
        BootException gw = assertThrows(BootException.class,
                () -> builder().configure(boot(Map.of("ipv4", "10.0.0.2/24", "ipv4-gateway", "10.0.1.1"))));
        assertTrue(gw.getMessage().contains("not on the subnet"), gw.getMessage());
        BootException pcap = assertThrows(BootException.class,
                () -> builder().configure(boot(Map.of("ipv4", "10.0.0.2/24", "pcap", "/nonexistent-dir/x.pcap"))).buildChecked());
        assertEquals(BootException.OSERR, pcap.exitStatus());
        assertTrue(pcap.getMessage().contains("/nonexistent-dir/x.pcap"), pcap.getMessage());
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class, () -> LinkArgs.DROP.parse("5%"));
        assertTrue(p.getMessage().contains("0..1"), p.getMessage());
        assertEquals(1_500_000L, LinkArgs.RATE.parse("1.5M"));
        assertTrue(StandardArgs.ALL.stream().noneMatch(a -> LinkArgs.ALL.stream().anyMatch(b -> b.name().equals(a.name()))),
                "no clash with the standard arguments");
    }

    @Test
    void dhcpHookSetsAndClearsTheAddressAndBroadcastWorksWithoutOne() throws Exception {
        SimulatedLoop loop = new SimulatedLoop();
        MemoryLink[] pair = MemoryLink.pair(SimNet.MAC_A, SimNet.MAC_B);
        NetStack client = NetStack.builder(pair[0], loop).random(SimNet.seeded(3)).build().start();
        NetStack server = NetStack.builder(pair[1], loop).ipv4(new Ipv4Prefix(SimNet.B, 24)).random(SimNet.seeded(4)).build().start();
        loop.runFor(java.time.Duration.ofNanos(1_000_000));
        assertEquals(List.of(), client.addresses());
        assertEquals(0, client.counters().get("arp.tx.requests"), "no announcement without an address");
        List<String> atServer = new ArrayList<>(), atClient = new ArrayList<>();
        server.udpLayer().bind(67, (src, sp, dst, dp, p) -> {
            atServer.add(new Ipv4Address(src) + ">" + new Ipv4Address(dst));
            // An offer, broadcast (the client asked with the broadcast flag).
            server.udpLayer().send(SimNet.B.bits(), 67, -1, 68, ByteBuffer.wrap(new byte[] {1}));
        });
        client.udpLayer().bind(68, (src, sp, dst, dp, p) -> atClient.add(new Ipv4Address(src) + ">" + new Ipv4Address(dst)));
        loop.execute(() -> client.udpLayer().send(0, 68, -1, 67, ByteBuffer.wrap(new byte[] {1, 2, 3})));
        loop.runFor(java.time.Duration.ofNanos(10_000_000));
        assertEquals("0.0.0.0>255.255.255.255", atServer.get(0));
        assertEquals(List.of("10.0.0.2>255.255.255.255"), atClient);
        // While unconfigured, unicast to any address is taken (an offer sent to the offered address).
        io.morgana.net.wire.HostileCorpus h = new io.morgana.net.wire.HostileCorpus(SimNet.MAC_A.bits(),
                Ipv4Address.parse("10.0.0.50").bits(), SimNet.MAC_B.bits(), SimNet.B.bits());
        byte[] unicastOffer = h.udp(68, new byte[] {2});
        loop.execute(() -> pair[0].inject(unicastOffer));
        loop.runFor(java.time.Duration.ofNanos(1_000_000));
        assertEquals(List.of("10.0.0.2>255.255.255.255", "10.0.0.2>10.0.0.50"), atClient);
        // Unicast from an unconfigured client is refused, not sent from 0.0.0.0.
        assertEquals(io.morgana.net.ipv4.SendStatus.NO_ADDRESS,
                client.udpLayer().send(0, 68, SimNet.B.bits(), 67, ByteBuffer.allocate(1)));
        IOException noAddr = assertThrows(IOException.class,
                () -> client.udp().bind(0).send(ByteBuffer.allocate(1), new io.morgana.api.Endpoint(SimNet.B, 9)));
        assertTrue(noAddr.getMessage().contains("no IPv4 address yet"), noAddr.getMessage());

        client.configureIpv4(Ipv4Prefix.parse("10.0.0.50/24"), Ipv4Address.parse("10.0.0.2"));
        loop.runFor(java.time.Duration.ofNanos(1_000_000));
        assertEquals(List.of(Ipv4Address.parse("10.0.0.50")), client.addresses());
        assertEquals(1, client.counters().get("arp.tx.requests"), "the new address is announced");
        int[] replies = {0};
        client.icmp().echoListener((src, id, seq, d) -> replies[0]++);
        loop.execute(() -> client.icmp().ping(SimNet.B.bits(), 1, 1, ByteBuffer.allocate(8)));
        // Off-subnet through the gateway (the server here): resolved by ARP for the gateway.
        loop.execute(() -> client.icmp().ping(Ipv4Address.parse("192.0.2.1").bits(), 1, 2, ByteBuffer.allocate(8)));
        loop.runFor(java.time.Duration.ofNanos(10_000_000));
        assertEquals(1, replies[0]);
        assertEquals(1, server.counters().get("ipv4.rx.drop.not-for-us"), "192.0.2.1 went to the gateway's MAC");

        client.clearIpv4();
        loop.runFor(java.time.Duration.ofNanos(1_000_000));
        assertEquals(List.of(), client.addresses());
        assertEquals(0, client.ipv4().address());
        client.close();
        server.close();
    }

    @Test
    void tcpIsAClearIOExceptionUntilPluggedAndAFactoryPlugsIt() throws Exception {
        try (SimNet net = new SimNet(30, Faults.NONE)) {
            IOException e = assertThrows(IOException.class, () -> net.a.tcp().listen(80));
            assertTrue(e.getMessage().contains("TCP not available"), e.getMessage());
        }
        io.morgana.api.Tcp fake = new io.morgana.api.Tcp() {
            @Override public io.morgana.api.Listener listen(int port) { return null; }

            @Override public io.morgana.api.Flow connect(io.morgana.api.Endpoint r, java.time.Duration t) { return null; }
        };
        NetStack[] seen = {null};
        try (SimNet net = new SimNet(31, Faults.NONE, b -> b.tcp(s -> {
            seen[0] = s;
            return fake;
        }))) {
            assertEquals(fake, net.b.tcp());
            assertEquals(net.b, seen[0]);
        }
        NetStack s = builder().ipv4(Ipv4Prefix.parse("10.0.0.9/24")).tcp(x -> fake).build().start();
        assertEquals(fake, s.tcp(), "TCP is there as soon as start() returns, before the loop ran");
    }
}

package io.morgana.target.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Endpoint;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Prefix;
import io.morgana.api.MacAddress;
import io.morgana.api.UdpSocket;
import io.morgana.net.stack.NetStack;
import io.morgana.testing.Netns;
import io.morgana.testing.Privileged;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Morgana's stack on a TAP interface against the real Linux kernel and its tools, in a namespace:
 * the kernel side is 10.4.3.1/24, the appliance 10.4.3.2/24 with gateway 10.4.3.1.
 */
@Privileged(tools = {"ping", "arping", "socat", "python3"})
class TapKernelTest {
    static final String TAP = "t4tap-k0", US = "10.4.3.2";
    static Netns ns;
    static TestLoop loop;
    static NetStack stack;
    static UdpEcho echo;

    @BeforeAll
    static void up() throws Exception {
        ns = Netns.create("t4ns-kernel");
        ns.addTap(TAP, "10.4.3.1/24");
        loop = new TestLoop();
        TapLink link = new TapLink(TapDevice.open(TAP, ns.name()), MacAddress.parse("02:00:00:00:04:03"));
        stack = NetStack.builder(link, loop).ipv4(Ipv4Prefix.parse(US + "/24")).gateway(Ipv4Address.parse("10.4.3.1")).build().start();
        echo = new UdpEcho(stack, 7);
    }

    @AfterAll
    static void down() throws Exception {
        if (echo != null) echo.close();
        if (stack != null) stack.close();
        if (loop != null) loop.close();
        if (ns != null) ns.close();
    }

    @Test
    void aThousandFastPingsAreAllAnswered() {
        Netns.Result r = ns.exec(Duration.ofSeconds(60), "ping", "-q", "-c", "1000", "-i", "0.002", "-W", "2", US);
        assertTrue(r.stdout().contains("1000 received, 0% packet loss"), r.output());
    }

    @Test
    void aPingOf4000BytesIsFragmentedBothWaysAndAnswered() {
        long reassembled = stack.counters().get("ipv4.rx.frag.reassembled"), fragments = stack.counters().get("ipv4.tx.fragments");
        Netns.Result r = ns.exec(Duration.ofSeconds(30), "ping", "-c", "3", "-s", "4000", "-W", "2", US);
        assertTrue(r.stdout().contains("3 received"), r.output());
        assertTrue(r.stdout().contains("4008 bytes from " + US), r.output());
        assertTrue(stack.counters().get("ipv4.rx.frag.reassembled") - reassembled >= 3, "we reassembled the requests");
        assertTrue(stack.counters().get("ipv4.tx.fragments") - fragments >= 9, "we fragmented the replies (3 x 3)");
    }

    @Test
    void arpingGetsReplies() {
        Netns.Result r = ns.exec(Duration.ofSeconds(30), "arping", "-c", "3", "-w", "10", "-I", TAP, US);
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.stdout().contains("Received 3 response"), r.output());
    }

    @Test
    void udpEchoOfTenThousandDatagramsOfOneTo8000BytesComesBackIntact() throws Exception {
        Path script = Path.of(getClass().getResource("/udp_echo_check.py").toURI());
        Netns.Result r = ns.exec(Duration.ofSeconds(120), "python3", script.toString(), US, "7", "10000", "8000");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.stdout().startsWith("ok 10000"), r.output());
        Netns.Result s = ns.exec(Duration.ofSeconds(10), "sh", "-c", "echo hello morgana | socat -t 2 - UDP4:" + US + ":7");
        assertEquals("hello morgana", s.stdout().trim(), s.output());
    }

    @Test
    void sendsBeyondTheSubnetThroughTheGateway() throws Exception {
        // 10.4.77.1 is not on our subnet; the kernel (our gateway) owns it on its loopback.
        ns.ip("addr", "add", "10.4.77.1/32", "dev", "lo");
        Netns.Spawned sink = ns.spawn("socat", "-u", "UDP4-RECV:9999,bind=10.4.77.1", "STDOUT");
        Thread.sleep(300);
        try (UdpSocket s = stack.udp().bind(0)) {
            for (int i = 0; i < 20 && !sink.log().contains("via gateway"); i++) {
                s.send(ByteBuffer.wrap("via gateway\n".getBytes(StandardCharsets.US_ASCII)), Endpoint.of("10.4.77.1", 9999));
                Thread.sleep(100);
            }
        }
        assertTrue(sink.log().contains("via gateway"), "the kernel got our datagram routed through it: " + sink.log());
        Netns.Result neigh = ns.ip("neigh", "show", "dev", TAP);
        assertTrue(neigh.stdout().contains(US), "the kernel learned us by ARP: " + neigh.stdout());
        sink.close();
    }
}

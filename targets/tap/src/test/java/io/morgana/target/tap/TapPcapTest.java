package io.morgana.target.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Ipv4Prefix;
import io.morgana.api.MacAddress;
import io.morgana.net.link.PcapWriter;
import io.morgana.net.stack.NetStack;
import io.morgana.testing.Netns;
import io.morgana.testing.Privileged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A pcap of the TAP link that tshark reads, showing the ARP and ping exchange with the kernel. */
@Privileged(tools = {"tshark", "ping"})
class TapPcapTest {

    @Test
    void tsharkReadsTheExchange() throws Exception {
        Path pcap = Files.createTempDirectory("t4-pcap").resolve("tap.pcap");
        try (Netns ns = Netns.create("t4ns-pcap"); TestLoop loop = new TestLoop()) {
            ns.addTap("t4tap-pc", "10.4.7.1/24");
            TapLink tap = new TapLink(TapDevice.open("t4tap-pc", ns.name()), MacAddress.parse("02:00:00:00:04:07"));
            NetStack stack = NetStack.builder(new PcapWriter(tap, pcap), loop).ipv4(Ipv4Prefix.parse("10.4.7.2/24")).build().start();
            try {
                ns.execOk(Duration.ofSeconds(20), "ping", "-c", "3", "-i", "0.2", "-w", "10", "10.4.7.2");
            } finally {
                stack.close();
            }
        }
        Netns.Result r = Netns.host("tshark", "-n", "-r", pcap.toString());
        assertEquals(0, r.exit(), r.output());
        String out = r.stdout();
        // ping -c 3 -w 10 sends until three replies came: more requests when ARP is slow on a loaded host.
        long requests = out.lines().filter(l -> l.matches(".*10\\.4\\.7\\.1 (→|->) 10\\.4\\.7\\.2 .*Echo \\(ping\\) request.*")).count();
        assertTrue(requests >= 3, out);
        assertEquals(requests, out.lines().filter(l -> l.matches(".*10\\.4\\.7\\.2 (→|->) 10\\.4\\.7\\.1 .*Echo \\(ping\\) reply.*")).count(), out);
        assertTrue(out.contains("ARP"), out);
        assertTrue(out.contains("10.4.7.2 is at 02:00:00:00:04:07"), out);
    }
}

package io.morgana.net.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Ipv4Prefix;
import io.morgana.net.sim.SimNet;
import io.morgana.runtime.loop.SimulatedLoop;
import io.morgana.net.stack.NetStack;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --pcap}: a real tshark reads the file and sees the exchange, in order. */
class PcapWriterTest {

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }

    @Test
    void tsharkReadsTheCapture(@TempDir Path dir) throws Exception {
        boolean have = onPath("tshark");
        if (!have && "1".equals(System.getenv("MORGANA_REQUIRE_PRIVILEGED"))) {
            throw new IllegalStateException("tshark is missing and MORGANA_REQUIRE_PRIVILEGED=1 (install it: apt-get install tshark)");
        }
        Assumptions.assumeTrue(have, "needs tshark (apt-get install tshark); skipped");
        Path file = dir.resolve("a.pcap");
        SimulatedLoop loop = new SimulatedLoop();
        MemoryLink[] pair = MemoryLink.pair(SimNet.MAC_A, SimNet.MAC_B);
        NetStack a = NetStack.builder(pair[0], loop).ipv4(new Ipv4Prefix(SimNet.A, 24)).random(SimNet.seeded(1)).pcap(file).build().start();
        NetStack b = NetStack.builder(pair[1], loop).ipv4(new Ipv4Prefix(SimNet.B, 24)).random(SimNet.seeded(2)).build().start();
        loop.runFor(java.time.Duration.ofNanos(1_000_000));
        b.udpLayer().bind(5555, (src, sp, dst, dp, p) -> b.udpLayer().send(SimNet.B.bits(), 5555, src, sp, p));
        a.udpLayer().bind(4444, (src, sp, dst, dp, p) -> {});
        loop.execute(() -> a.icmp().ping(SimNet.B.bits(), 0x77, 1, ByteBuffer.allocate(32)));
        loop.runFor(java.time.Duration.ofNanos(5_000_000));
        loop.execute(() -> a.udpLayer().send(SimNet.A.bits(), 4444, SimNet.B.bits(), 5555,
                ByteBuffer.wrap("hello over pcap".getBytes(StandardCharsets.US_ASCII))));
        loop.execute(() -> a.udpLayer().send(SimNet.A.bits(), 4444, SimNet.B.bits(), 5555, ByteBuffer.allocate(3000)));
        loop.runFor(java.time.Duration.ofNanos(5_000_000));
        a.close();
        b.close();

        Process p = new ProcessBuilder("tshark", "-r", file.toString(), "-T", "fields", "-E", "separator=|",
                "-e", "frame.protocols", "-e", "ip.src", "-e", "ip.dst", "-e", "icmp.type", "-e", "udp.dstport", "-e", "data.text",
                "-o", "data.show_as_text:TRUE")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        List<String> lines = out.lines().toList();
        // gratuitous ARP, request, reply; ping; reply; udp (ARP already resolved), echo; 3000 B in 3 fragments each way
        assertTrue(lines.get(0).startsWith("eth:ethertype:arp"), out);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("eth:ethertype:ip:icmp") && l.contains("10.0.0.1|10.0.0.2|8")), out);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("eth:ethertype:ip:icmp") && l.contains("10.0.0.2|10.0.0.1|0")), out);
        assertEquals(2, lines.stream().filter(l -> l.contains("udp") && l.contains("hello over pcap")).count(), out);
        assertEquals(4, lines.stream().filter(l -> l.startsWith("eth:ethertype:arp")).count(), out);
        assertEquals(4, lines.stream().filter(l -> l.startsWith("eth:ethertype:ip:data")).count(), "first fragments: " + out);
        long ipFrames = lines.stream().filter(l -> l.startsWith("eth:ethertype:ip")).count();
        assertEquals(2 + 2 + 3 + 3, ipFrames, out);
        assertEquals(a.counters().get("link.rx.frames") + a.counters().get("link.tx.frames"), lines.size(), out);
    }
}

package io.morgana.target.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Prefix;
import io.morgana.api.Listener;
import io.morgana.api.MacAddress;
import io.morgana.net.link.Link;
import io.morgana.net.stack.NetStack;
import io.morgana.testing.Netns;
import io.morgana.testing.Privileged;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The TAP's offloads ({@code IFF_VNET_HDR}: checksums and TCP segmentation by the kernel) against
 * the real kernel, in a namespace that also routes: stack A (offloads, 10.5.6.2) on one TAP,
 * stack B (no offloads, 10.5.7.2, so it verifies every checksum) on a second, the kernel
 * forwarding between 10.5.6.1 and 10.5.7.1. A's super-segments reach the kernel's own sockets
 * whole, and B only after the kernel cut them and completed A's partial checksums: B accepting
 * every segment is the kernel's word that A's checksum seeds and headers were right.
 * {@code -Dmorgana.tap.offload.bytes=N} sets the transfer size (64 MiB).
 */
@Privileged(tools = {"socat", "sha256sum", "sysctl"})
class TapOffloadTest {
    static final String TAP_A = "c6tap-o0", TAP_B = "c6tap-o1", A = "10.5.6.2", B = "10.5.7.2";
    static final String ID = "c6-" + ProcessHandle.current().pid();
    static final long BYTES = Long.getLong("morgana.tap.offload.bytes", 64L << 20);
    static Netns ns;
    static TestLoop loopA, loopB;
    static TapLink linkA, linkB;
    static NetStack a, b;

    @BeforeAll
    static void up() throws Exception {
        ns = Netns.create("c6ns-offload");
        ns.addTap(TAP_A, "10.5.6.1/24").addTap(TAP_B, "10.5.7.1/24");
        ns.execOk(Duration.ofSeconds(10), "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        loopA = new TestLoop();
        loopB = new TestLoop();
        linkA = new TapLink(TapDevice.open(TAP_A, ns.name()), MacAddress.parse("02:00:00:00:c6:02"));
        linkB = new TapLink(TapDevice.open(TAP_B, ns.name(), false), MacAddress.parse("02:00:00:00:c6:03"));
        a = NetStack.builder(linkA, loopA).ipv4(Ipv4Prefix.parse(A + "/24")).gateway(Ipv4Address.parse("10.5.6.1")).build().start();
        b = NetStack.builder(linkB, loopB).ipv4(Ipv4Prefix.parse(B + "/24")).gateway(Ipv4Address.parse("10.5.7.1")).build().start();
    }

    @AfterAll
    static void down() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {a, b, loopA, loopB, ns}) if (c != null) c.close();
        Netns.host("sh", "-c", "rm -f /tmp/" + ID + "-*");
    }

    /** A random file of {@code bytes} in /tmp; returns its SHA-256. */
    static String randomFile(String name, long bytes) {
        ns.execOk(Duration.ofMinutes(5), "sh", "-c", "head -c " + bytes + " /dev/urandom > /tmp/" + ID + "-" + name);
        return ns.execOk(Duration.ofMinutes(5), "sha256sum", "/tmp/" + ID + "-" + name).stdout().split(" ")[0];
    }

    static long counter(NetStack s, String name) { return s.counters().getOrDefault(name, 0L); }

    /** The kernel's count of TCP segments it dropped for a bad checksum, in the namespace. */
    static long kernelChecksumErrors() {
        String snmp = ns.execOk(Duration.ofSeconds(10), "cat", "/proc/net/snmp").stdout();
        String[] lines = snmp.lines().filter(l -> l.startsWith("Tcp:")).toArray(String[]::new);
        String[] names = lines[0].split("\\s+"), values = lines[1].split("\\s+");
        for (int i = 0; i < names.length; i++) if (names[i].equals("InCsumErrors")) return Long.parseLong(values[i]);
        throw new AssertionError("no InCsumErrors in /proc/net/snmp:\n" + snmp);
    }

    @Test
    void theStacksSeeWhatTheLinksOffer() {
        assertEquals(Set.of(Link.Offload.RX_CHECKSUM, Link.Offload.TX_CHECKSUM, Link.Offload.TSO), a.ipv4().offloads());
        assertEquals(Set.of(), b.ipv4().offloads());
        assertEquals(12, linkA.device().vnetHeaderLength());
        assertFalse(linkB.device().offloads());
    }

    @Test
    void theKernelSendsUsSuperSegmentsThatArriveIntact() throws Exception {
        String sha = randomFile("up", BYTES);
        CompletableFuture<String> got = TcpInteropTest.morganaSink(a.tcp().listen(9000), true);
        long t0 = System.nanoTime();
        Netns.Result r = ns.exec(Duration.ofMinutes(5), "socat", "-u", "FILE:/tmp/" + ID + "-up", "TCP:" + A + ":9000");
        assertEquals(0, r.exit(), r.output());
        assertEquals(BYTES + " " + sha, got.get(2, TimeUnit.MINUTES));
        TcpInteropTest.report("offload: Linux -> Morgana", BYTES, System.nanoTime() - t0);
        assertTrue(linkA.counters().get("tap.rx.super") > 0, "the kernel's TSO reached us whole: " + linkA.counters());
        assertTrue(linkA.counters().get("tap.rx.partial") > 0, linkA.counters().toString());
        assertEquals(0, counter(a, "tcp.rx.drop.bad-checksum"));
    }

    /** Frames of the MTU are copied into small slots: a burst of them does not make a 64 KiB slot each. */
    @Test
    void smallFramesDoNotTakeLargeSlots() {
        long large = linkA.counters().get("tap.rx.slots.large"), frames = linkA.counters().get("tap.rx.frames");
        // -l 64: bursts of 64 requests in flight, as many frames waiting for the reader at once
        Netns.Result r = ns.exec(Duration.ofSeconds(60), "ping", "-c", "300", "-l", "64", "-i", "0.002", "-s", "1000", "-q", A);
        assertEquals(0, r.exit(), r.output());
        Map<String, Long> c = linkA.counters();
        assertTrue(c.get("tap.rx.frames") - frames >= 300, c.toString());
        assertTrue(c.get("tap.rx.slots.large") - large <= 1, "large slots made for 300 pings in bursts of 64: " + c);
        assertTrue(c.get("tap.rx.slots.small") >= 1 && c.get("tap.rx.slots.small") <= TapLink.SMALL_SLOTS, c.toString());
    }

    @Test
    void weSendTheKernelSuperSegmentsThatArriveIntact() throws Exception {
        long errorsBefore = kernelChecksumErrors();
        Listener l = a.tcp().listen(9001);
        CompletableFuture<String> sent = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (l; Flow f = l.accept()) {
                sent.complete(TcpInteropTest.writeRandom(f, BYTES, 1));
            } catch (Throwable e) {
                sent.completeExceptionally(e);
            }
        });
        long t0 = System.nanoTime();
        Netns.Result r = ns.exec(Duration.ofMinutes(5), "sh", "-c", "socat -u TCP:" + A + ":9001 - | sha256sum");
        assertEquals(sent.get(1, TimeUnit.MINUTES), r.stdout().split(" ")[0], r.output());
        TcpInteropTest.report("offload: Morgana -> Linux", BYTES, System.nanoTime() - t0);
        assertTrue(counter(a, "tcp.tx.super-segments") > 0, a.counters().toString());
        assertTrue(linkA.counters().get("tap.tx.offloaded") > 0, linkA.counters().toString());
        assertEquals(errorsBefore, kernelChecksumErrors());
    }

    @Test
    void superSegmentsCutByTheKernelPassAStackThatVerifiesEveryChecksum() throws Exception {
        long superBefore = counter(a, "tcp.tx.super-segments");
        CompletableFuture<String> atB = TcpInteropTest.morganaSink(b.tcp().listen(9100), true);
        String sha;
        try (Flow f = a.tcp().connect(Endpoint.of(B, 9100), Duration.ofSeconds(10))) {
            sha = TcpInteropTest.writeRandom(f, BYTES / 4, 2);
        }
        assertEquals(BYTES / 4 + " " + sha, atB.get(2, TimeUnit.MINUTES));
        assertTrue(counter(a, "tcp.tx.super-segments") > superBefore, a.counters().toString());
        assertEquals(0, counter(b, "tcp.rx.drop.bad-checksum"), b.counters().toString());

        // And back: B's plain segments, forwarded by the kernel, reach A (verified or not by the kernel).
        CompletableFuture<String> atA = TcpInteropTest.morganaSink(a.tcp().listen(9101), true);
        try (Flow f = b.tcp().connect(Endpoint.of(A, 9101), Duration.ofSeconds(10))) {
            sha = TcpInteropTest.writeRandom(f, BYTES / 4, 3);
        }
        assertEquals(BYTES / 4 + " " + sha, atA.get(2, TimeUnit.MINUTES));
        assertEquals(0, counter(a, "tcp.rx.drop.bad-checksum"), a.counters().toString());
    }
}

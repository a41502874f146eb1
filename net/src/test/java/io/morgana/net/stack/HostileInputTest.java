package io.morgana.net.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Ipv4Address;
import io.morgana.net.link.Faults;
import io.morgana.net.sim.SimNet;
import io.morgana.net.wire.ArpPacket;
import io.morgana.net.wire.HostileCorpus;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 3's hostile corpus through the in-memory link into stack b: nothing escapes a layer, each
 * drop is counted under its reason, the tables stay within their bounds, and a's normal traffic
 * to b keeps flowing meanwhile.
 */
class HostileInputTest {
    // Off b's subnet, so that b's answers (port unreachable …) never trigger ARP for the attacker.
    static final int ATTACKER_IP = Ipv4Address.parse("192.0.2.66").bits();
    static final long ATTACKER_MAC = 0x0200_0000_0066L;

    static HostileCorpus corpus() { return new HostileCorpus(SimNet.MAC_B.bits(), SimNet.B.bits(), ATTACKER_MAC, ATTACKER_IP); }

    static void inject(SimNet net, byte[] frame) { net.loop.execute(() -> net.linkB.inject(frame)); }

    static void assertNothingEscaped(SimNet net) {
        assertEquals(0, net.b.counters().get("eth.rx.drop.internal-error"), "an exception escaped a layer");
        assertEquals(0, net.a.counters().get("eth.rx.drop.internal-error"), "an exception escaped a layer");
    }

    @Test
    void everyCaseIsDroppedAndCountedUnderItsReason() {
        try (SimNet net = new SimNet(11, Faults.NONE)) {
            List<HostileCorpus.Case> cases = corpus().cases();
            assertTrue(cases.size() > 100, "corpus size " + cases.size());
            for (HostileCorpus.Case c : cases) {
                Map<String, Long> before = net.b.counters();
                inject(net, c.frame());
                net.run(1);
                Map<String, Long> after = net.b.counters();
                assertEquals(before.getOrDefault(c.counter(), 0L) + 1, after.getOrDefault(c.counter(), 0L),
                        c.name() + " must count under " + c.counter() + "; moved: " + moved(before, after));
                assertEquals(before.get("udp.rx.datagrams"), after.get("udp.rx.datagrams"), c.name());
                assertEquals(before.get("icmp.rx.echo-requests"), after.get("icmp.rx.echo-requests"), c.name());
            }
            assertNothingEscaped(net);
            assertEquals(0, net.b.arp().size(), "no ARP entry was planted");
            assertEquals(0, net.b.reassembler().inFlight());
        }
    }

    static String moved(Map<String, Long> before, Map<String, Long> after) {
        StringBuilder sb = new StringBuilder();
        after.forEach((k, v) -> {
            if (!v.equals(before.getOrDefault(k, 0L))) sb.append(k).append(' ');
        });
        return sb.toString();
    }

    @Test
    void overlappingFragmentsDropTheDatagram() {
        try (SimNet net = new SimNet(12, Faults.NONE)) {
            for (byte[] f : corpus().overlapping(500)) inject(net, f);
            net.run(1);
            assertEquals(1, net.b.counters().get("ipv4.rx.drop.frag-overlap"));
            assertEquals(0, net.b.reassembler().inFlight());
            assertEquals(0, net.b.counters().get("ipv4.rx.frag.reassembled"));
            // An exact duplicate is not an overlap: the datagram still completes.
            HostileCorpus h = corpus();
            inject(net, h.fragment(501, 0, 64, true));
            inject(net, h.fragment(501, 0, 64, true));
            inject(net, h.fragment(501, 64, 8, false));
            net.run(1);
            assertEquals(1, net.b.counters().get("ipv4.rx.frag.duplicate"));
            assertEquals(1, net.b.counters().get("ipv4.rx.frag.reassembled"));
        }
    }

    @Test
    void tooManyFragmentsDropTheDatagram() {
        try (SimNet net = new SimNet(16, Faults.NONE)) {
            HostileCorpus h = corpus();
            int max = net.b.reassembler().limits().maxFragments();
            for (int i = 0; i <= max; i++) inject(net, h.fragment(600, i * 8, 8, true));
            net.run(1);
            assertEquals(1, net.b.counters().get("ipv4.rx.drop.frag-too-many"));
            assertEquals(0, net.b.reassembler().inFlight());
        }
    }

    @Test
    void floodOfFirstFragmentsStaysBoundedWhileNormalTrafficFlows() {
        try (SimNet net = new SimNet(13, Faults.NONE)) {
            int[] replies = {0};
            net.a.icmp().echoListener((src, id, seq, d) -> replies[0]++);
            List<byte[]> flood = corpus().firstFragmentFlood(10_000, 1000);
            int[] maxInFlight = {0}, maxBytes = {0};
            long t0 = net.loop.nanoTime();
            for (int i = 0; i < flood.size(); i++) {
                byte[] f = flood.get(i);
                net.loop.schedule(t0 + i * 10_000L, () -> {
                    net.linkB.inject(f);
                    maxInFlight[0] = Math.max(maxInFlight[0], net.b.reassembler().inFlight());
                    maxBytes[0] = Math.max(maxBytes[0], net.b.reassembler().bytesHeld());
                });
            }
            // Meanwhile a pings b every millisecond, small and fragmented (4000 bytes) in turn.
            int pings = 100;
            for (int i = 0; i < pings; i++) {
                int seq = i;
                net.loop.schedule(t0 + i * 1_000_000L, () -> net.a.icmp().ping(SimNet.B.bits(), 9, seq,
                        ByteBuffer.allocate(seq % 2 == 0 ? 56 : 4000)));
            }
            net.run(200);
            assertEquals(pings, replies[0], "every ping is answered during the flood");
            assertTrue(maxInFlight[0] <= net.b.reassembler().limits().maxDatagrams(), "in flight " + maxInFlight[0]);
            assertTrue(maxBytes[0] <= net.b.reassembler().limits().maxBytes(), "bytes held " + maxBytes[0]);
            long evicted = net.b.counters().get("ipv4.rx.drop.frag-evicted");
            assertTrue(evicted >= 10_000 - 64, "evicted " + evicted);
            net.run(31_000);
            assertEquals(0, net.b.reassembler().inFlight(), "the rest times out");
            assertEquals(0, net.b.reassembler().bytesHeld());
            assertNothingEscaped(net);
        }
    }

    @Test
    void arpFloodKeepsTheCacheBoundedAndUnsolicitedRepliesChangeNothing() {
        try (SimNet net = new SimNet(14, Faults.NONE)) {
            int[] replies = {0};
            net.a.icmp().echoListener((src, id, seq, d) -> replies[0]++);
            net.a.icmp().ping(SimNet.B.bits(), 1, 0, ByteBuffer.allocate(8));
            net.run(5);
            assertEquals(1, replies[0]);
            HostileCorpus h = corpus();
            int limit = net.b.arp().limits().cacheSize();
            int maxSize = 0;
            for (int i = 0; i < 3000; i++) {
                // Requests for b from 3000 made-up neighbours, and replies claiming a's address.
                inject(net, h.arp(ArpPacket.OP_REQUEST, 0x0200_0100_0000L + i, 0x0a010000 + i, 0, SimNet.B.bits(), 0xffff_ffff_ffffL));
                inject(net, h.arp(ArpPacket.OP_REPLY, ATTACKER_MAC, SimNet.A.bits(), SimNet.MAC_B.bits(), SimNet.B.bits(),
                        SimNet.MAC_B.bits()));
                net.run(0);
                maxSize = Math.max(maxSize, net.b.arp().size());
                if (i % 100 == 0) {
                    int seq = i;
                    net.loop.execute(() -> net.a.icmp().ping(SimNet.B.bits(), 1, seq, ByteBuffer.allocate(8)));
                }
            }
            net.run(5);
            assertTrue(maxSize <= limit, "ARP cache " + maxSize + " > " + limit);
            assertEquals(3000, net.b.counters().get("arp.rx.drop.unsolicited"));
            assertEquals(0, net.b.counters().get("arp.cache.evicted"), "the flood evicts nobody");
            assertEquals(3000 - (limit - 1), net.b.counters().get("arp.cache.full-not-learned"));
            assertEquals(1, net.b.counters().get("arp.tx.requests"), "b never had to resolve a again (only its announcement)");
            assertEquals(1 + 30, replies[0], "b kept answering a at a's real MAC");
            assertNothingEscaped(net);
        }
    }

    @Test
    void randomMutationsNeverEscapeAndBoundsHold() {
        try (SimNet net = new SimNet(15, Faults.NONE)) {
            List<byte[]> frames = new ArrayList<>(corpus().mutations(20_000, 16));
            for (int i = 0; i < frames.size(); i++) {
                inject(net, frames.get(i));
                if (i % 500 == 0) net.run(1);
            }
            net.run(1);
            assertNothingEscaped(net);
            assertTrue(net.b.reassembler().inFlight() <= net.b.reassembler().limits().maxDatagrams());
            assertTrue(net.b.arp().size() <= net.b.arp().limits().cacheSize() + net.b.arp().limits().maxPending());
            long rx = net.b.counters().get("link.rx.frames");
            assertTrue(rx >= 20_000, "frames seen " + rx);
            // b still works.
            int[] replies = {0};
            net.a.icmp().echoListener((src, id, seq, d) -> replies[0]++);
            net.a.icmp().ping(SimNet.B.bits(), 1, 1, ByteBuffer.allocate(8));
            net.run(5);
            assertEquals(1, replies[0]);
        }
    }
}

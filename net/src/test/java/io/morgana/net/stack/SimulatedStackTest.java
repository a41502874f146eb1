package io.morgana.net.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.net.ipv4.IcmpError;
import io.morgana.net.ipv4.IpProtocolHandler;
import io.morgana.net.ipv4.Ipv4Datagram;
import io.morgana.net.ipv4.SendStatus;
import io.morgana.net.link.Faults;
import io.morgana.net.sim.SimNet;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Two stacks over the in-memory link on virtual time: ARP, ping, UDP echo, fragmentation, faults. */
class SimulatedStackTest {

    /** Registers protocol {@code proto} on {@code stack}, adding the ICMP errors it is told of to {@code errors}. */
    static void collectErrors(NetStack stack, int proto, List<IcmpError> errors) {
        stack.ipv4().register(proto, new IpProtocolHandler() {
            @Override public void receive(Ipv4Datagram d) {}

            @Override public void error(IcmpError e) { errors.add(e); }
        });
    }

    @Test
    void gratuitousArpAtStartAndResolutionOnFirstSend() {
        try (SimNet net = new SimNet(1, Faults.NONE)) {
            assertEquals(1, net.a.counters().get("arp.tx.requests"), "gratuitous ARP at start");
            assertEquals(0, net.a.arp().size(), "a gratuitous ARP creates no entry at the receiver");
            List<Integer> seqs = new ArrayList<>();
            net.a.icmp().echoListener((src, id, seq, data) -> seqs.add(seq));
            assertEquals(SendStatus.QUEUED, net.a.icmp().ping(SimNet.B.bits(), 7, 1, ByteBuffer.wrap(new byte[56])));
            net.run(10);
            assertEquals(List.of(1), seqs);
            assertEquals(SendStatus.SENT, net.a.icmp().ping(SimNet.B.bits(), 7, 2, ByteBuffer.wrap(new byte[56])));
            net.run(10);
            assertEquals(List.of(1, 2), seqs);
            assertEquals(1, net.b.counters().get("arp.tx.replies"));
            assertEquals(2, net.b.counters().get("icmp.tx.echo-replies"));
            // b learnt a from a's request: it answered without asking.
            assertEquals(1, net.b.counters().get("arp.tx.requests"), "only b's own gratuitous request");
        }
    }

    @Test
    void pingOf4000BytesIsFragmentedBothWaysAndAnswered() {
        try (SimNet net = new SimNet(2, Faults.NONE)) {
            byte[] data = new byte[4000];
            new SplittableRandom(3).nextBytes(data);
            byte[][] got = new byte[1][];
            net.a.icmp().echoListener((src, id, seq, d) -> {
                got[0] = new byte[d.remaining()];
                d.get(d.position(), got[0]);
            });
            net.a.icmp().ping(SimNet.B.bits(), 1, 1, ByteBuffer.wrap(data));
            net.run(50);
            assertArrayEquals(data, got[0]);
            assertEquals(3, net.a.counters().get("ipv4.tx.fragments"));
            assertEquals(1, net.b.counters().get("ipv4.rx.frag.reassembled"));
            assertEquals(1, net.a.counters().get("ipv4.rx.frag.reassembled"));
            assertEquals(0, net.a.reassembler().inFlight());
        }
    }

    /** DHCP's option 26 lowers the interface MTU: a datagram that fitted is now fragmented; 0 restores. */
    @Test
    void aLowerInterfaceMtuFragmentsAndZeroRestoresTheLinks() {
        try (SimNet net = new SimNet(5, Faults.NONE)) {
            byte[] data = new byte[1200];
            int[] answers = {0};
            net.a.icmp().echoListener((src, id, seq, d) -> answers[0]++);
            net.a.icmp().ping(SimNet.B.bits(), 1, 1, ByteBuffer.wrap(data));
            net.run(50);
            assertEquals(1, answers[0]);
            assertEquals(0, net.a.counters().getOrDefault("ipv4.tx.fragments", 0L), "1228 bytes fit the link's MTU");

            net.a.interfaceMtu(576);
            net.run(1);
            assertEquals(576, net.a.ipv4().mtu());
            net.a.icmp().ping(SimNet.B.bits(), 1, 2, ByteBuffer.wrap(data));
            net.run(50);
            assertEquals(2, answers[0]);
            assertEquals(3, net.a.counters().get("ipv4.tx.fragments"), "1228 bytes in 576-byte packets: 3 fragments");

            net.a.interfaceMtu(100_000);
            net.run(1);
            assertTrue(net.a.ipv4().mtu() <= 1500, "never above the link's: " + net.a.ipv4().mtu());
            net.a.interfaceMtu(0);
            net.run(1);
            assertEquals(net.a.ipv4().mtu(), net.b.ipv4().mtu(), "0 restores the link's MTU");
        }
    }

    @Test
    void udpEchoOfDatagramsUpTo8000BytesUnderFaults() throws Exception {
        Faults faults = new Faults(0.03, 0.03, 0.03, 0.01, 0, 0);
        try (SimNet net = new SimNet(4, faults)) {
            // b echoes on port 7 (loop-thread handler); a counts what comes back intact.
            net.b.udpLayer().bind(7, (src, sp, dst, dp, p) -> net.b.udpLayer().send(net.b.ipv4().address(), 7, src, sp, p));
            Map<Integer, byte[]> sent = new HashMap<>();
            int[] intact = {0}, wrong = {0};
            net.a.udpLayer().bind(5000, (src, sp, dst, dp, p) -> {
                int n = p.remaining();
                int id = n >= 4 ? p.getInt(p.position()) : -1;
                byte[] want = sent.get(id);
                byte[] have = new byte[n];
                p.get(p.position(), have);
                if (want != null && java.util.Arrays.equals(want, have)) intact[0]++;
                else wrong[0]++;
            });
            SplittableRandom r = new SplittableRandom(5);
            int count = 400;
            for (int i = 0; i < count; i++) {
                int size = i % 50 == 0 ? 8000 : 4 + r.nextInt(3000);
                byte[] d = new byte[size];
                r.nextBytes(d);
                ByteBuffer.wrap(d).putInt(0, i);
                sent.put(i, d);
                net.loop.execute(() -> net.a.udpLayer().send(SimNet.A.bits(), 5000, SimNet.B.bits(), 7, ByteBuffer.wrap(d)));
                net.run(2);
            }
            net.run(2000);
            assertEquals(0, wrong[0], "no corrupted datagram is delivered (checksums catch the flipped bits)");
            // Loss on the order of drop + corruption, applied to each fragment, both ways.
            assertTrue(intact[0] > count * 0.6, "most datagrams come back: " + intact[0] + "/" + count);
            assertTrue(net.a.counters().get("link.fault.dropped") > 0);
            assertTrue(net.a.counters().get("link.fault.corrupted") > 0);
            assertTrue(net.a.counters().get("link.fault.duplicated") > 0);
            assertTrue(net.a.counters().get("link.fault.reordered") > 0);
            long eightK = sent.entrySet().stream().filter(e -> e.getValue().length == 8000).count();
            assertEquals(count / 50, eightK);
            assertTrue(net.b.counters().get("ipv4.rx.frag.reassembled") >= eightK / 2, "8000-byte datagrams were reassembled");
            // Bad checksums were counted by whichever layer caught them.
            long caught = net.a.counters().entrySet().stream().filter(e -> e.getKey().endsWith("bad-checksum"))
                    .mapToLong(Map.Entry::getValue).sum()
                    + net.b.counters().entrySet().stream().filter(e -> e.getKey().endsWith("bad-checksum"))
                    .mapToLong(Map.Entry::getValue).sum();
            assertTrue(caught > 0, "corruptions were counted as bad checksums");
            net.run(60_000);
            assertEquals(0, net.a.reassembler().inFlight(), "incomplete datagrams time out");
            assertEquals(0, net.b.reassembler().inFlight());
        }
    }

    @Test
    void closedPortGetsPortUnreachableAndTheSenderIsTold() throws Exception {
        try (SimNet net = new SimNet(6, Faults.NONE)) {
            List<IcmpError> errors = new ArrayList<>();
            // A protocol of our own on a, to see errors for its datagrams.
            collectErrors(net.a, 253, errors);
            collectErrors(net.a, 17, errors);
            net.loop.execute(() -> net.a.udpLayer().send(SimNet.A.bits(), 4000, SimNet.B.bits(), 9, ByteBuffer.wrap(new byte[10])));
            net.loop.execute(() -> net.a.ipv4().send(SimNet.B.bits(), 253, ByteBuffer.wrap(new byte[12]), 0));
            net.run(20);
            assertEquals(2, errors.size(), errors.toString());
            assertEquals(IcmpError.Kind.PORT_UNREACHABLE, errors.get(0).kind());
            assertEquals(4000, errors.get(0).sourcePort());
            assertEquals(9, errors.get(0).destinationPort());
            assertEquals(SimNet.B.bits(), errors.get(0).reporter());
            assertEquals(IcmpError.Kind.PROTOCOL_UNREACHABLE, errors.get(1).kind());
            assertEquals(1, net.b.counters().get("udp.rx.drop.no-port"));
            assertEquals(1, net.b.counters().get("ipv4.rx.drop.unknown-protocol"));
        }
    }

    @Test
    void unreachablesAreRateLimited() {
        try (SimNet net = new SimNet(7, Faults.NONE)) {
            net.a.icmp().ping(SimNet.B.bits(), 1, 1, ByteBuffer.allocate(8)); // resolve b first
            net.run(10);
            for (int i = 0; i < 300; i++) {
                net.loop.execute(() -> net.a.udpLayer().send(SimNet.A.bits(), 4000, SimNet.B.bits(), 9, ByteBuffer.wrap(new byte[1])));
            }
            net.run(10);
            long sent = net.b.counters().get("icmp.tx.unreachable");
            assertTrue(sent >= 50 && sent <= 52, "burst of 50 (plus refill over 10 ms): " + sent);
            assertEquals(300 - sent, net.b.counters().get("icmp.tx.drop.rate-limited"));
        }
    }

    @Test
    void fragNeededUpdatesPathMtuAndReachesTheTransport() {
        try (SimNet net = new SimNet(8, Faults.NONE)) {
            List<IcmpError> errors = new ArrayList<>();
            collectErrors(net.a, 6, errors);
            // b plays a router: on a DF datagram of protocol 6 it answers frag-needed with MTU 1280.
            net.b.ipv4().register(6, d -> {
                ByteBuffer out = net.b.ipv4().payloadBuffer();
                ByteBuffer p = d.payload();
                io.morgana.net.wire.IcmpPacket.writeHeader(out, 0, 3, 4, 1280);
                io.morgana.net.wire.Ipv4Packet.writeHeader(out, 8, 0, 20 + p.remaining(), d.identification(),
                        io.morgana.net.wire.Ipv4Packet.FLAG_DF, 64, 6, d.source(), d.destination());
                out.put(28, p, p.position(), 8);
                io.morgana.net.wire.IcmpPacket.fillChecksum(out, 0, 36);
                net.b.ipv4().send(d.source(), 1, 36, 0);
            });
            assertEquals(1500, net.a.ipv4().pathMtu(SimNet.B.bits()));
            net.loop.execute(() -> net.a.ipv4().send(SimNet.B.bits(), 6, ByteBuffer.wrap(new byte[1400]), 1));
            net.run(20);
            assertEquals(1, errors.size());
            assertEquals(IcmpError.Kind.FRAG_NEEDED, errors.get(0).kind());
            assertEquals(1280, errors.get(0).nextHopMtu());
            assertEquals(1280, net.a.ipv4().pathMtu(SimNet.B.bits()));
            net.run(601_000);
            assertEquals(1500, net.a.ipv4().pathMtu(SimNet.B.bits()), "path MTU ages out after 10 minutes");
            // DF and larger than the link MTU: refused locally.
            assertEquals(SendStatus.TOO_BIG, net.a.ipv4().send(SimNet.B.bits(), 6, ByteBuffer.wrap(new byte[1481]), 1));
        }
    }

    @Test
    void unresolvedNextHopIsRetriedThenReportedLocally() {
        try (SimNet net = new SimNet(9, Faults.NONE)) {
            List<IcmpError> errors = new ArrayList<>();
            collectErrors(net.a, 17, errors);
            int nobody = io.morgana.api.Ipv4Address.parse("10.0.0.99").bits();
            int queue = net.a.arp().limits().queuePerDest();
            for (int i = 0; i < queue + 12; i++) {
                net.loop.execute(() -> net.a.udpLayer().send(SimNet.A.bits(), 1234, nobody, 53, ByteBuffer.wrap(new byte[20])));
            }
            net.run(500);
            assertEquals(1, net.a.arp().pendingCount());
            assertEquals(queue, net.a.arp().queuedFrames(), "the queue per destination is bounded");
            assertEquals(12, net.a.counters().get("arp.tx.drop.queue-full"));
            assertEquals(12, net.a.counters().get("udp.tx.drop.queue-full"));
            net.run(5000);
            assertEquals(0, net.a.arp().pendingCount());
            assertEquals(0, net.a.arp().size());
            assertEquals(1 + 3, net.a.counters().get("arp.tx.requests"), "gratuitous + 3 tries");
            assertEquals(queue, net.a.counters().get("arp.tx.drop.unresolved"));
            assertEquals(queue, errors.size());
            assertTrue(errors.get(0).local());
            assertEquals(IcmpError.Kind.HOST_UNREACHABLE, errors.get(0).kind());
            assertEquals(53, errors.get(0).destinationPort());
        }
    }

    @Test
    void arpEntriesAreRefreshedWhileUsedAndExpireWhenNot() {
        try (SimNet net = new SimNet(10, Faults.NONE)) {
            net.a.icmp().ping(SimNet.B.bits(), 1, 1, ByteBuffer.allocate(8));
            net.run(10);
            long requests = net.a.counters().get("arp.tx.requests");
            // Keep pinging every 5 s for 2 minutes: the entry is confirmed by unicast requests, never lost.
            for (int i = 0; i < 24; i++) {
                int seq = i;
                net.loop.execute(() -> net.a.icmp().ping(SimNet.B.bits(), 1, seq, ByteBuffer.allocate(8)));
                net.run(5000);
            }
            assertEquals(25, net.a.counters().get("icmp.rx.echo-replies"));
            assertTrue(net.a.counters().get("arp.tx.requests") > requests, "refresh requests were sent");
            assertEquals(0, net.a.counters().get("arp.rx.drop.unsolicited"), "refresh replies were expected");
            assertEquals(0, net.a.counters().get("ipv4.tx.drop.queue-full"));
        }
    }

    @Test
    void datagramsToOurOwnAddressAndLoopbackAreDeliveredLocally() throws Exception {
        try (SimNet net = new SimNet(17, Faults.NONE)) {
            List<String> got = new ArrayList<>();
            net.a.udpLayer().bind(53, (src, sp, dst, dp, p) -> got.add(new io.morgana.api.Ipv4Address(src) + ">"
                    + new io.morgana.api.Ipv4Address(dst) + ":" + p.remaining()));
            int[] pongs = {0};
            net.a.icmp().echoListener((src, id, seq, d) -> pongs[0]++);
            long framesBefore = net.a.counters().get("link.tx.frames");
            net.loop.execute(() -> {
                net.a.udpLayer().send(SimNet.A.bits(), 1000, SimNet.A.bits(), 53, ByteBuffer.allocate(9000));
                net.a.udpLayer().send(SimNet.A.bits(), 1000, io.morgana.api.Ipv4Address.LOOPBACK.bits(), 53, ByteBuffer.allocate(5));
                net.a.icmp().ping(SimNet.A.bits(), 1, 1, ByteBuffer.allocate(8));
            });
            net.run(1);
            assertEquals(List.of("10.0.0.1>10.0.0.1:9000", "10.0.0.1>127.0.0.1:5"), got);
            assertEquals(1, pongs[0]);
            assertEquals(framesBefore, net.a.counters().get("link.tx.frames"), "nothing went on the wire");
        }
    }

    @Test
    void transportsHearTheEndOfEachBatch() {
        try (SimNet net = new SimNet(18, Faults.NONE)) {
            List<String> events = new ArrayList<>();
            net.b.ipv4().register(99, new IpProtocolHandler() {
                @Override public void receive(Ipv4Datagram d) { events.add("datagram"); }

                @Override public void endOfBatch() { events.add("end"); }
            });
            net.loop.execute(() -> net.a.ipv4().send(SimNet.B.bits(), 99, ByteBuffer.allocate(4), 0));
            net.run(5);
            assertEquals(List.of("end", "datagram", "end"), events, "the batch of a's ARP request, then the datagram's");
        }
    }

    @Test
    void reassemblyTimeoutIsReportedWhenFragmentZeroCame() {
        try (SimNet net = new SimNet(19, Faults.NONE)) {
            List<IcmpError> errors = new ArrayList<>();
            collectErrors(net.a, 17, errors);
            net.a.icmp().ping(SimNet.B.bits(), 1, 1, ByteBuffer.allocate(8)); // b learns a
            net.run(5);
            io.morgana.net.wire.HostileCorpus fromA = new io.morgana.net.wire.HostileCorpus(SimNet.MAC_B.bits(), SimNet.B.bits(),
                    SimNet.MAC_A.bits(), SimNet.A.bits());
            net.loop.execute(() -> net.linkB.inject(fromA.fragment(70, 0, 64, true)));   // fragment zero, never completed
            net.loop.execute(() -> net.linkB.inject(fromA.fragment(71, 64, 64, true)));  // no fragment zero
            net.run(31_000);
            assertEquals(2, net.b.counters().get("ipv4.rx.drop.frag-timeout"));
            assertEquals(1, net.b.counters().get("icmp.tx.time-exceeded"));
            assertEquals(1, errors.size());
            assertEquals(IcmpError.Kind.TIME_EXCEEDED, errors.get(0).kind());
            assertEquals(1, errors.get(0).code());
        }
    }
}

package io.morgana.net.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.Listener;
import io.morgana.net.ipv4.Ipv4Service;
import io.morgana.net.link.Faults;
import io.morgana.net.link.Link;
import io.morgana.net.link.LinkFilter;
import io.morgana.net.link.Offloads;
import io.morgana.net.stack.NetStack;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * TCP over a link with checksum and segmentation offload, the host played by {@link HostLink}:
 * super-segments of whole SMSS with partial checksums go down, the host either cuts them (and
 * the peer, with no offloads, verifies every checksum) or hands them whole to a peer whose host
 * vouches for them, as two TAPs with {@code IFF_VNET_HDR} would.
 */
class TcpOffloadTest {
    static final long S = 1_000_000_000L;
    static final int ETH = 14;

    /** A host under a stack: offers the offloads and checks what the stack asks of it. */
    static final class HostLink extends LinkFilter {
        final boolean cut;
        int superFrames, largest, offloaded;
        String wrong;

        /** @param cut cut super-segments into MTU-sized frames (else pass them on whole, partial checksums and all) */
        HostLink(Link inner, boolean cut) {
            super(inner);
            this.cut = cut;
        }

        @Override public Set<Offload> offloads() { return EnumSet.allOf(Offload.class); }

        @Override public boolean sendOffloaded(ByteBuffer frame, int segmentSize) {
            offloaded++;
            int n = frame.remaining();
            largest = Math.max(largest, n);
            int p = frame.position(), ihl = (frame.get(p + ETH) & 0xf) * 4, ipLen = frame.getShort(p + ETH + 2) & 0xffff;
            int tcp = p + ETH + ihl, thl = (frame.get(tcp + 12) & 0xf0) >>> 2, payload = ipLen - ihl - thl;
            int partial = Ipv4Service.pseudoHeaderSum(frame.getInt(p + ETH + 12), frame.getInt(p + ETH + 16), 6, ipLen - ihl);
            if ((frame.getShort(tcp + 16) & 0xffff) != partial) wrong = "checksum field is not the pseudo-header sum";
            if (n > ETH + mtu()) {
                superFrames++;
                if (segmentSize <= 0 || ihl + thl + segmentSize > mtu()) wrong = "super-segment with segment size " + segmentSize;
            }
            if (segmentSize > 0 && payload <= segmentSize) wrong = "asked to cut a segment of " + payload + " into " + segmentSize;
            return cut ? Offloads.sendInSoftware(inner, frame, segmentSize) : inner.send(frame);
        }

        /** Whole mode: the other host passed its stack's super-segments on; this host vouches for them. */
        @Override protected void onReceive(ByteBuffer frame) {
            if (cut) upper.receive(frame);
            else upper.receiveVerified(frame, partial(frame));
        }

        private static boolean partial(ByteBuffer f) {
            int p = f.position();
            if (f.remaining() < ETH + 40 || f.getShort(p + 12) != 0x0800 || f.get(p + ETH + 9) != 6) return false;
            int ihl = (f.get(p + ETH) & 0xf) * 4, ipLen = f.getShort(p + ETH + 2) & 0xffff;
            int sum = Ipv4Service.pseudoHeaderSum(f.getInt(p + ETH + 12), f.getInt(p + ETH + 16), 6, ipLen - ihl);
            return (f.getShort(p + ETH + ihl + 16) & 0xffff) == sum;
        }
    }

    /** Sends {@code toB} from a to b and {@code toA} back at the same time over one connection; asserts both arrive. */
    static void exchange(StackPair net, byte[] toB, byte[] toA) throws Exception {
        Listener l = net.b.tcp().listen(5000);
        AtomicReference<byte[]> atB = new AtomicReference<>(), atA = new AtomicReference<>();
        AtomicReference<Throwable> server = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try (Flow f = l.accept()) {
                atB.set(TcpStackTest.writeAllAndReadToEnd(f, toA));
            } catch (Throwable e) {
                server.set(e);
            }
        });
        Throwable f = TcpStackTest.drive(net, 120 * S, () -> {
            try (Flow flow = net.a.tcp().connect(new Endpoint(StackPair.B, 5000), Duration.ofSeconds(10))) {
                atA.set(TcpStackTest.writeAllAndReadToEnd(flow, toB));
            }
        });
        net.loop.runFor(S);
        if (f != null) throw new AssertionError(f);
        assertNull(server.get());
        assertArrayEquals(toB, atB.get(), "a -> b");
        assertArrayEquals(toA, atA.get(), "b -> a");
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    static long counter(NetStack s, String name) { return s.counters().getOrDefault(name, 0L); }

    static final UnaryOperator<Link> PLAIN = l -> l;

    @Test void superSegmentsCutByTheHostReachAPeerThatVerifiesEveryChecksum() throws Exception {
        HostLink[] host = new HostLink[1];
        try (StackPair net = new StackPair(31, Faults.NONE, 2_000_000, l -> host[0] = new HostLink(l, true), PLAIN)) {
            int[] onWire = {0, 0};
            net.linkA.onSend(f -> {
                onWire[0]++;
                onWire[1] = Math.max(onWire[1], f.remaining());
            });
            exchange(net, random(4 << 20, 1), random(1 << 20, 2));
            assertNull(host[0].wrong, host[0].wrong);
            assertTrue(counter(net.a, "tcp.tx.super-segments") > 10, "a built super-segments: " + net.a.counters());
            assertTrue(host[0].largest > 3 * (ETH + 1500), "largest handed to the host (the ACK clock of a cut stream opens the window two segments at a time): " + host[0].largest);
            assertTrue(onWire[1] <= ETH + 1500, "the host cut everything to the MTU: " + onWire[1]);
            assertTrue(onWire[0] > (4 << 20) / 1448, "one frame per segment on the wire: " + onWire[0]);
            assertEquals(0, counter(net.b, "tcp.rx.drop.bad-checksum"), "every checksum a completed or cut: " + net.b.counters());
            assertEquals(0, counter(net.a, "tcp.rx.drop.bad-checksum"));
        }
    }

    @Test void wholeSuperSegmentsBothWaysBetweenHostsThatVouchForThem() throws Exception {
        HostLink[] host = new HostLink[2];
        try (StackPair net = new StackPair(32, Faults.NONE, 2_000_000, l -> host[0] = new HostLink(l, false),
                l -> host[1] = new HostLink(l, false))) {
            int[] largest = {0};
            net.linkB.onSend(f -> largest[0] = Math.max(largest[0], f.remaining()));
            exchange(net, random(3 << 20, 3), random(3 << 20, 4));
            assertNull(host[0].wrong, host[0].wrong);
            assertNull(host[1].wrong, host[1].wrong);
            assertTrue(counter(net.a, "tcp.tx.super-segments") > 5 && counter(net.b, "tcp.tx.super-segments") > 5, net.b.counters().toString());
            assertTrue(largest[0] > 30_000, "b's super-segments crossed whole: " + largest[0]);
            assertEquals(0, counter(net.a, "tcp.rx.drop.bad-checksum") + counter(net.b, "tcp.rx.drop.bad-checksum"));
        }
    }

    @Test void theFaultInjectorHidesTheOffloadsSoSimulationsStayExact() throws Exception {
        HostLink[] host = new HostLink[1];
        try (StackPair net = new StackPair(33, new Faults(0, 0.01, 0.01, 0, 0, 0), 2_000_000,
                l -> host[0] = new HostLink(l, true), PLAIN)) {
            assertEquals(Set.of(), net.a.ipv4().offloads());
            exchange(net, random(1 << 20, 5), random(1 << 18, 6));
            assertEquals(0, host[0].offloaded, "nothing offloaded under the fault injector");
            assertEquals(0, counter(net.a, "tcp.tx.super-segments"));
        }
    }

    @Test void retransmissionsAfterLossStaySmssAndTheTransferCompletes() throws Exception {
        // The host drops every 50th frame it cuts: the super-segments' losses are repaired segment by segment.
        HostLink[] host = new HostLink[1];
        int[] count = {0};
        UnaryOperator<Link> lossy = l -> host[0] = new HostLink(new LinkFilter(l) {
            @Override public boolean send(ByteBuffer frame) { return ++count[0] % 50 == 0 || inner.send(frame); }
        }, true);
        try (StackPair net = new StackPair(34, Faults.NONE, 2_000_000, lossy, PLAIN)) {
            exchange(net, random(2 << 20, 7), random(1 << 16, 8));
            assertNull(host[0].wrong, host[0].wrong);
            assertTrue(counter(net.a, "tcp.tx.retransmit") > 0, net.a.counters().toString());
            assertTrue(counter(net.a, "tcp.tx.super-segments") > 0);
        }
    }
}

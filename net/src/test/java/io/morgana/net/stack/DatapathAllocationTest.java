package io.morgana.net.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Ipv4Prefix;
import io.morgana.api.MacAddress;
import io.morgana.net.link.Link;
import io.morgana.net.sim.SimNet;
import io.morgana.runtime.loop.SimulatedLoop;
import io.morgana.runtime.EventLoop;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The datapath makes no garbage per packet: a UDP echo between two stacks over a link that copies
 * into preallocated slots allocates (almost) nothing in steady state. Measured with the JVM's
 * per-thread allocation counter, not with time, so it is not a timed test.
 */
class DatapathAllocationTest {

    /** A link end that queues frames into preallocated slots; {@link #pump} delivers them. */
    static final class RingLink implements Link {
        final MacAddress mac;
        RingLink peer;
        Receiver receiver;
        final ByteBuffer[] slots = new ByteBuffer[64];
        int head, count;

        RingLink(MacAddress mac) {
            this.mac = mac;
            for (int i = 0; i < slots.length; i++) slots[i] = ByteBuffer.allocateDirect(1514);
        }

        @Override public MacAddress mac() { return mac; }

        @Override public int mtu() { return 1500; }

        @Override public void start(EventLoop loop, Receiver r) { receiver = r; }

        @Override public boolean send(ByteBuffer frame) {
            RingLink p = peer;
            if (p.count == p.slots.length) return false;
            ByteBuffer s = p.slots[(p.head + p.count++) % p.slots.length];
            s.clear();
            s.put(0, frame, frame.position(), frame.remaining()).limit(frame.remaining());
            return true;
        }

        /** Delivers queued frames; returns whether there were any. */
        boolean pump() {
            if (count == 0) return false;
            while (count > 0) {
                ByteBuffer s = slots[head];
                head = (head + 1) % slots.length;
                count--;
                receiver.receive(s.position(0));
            }
            return true;
        }

        @Override public void close() {}
    }

    @Test
    void udpEchoAllocatesNothingPerDatagramInSteadyState() { echo(512, Integer.getInteger("rounds", 200_000)); }

    @Test
    void fragmentedUdpEchoAllocatesNothingEitherOnceThePoolsAreWarm() { echo(4000, 50_000); }

    private static void echo(int size, int n) {
        SimulatedLoop loop = new SimulatedLoop();
        RingLink la = new RingLink(SimNet.MAC_A), lb = new RingLink(SimNet.MAC_B);
        la.peer = lb;
        lb.peer = la;
        NetStack a = NetStack.builder(la, loop).ipv4(new Ipv4Prefix(SimNet.A, 24)).random(SimNet.seeded(1)).build().start();
        NetStack b = NetStack.builder(lb, loop).ipv4(new Ipv4Prefix(SimNet.B, 24)).random(SimNet.seeded(2)).build().start();
        loop.runFor(java.time.Duration.ofNanos(1_000_000));
        int[] echoed = {0};
        try {
            b.udpLayer().bind(7, (src, sp, dst, dp, p) -> b.udpLayer().send(SimNet.B.bits(), 7, src, sp, p));
            a.udpLayer().bind(5000, (src, sp, dst, dp, p) -> echoed[0]++);
        } catch (java.net.BindException e) {
            throw new AssertionError(e);
        }
        ByteBuffer payload = ByteBuffer.allocateDirect(size);
        Runnable round = () -> {
            a.udpLayer().send(SimNet.A.bits(), 5000, SimNet.B.bits(), 7, payload);
            while (lb.pump() | la.pump()) { }
        };
        for (int i = 0; i < 20_000; i++) round.run(); // warm up, resolve ARP, JIT
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        long before = mx.getThreadAllocatedBytes(tid);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) round.run();
        long ns = System.nanoTime() - t0;
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertEquals(20_000 + n, echoed[0]);
        System.out.printf("udp echo of " + size + " B through two stacks: %.0f ns per round trip (4 layers x 2 stacks x 2 ways), %.2f bytes allocated per round trip%n",
                (double) ns / n, (double) allocated / n);
        assertTrue(allocated / n < 8, "bytes allocated per round trip: " + (double) allocated / n);
    }
}

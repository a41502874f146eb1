package io.morgana.net.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.net.sim.SimNet;
import io.morgana.runtime.loop.SimulatedLoop;
import io.morgana.net.util.Counters;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fault injector alone over a memory link: rates, determinism, and the link's bandwidth. */
class FaultInjectorTest {

    /** Sends 2000 numbered frames through faults on one end; returns what the other end got, in order. */
    static List<Integer> run(Faults faults, Counters counters) {
        SimulatedLoop loop = new SimulatedLoop();
        MemoryLink[] pair = MemoryLink.pair(SimNet.MAC_A, SimNet.MAC_B, 1500, 10_000, 0);
        Link a = new FaultInjector(pair[0], faults, counters);
        List<Integer> got = new ArrayList<>();
        a.start(loop, f -> {});
        pair[1].start(loop, f -> got.add(f.getInt(f.position() + 14)));
        ByteBuffer frame = ByteBuffer.allocate(100);
        for (int i = 0; i < 2000; i++) {
            frame.clear().putInt(14, i);
            a.send(frame);
            loop.runFor(java.time.Duration.ofNanos(100_000));
        }
        loop.runFor(java.time.Duration.ofNanos(1_000_000_000L));
        return got;
    }

    @Test
    void sameSeedSameRunOtherSeedOtherRun() {
        Faults f = new Faults(0.1, 0.1, 0.1, 0, 0, 42);
        List<Integer> one = run(f, new Counters()), two = run(f, new Counters()), other = run(f.withSeed(43), new Counters());
        assertEquals(one, two);
        assertNotEquals(one, other);
    }

    @Test
    void ratesAreRoughlyAsAsked() {
        Counters c = new Counters();
        List<Integer> got = run(new Faults(0.1, 0.05, 0.05, 0, 0, 1), c);
        long dropped = c.get("link.fault.dropped"), dup = c.get("link.fault.duplicated"), reordered = c.get("link.fault.reordered");
        assertTrue(dropped > 120 && dropped < 280, "dropped " + dropped);
        assertTrue(dup > 40 && dup < 160, "duplicated " + dup);
        assertTrue(reordered > 40 && reordered < 160, "reordered " + reordered);
        assertEquals(2000 - dropped + dup, got.size());
        int outOfOrder = 0;
        for (int i = 1; i < got.size(); i++) if (got.get(i) < got.get(i - 1)) outOfOrder++;
        assertTrue(outOfOrder > 0);
    }

    @Test
    void corruptionFlipsOneBitOfACopy() {
        SimulatedLoop loop = new SimulatedLoop();
        MemoryLink[] pair = MemoryLink.pair(SimNet.MAC_A, SimNet.MAC_B);
        Link a = new FaultInjector(pair[0], new Faults(0, 0, 0, 1, 0, 5), new Counters());
        byte[][] got = {null};
        a.start(loop, f -> {});
        pair[1].start(loop, f -> {
            got[0] = new byte[f.remaining()];
            f.get(f.position(), got[0]);
        });
        byte[] sent = new byte[64];
        a.send(ByteBuffer.wrap(sent));
        loop.runFor(java.time.Duration.ofNanos(1_000_000));
        assertEquals(0, sent[0] | sent[63], "the sender's buffer is untouched");
        int bits = 0;
        for (byte b : got[0]) bits += Integer.bitCount(b & 0xff);
        assertEquals(1, bits);
    }

    @Test
    void rateLimitAndBandwidth() {
        Counters c = new Counters();
        SimulatedLoop loop = new SimulatedLoop();
        // 8 Mbit/s cable: a 1000-byte frame takes 1 ms on the wire.
        MemoryLink[] pair = MemoryLink.pair(SimNet.MAC_A, SimNet.MAC_B, 1500, 0, 8_000_000);
        long[] arrivals = new long[3];
        int[] n = {0};
        pair[0].start(loop, f -> {});
        pair[1].start(loop, f -> arrivals[n[0]++] = loop.nanoTime());
        long t0 = loop.nanoTime();
        for (int i = 0; i < 3; i++) pair[0].send(ByteBuffer.allocate(1000));
        loop.runFor(java.time.Duration.ofNanos(10_000_000));
        assertEquals(3, n[0]);
        assertEquals(1_000_000, arrivals[0] - t0);
        assertEquals(3_000_000, arrivals[2] - t0);
        // 100 kB/s policer, 1000-byte frames every ms (1 MB/s offered): about a tenth pass after the burst.
        Link limited = new FaultInjector(MemoryLink.pair(SimNet.MAC_A, SimNet.MAC_B)[0], new Faults(0, 0, 0, 0, 100_000, 1), c);
        limited.start(loop, f -> {});
        for (int i = 0; i < 1000; i++) {
            limited.send(ByteBuffer.allocate(1000));
            loop.runFor(java.time.Duration.ofNanos(1_000_000));
        }
        long passed = 1000 - c.get("link.fault.rate-limited");
        assertTrue(passed >= 100 && passed <= 110, "passed " + passed);
    }
}

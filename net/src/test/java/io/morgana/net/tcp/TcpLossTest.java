package io.morgana.net.tcp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bulk transfers through random loss in both directions on virtual time, on a wire like the TAP
 * (50 µs each way, 1 Gbit/s) and on a slower one (5 ms, 100 Mbit/s). What keeps a lossy transfer
 * fast is that a loss is repaired by SACK recovery and loss probes, not by the retransmission
 * timeout (at least 200 ms, then doubling): the bounds below are in virtual time, so they are
 * exact for a seed, and they fail if recovery falls back on timeouts (16 MiB at 10 % took 30-46 s
 * before up to four probes and the receiver's quick ACKs after a loss, 1.6-1.9 s before the
 * slow-start threshold came from the flight size rather than the pipe, now 0.7 s).
 */
class TcpLossTest {
    static final long S = 1_000_000_000L;

    @ParameterizedTest(name = "{0} % loss, {1} µs each way, seed {2}")
    @CsvSource({
        // percent, one-way latency µs, seed, virtual-time bound s, most timeouts allowed
        "1, 50, 1, 1, 0",
        "5, 50, 1, 1, 1",
        "10, 50, 1, 2, 2",
        "10, 50, 2, 2, 2",
        "5, 5000, 1, 40, 2",
    })
    void sixteenMebibytesThroughLossBothWaysArriveIntactWithoutTimeouts(int percent, long latencyMicros, long seed, long boundSeconds,
                                                                          long maxTimeouts) throws Exception {
        SimNet sim = new SimNet(seed, TcpConfig.defaults());
        sim.latency = latencyMicros * 1000;
        if (latencyMicros < 1000) sim.bytesPerSecond = 125_000_000L;
        sim.a.faults.set(percent / 100.0, 0, 0, 0);
        sim.b.faults.set(percent / 100.0, 0, 0, 0);
        long t0 = sim.now;
        var t = new TcpSimulationTest.Transfer(sim, 16 << 20);
        boolean done = sim.run(t::done, boundSeconds * S);
        TcpInfo info = t.client.info();
        System.out.printf("tcp loss: %d %% each way, %d us: 16 MiB in %.2f s virtual, %d timeouts, %d probes, %d lost retransmissions%n",
                percent, latencyMicros, (sim.now - t0) / 1e9, info.timeouts(), sim.a.engine.counter("tcp.tlp"),
                sim.a.engine.counter("tcp.lost-retransmit"));
        assertTrue(done, "not done within " + boundSeconds + " s virtual: " + info);
        t.assertIntact();
        assertTrue(info.timeouts() <= maxTimeouts, "losses were repaired without timeouts: " + info);
    }
}

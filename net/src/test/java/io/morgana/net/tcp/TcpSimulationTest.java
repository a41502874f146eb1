package io.morgana.net.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One deterministic scenario per TCP mechanism: two engines on virtual time over {@link SimNet}. */
class TcpSimulationTest {
    static final long S = 1_000_000_000L, MS = 1_000_000L;

    static TcpConfig cfg() { return TcpConfig.defaults().withBuffers(256 * 1024, 256 * 1024); }

    /** Runs a one-way bulk transfer A -> B and returns the sim (finished or not). */
    static final class Transfer {
        final SimNet sim;
        final SimNet.Source source;
        final AtomicReference<SimNet.Sink> sink = new AtomicReference<>();
        final TcpConnection client;

        Transfer(SimNet sim, long bytes) throws Exception {
            this.sim = sim;
            sim.listen(80, c -> sink.set(sim.new Sink().attach(c)));
            source = sim.new Source(bytes, 42);
            client = sim.connect(80, null);
            source.attach(client);
        }

        boolean done() { return sink.get() != null && sink.get().eof; }

        void assertIntact() {
            assertTrue(done(), "transfer did not finish: received " + (sink.get() == null ? 0 : sink.get().bytes) + " of " + source.total
                    + " client " + client.info());
            assertEquals(source.total, sink.get().bytes);
            assertEquals(source.hash(), sink.get().hash());
        }
    }

    @Test void handshakeNegotiatesOptionsAndTransfersIntact() throws Exception {
        SimNet sim = new SimNet(1, cfg());
        Transfer t = new Transfer(sim, 2_000_000);
        assertTrue(sim.run(t::done, 30 * S));
        t.assertIntact();
        TcpHeader syn = sim.a.sent.get(0).h();
        assertTrue(syn.has(TcpHeader.SYN) && syn.mss() == 1460 && syn.sackPermitted() && syn.timestamps() && syn.windowScale() >= 0, syn.toString());
        TcpInfo info = t.client.info();
        assertTrue(info.sack() && info.timestamps(), info.toString());
        assertEquals(1448, info.smss());
        assertEquals(0, info.timeouts(), info.toString());
        // The client closes after the server's FIN: both sides end, the active closer in TIME_WAIT.
        assertTrue(sim.run(() -> t.client.state() == TcpConnection.State.TIME_WAIT || t.client.state() == TcpConnection.State.CLOSED, 5 * S),
                "client state " + t.client.state());
    }

    @Test void closedPortIsRefused() throws Exception {
        SimNet sim = new SimNet(2, cfg());
        TcpConnection c = sim.connect(81, null);
        assertTrue(sim.run(() -> c.state() == TcpConnection.State.CLOSED, 5 * S));
        assertEquals(TcpError.REFUSED, c.error());
        assertEquals(1, sim.b.engine.counter("tcp.tx.rst"));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void singleLossIsRepairedByFastRetransmitWithoutTimeout(boolean sack) throws Exception {
        TcpConfig c = cfg().withOptions(true, sack, true);
        SimNet sim = new SimNet(3, c);
        int[] seen = {0};
        sim.a.dropIf = s -> s.payload() > 0 && ++seen[0] == 40;
        Transfer t = new Transfer(sim, 1_000_000);
        assertTrue(sim.run(t::done, 30 * S));
        t.assertIntact();
        TcpInfo info = t.client.info();
        assertEquals(sack, info.sack());
        assertTrue(info.fastRetransmits() >= 1, info.toString());
        assertEquals(0, info.timeouts(), "recovered without RTO: " + info);
        if (sack) assertTrue(sim.a.sent.stream().noneMatch(s -> s.h().sackBlocks().length > 0), "A sends no SACK, B does");
        if (sack) assertTrue(sim.b.sent.stream().anyMatch(s -> s.h().sackBlocks().length > 0), "B reports SACK blocks");
    }

    @Test void burstLossWithSackRecoversInOneEpisode() throws Exception {
        SimNet sim = new SimNet(4, cfg());
        int[] seen = {0};
        sim.a.dropIf = s -> s.payload() > 0 && (++seen[0] >= 60 && seen[0] <= 66 && seen[0] % 2 == 0);
        Transfer t = new Transfer(sim, 1_500_000);
        assertTrue(sim.run(t::done, 30 * S));
        t.assertIntact();
        TcpInfo info = t.client.info();
        assertEquals(0, info.timeouts(), info.toString());
        assertEquals(1, info.fastRetransmits(), "one recovery episode for one window's losses: " + info);
    }

    @Test void retransmissionTimeoutBacksOffExponentiallyAndRecovers() throws Exception {
        SimNet sim = new SimNet(5, cfg());
        Transfer t = new Transfer(sim, 3_000_000);
        sim.run(() -> t.source.established, 5 * S);
        sim.runFor(50 * MS);
        long blackholeUntil = sim.now + 20 * S;
        sim.a.dropIf = s -> sim.now < blackholeUntil;
        int before = sim.a.sent.size();
        assertTrue(sim.run(t::done, 60 * S));
        t.assertIntact();
        // Retransmissions during the blackhole: each gap is about double the previous one.
        List<Long> times = new ArrayList<>();
        int una = -1;
        for (SimNet.Sent s : sim.a.sent.subList(before, sim.a.sent.size())) {
            if (s.at() >= blackholeUntil) break;
            if (s.payload() > 0 && s.h().seq() == una) times.add(s.at());
            if (s.payload() > 0 && una == -1) una = s.h().seq();
        }
        // Each timeout's retransmission is followed by at most MAX_PROBES loss probes a few round
        // trips apart; the timeouts themselves (at least 200 ms apart) back off.
        List<Long> probes = new ArrayList<>(times);
        times.clear();
        int burst = 0;
        for (long at : probes) {
            if (times.isEmpty() || at - probes.get(probes.indexOf(at) - 1) >= 200 * MS) {
                times.add(at);
                burst = 1;
            } else {
                assertTrue(++burst <= 1 + TcpConnection.MAX_PROBES, "probes bounded per timeout: " + probes);
            }
        }
        assertTrue(times.size() >= 4, "retransmissions of the first lost segment: " + times + " " + sim.a.sent.subList(before, Math.min(before + 60, sim.a.sent.size())));
        for (int i = 2; i < times.size(); i++) {
            double ratio = (double) (times.get(i) - times.get(i - 1)) / (times.get(i - 1) - times.get(i - 2));
            assertTrue(ratio > 1.8 && ratio < 2.2, "backoff ratio " + ratio + " in " + times);
        }
        assertTrue(t.client.info().timeouts() >= 4);
    }

    @Test void unansweredRetransmissionsEndTheConnectionWithTimeout() throws Exception {
        TcpConfig c = cfg();
        c = new TcpConfig(c.mtu(), c.sendBuffer(), c.receiveBuffer(), c.totalBufferBytes(), c.maxConnections(), c.maxBacklog(),
                c.mslNanos(), c.rtoInitialNanos(), c.rtoMinNanos(), 2 * S, 5, c.synRetries(), c.delayedAckNanos(), c.quickAcks(),
                c.finWait2Nanos(), false, c.keepaliveIdleNanos(), c.keepaliveIntervalNanos(), c.keepaliveProbes(), true, true, true,
                true, 1000, 32768, 60999, "cubic");
        SimNet sim = new SimNet(6, c);
        Transfer t = new Transfer(sim, 300_000);
        sim.run(() -> t.source.established, 5 * S);
        sim.a.dropIf = s -> true;
        assertTrue(sim.run(() -> t.client.state() == TcpConnection.State.CLOSED, 60 * S));
        assertEquals(TcpError.TIMEOUT, t.client.error());
    }

    @Test void zeroWindowWithStalledReaderIsProbedAndReopens() throws Exception {
        SimNet sim = new SimNet(7, TcpConfig.defaults().withBuffers(64 * 1024, 64 * 1024));
        AtomicReference<SimNet.Sink> sink = new AtomicReference<>();
        long stallUntil = sim.now + 30 * S;
        sim.listen(80, c -> {
            SimNet.Sink s = sim.new Sink();
            s.stalledUntil = stallUntil;
            sink.set(s.attach(c));
        });
        SimNet.Source src = sim.new Source(1_000_000, 9);
        TcpConnection client = sim.connect(80, null);
        src.attach(client);
        sim.run(() -> false, 20 * S);
        assertEquals(0, client.info().sendWindow(), "peer's window closed: " + client.info());
        assertTrue(sim.a.engine.counter("tcp.tx.window-probe") >= 3, "zero-window probes sent");
        assertTrue(sim.run(() -> sink.get().eof, 120 * S), "reopened and finished: " + client.info());
        assertEquals(src.hash(), sink.get().hash());
        assertNull(client.error());
    }

    @Test void slowReaderNeverStallsTheTransfer() throws Exception {
        SimNet sim = new SimNet(8, TcpConfig.defaults().withBuffers(64 * 1024, 64 * 1024));
        AtomicReference<SimNet.Sink> sink = new AtomicReference<>();
        sim.listen(80, c -> {
            SimNet.Sink s = sim.new Sink();
            s.stalledUntil = 1;
            s.chunk = 3000;
            sink.set(s.attach(c));
        });
        SimNet.Source src = sim.new Source(600_000, 10);
        src.attach(sim.connect(80, null));
        assertTrue(sim.run(() -> sink.get() != null && sink.get().eof, 120 * S), "finished");
        assertEquals(src.hash(), sink.get().hash());
    }

    @Test void simultaneousOpenEstablishesBothSides() throws Exception {
        SimNet sim = new SimNet(9, cfg());
        TcpConnection x = sim.a.engine.connect(sim.now, SimNet.A_IP, 5000, SimNet.B_IP, 6000, null);
        TcpConnection y = sim.b.engine.connect(sim.now, SimNet.B_IP, 6000, SimNet.A_IP, 5000, null);
        SimNet.Source sx = sim.new Source(50_000, 1);
        SimNet.Sink ky = sim.new Sink();
        sx.attach(x);
        assertTrue(sim.run(() -> x.state() == TcpConnection.State.ESTABLISHED || x.state() == TcpConnection.State.FIN_WAIT_1
                || x.state() == TcpConnection.State.FIN_WAIT_2, 10 * S), "x " + x.state());
        assertTrue(sim.run(() -> y.state() != TcpConnection.State.SYN_RECEIVED && y.state() != TcpConnection.State.SYN_SENT, 10 * S));
        ky.attach(y);
        assertTrue(sim.run(() -> ky.eof, 10 * S));
        assertEquals(sx.hash(), ky.hash());
        assertTrue(sim.a.sent.stream().filter(s -> s.h().has(TcpHeader.SYN)).anyMatch(s -> s.h().has(TcpHeader.ACK)), "A sent SYN-ACK");
    }

    /** Bulk transfer through loss, duplication, reordering and corruption in both directions: intact, in bounded time. */
    @ParameterizedTest
    @ValueSource(longs = {101, 102, 103, 104})
    void bulkTransferSurvivesEveryFaultAtOnce(long seed) throws Exception {
        SimNet sim = new SimNet(seed, cfg());
        sim.a.faults.set(0.03, 0.02, 0.03, 0.01);
        sim.b.faults.set(0.03, 0.02, 0.03, 0.01);
        Transfer t = new Transfer(sim, 2_000_000);
        assertTrue(sim.run(t::done, 60 * S), "seed " + seed + ": " + t.client.info());
        t.assertIntact();
        assertTrue(sim.b.engine.counter("tcp.rx.drop.bad-checksum") > 0, "corruption was caught by the checksum");
    }

    @Test void sameSeedSameRun() throws Exception {
        long[] segments = new long[2];
        for (int i = 0; i < 2; i++) {
            SimNet sim = new SimNet(77, cfg());
            sim.a.faults.set(0.05, 0.02, 0.05, 0.01);
            Transfer t = new Transfer(sim, 300_000);
            assertTrue(sim.run(t::done, 60 * S));
            segments[i] = sim.a.sent.size() * 1_000_003L + sim.now;
        }
        assertEquals(segments[0], segments[1], "deterministic");
    }
}

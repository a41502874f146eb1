package io.morgana.net.tcp;

import static io.morgana.net.tcp.TcpSimulationTest.MS;
import static io.morgana.net.tcp.TcpSimulationTest.S;
import static io.morgana.net.tcp.TcpSimulationTest.cfg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Half-close, TIME_WAIT, keepalive, path MTU, and the attacks of RFC 5961 and SYN floods, on virtual time. */
class TcpLifecycleAndAttackTest {

    /** Forwards reads to a sink and writes to a source on one connection. */
    record Duplex(SimNet.Sink sink, SimNet.Source source) implements TcpConnection.Handler {
        static Duplex on(TcpConnection c, SimNet.Sink sink, SimNet.Source source) {
            sink.attach(c);
            source.attach(c);
            Duplex d = new Duplex(sink, source);
            c.handler(d);
            return d;
        }

        @Override public void established(TcpConnection c) { source.established(c); }
        @Override public void readable(TcpConnection c) { sink.readable(c); }
        @Override public void writable(TcpConnection c) { source.writable(c); }
        @Override public void closed(TcpConnection c) { sink.closed(c); }
    }

    static void inject(SimNet sim, SimNet.Host to, int srcIp, TcpHeader h, byte[] payload) {
        byte[] b = TcpHeaderTest.segment(h, payload);
        TcpChecksum.fill(srcIp, to.ip, zero(b), 0, b.length);
        to.engine.receive(sim.now, srcIp, to.ip, b, 0, b.length);
    }

    private static byte[] zero(byte[] b) {
        b[16] = 0;
        b[17] = 0;
        return b;
    }

    /** Establishes A -> B:80 and returns both ends (client first). */
    static TcpConnection[] establish(SimNet sim, int localPort) throws Exception {
        AtomicReference<TcpConnection> server = new AtomicReference<>();
        if (sim.b.engine.counter("tcp.test.listening") == 0) {
            sim.listen(80, server::set);
            sim.b.engine.count("tcp.test.listening");
        } else {
            throw new IllegalStateException("listen once per sim");
        }
        TcpConnection c = sim.a.engine.connect(sim.now, SimNet.A_IP, localPort, SimNet.B_IP, 80, null);
        assertTrue(sim.run(() -> server.get() != null, 5 * S));
        return new TcpConnection[] {c, server.get()};
    }

    /** A connection with A's source writing {@code bytes} into B's sink. */
    record Pipe(TcpConnection[] cs, SimNet.Sink sink, SimNet.Source src) {
        static Pipe open(SimNet sim, long bytes, long seed) throws Exception {
            TcpConnection[] cs = establish(sim, 0);
            SimNet.Sink sink = sim.new Sink().attach(cs[1]);
            SimNet.Source src = sim.new Source(bytes, seed);
            src.attach(cs[0]);
            return new Pipe(cs, sink, src);
        }
    }

    @Test void halfCloseLetsThePeerKeepSending() throws Exception {
        SimNet sim = new SimNet(21, cfg());
        TcpConnection[] cs = establish(sim, 0);
        SimNet.Sink aSink = sim.new Sink(), bSink = sim.new Sink();
        bSink.closeAtEof = false;
        aSink.closeAtEof = false;
        SimNet.Source aSrc = sim.new Source(100_000, 1), bSrc = sim.new Source(2_000_000, 2);
        bSrc.shutdownAtEnd = false;
        Duplex.on(cs[0], aSink, aSrc);
        Duplex.on(cs[1], bSink, bSrc);
        assertTrue(sim.run(() -> bSink.eof, 10 * S), "B saw A's FIN");
        assertEquals(aSrc.hash(), bSink.hash());
        assertEquals(TcpConnection.State.CLOSE_WAIT, cs[1].state());
        assertTrue(cs[0].state() == TcpConnection.State.FIN_WAIT_2 || cs[0].state() == TcpConnection.State.FIN_WAIT_1, cs[0].state().toString());
        assertTrue(aSink.bytes < 2_000_000, "B is still sending after A's half-close");
        assertTrue(sim.run(() -> bSrc.written == bSrc.total && cs[1].info().unacked() == 0, 30 * S));
        cs[1].shutdownOutput(sim.now);
        assertTrue(sim.run(() -> aSink.eof, 10 * S));
        assertEquals(bSrc.hash(), aSink.hash());
        assertTrue(sim.run(() -> cs[1].state() == TcpConnection.State.CLOSED, 5 * S));
        assertEquals(TcpConnection.State.TIME_WAIT, cs[0].state());
        assertNull(cs[1].error());
        // TIME_WAIT lasts 2·MSL (60 s by default), then the connection is gone.
        sim.runFor(59 * S);
        assertEquals(TcpConnection.State.TIME_WAIT, cs[0].state());
        sim.runFor(2 * S);
        assertEquals(TcpConnection.State.CLOSED, cs[0].state());
        assertEquals(0, sim.a.engine.connectionCount());
    }

    /** RFC 9293 3.6 case 3: both FINs cross on the wire; each side goes FIN_WAIT_1, CLOSING, TIME_WAIT. */
    @Test void simultaneousCloseEndsBothSidesInTimeWait() throws Exception {
        SimNet sim = new SimNet(27, cfg());
        TcpConnection[] cs = establish(sim, 0);
        sim.runFor(100 * MS);
        cs[0].shutdownOutput(sim.now);
        cs[1].shutdownOutput(sim.now);
        assertEquals(TcpConnection.State.FIN_WAIT_1, cs[0].state());
        assertEquals(TcpConnection.State.FIN_WAIT_1, cs[1].state());
        assertTrue(sim.run(() -> cs[0].state() == TcpConnection.State.TIME_WAIT && cs[1].state() == TcpConnection.State.TIME_WAIT, 5 * S),
                cs[0].state() + " / " + cs[1].state());
        assertTrue(sim.a.sent.stream().anyMatch(x -> x.h().has(TcpHeader.FIN)) && sim.b.sent.stream().anyMatch(x -> x.h().has(TcpHeader.FIN)));
        assertNull(cs[0].error());
        assertNull(cs[1].error());
        sim.runFor(61 * S);
        assertEquals(TcpConnection.State.CLOSED, cs[0].state());
        assertEquals(TcpConnection.State.CLOSED, cs[1].state());
    }

    /** Shutting input down: our reads end at once, the peer's data is still acknowledged (and dropped), and we can still send. */
    @Test void shutdownInputEndsOurReadsButNotThePeersSendingNorOurs() throws Exception {
        SimNet sim = new SimNet(28, cfg());
        TcpConnection[] cs = establish(sim, 0);
        SimNet.Source bSrc = sim.new Source(3_000_000, 4);
        bSrc.shutdownAtEnd = false;
        bSrc.attach(cs[1]);
        sim.runFor(50 * MS);
        cs[0].shutdownInput(sim.now);
        assertEquals(-1, cs[0].read(sim.now, java.nio.ByteBuffer.allocate(100)));
        SimNet.Sink bSink = sim.new Sink();
        bSink.closeAtEof = false;
        SimNet.Source aSrc = sim.new Source(500_000, 5);
        Duplex.on(cs[1], bSink, bSrc);
        aSrc.attach(cs[0]);
        assertTrue(sim.run(() -> bSink.eof && bSrc.written == bSrc.total && cs[1].info().unacked() == 0, 30 * S),
                "B sent everything, acknowledged though A reads none of it; " + cs[1].info());
        assertEquals(aSrc.hash(), bSink.hash());
        assertEquals(0, cs[0].readable());
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void newSynReusesTheTimeWaitFourTuple(boolean timestamps) throws Exception {
        SimNet sim = new SimNet(22, cfg().withOptions(timestamps, true, true));
        TcpConnection[] cs = establish(sim, 40000);
        SimNet.Sink aSink = sim.new Sink().attach(cs[0]);
        SimNet.Source bSrc = sim.new Source(10_000, 3);
        bSrc.attach(cs[1]);
        assertTrue(sim.run(() -> aSink.eof, 5 * S));
        assertTrue(sim.run(() -> cs[0].state() == TcpConnection.State.CLOSED, 5 * S));
        cs[1].close(sim.now);
        assertEquals(TcpConnection.State.TIME_WAIT, cs[1].state(), "the server closed first");
        sim.runFor(2 * S);
        AtomicReference<TcpConnection> second = new AtomicReference<>();
        sim.b.engine.listen(81, 1); // (a second port, unused: port 80's listener is the SimNet one)
        TcpConnection again = sim.a.engine.connect(sim.now, SimNet.A_IP, 40000, SimNet.B_IP, 80, null);
        assertTrue(sim.run(() -> again.state() == TcpConnection.State.ESTABLISHED, 5 * S), again.state().toString());
        assertEquals(1, sim.b.engine.counter("tcp.timewait.reuse"));
        assertTrue(second.get() == null);
        assertEquals(TcpConnection.State.CLOSED, cs[1].state());
    }

    @Test void inWindowRstGetsAChallengeAckAndOnlyAnExactRstResets() throws Exception {
        SimNet sim = new SimNet(23, cfg());
        TcpConnection[] cs = establish(sim, 0);
        TcpConnection b = cs[1];
        sim.runFor(100 * MS);
        int rcvNxt = b.rcvNxt();
        int before = sim.b.sent.size();
        inject(sim, sim.b, SimNet.A_IP, TcpHeader.of(cs[0].localPort(), 80, rcvNxt + 1000, 0, TcpHeader.RST, 0), new byte[0]);
        assertEquals(TcpConnection.State.ESTABLISHED, b.state());
        assertEquals(1, sim.b.engine.counter("tcp.challenge-ack"));
        assertEquals(before + 1, sim.b.sent.size(), "one challenge ACK");
        assertEquals(rcvNxt, sim.b.sent.get(before).h().ack());
        inject(sim, sim.b, SimNet.A_IP, TcpHeader.of(cs[0].localPort(), 80, rcvNxt + 100_000_000, 0, TcpHeader.RST, 0), new byte[0]);
        assertEquals(TcpConnection.State.ESTABLISHED, b.state(), "out-of-window RST ignored");
        inject(sim, sim.b, SimNet.A_IP, TcpHeader.of(cs[0].localPort(), 80, rcvNxt + 5, 0, TcpHeader.SYN, 0), new byte[0]);
        assertEquals(TcpConnection.State.ESTABLISHED, b.state(), "SYN on an established connection");
        assertEquals(2, sim.b.engine.counter("tcp.challenge-ack"));
        // The real peer's answers to the challenge ACKs do not disturb anything.
        sim.runFor(S);
        assertEquals(TcpConnection.State.ESTABLISHED, cs[0].state());
        // Challenge ACKs are rate-limited: a burst of in-window RSTs gets at most 1000 per second.
        for (int i = 0; i < 3000; i++) {
            inject(sim, sim.b, SimNet.A_IP, TcpHeader.of(cs[0].localPort(), 80, rcvNxt + 1 + i, 0, TcpHeader.RST, 0), new byte[0]);
        }
        assertTrue(sim.b.engine.counter("tcp.challenge-ack") <= 1002, "limited: " + sim.b.engine.counters());
        assertTrue(sim.b.engine.counter("tcp.challenge-ack.limited") >= 1998);
        inject(sim, sim.b, SimNet.A_IP, TcpHeader.of(cs[0].localPort(), 80, rcvNxt, 0, TcpHeader.RST, 0), new byte[0]);
        assertEquals(TcpConnection.State.CLOSED, b.state());
        assertEquals(TcpError.RESET, b.error());
    }

    @Test void blindDataInjectionDoesNotCorruptTheStream() throws Exception {
        SimNet sim = new SimNet(24, cfg());
        Pipe p = Pipe.open(sim, 5_000_000, 4);
        TcpConnection[] cs = p.cs();
        byte[] junk = new byte[500];
        java.util.Arrays.fill(junk, (byte) 0x41);
        int[] injected = {0};
        for (int k = 1; k <= 40; k++) {
            sim.at(sim.now + k * 4 * MS, () -> {
                TcpConnection b = cs[1];
                int rn = b.rcvNxt();
                // Out of window, and in window but acknowledging data B never sent (RFC 5961 section 5).
                inject(sim, sim.b, SimNet.A_IP, TcpHeader.of(cs[0].localPort(), 80, rn + (1 << 30), b.sndNxt(), TcpHeader.ACK, 1000), junk);
                inject(sim, sim.b, SimNet.A_IP, TcpHeader.of(cs[0].localPort(), 80, rn, b.sndNxt() + (1 << 30), TcpHeader.ACK, 1000), junk);
                injected[0] += 2;
            });
        }
        assertTrue(sim.run(() -> p.sink().eof, 60 * S));
        assertEquals(80, injected[0]);
        assertEquals(p.src().total, p.sink().bytes);
        assertEquals(p.src().hash(), p.sink().hash());
        assertTrue(sim.b.engine.counter("tcp.rx.drop.bad-ack") >= 40);
    }

    /**
     * After a retransmission timeout everything then outstanding is lost; new data sent later can be
     * lost too, which SACKs above it show. The hole above the RTO's loss must be resent: clamping it
     * to where the RTO's loss ends made an empty retransmission, and the sender looped on it forever
     * (found as a hung interop test; a peer could do it on purpose). Both directions are cut and
     * every ACK A sees is ours.
     */
    @Test void aHoleLostBySackAboveWhatAnRtoLostIsResentNotSpunOn() {
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () -> {
            SimNet sim = new SimNet(31, cfg());
            Pipe p = Pipe.open(sim, 50_000_000, 7);
            TcpConnection a = p.cs()[0], b = p.cs()[1];
            assertTrue(sim.run(() -> sim.a.dataSegments().size() >= 40, 10 * S));
            sim.a.dropIf = s -> true;
            sim.b.dropIf = s -> true;
            assertTrue(sim.run(a::rtoLoss, 10 * S), "A's retransmission timer fired");
            int mss = sim.a.dataSegments().getFirst().payload();
            int lostBelow = a.sndMax();
            int[] tsVal = {a.tsRecent()};
            java.util.function.BiConsumer<Integer, int[]> ack = (n, sack) -> inject(sim, sim.a, SimNet.B_IP,
                    new TcpHeader(80, a.localPort(), b.sndNxt(), n, TcpHeader.ACK, 65535, 0, -1, -1, false, a.timestampsOn(),
                            ++tsVal[0], b.tsRecent(), sack, 0), new byte[0]);
            // The peer acknowledges all but the last segment the RTO declared lost, one segment at a
            // time, so that the window grows and A sends new data above the RTO's loss.
            for (int n = a.sndUna() + mss; Seq.leq(n, lostBelow - mss); n += mss) ack.accept(n, TcpHeader.NO_SACK);
            List<SimNet.Sent> fresh = sim.a.dataSegments().stream().filter(s -> Seq.geq(s.h().seq(), lostBelow)).toList();
            assertTrue(fresh.size() >= 6, "new data above the RTO's loss: " + fresh.size() + " segments");
            // The first three new segments are lost, the next three SACKed: the hole [X1, X4) is lost by SACK.
            int x1 = fresh.get(0).h().seq(), x4 = fresh.get(3).h().seq(), x6end = fresh.get(5).h().seq() + fresh.get(5).payload();
            int before = sim.a.sent.size();
            ack.accept(lostBelow - mss, new int[] {x4, x6end});
            assertTrue(sim.a.sent.subList(before, sim.a.sent.size()).stream().anyMatch(s -> s.h().seq() == x1 && s.payload() > 0),
                    "the hole above the RTO's loss is resent");
        });
    }

    @Test void synFloodIsAnsweredWithCookiesAndARealClientStillConnects() throws Exception {
        SimNet sim = new SimNet(25, cfg().withMaxBacklog(16));
        AtomicReference<SimNet.Sink> sink = new AtomicReference<>();
        sim.listen(80, c -> sink.set(sim.new Sink().attach(c)));
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < 20_000; i++) {
            int spoofed = 0x0b000000 | r.nextInt(1 << 24);
            TcpHeader syn = new TcpHeader(1024 + r.nextInt(60000), 80, r.nextInt(), 0, TcpHeader.SYN, 65535, 0, 1460, 7, true, true,
                    r.nextInt(), 0, TcpHeader.NO_SACK, 0);
            inject(sim, sim.b, spoofed, syn, new byte[0]);
        }
        assertTrue(sim.b.engine.connectionCount() <= 16, "half-open connections stay within the backlog");
        assertTrue(sim.b.engine.counter("tcp.syncookie.sent") >= 19_984);
        assertTrue(sim.b.engine.counters().get("tcp.buffer.bytes") < 1 << 20, "memory stays bounded");
        SimNet.Source src = sim.new Source(500_000, 5);
        TcpConnection client = sim.connect(80, null);
        src.attach(client);
        assertTrue(sim.run(() -> sink.get() != null && sink.get().eof, 30 * S), "client " + client.info());
        assertEquals(src.hash(), sink.get().hash());
        assertEquals(1, sim.b.engine.counter("tcp.syncookie.accepted"));
        TcpInfo info = client.info();
        assertTrue(info.sack() && info.timestamps() && info.sendScale() > 0, "options survive the cookie: " + info);
        assertEquals(0, info.timeouts(), info.toString());
        // A forged cookie ACK is answered with RST, not a connection.
        inject(sim, sim.b, 0x0c000001, TcpHeader.of(5555, 80, 1000, 0x12345678, TcpHeader.ACK, 100), new byte[0]);
        assertEquals(1, sim.b.engine.counter("tcp.syncookie.bad"));
    }

    @Test void fragNeededLowersTheSegmentSizeAndTheTransferGoesOn() throws Exception {
        SimNet sim = new SimNet(26, cfg());
        Pipe p = Pipe.open(sim, 1_000_000, 6);
        TcpConnection[] cs = p.cs();
        sim.runFor(30 * MS);
        sim.a.pathMtu = 1000;
        assertTrue(sim.run(() -> p.sink().eof, 30 * S));
        assertEquals(p.src().hash(), p.sink().hash());
        assertEquals(1000 - 40 - 12, cs[0].info().smss());
        assertTrue(sim.a.engine.counter("tcp.pmtu.update") >= 1);
        assertEquals(0, cs[0].info().timeouts(), "no RTO needed: " + cs[0].info());
    }

    @Test void keepaliveDetectsAVanishedPeerAndSparesALiveOne() throws Exception {
        SimNet sim = new SimNet(27, cfg().withKeepalive(true));
        TcpConnection[] cs = establish(sim, 0);
        sim.runFor(3 * 3600 * S);
        assertEquals(TcpConnection.State.ESTABLISHED, cs[0].state(), "a live peer answers the probes");
        assertTrue(sim.a.engine.counter("tcp.tx.keepalive") >= 1);
        sim.b.dropIf = s -> true;
        sim.runFor(2 * 3600 * S + 9 * 75 * S + 80 * S);
        assertEquals(TcpConnection.State.CLOSED, cs[0].state());
        assertEquals(TcpError.TIMEOUT, cs[0].error());
    }

    @Test void ephemeralPortsAndIsnsDifferPerConnection() throws Exception {
        SimNet sim = new SimNet(28, cfg());
        sim.listen(80, c -> { });
        Set<Integer> ports = new HashSet<>(), isns = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            TcpConnection c = sim.connect(80, null);
            assertTrue(c.localPort() >= 32768 && c.localPort() <= 60999);
            ports.add(c.localPort());
            isns.add(c.iss());
        }
        assertEquals(200, ports.size());
        assertEquals(200, isns.size());
    }

    @Test void delayedAcksCoverTwoSegmentsAndNagleCoalescesSmallWrites() throws Exception {
        SimNet sim = new SimNet(29, cfg());
        TcpConnection[] cs = establish(sim, 0);
        SimNet.Sink sink = sim.new Sink().attach(cs[1]);
        SimNet.Source src = sim.new Source(3_000_000, 7);
        src.shutdownAtEnd = false;
        src.attach(cs[0]);
        int before = sim.b.sent.size();
        assertTrue(sim.run(() -> sink.bytes == src.total, 30 * S));
        long dataSegs = sim.a.dataSegments().size();
        long acks = sim.b.sent.size() - before;
        assertTrue(acks < dataSegs * 0.7 && acks > dataSegs * 0.3, acks + " ACKs for " + dataSegs + " segments");
        // Nagle: ten 100-byte writes while data is unacknowledged go out in few segments.
        int segsBefore = sim.a.dataSegments().size();
        for (int i = 0; i < 10; i++) cs[0].write(sim.now, java.nio.ByteBuffer.allocate(100));
        assertTrue(sim.run(() -> sink.bytes == src.total + 1000, 5 * S));
        int nagled = sim.a.dataSegments().size() - segsBefore;
        assertTrue(nagled <= 3, nagled + " segments");
        cs[0].noDelay(true);
        segsBefore = sim.a.dataSegments().size();
        for (int i = 0; i < 10; i++) cs[0].write(sim.now, java.nio.ByteBuffer.allocate(100));
        assertTrue(sim.run(() -> sink.bytes == src.total + 2000, 5 * S));
        assertEquals(10, sim.a.dataSegments().size() - segsBefore, "no delay: one segment per write");
    }
}

package io.morgana.net.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Endpoint;
import io.morgana.api.UdpSocket;
import io.morgana.net.link.Faults;
import io.morgana.net.sim.SimNet;
import java.net.BindException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The API's UdpSocket used from participant virtual threads of a simulated loop (deterministic). */
class UdpSocketTest {

    static SimNet net(long seed) { return new SimNet(seed, Faults.NONE); }

    @Test
    void echoOfDatagramsFrom1To8000BytesOnVirtualThreads() throws Exception {
        try (SimNet net = net(20)) {
            UdpSocket server = net.b.udp().bind(7);
            net.loop.spawn("server", () -> {
                ByteBuffer buf = ByteBuffer.allocate(65_536);
                try {
                    while (true) {
                        buf.clear();
                        Endpoint from = server.receive(buf);
                        server.send(buf.flip(), from);
                    }
                } catch (Exception e) {
                    // closed
                }
            });
            UdpSocket client = net.a.udp().bind(0);
            assertTrue(client.localAddress().port() >= UdpLayer.EPHEMERAL_FIRST);
            assertEquals(SimNet.A, client.localAddress().address());
            client.receiveTimeout(Duration.ofSeconds(5));
            int count = 120;
            CompletableFuture<Integer> done = new CompletableFuture<>();
            net.loop.spawn("client", () -> {
                SplittableRandom r = new SplittableRandom(21);
                ByteBuffer in = ByteBuffer.allocate(9000);
                int ok = 0;
                try {
                    for (int i = 0; i < count; i++) {
                        byte[] d = new byte[i == 0 ? 1 : i % 10 == 0 ? 8000 : 1 + r.nextInt(2000)];
                        r.nextBytes(d);
                        client.send(ByteBuffer.wrap(d), new Endpoint(SimNet.B, 7));
                        in.clear();
                        Endpoint from = client.receive(in);
                        byte[] got = new byte[in.flip().remaining()];
                        in.get(got);
                        assertEquals(new Endpoint(SimNet.B, 7), from);
                        assertArrayEquals(d, got);
                        ok++;
                    }
                    done.complete(ok);
                } catch (Throwable e) {
                    done.completeExceptionally(e);
                }
            });
            assertTrue(net.loop.runUntil(done::isDone, java.time.Duration.ofNanos(60_000_000_000L)), "echo did not finish");
            assertEquals(count, done.get());
            server.close();
            assertEquals(0, net.b.counters().get("udp.rx.drop.queue-full"));
        }
    }

    @Test
    void receiveTimesOutOnTheLoopClockAndCloseWakesAReceiver() throws Exception {
        try (SimNet net = net(22)) {
            UdpSocket s = net.a.udp().bind(9000);
            s.receiveTimeout(Duration.ofSeconds(30));
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            net.loop.spawn("timeout", () -> {
                try {
                    s.receive(ByteBuffer.allocate(10));
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            long start = net.loop.nanoTime();
            assertTrue(net.loop.runUntil(() -> thrown.get() != null, java.time.Duration.ofNanos(60_000_000_000L)));
            assertTrue(thrown.get() instanceof SocketTimeoutException, String.valueOf(thrown.get()));
            assertTrue(net.loop.nanoTime() - start >= 30_000_000_000L, "virtual seconds passed");

            s.receiveTimeout(null);
            thrown.set(null);
            net.loop.spawn("closed", () -> {
                try {
                    s.receive(ByteBuffer.allocate(10));
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            net.run(1);
            assertEquals(null, thrown.get(), "parked in receive");
            s.close();
            net.run(1);
            assertTrue(thrown.get() instanceof ClosedChannelException, String.valueOf(thrown.get()));
            assertThrows(ClosedChannelException.class, () -> s.send(ByteBuffer.allocate(1), new Endpoint(SimNet.B, 1)));
            // The port is free again.
            net.a.udp().bind(9000).close();
        }
    }

    @Test
    void errorsAUserCanActOn() throws Exception {
        try (SimNet net = net(23)) {
            UdpSocket s = net.a.udp().bind(53);
            BindException busy = assertThrows(BindException.class, () -> net.a.udp().bind(53));
            assertTrue(busy.getMessage().contains("53"), busy.getMessage());
            assertThrows(NoRouteToHostException.class, () -> s.send(ByteBuffer.allocate(1), Endpoint.of("::1", 53)));
            Exception big = assertThrows(java.io.IOException.class, () -> s.send(ByteBuffer.allocate(65_508), new Endpoint(SimNet.B, 1)));
            assertTrue(big.getMessage().contains("65507"), big.getMessage());
            s.close();
        }
    }

    @Test
    void aSlowReaderLosesDatagramsBeyondItsQueueAndTheRestAreTruncatedToItsBuffer() throws Exception {
        try (SimNet net = net(24)) {
            UdpSocket s = net.b.udp().bind(1000);
            net.a.icmp().ping(SimNet.B.bits(), 1, 1, ByteBuffer.allocate(8)); // resolve b first
            net.run(10);
            for (int i = 0; i < UdpSockets.RX_SLOTS + 44; i++) {
                net.loop.execute(() -> net.a.udpLayer().send(SimNet.A.bits(), 1, SimNet.B.bits(), 1000, ByteBuffer.allocate(100)));
            }
            net.run(100);
            assertEquals(44, net.b.counters().get("udp.rx.drop.queue-full"));
            ByteBuffer small = ByteBuffer.allocate(10);
            assertEquals(new Endpoint(SimNet.A, 1), s.receive(small));
            assertEquals(10, small.position(), "truncated to the buffer");
            s.close();
        }
    }

    @Test
    void aSenderFasterThanTheLoopWaitsForRoomInsteadOfLosingDatagrams() throws Exception {
        try (SimNet net = net(25)) {
            UdpSocket server = net.b.udp().bind(53);
            net.a.icmp().ping(SimNet.B.bits(), 1, 1, ByteBuffer.allocate(8)); // resolve b first
            net.run(10);
            int count = 3 * UdpSockets.TX_SLOTS;
            java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
            net.loop.spawn("receiver", () -> {
                ByteBuffer buf = ByteBuffer.allocate(100);
                try {
                    while (true) {
                        buf.clear();
                        server.receive(buf);
                        received.incrementAndGet();
                    }
                } catch (Exception e) {
                    // closed
                }
            });
            UdpSocket client = net.a.udp().bind(0);
            CompletableFuture<Void> sent = new CompletableFuture<>();
            net.loop.spawn("sender", () -> {
                try {
                    // Without parking in between: the queue fills at TX_SLOTS, and then send waits for the loop.
                    for (int i = 0; i < count; i++) client.send(ByteBuffer.allocate(20), new Endpoint(SimNet.B, 53));
                    sent.complete(null);
                } catch (Throwable e) {
                    sent.completeExceptionally(e);
                }
            });
            assertTrue(net.loop.runUntil(() -> sent.isDone() && received.get() == count, Duration.ofSeconds(10)),
                    "received " + received.get() + " of " + count + "; " + net.a.counters().get("udp.tx.drop.socket-queue-full") + " dropped");
            sent.get();
            assertEquals(0, net.a.counters().get("udp.tx.drop.socket-queue-full"));
            assertEquals(0, net.b.counters().get("udp.rx.drop.queue-full"));
            server.close();
        }
    }
}

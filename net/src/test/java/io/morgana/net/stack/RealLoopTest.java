package io.morgana.net.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.morgana.api.Endpoint;
import io.morgana.api.Ipv4Prefix;
import io.morgana.api.UdpSocket;
import io.morgana.net.link.MemoryLink;
import io.morgana.net.sim.SimNet;
import io.morgana.runtime.loop.ThreadLoop;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The stack on the real event loop (a platform thread, real time), used from plain virtual threads. */
class RealLoopTest {

    @Test
    void udpEchoOnTheThreadLoop() throws Exception {
        try (ThreadLoop loop = ThreadLoop.start("n3-stack")) {
            MemoryLink[] pair = MemoryLink.pair(SimNet.MAC_A, SimNet.MAC_B, 1500, 0, 0);
            NetStack a = NetStack.builder(pair[0], loop).ipv4(new Ipv4Prefix(SimNet.A, 24)).build().start();
            NetStack b = NetStack.builder(pair[1], loop).ipv4(new Ipv4Prefix(SimNet.B, 24)).build().start();
            UdpSocket server = b.udp().bind(7);
            Thread.ofVirtual().start(() -> {
                ByteBuffer buf = ByteBuffer.allocate(65_536);
                try {
                    while (true) {
                        Endpoint from = server.receive(buf.clear());
                        server.send(buf.flip(), from);
                    }
                } catch (Exception e) {
                    // closed
                }
            });
            CompletableFuture<Integer> done = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try (UdpSocket c = a.udp().bind(0)) {
                    c.receiveTimeout(Duration.ofSeconds(10));
                    SplittableRandom r = new SplittableRandom(1);
                    ByteBuffer in = ByteBuffer.allocate(9000);
                    int n = 0;
                    for (int i = 0; i < 1000; i++) {
                        byte[] d = new byte[1 + (i % 25 == 0 ? 7999 : r.nextInt(1400))];
                        r.nextBytes(d);
                        c.send(ByteBuffer.wrap(d), new Endpoint(SimNet.B, 7));
                        c.receive(in.clear());
                        byte[] got = new byte[in.flip().remaining()];
                        in.get(got);
                        assertArrayEquals(d, got);
                        n++;
                    }
                    done.complete(n);
                } catch (Throwable e) {
                    done.completeExceptionally(e);
                }
            });
            assertEquals(1000, done.get(60, TimeUnit.SECONDS));
            server.close();
            a.close();
            b.close();
            assertEquals(0, a.counters().get("eth.rx.drop.internal-error") + b.counters().get("eth.rx.drop.internal-error"));
        }
    }
}

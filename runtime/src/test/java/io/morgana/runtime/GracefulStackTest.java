package io.morgana.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Appliance;
import io.morgana.api.Context;
import io.morgana.api.Device;
import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.FlowInfo;
import io.morgana.api.IpAddress;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Listener;
import io.morgana.api.Manifest;
import io.morgana.api.Stack;
import io.morgana.api.Tcp;
import io.morgana.api.Udp;
import io.morgana.api.UdpSocket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;

/** A target whose stack knows nothing of stopping still stops gracefully: the runtime tracks it. */
class GracefulStackTest {

    private static final Duration T = Duration.ofSeconds(10);
    private static final Endpoint HERE = new Endpoint(Ipv4Address.LOOPBACK, 1);

    /** A flow that only records what happened to it. */
    static final class FakeFlow implements Flow {
        volatile boolean closed, aborted;
        volatile Duration keepAliveIdle;
        final FlowInfo info = FlowInfo.basic("ESTABLISHED", HERE, HERE, 12, 34);
        @Override public int read(ByteBuffer dst) { return -1; }
        @Override public void write(ByteBuffer src) { src.position(src.limit()); }
        @Override public void readTimeout(Duration timeout) { }
        @Override public void shutdownOutput() { }
        @Override public void shutdownInput() { }
        @Override public void close() { closed = true; }
        @Override public void abort() { aborted = true; }
        @Override public Endpoint localAddress() { return HERE; }
        @Override public Endpoint remoteAddress() { return HERE; }
        @Override public FlowInfo info() { return info; }
        @Override public void keepAlive(Duration idle, Duration interval, int probes) { keepAliveIdle = idle; }
    }

    /** A stack whose one listener hands out the flows a test queues. */
    static final class FakeStack implements Stack {
        final BlockingQueue<FakeFlow> incoming = new LinkedBlockingQueue<>();
        volatile boolean listenerClosed, udpClosed;

        @Override public Tcp tcp() {
            return new Tcp() {
                @Override public Listener listen(int port) {
                    return new Listener() {
                        @Override public Flow accept() throws IOException {
                            try {
                                return incoming.take();
                            } catch (InterruptedException e) {
                                throw new ClosedChannelException();
                            }
                        }
                        @Override public Endpoint localAddress() { return HERE; }
                        @Override public void close() { listenerClosed = true; }
                        @Override public boolean isOpen() { return !listenerClosed; }
                    };
                }
                @Override public Flow connect(Endpoint remote, Duration timeout) { return new FakeFlow(); }
            };
        }

        @Override public Udp udp() {
            return port -> new UdpSocket() {
                @Override public Endpoint receive(ByteBuffer dst) throws IOException { throw new ClosedChannelException(); }
                @Override public void send(ByteBuffer src, Endpoint to) { }
                @Override public void receiveTimeout(Duration timeout) { }
                @Override public Endpoint localAddress() { return HERE; }
                @Override public void close() { udpClosed = true; }
            };
        }

        @Override public List<IpAddress> addresses() { return List.of(Ipv4Address.LOOPBACK); }
        @Override public Map<String, Long> counters() { return Map.of("x.rx", 1L); }
    }

    static Target targetWith(FakeStack stack) {
        return new TestTarget("fake", EnumSet.allOf(Device.Kind.class), true, true) {
            @Override public Stack openStack(Boot boot) { return stack; }
        };
    }

    /** Listens, takes one flow (keeping it open), binds UDP, then waits for stop. */
    static Appliance server(Flow[] accepted) {
        return new Appliance() {
            @Override public Manifest manifest() { return Manifest.builder("server").needs(Device.stack()).build(); }
            @Override public void run(Context c) throws Exception {
                Listener l = c.stack().tcp().listen(80);
                c.stack().udp().bind(53);
                accepted[0] = l.accept();
                assertEquals(Map.of("x.rx", 1L), c.stack().counters());
                System.getLogger("test").log(System.Logger.Level.INFO, "accepted");
                c.awaitStop();
            }
        };
    }

    /** Boots {@link #server} on a fake stack holding {@code flow}; returns once it accepted it. */
    static Launcher.Running boot(FakeStack stack, FakeFlow flow, Flow[] accepted, String grace) {
        stack.incoming.add(flow);
        Launcher.Running r = Launcher.start(server(accepted), targetWith(stack), "--stop-grace=" + grace);
        r.awaitLog("accepted", T);
        return r;
    }

    @Test void openFlowsAreCutAfterTheGracePeriod() {
        FakeStack stack = new FakeStack();
        FakeFlow flow = new FakeFlow();
        Launcher.Running r = boot(stack, flow, new Flow[1], "200ms");
        long t0 = System.nanoTime();
        r.stop();
        assertEquals(0, r.awaitExit(T));
        assertTrue(System.nanoTime() - t0 >= 200_000_000, "cut before the grace period ended");
        assertTrue(stack.listenerClosed);
        assertTrue(flow.aborted);
        assertTrue(stack.udpClosed);
    }

    @Test void aFlowThatFinishesWithinGraceIsNotCut() throws Exception {
        FakeStack stack = new FakeStack();
        FakeFlow flow = new FakeFlow();
        Flow[] accepted = new Flow[1];
        Launcher.Running r = boot(stack, flow, accepted, "10s");
        // The runtime's wrapper passes the target's figures and keepalive through.
        assertEquals(flow.info, accepted[0].info());
        accepted[0].keepAlive(Duration.ofSeconds(30));
        assertEquals(Duration.ofSeconds(30), flow.keepAliveIdle);
        long t0 = System.nanoTime();
        r.stop();
        r.awaitLog("stopping server", T);
        for (long end = System.nanoTime() + T.toNanos(); !stack.listenerClosed && System.nanoTime() < end; ) Thread.sleep(5);
        assertTrue(stack.listenerClosed, "listener not closed on stop");
        accepted[0].close();
        assertEquals(0, r.awaitExit(T));
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "waited for the whole grace period");
        assertTrue(flow.closed);
        assertFalse(flow.aborted);
    }
}

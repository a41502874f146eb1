package io.morgana.net.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.FlowInfo;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Listener;
import io.morgana.net.link.Faults;
import io.morgana.runtime.log.LogSink;
import io.morgana.runtime.log.LogSpec;
import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The {@code Tcp}/{@code Flow} API over two whole stacks (Ethernet, ARP, IPv4, TCP) on the
 * in-memory link and virtual time, with blocking calls on virtual threads.
 */
class TcpStackTest {
    static final long S = 1_000_000_000L;
    static final Endpoint B7 = new Endpoint(StackPair.B, 7);

    /** Runs {@code body} on a virtual thread while the loop runs; returns what it threw, if anything. */
    static Throwable drive(StackPair net, long maxVirtualNanos, ThrowingRunnable body) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        boolean[] done = {false};
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            } finally {
                done[0] = true;
            }
        });
        // The loop returns early when it is idle and the thread has not posted yet: keep going
        // until the thread ends, within the virtual-time budget (and a real-time guard).
        long end = net.loop.nanoTime() + maxVirtualNanos, guard = System.nanoTime() + 60 * S;
        while (!done[0] && net.loop.nanoTime() < end && System.nanoTime() < guard) {
            net.loop.runUntil(() -> done[0], end - net.loop.nanoTime());
            if (!done[0]) Thread.onSpinWait();
        }
        assertTrue(done[0], "client did not finish in virtual time");
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return failure.get();
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /**
     * Writes {@code data} on a virtual thread, then shuts output down, while reading {@code flow}
     * to its end; returns what was read, or throws what the writer threw.
     */
    static byte[] writeAllAndReadToEnd(Flow flow, byte[] data) throws Exception {
        AtomicReference<Exception> writeFailure = new AtomicReference<>();
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                flow.write(data);
                flow.shutdownOutput();
            } catch (Exception e) {
                writeFailure.set(e);
            }
        });
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        for (int n; (n = flow.read(buf, 0, buf.length)) >= 0; ) got.write(buf, 0, n);
        writer.join();
        if (writeFailure.get() != null) throw writeFailure.get();
        return got.toByteArray();
    }

    static void echoServer(StackPair net) throws Exception {
        net.b.tcp().serve(7, flow -> {
            ByteBuffer buf = ByteBuffer.allocate(8192);
            while (flow.read(buf.clear()) >= 0) flow.write(buf.flip());
            flow.shutdownOutput();
        });
    }

    @Test void echoOverWholeStacksWithFaults() throws Exception {
        try (StackPair net = new StackPair(11, new Faults(0.02, 0.02, 0.02, 0.005, 0, 0), 2_000_000)) {
            echoServer(net);
            byte[] data = new byte[300_000];
            new SplittableRandom(5).nextBytes(data);
            AtomicReference<byte[]> got = new AtomicReference<>();
            Throwable f = drive(net, 120 * S, () -> {
                try (Flow flow = net.a.tcp().connect(B7, Duration.ofSeconds(10))) {
                    got.set(writeAllAndReadToEnd(flow, data));
                }
            });
            if (f != null) throw new AssertionError(f);
            assertArrayEquals(data, got.get());
            assertTrue(net.a.counters().get("tcp.tx.segments") > 100, "tcp counters show in Stack.counters()");
        }
    }

    @Test void connectErrorsAreTheJdkExceptions() throws Exception {
        try (StackPair net = new StackPair(12, Faults.NONE, 2_000_000)) {
            Throwable refused = drive(net, 30 * S, () -> net.a.tcp().connect(new Endpoint(StackPair.B, 9), Duration.ofSeconds(5)));
            assertInstanceOf(ConnectException.class, refused);
            Throwable unreachable = drive(net, 60 * S, () -> net.a.tcp().connect(Endpoint.of("10.0.0.77", 80), Duration.ofSeconds(30)));
            assertInstanceOf(NoRouteToHostException.class, unreachable, String.valueOf(unreachable));
            net.linkB.close();
            Throwable timeout = drive(net, 60 * S, () -> net.a.tcp().connect(B7, Duration.ofSeconds(3)));
            assertInstanceOf(SocketTimeoutException.class, timeout, String.valueOf(timeout));
        }
    }

    @Test void closeFromAnotherThreadEndsABlockedRead() throws Exception {
        assertInstanceOf(AsynchronousCloseException.class, whatABlockedReadGets(19, Flow::close), "as a SocketChannel's read does");
    }

    /** The server accepts, a second thread blocks in read, the server then does {@code then} to the flow: what the read returned or threw. */
    private static Object whatABlockedReadGets(long seed, FlowAction then) throws Exception {
        try (StackPair net = new StackPair(seed, Faults.NONE, 2_000_000)) {
            Listener l = net.b.tcp().listen(7);
            AtomicReference<Object> serverRead = new AtomicReference<>();
            Thread server = Thread.ofVirtual().start(() -> {
                try (Flow f = l.accept()) {
                    Thread reader = Thread.ofVirtual().start(() -> {
                        try {
                            serverRead.set(f.read(ByteBuffer.allocate(10)));
                        } catch (Throwable e) {
                            serverRead.set(e);
                        }
                    });
                    while (reader.getState() != Thread.State.WAITING) Thread.sleep(1);
                    then.apply(f);
                    reader.join();
                } catch (Throwable e) {
                    serverRead.compareAndSet(null, e);
                }
            });
            Throwable f = drive(net, 60 * S, () -> {
                try (Flow flow = net.a.tcp().connect(B7, Duration.ofSeconds(5))) {
                    while (server.isAlive()) Thread.sleep(1);
                }
            });
            if (f != null) throw new AssertionError(f);
            return serverRead.get();
        }
    }

    @FunctionalInterface
    interface FlowAction {
        void apply(Flow f) throws Exception;
    }

    @Test void aSecondConcurrentReaderIsRefusedAndTheFirstStillGetsTheData() throws Exception {
        AtomicReference<Object> second = new AtomicReference<>();
        Object first = whatABlockedReadGets(37, f -> {
            try {
                f.read(ByteBuffer.allocate(10));
                second.set("returned");
            } catch (IllegalStateException e) {
                second.set(e);
            }
            f.shutdownInput();
        });
        assertInstanceOf(IllegalStateException.class, second.get(), String.valueOf(second.get()));
        assertTrue(((Exception) second.get()).getMessage().contains("one reader at a time"), String.valueOf(second.get()));
        assertEquals(-1, first, "the first reader was not orphaned: it sees the end of stream");
    }

    @Test void anInterruptedReadLosesNoDataAndTheFlowGoesOn() throws Exception {
        try (StackPair net = new StackPair(23, Faults.NONE, 2_000_000)) {
            Listener l = net.b.tcp().listen(7);
            AtomicReference<Throwable> interrupted = new AtomicReference<>();
            AtomicReference<String> after = new AtomicReference<>();
            java.util.concurrent.atomic.AtomicBoolean stillInterrupted = new java.util.concurrent.atomic.AtomicBoolean();
            Thread server = Thread.ofVirtual().start(() -> {
                try (Flow f = l.accept()) {
                    Thread reader = Thread.ofVirtual().start(() -> {
                        try {
                            f.read(ByteBuffer.allocate(10));
                        } catch (Throwable e) {
                            interrupted.set(e);
                            stillInterrupted.set(Thread.currentThread().isInterrupted());
                        }
                    });
                    while (reader.getState() != Thread.State.WAITING) Thread.sleep(1);
                    reader.interrupt();
                    reader.join();
                    f.write(new byte[] {'g', 'o'}); // now the client sends
                    ByteBuffer b = ByteBuffer.allocate(10);
                    while (b.position() < 5 && f.read(b) > 0) { }
                    after.set(new String(b.array(), 0, b.position(), java.nio.charset.StandardCharsets.US_ASCII));
                } catch (Throwable e) {
                    interrupted.compareAndSet(null, e);
                }
            });
            Throwable f = drive(net, 60 * S, () -> {
                try (Flow flow = net.a.tcp().connect(B7, Duration.ofSeconds(5))) {
                    assertEquals(2, flow.read(ByteBuffer.allocate(2)));
                    flow.write("hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    while (server.isAlive()) Thread.sleep(1);
                }
            });
            if (f != null) throw new AssertionError(f);
            assertInstanceOf(java.io.InterruptedIOException.class, interrupted.get());
            assertTrue(stillInterrupted.get(), "the interrupt status stays set");
            assertEquals("hello", after.get(), "the read after the interrupted one gets every byte");
        }
    }

    @Test void waitingAcceptsGetConnectionsInTurnAndFailWhenTheListenerCloses() throws Exception {
        try (StackPair net = new StackPair(29, Faults.NONE, 2_000_000)) {
            Listener l = net.b.tcp().listen(7);
            java.util.List<Object> got = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            Thread[] acceptors = new Thread[3];
            for (int i = 0; i < acceptors.length; i++) {
                acceptors[i] = Thread.ofVirtual().start(() -> {
                    try {
                        Flow f = l.accept();
                        got.add(f.remoteAddress().port());
                        f.close();
                    } catch (Throwable e) {
                        got.add(e);
                    }
                });
                while (acceptors[i].getState() != Thread.State.WAITING) Thread.sleep(1);
            }
            Throwable f = drive(net, 60 * S, () -> {
                for (int i = 0; i < 2; i++) {
                    try (Flow flow = net.a.tcp().connect(B7, Duration.ofSeconds(5))) {
                        assertEquals(-1, flow.read(ByteBuffer.allocate(1)), "the acceptor closed it");
                    }
                }
                l.close();
                for (Thread t : acceptors) t.join();
            });
            if (f != null) throw new AssertionError(f);
            assertEquals(3, got.size(), String.valueOf(got));
            assertInstanceOf(Integer.class, got.get(0));
            assertInstanceOf(Integer.class, got.get(1));
            assertInstanceOf(java.nio.channels.ClosedChannelException.class, got.get(2), "the third waits until the listener closes");
        }
    }

    @Test void shutdownInputFromAnotherThreadEndsABlockedRead() throws Exception {
        assertEquals(-1, whatABlockedReadGets(17, Flow::shutdownInput), "a read blocked when input was shut down returns end of stream");
    }

    @Test void aBlockingCallOnTheLoopThreadIsRefusedNotHung() throws Exception {
        try (StackPair net = new StackPair(31, Faults.NONE, 2_000_000)) {
            Listener l = net.b.tcp().listen(7);
            AtomicReference<Flow> accepted = new AtomicReference<>();
            Thread server = Thread.ofVirtual().start(() -> {
                try {
                    accepted.set(l.accept());
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Throwable f = drive(net, 60 * S, () -> {
                net.a.tcp().connect(B7, Duration.ofSeconds(5));
                server.join();
            });
            if (f != null) throw new AssertionError(f);
            // This test's thread runs the (virtual) loop: a read or write here would wait for itself.
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> accepted.get().read(ByteBuffer.allocate(1)));
            assertTrue(e.getMessage().contains("loop thread"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> accepted.get().write(ByteBuffer.allocate(1)));
            // and so would waiting for a connection, either way
            assertTrue(assertThrows(IllegalStateException.class, l::accept).getMessage().contains("loop thread"));
            assertTrue(assertThrows(IllegalStateException.class, () -> net.a.tcp().connect(B7, Duration.ofSeconds(5)))
                    .getMessage().contains("loop thread"));
        }
    }

    @Test void readTimeoutLeavesTheFlowUsableAndAbortResetsThePeer() throws Exception {
        try (StackPair net = new StackPair(13, Faults.NONE, 2_000_000)) {
            AtomicReference<Throwable> serverSaw = new AtomicReference<>();
            Listener l = net.b.tcp().listen(7);
            assertEquals(7, l.localAddress().port());
            Thread.ofVirtual().start(() -> {
                try (Flow f = l.accept()) {
                    f.write(new byte[] {1});
                    f.read(ByteBuffer.allocate(10));
                } catch (Throwable e) {
                    serverSaw.set(e);
                }
            });
            Throwable f = drive(net, 60 * S, () -> {
                Flow flow = net.a.tcp().connect(B7, Duration.ofSeconds(5));
                assertEquals(new Ipv4Address(StackPair.A.bits()), flow.localAddress().address());
                ByteBuffer buf = ByteBuffer.allocate(10);
                assertEquals(1, flow.read(buf));
                flow.readTimeout(Duration.ofSeconds(2));
                try {
                    flow.read(buf.clear());
                    throw new AssertionError("read should time out");
                } catch (SocketTimeoutException expected) {
                    // the flow stays usable
                }
                flow.abort();
            });
            if (f != null) throw new AssertionError(f);
            net.loop.runUntil(() -> serverSaw.get() != null, 5 * S);
            assertInstanceOf(SocketException.class, serverSaw.get());
            l.close();
        }
    }

    @Test void flowInfoShowsStateAndCountersAndTcpDebugLogsThemAtClose() throws Exception {
        LogSink sink = LogSink.capturing(null);
        sink.spec(LogSpec.parse("*:warn,tcp:debug"));
        sink.bindToCurrentThread();
        try (StackPair net = new StackPair(14, new Faults(0.02, 0, 0, 0, 0, 0), 2_000_000)) {
            echoServer(net);
            AtomicReference<FlowInfo> open = new AtomicReference<>(), closed = new AtomicReference<>();
            Throwable f = drive(net, 120 * S, () -> {
                Flow flow = net.a.tcp().connect(B7, Duration.ofSeconds(5));
                byte[] data = new byte[200_000];
                assertEquals(data.length, writeAllAndReadToEnd(flow, data).length);
                open.set(flow.info());
                flow.close();
                closed.set(flow.info());
            });
            if (f != null) throw new AssertionError(f);
            FlowInfo i = open.get();
            assertTrue(i.detailed(), i.toString());
            assertEquals(B7, i.remote());
            assertEquals(StackPair.A, i.local().address());
            assertEquals("TIME_WAIT", i.state(), "we shut output down first, then the echo server did");
            assertEquals(200_000, i.bytesSent());
            assertEquals(200_000, i.bytesAcked());
            assertEquals(200_000, i.bytesReceived());
            assertTrue(i.retransmits() > 0 && i.segmentsSent() > 100 && i.segmentsReceived() > 100, "2 % loss: " + i);
            assertTrue(i.rtt().toNanos() > 0 && i.rto().toMillis() >= 200 && i.cwnd() >= i.mss() && i.mss() == 1448, i.toString());
            assertEquals("cubic", i.congestionControl());
            assertEquals(i.bytesSent(), closed.get().bytesSent(), "after close the figures stay readable");
            net.loop.runFor(1 * S);
            // tcp:debug logs each connection's figures when it is done: the server's when it
            // closes from LAST_ACK, ours when we enter TIME_WAIT.
            for (String what : new String[] {"CLOSED from LAST_ACK", "done: TIME_WAIT"}) {
                String line = sink.lines().stream().filter(l -> l.contains(what)).findFirst().orElseThrow(
                        () -> new AssertionError("no '" + what + "' line in " + sink.lines()));
                assertTrue(line.contains("[tcp]") && line.contains("retransmits ") && line.contains("cwnd ") && line.contains("rtt "), line);
            }
        } finally {
            LogSink.global().bindToCurrentThread();
        }
    }

    @Test void keepaliveThroughTheApiEndsAFlowToAVanishedPeerAndSparesALiveOne() throws Exception {
        try (StackPair net = new StackPair(15, Faults.NONE, 2_000_000)) {
            echoServer(net);
            long before = net.a.counters().getOrDefault("tcp.tx.keepalive", 0L);
            Throwable f = drive(net, 120 * S, () -> {
                Flow flow = net.a.tcp().connect(B7, Duration.ofSeconds(5));
                assertThrows(IllegalArgumentException.class, () -> flow.keepAlive(Duration.ofMillis(10)));
                assertThrows(IllegalArgumentException.class, () -> flow.keepAlive(Duration.ofSeconds(5), Duration.ofSeconds(1), 0));
                flow.keepAlive(Duration.ofSeconds(5), Duration.ofSeconds(1), 3);
                // A live peer answers every probe: after 20 s idle the flow still echoes.
                flow.readTimeout(Duration.ofSeconds(20));
                assertThrows(SocketTimeoutException.class, () -> flow.read(ByteBuffer.allocate(10)));
                flow.write(new byte[] {7});
                assertEquals(1, flow.read(ByteBuffer.allocate(10)));
                // Off again (null idle): 20 s more of silence, and no probe. (Probes are counted after
                // each change, never timed: the loop may run ahead while this thread is between calls.)
                flow.keepAlive(null, null, 0);
                long probes = net.a.counters().getOrDefault("tcp.tx.keepalive", 0L);
                assertThrows(SocketTimeoutException.class, () -> flow.read(ByteBuffer.allocate(10)));
                assertEquals(probes, net.a.counters().getOrDefault("tcp.tx.keepalive", 0L), "no probe with keepalive off");
                // Then the peer vanishes without a word, and keepalive is on again: 3 unanswered probes
                // later the flow fails with a SocketException (a read timeout would be a
                // SocketTimeoutException, which is not one).
                net.linkB.close();
                long alive = net.a.counters().getOrDefault("tcp.tx.keepalive", 0L);
                flow.keepAlive(Duration.ofSeconds(5), Duration.ofSeconds(1), 3);
                flow.readTimeout(Duration.ofSeconds(60));
                assertThrows(SocketException.class, () -> flow.read(ByteBuffer.allocate(10)));
                assertEquals(3, net.a.counters().getOrDefault("tcp.tx.keepalive", 0L) - alive, "dropped after 3 unanswered probes");
                assertEquals("CLOSED", flow.info().state());
            });
            if (f != null) throw new AssertionError(f);
            assertTrue(net.a.counters().getOrDefault("tcp.tx.keepalive", 0L) - before >= 6, "probes: " + net.a.counters());
        }
    }
}

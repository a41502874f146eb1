package io.morgana.target.unix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.FlowInfo;
import io.morgana.api.IpAddress;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Listener;
import io.morgana.api.UdpSocket;
import io.morgana.runtime.log.LogSink;
import io.morgana.runtime.log.LogSpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The host-socket stack against plain JDK sockets (the Linux kernel on loopback). */
class UnixStackTest {

    private final UnixStack stack = new UnixStack();
    private final List<Listener> listeners = new ArrayList<>();

    @AfterEach void close() { listeners.forEach(Listener::close); }

    private Listener listen() throws IOException {
        Listener l = stack.tcp().listen(0);
        listeners.add(l);
        return l;
    }

    private static Endpoint loopback(int port) { return new Endpoint(Ipv4Address.LOOPBACK, port); }

    private static byte[] read(Flow f, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) if (f.read(b) < 0) break;
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    @Test void acceptReadWriteHalfCloseAndAddresses() throws Exception {
        Listener l = listen();
        int port = l.localAddress().port();
        assertTrue(port > 0);
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port); Flow f = l.accept()) {
            assertEquals(client.getLocalPort(), f.remoteAddress().port());
            assertEquals(IpAddress.parse("127.0.0.1"), f.remoteAddress().address());
            assertEquals(port, f.localAddress().port());
            client.getOutputStream().write("ping".getBytes());
            client.shutdownOutput();
            assertEquals("ping", new String(read(f, 100)));
            assertEquals(-1, f.read(ByteBuffer.allocate(1)), "end of stream after the peer's FIN");
            // We may still write after the peer's FIN; then our FIN ends its stream.
            f.write(ByteBuffer.wrap("pong".getBytes()));
            f.shutdownOutput();
            assertEquals("pong", new String(client.getInputStream().readAllBytes()));
        }
    }

    @Test void directBuffersWork() throws Exception {
        Listener l = listen();
        try (Flow out = stack.tcp().connect(loopback(l.localAddress().port()), Duration.ofSeconds(5)); Flow in = l.accept()) {
            ByteBuffer src = ByteBuffer.allocateDirect(100_000);
            for (int i = 0; i < src.capacity(); i++) src.put((byte) i);
            src.flip();
            CompletableFuture<Void> w = CompletableFuture.runAsync(() -> {
                try {
                    out.write(src);
                    out.shutdownOutput();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            ByteBuffer dst = ByteBuffer.allocateDirect(100_000);
            while (dst.hasRemaining() && in.read(dst) >= 0) { }
            w.get(5, TimeUnit.SECONDS);
            dst.flip();
            for (int i = 0; i < dst.limit(); i++) assertEquals((byte) i, dst.get(i));
            assertEquals(100_000, dst.limit());
        }
    }

    @Test void readTimeoutLeavesTheFlowUsable() throws Exception {
        Listener l = listen();
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), l.localAddress().port()); Flow f = l.accept()) {
            f.readTimeout(Duration.ofMillis(100));
            assertThrows(SocketTimeoutException.class, () -> f.read(ByteBuffer.allocate(10)));
            client.getOutputStream().write('x');
            assertEquals("x", new String(read(f, 1)));
        }
    }

    @Test void shutdownInputFromAnotherThreadEndsABlockedRead() throws Exception {
        Listener l = listen();
        for (Duration timeout : new Duration[] {null, Duration.ofSeconds(30)}) { // the channel and the stream path
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), l.localAddress().port()); Flow f = l.accept()) {
                f.readTimeout(timeout);
                CompletableFuture<Integer> read = new CompletableFuture<>();
                Thread reader = Thread.ofVirtual().start(() -> {
                    try {
                        read.complete(f.read(ByteBuffer.allocate(10)));
                    } catch (Throwable e) {
                        read.completeExceptionally(e);
                    }
                });
                while (reader.isAlive() && reader.getState() != Thread.State.WAITING && reader.getState() != Thread.State.TIMED_WAITING) {
                    Thread.sleep(1);
                }
                f.shutdownInput();
                assertEquals(-1, read.get(5, TimeUnit.SECONDS));
                f.write(ByteBuffer.wrap("still writes".getBytes()));
                f.shutdownOutput();
                assertEquals("still writes", new String(client.getInputStream().readAllBytes()));
            }
        }
    }

    @Test void abortSendsAReset() throws Exception {
        Listener l = listen();
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), l.localAddress().port())) {
            Flow f = l.accept();
            f.abort();
            f.abort(); // idempotent
            assertThrows(ClosedChannelException.class, () -> f.read(ByteBuffer.allocate(1)));
            InputStream in = client.getInputStream();
            SocketException e = assertThrows(SocketException.class, in::read);
            assertTrue(e.getMessage().toLowerCase().contains("reset"), e.getMessage());
        }
    }

    @Test void closeIsGracefulAndIdempotent() throws Exception {
        Listener l = listen();
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), l.localAddress().port())) {
            Flow f = l.accept();
            f.write(ByteBuffer.wrap("bye".getBytes()));
            f.close();
            f.close();
            assertEquals("bye", new String(client.getInputStream().readAllBytes()));
            assertThrows(ClosedChannelException.class, () -> f.write(ByteBuffer.wrap(new byte[1])));
        }
    }

    @Test void connectRefusedAndListenerClose() throws Exception {
        int free;
        try (ServerSocket s = new ServerSocket(0)) {
            free = s.getLocalPort();
        }
        assertThrows(ConnectException.class, () -> stack.tcp().connect(loopback(free), Duration.ofSeconds(5)));
        Listener l = listen();
        CompletableFuture<Throwable> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                l.accept();
                return null;
            } catch (IOException e) {
                return e;
            }
        });
        Thread.sleep(100);
        l.close();
        assertTrue(blocked.get(5, TimeUnit.SECONDS) instanceof ClosedChannelException);
        assertThrows(ConnectException.class, () -> stack.tcp().connect(loopback(l.localAddress().port()), Duration.ofSeconds(5)));
    }

    @Test void portInUseNamesThePortAndTheFix() throws Exception {
        try (ServerSocket busy = new ServerSocket(0)) {
            BindException e = assertThrows(BindException.class, () -> stack.tcp().listen(busy.getLocalPort()));
            assertEquals("tcp port " + busy.getLocalPort() + " is already in use by another program: stop it, or choose another port",
                    e.getMessage());
        }
        try (DatagramSocket busy = new DatagramSocket(0)) {
            BindException e = assertThrows(BindException.class, () -> stack.udp().bind(busy.getLocalPort()));
            assertTrue(e.getMessage().startsWith("udp port " + busy.getLocalPort() + " is already in use"), e.getMessage());
        }
    }

    @Test void privilegedPortMessageNamesRootAndTheCapability() {
        BindException e = UnixStack.bindFailure("tcp", 80, new BindException("Permission denied"));
        assertTrue(e.getMessage().contains("run as root") && e.getMessage().contains("CAP_NET_BIND_SERVICE"), e.getMessage());
    }

    @Test void udpSendReceiveTruncateAndTimeout() throws Exception {
        assertTrue(BatchUdpSocket.available(), "the tests run with native access: the batched sockets are used");
        udpSendReceiveTruncateAndTimeout(stack.udp());
    }

    @Test void jdkUdpSendReceiveTruncateAndTimeout() throws Exception {
        udpSendReceiveTruncateAndTimeout(UnixUdpSocket::bind);
    }

    private static void udpSendReceiveTruncateAndTimeout(io.morgana.api.Udp udp) throws Exception {
        try (UdpSocket u = udp.bind(0); DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int port = u.localAddress().port();
            peer.send(new DatagramPacket("hello udp".getBytes(), 9, InetAddress.getLoopbackAddress(), port));
            ByteBuffer b = ByteBuffer.allocate(5);
            Endpoint from = u.receive(b);
            assertEquals("hello", new String(b.array(), 0, b.position()), "truncated to the buffer");
            assertEquals(peer.getLocalPort(), from.port());
            u.send(ByteBuffer.wrap("back".getBytes()), from);
            DatagramPacket p = new DatagramPacket(new byte[100], 100);
            peer.setSoTimeout(5000);
            peer.receive(p);
            assertEquals("back", new String(p.getData(), 0, p.getLength()));
            u.receiveTimeout(Duration.ofMillis(100));
            assertThrows(SocketTimeoutException.class, () -> u.receive(ByteBuffer.allocate(10)));
            assertThrows(IOException.class, () -> u.send(ByteBuffer.allocate(70_000), from));
        }
    }

    @Test void udpCloseUnblocksAReceive() throws Exception {
        udpCloseUnblocksAReceive(stack.udp(), false);
        udpCloseUnblocksAReceive(stack.udp(), true);
        udpCloseUnblocksAReceive(UnixUdpSocket::bind, false);
    }

    private static void udpCloseUnblocksAReceive(io.morgana.api.Udp udp, boolean virtual) throws Exception {
        UdpSocket u = udp.bind(0);
        java.util.concurrent.Executor on = virtual ? Thread::startVirtualThread : Thread.ofPlatform()::start;
        CompletableFuture<Throwable> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                u.receive(ByteBuffer.allocate(10));
                return null;
            } catch (IOException e) {
                return e;
            }
        }, on);
        Thread.sleep(100);
        u.close();
        assertTrue(blocked.get(5, TimeUnit.SECONDS) instanceof ClosedChannelException);
    }

    @Test void manyConcurrentFlowsOnVirtualThreads() throws Exception {
        Listener l = stack.tcp().serve(0, f -> {
            ByteBuffer b = ByteBuffer.allocate(64);
            while (f.read(b) >= 0) {
                b.flip();
                f.write(b);
                b.clear();
            }
        });
        int n = 500;
        long before = Thread.getAllStackTraces().size();
        Socket[] clients = new Socket[n];
        listeners.add(l);
        try {
            for (int i = 0; i < n; i++) {
                clients[i] = new Socket(InetAddress.getLoopbackAddress(), l.localAddress().port());
                clients[i].setSoTimeout(10_000);
            }
            for (int i = 0; i < n; i++) clients[i].getOutputStream().write(i % 256);
            for (int i = 0; i < n; i++) assertEquals(i % 256, clients[i].getInputStream().read());
            long platform = Thread.getAllStackTraces().size(); // platform threads only
            assertTrue(platform - before < 50, n + " open flows used " + (platform - before) + " more platform threads");
        } finally {
            for (Socket s : clients) if (s != null) s.close();
        }
    }

    @Test void addressesIncludeLoopbackAndCountersAreEmpty() {
        assertTrue(stack.addresses().contains(Ipv4Address.LOOPBACK), stack.addresses().toString());
        assertTrue(stack.counters().isEmpty());
    }

    @Test void flowInfoHasStateAddressesAndBytesAndTcpDebugLogsItAtClose() throws Exception {
        Listener l = listen();
        LogSink sink = LogSink.capturing(null);
        sink.spec(LogSpec.parse("*:warn,tcp:debug"));
        sink.bindToCurrentThread();
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), l.localAddress().port()); Flow f = l.accept()) {
            client.getOutputStream().write(new byte[1000]);
            assertEquals(1000, read(f, 1000).length);
            f.write(new byte[300]);
            FlowInfo i = f.info();
            assertEquals("ESTABLISHED", i.state());
            assertEquals(f.localAddress(), i.local());
            assertEquals(f.remoteAddress(), i.remote());
            assertEquals(client.getLocalPort(), i.remote().port());
            assertEquals(300, i.bytesSent());
            assertEquals(1000, i.bytesReceived());
            assertTrue(!i.detailed() && i.rtt() == null && i.cwnd() == -1 && i.retransmits() == -1, "the kernel's figures are out of reach: " + i);
            f.shutdownOutput();
            assertEquals("OUTPUT_SHUT_DOWN", f.info().state());
            f.close();
            assertEquals("CLOSED", f.info().state());
            assertEquals(300, f.info().bytesSent());
            assertTrue(sink.lines().stream().anyMatch(x -> x.contains("[tcp] closed: CLOSED") && x.contains("sent 300 B, received 1000 B")),
                    "tcp:debug logs the figures at close: " + sink.lines());
        } finally {
            LogSink.global().bindToCurrentThread();
        }
    }

    /** What the kernel says of the socket's timers ({@code ss -o}), e.g. {@code timer:(keepalive,6.9sec,0)}. */
    private static String kernelTimers(int localPort) throws Exception {
        Process p = new ProcessBuilder("ss", "-tnoH", "state", "established", "sport", "=", ":" + localPort).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    @Test void keepAliveSetsTheKernelsPerSocketTimers() throws Exception {
        Listener l = listen();
        int port = l.localAddress().port();
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port); Flow f = l.accept()) {
            assertTrue(!kernelTimers(port).contains("keepalive"), kernelTimers(port));
            assertThrows(IllegalArgumentException.class, () -> f.keepAlive(Duration.ofMillis(500)));
            assertThrows(IllegalArgumentException.class, () -> f.keepAlive(Duration.ofSeconds(9), Duration.ofSeconds(1), 128));
            f.keepAlive(Duration.ofSeconds(9), Duration.ofSeconds(2), 4);
            String timers = kernelTimers(port);
            // ss prints "1min39sec" for 99 s, and (iproute2 6.1) "8.992ms" for 8.992 s: seconds lead.
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("timer:\\(keepalive,([0-9.]+)(min)?").matcher(timers);
            assertTrue(m.find(), "the kernel runs a keepalive timer: " + timers);
            double left = Double.parseDouble(m.group(1));
            assertTrue(m.group(2) == null && left <= 9, "idle time 9 s, not Linux's default 2 h: " + timers);
            f.keepAlive(null);
            assertTrue(!kernelTimers(port).contains("keepalive"), "off again: " + kernelTimers(port));
            f.close();
            assertThrows(ClosedChannelException.class, () -> f.keepAlive(Duration.ofSeconds(9)));
        }
    }
}

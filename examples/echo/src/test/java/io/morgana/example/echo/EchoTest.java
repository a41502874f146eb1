package io.morgana.example.echo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.runtime.Launcher;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The echo appliance booted in-process on the unix target, exercised with plain JDK sockets. */
class EchoTest {

    private static final Duration T = Duration.ofSeconds(10);
    private static Launcher.Running echo;
    private static int tcpPort;
    private static int udpPort;

    @BeforeAll static void boot() {
        echo = Launcher.start(new Echo(), "unix", "--port=0");
        tcpPort = echo.awaitLogInt("listening on tcp port ", T);
        udpPort = echo.awaitLogInt("listening on udp port ", T);
    }

    @AfterAll static void stop() {
        echo.stop();
        assertEquals(0, echo.awaitExit(T), "echo exits cleanly on stop");
    }

    private static Socket connect() throws Exception {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), tcpPort), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    @Test void tcpEchoesBytesAndClosesAfterHalfClose() throws Exception {
        byte[] data = new byte[300_000];
        new Random(1).nextBytes(data);
        try (Socket s = connect()) {
            // Write on another thread: the echo writes back while we still send.
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    out.write(data);
                    s.shutdownOutput();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] back = s.getInputStream().readAllBytes(); // ends only when the echo closes its side
            writer.join();
            assertArrayEquals(data, back);
        }
    }

    @Test void manyConcurrentConnections() throws Exception {
        int n = 200;
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String msg = "connection " + i + "\n";
                results.add(ex.submit((Callable<String>) () -> {
                    try (Socket s = connect()) {
                        s.getOutputStream().write(msg.getBytes());
                        s.shutdownOutput();
                        return new String(s.getInputStream().readAllBytes());
                    }
                }));
            }
            for (int i = 0; i < n; i++) assertEquals("connection " + i + "\n", results.get(i).get());
        }
    }

    @Test void udpEchoesDatagramsToTheirSender() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(10_000);
            for (String m : List.of("one", "two", "x".repeat(1400))) {
                byte[] b = m.getBytes();
                s.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), udpPort));
                DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
                s.receive(p);
                assertEquals(m, new String(p.getData(), 0, p.getLength()));
                assertEquals(udpPort, p.getPort());
            }
        }
    }

    @Test void givenPortServesBothProtocolsOnIt() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (Launcher.Running e = Launcher.start(new Echo(), "unix", "--port", String.valueOf(port))) {
            assertEquals(port, e.awaitLogInt("listening on tcp port ", T));
            assertEquals(port, e.awaitLogInt("listening on udp port ", T));
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.getOutputStream().write("hi\n".getBytes());
                s.shutdownOutput();
                assertEquals("hi\n", new String(s.getInputStream().readAllBytes()));
            }
        }
    }

    @Test void portInUseIsAClearErrorAndNonZeroExit() throws Exception {
        try (ServerSocket busy = new ServerSocket(0)) {
            int port = busy.getLocalPort();
            Launcher.Running e = Launcher.start(new Echo(), "unix", "--port=" + port);
            assertEquals(71, e.awaitExit(T), "EX_OSERR");
            String line = e.awaitLog("port " + port + " is already in use", T);
            assertTrue(line.contains("choose another port"), line);
        }
    }

    @Test void stopLetsAnOpenConnectionFinishWithinGrace() throws Exception {
        Launcher.Running e = Launcher.start(new Echo(), "unix", "--port=0", "--stop-grace=5s");
        int port = e.awaitLogInt("listening on tcp port ", T);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            s.getOutputStream().write('a');
            assertEquals('a', in.read());
            e.stop();
            e.awaitLog("stopping echo", T);
            // The flow still works during the grace period, then ends cleanly when we finish.
            s.getOutputStream().write('b');
            assertEquals('b', in.read());
            s.shutdownOutput();
            assertEquals(-1, in.read());
        }
        assertEquals(0, e.awaitExit(T));
        // New connections are refused once stopping.
        assertThrowsConnect(port);
    }

    private static void assertThrowsConnect(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            throw new AssertionError("connected to a stopped echo on port " + port);
        } catch (java.io.IOException expected) {
            // refused
        }
    }
}

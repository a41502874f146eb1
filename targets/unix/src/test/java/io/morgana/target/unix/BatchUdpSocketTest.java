package io.morgana.target.unix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Endpoint;
import io.morgana.api.IpAddress;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The recvmmsg/sendmmsg socket against the kernel's own sockets on loopback. */
class BatchUdpSocketTest {

    /** An echo on its own thread: answers each datagram with "re:" and its text, until closed. */
    private static Thread echo(BatchUdpSocket u, boolean virtual) {
        Runnable loop = () -> {
            ByteBuffer b = ByteBuffer.allocate(2048);
            while (true) {
                b.clear();
                try {
                    Endpoint from = u.receive(b);
                    String text = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII);
                    u.send(ByteBuffer.wrap(("re:" + text).getBytes(StandardCharsets.US_ASCII)), from);
                } catch (java.io.IOException e) {
                    return;
                }
            }
        };
        return virtual ? Thread.ofVirtual().start(loop) : Thread.ofPlatform().start(loop);
    }

    /** A burst larger than a batch, sent before the server reads: every datagram is answered, in order, in few calls. */
    private static void burstIsAnsweredInOrder(boolean virtual) throws Exception {
        try (BatchUdpSocket u = BatchUdpSocket.bind(0); DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            peer.setReceiveBufferSize(1 << 20);
            // More than the first few batches (they grow), less than the kernel's default receive buffer holds.
            int n = 100;
            for (int i = 0; i < n; i++) {
                byte[] m = ("q" + i).getBytes(StandardCharsets.US_ASCII);
                peer.send(new DatagramPacket(m, m.length, InetAddress.getLoopbackAddress(), u.localAddress().port()));
            }
            Thread server = echo(u, virtual);
            peer.setSoTimeout(5000);
            for (int i = 0; i < n; i++) {
                DatagramPacket p = new DatagramPacket(new byte[100], 100);
                peer.receive(p);
                assertEquals("re:q" + i, new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII));
            }
            // One more, alone: a batch of one is answered at once.
            peer.send(new DatagramPacket("last".getBytes(), 4, InetAddress.getLoopbackAddress(), u.localAddress().port()));
            DatagramPacket p = new DatagramPacket(new byte[100], 100);
            peer.receive(p);
            assertEquals("re:last", new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII));
            assertTrue(u.receiveCalls <= 20, n + 1 + " datagrams took " + u.receiveCalls + " recvmmsg calls");
            assertTrue(u.sendBatches <= 20, n + 1 + " answers took " + u.sendBatches + " sendmmsg calls");
            u.close();
            server.join(5000);
            assertTrue(!server.isAlive(), "closing ended the receive");
        }
    }

    @Test void burstOnAPlatformThread() throws Exception { burstIsAnsweredInOrder(false); }

    @Test void burstOnAVirtualThread() throws Exception { burstIsAnsweredInOrder(true); }

    @Test void manySendersEachGetTheirOwnAnswers() throws Exception {
        try (BatchUdpSocket u = BatchUdpSocket.bind(0)) {
            Thread server = echo(u, false);
            DatagramSocket[] peers = new DatagramSocket[12];
            try {
                for (int k = 0; k < peers.length; k++) {
                    peers[k] = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                    peers[k].setSoTimeout(5000);
                }
                for (int round = 0; round < 20; round++) {
                    for (int k = 0; k < peers.length; k++) {
                        byte[] m = ("p" + k + "r" + round).getBytes();
                        peers[k].send(new DatagramPacket(m, m.length, InetAddress.getLoopbackAddress(), u.localAddress().port()));
                    }
                    for (int k = 0; k < peers.length; k++) {
                        DatagramPacket p = new DatagramPacket(new byte[100], 100);
                        peers[k].receive(p);
                        assertEquals("re:p" + k + "r" + round, new String(p.getData(), 0, p.getLength()));
                    }
                }
            } finally {
                for (DatagramSocket p : peers) if (p != null) p.close();
            }
            u.close();
            server.join(5000);
        }
    }

    @Test void largeDatagramsAreWholeBothWays() throws Exception {
        try (BatchUdpSocket u = BatchUdpSocket.bind(0); DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            byte[] big = new byte[60_000];
            for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 7);
            peer.send(new DatagramPacket(big, big.length, InetAddress.getLoopbackAddress(), u.localAddress().port()));
            ByteBuffer b = ByteBuffer.allocateDirect(65_535);
            Endpoint from = u.receive(b);
            assertEquals(big.length, b.position());
            b.flip();
            u.send(b, from);
            peer.setSoTimeout(5000);
            DatagramPacket p = new DatagramPacket(new byte[65_535], 65_535);
            peer.receive(p);
            assertEquals(java.util.Arrays.toString(big), java.util.Arrays.toString(java.util.Arrays.copyOf(p.getData(), p.getLength())));
        }
    }

    @Test void ipv6SendersKeepTheirAddress() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        DatagramSocket peer;
        try {
            peer = new DatagramSocket(0, v6);
        } catch (SocketException e) {
            Assumptions.abort("no IPv6 loopback here: " + e.getMessage());
            return;
        }
        try (BatchUdpSocket u = BatchUdpSocket.bind(0); peer) {
            peer.send(new DatagramPacket("six".getBytes(), 3, v6, u.localAddress().port()));
            ByteBuffer b = ByteBuffer.allocate(10);
            Endpoint from = u.receive(b);
            assertEquals(IpAddress.parse("::1"), from.address());
            assertTrue(peer.getLocalAddress() instanceof Inet6Address);
            u.send(ByteBuffer.wrap("back".getBytes()), from);
            peer.setSoTimeout(5000);
            DatagramPacket p = new DatagramPacket(new byte[10], 10);
            peer.receive(p);
            assertEquals("back", new String(p.getData(), 0, p.getLength()));
        }
    }

    @Test void sendsFromOtherThreadsGoAtOnce() throws Exception {
        try (BatchUdpSocket u = BatchUdpSocket.bind(0); DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Endpoint to = new Endpoint(IpAddress.parse("127.0.0.1"), peer.getLocalPort());
            Set<String> got = new HashSet<>();
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    u.send(ByteBuffer.wrap("from a virtual thread".getBytes()), to);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            t.join();
            u.send(ByteBuffer.wrap("from the test thread".getBytes()), to);
            peer.setSoTimeout(5000);
            for (int i = 0; i < 2; i++) {
                DatagramPacket p = new DatagramPacket(new byte[100], 100);
                peer.receive(p);
                got.add(new String(p.getData(), 0, p.getLength()));
            }
            assertEquals(Set.of("from a virtual thread", "from the test thread"), got);
        }
    }
}

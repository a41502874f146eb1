package io.morgana.target.unix;

import io.morgana.api.Endpoint;
import io.morgana.api.UdpSocket;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;

/** A bound host UDP socket. */
final class UnixUdpSocket implements UdpSocket {

    /** Largest UDP payload over IPv4. */
    static final int MAX_PAYLOAD = 65_507;

    private final UnixStack stack;
    private final DatagramSocket socket;
    private final Endpoint local;
    private final Object receiving = new Object();
    private final byte[] receiveBuffer = new byte[MAX_PAYLOAD];
    private volatile boolean closed;

    private UnixUdpSocket(UnixStack stack, DatagramSocket socket) {
        this.stack = stack;
        this.socket = socket;
        this.local = UnixStack.endpoint(socket.getLocalSocketAddress());
    }

    static UnixUdpSocket bind(UnixStack stack, int port) throws IOException {
        DatagramSocket s = new DatagramSocket(null);
        try {
            s.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            s.close();
            throw UnixStack.bindFailure("udp", port, e);
        }
        return new UnixUdpSocket(stack, s);
    }

    @Override public Endpoint receive(ByteBuffer dst) throws IOException {
        if (closed) throw new ClosedChannelException();
        synchronized (receiving) {
            DatagramPacket p = new DatagramPacket(receiveBuffer, receiveBuffer.length);
            try {
                socket.receive(p);
            } catch (SocketException e) {
                if (closed) throw new ClosedChannelException();
                throw e;
            }
            dst.put(receiveBuffer, 0, Math.min(p.getLength(), dst.remaining()));
            return UnixStack.endpoint(p.getSocketAddress());
        }
    }

    @Override public void send(ByteBuffer src, Endpoint to) throws IOException {
        if (closed) throw new ClosedChannelException();
        int n = src.remaining();
        if (n > MAX_PAYLOAD) throw new IOException("a UDP datagram carries at most " + MAX_PAYLOAD + " bytes, not " + n);
        byte[] b;
        int off;
        if (src.hasArray()) {
            b = src.array();
            off = src.arrayOffset() + src.position();
        } else {
            b = new byte[n];
            src.duplicate().get(b);
            off = 0;
        }
        try {
            socket.send(new DatagramPacket(b, off, n, UnixStack.socketAddress(to)));
        } catch (SocketException e) {
            if (closed) throw new ClosedChannelException();
            throw e;
        }
        src.position(src.limit());
    }

    @Override public void receiveTimeout(Duration timeout) {
        try {
            socket.setSoTimeout(timeout == null ? 0 : (int) Math.clamp(timeout.toMillis(), timeout.isZero() ? 0 : 1, Integer.MAX_VALUE));
        } catch (SocketException e) {
            // only fails once closed
        }
    }

    @Override public Endpoint localAddress() { return local; }

    @Override public void close() {
        closed = true;
        socket.close();
        stack.udpSockets.remove(this);
    }

    @Override public String toString() { return "udp socket on " + local; }
}

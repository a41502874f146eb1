package io.morgana.target.tap;

import io.morgana.api.Endpoint;
import io.morgana.api.Stack;
import io.morgana.api.UdpSocket;
import java.io.IOException;
import java.nio.ByteBuffer;

/** A UDP echo service written against the API only, on a virtual thread: what examples/echo's UDP part does. */
final class UdpEcho implements AutoCloseable {
    private final UdpSocket socket;
    private final Thread thread;

    UdpEcho(Stack stack, int port) throws IOException {
        socket = stack.udp().bind(port);
        thread = Thread.ofVirtual().name("udp-echo").start(this::serve);
    }

    private void serve() {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        while (true) {
            buf.clear();
            try {
                Endpoint from = socket.receive(buf);
                buf.flip();
                socket.send(buf, from);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    @Override public void close() throws InterruptedException {
        socket.close();
        thread.join(2000);
    }
}

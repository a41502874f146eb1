package io.morgana.api;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A bound UDP port. One thread may receive while others send. A datagram larger than the
 * receiving buffer is truncated to fit (the rest is discarded, as with BSD sockets).
 */
public interface UdpSocket extends Closeable {

    /**
     * Blocks until a datagram arrives, copies its payload into {@code dst} and returns the sender.
     *
     * @throws java.net.SocketTimeoutException if a receive timeout is set and passes
     * @throws java.nio.channels.ClosedChannelException once closed
     */
    Endpoint receive(ByteBuffer dst) throws IOException;

    /**
     * Sends the remaining bytes of {@code src} as one datagram to {@code to} (up to 65,507 bytes;
     * the stack fragments as needed). Does not block for long: when the outgoing queue is full it
     * waits a little (at most about 100 ms) for room, then drops the datagram, as UDP may.
     */
    void send(ByteBuffer src, Endpoint to) throws IOException;

    /** How long {@link #receive} waits; {@code null} or zero waits for ever (the default). */
    void receiveTimeout(Duration timeout);

    Endpoint localAddress();

    /** Unbinds; blocked receives fail. Idempotent. */
    @Override void close();
}

package io.morgana.api;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * One TCP connection, used in direct (blocking) style from a virtual thread.
 *
 * <p>One thread may read while another writes; two concurrent readers (or writers) are not
 * allowed. After {@link #close()} or {@link #abort()}, every call fails with
 * {@link java.nio.channels.ClosedChannelException}.
 */
public interface Flow extends Closeable {

    /**
     * Reads at least one byte into {@code dst} (up to its remaining space), blocking until data
     * arrives. Returns the number of bytes read, or {@code -1} at end of stream (the peer sent FIN).
     *
     * @throws java.net.SocketTimeoutException if a read timeout is set and passes with no data; the
     *     flow stays usable
     * @throws java.net.SocketException if the connection was reset
     */
    int read(ByteBuffer dst) throws IOException;

    /**
     * Writes all of {@code src}, blocking while the send buffer is full. Returns once the bytes
     * are queued for sending (not when they are acknowledged).
     *
     * @throws java.net.SocketException if the connection was reset or output was shut down
     */
    void write(ByteBuffer src) throws IOException;

    /** Convenience: {@link #read(ByteBuffer)} into a byte array. */
    default int read(byte[] b, int off, int len) throws IOException {
        return read(ByteBuffer.wrap(b, off, len));
    }

    /** Convenience: {@link #write(ByteBuffer)} from a byte array. */
    default void write(byte[] b, int off, int len) throws IOException {
        write(ByteBuffer.wrap(b, off, len));
    }

    default void write(byte[] b) throws IOException {
        write(ByteBuffer.wrap(b));
    }

    /**
     * Sets how long {@link #read} waits for data before throwing
     * {@link java.net.SocketTimeoutException}; {@code null} or zero waits for ever (the default).
     */
    void readTimeout(Duration timeout);

    /** Sends FIN after queued data: the peer reads end of stream; we may still read. */
    void shutdownOutput() throws IOException;

    /** Discards further incoming data; our reads return end of stream. */
    void shutdownInput() throws IOException;

    /** Closes gracefully: queued data is still sent, then FIN. Idempotent. */
    @Override void close() throws IOException;

    /** Closes at once with a reset (RST); queued data is dropped. Idempotent; never throws. */
    void abort();

    Endpoint localAddress();

    Endpoint remoteAddress();
}

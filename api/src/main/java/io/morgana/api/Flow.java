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

    /**
     * The connection's state and counters now (see {@link FlowInfo} for what each target can
     * observe). Works after close too, with the last figures. Never blocks for long, never throws.
     * A flow that wraps another (a TLS layer, say) reports the addresses it knows and nothing more,
     * unless it overrides this.
     */
    default FlowInfo info() {
        return FlowInfo.basic("UNKNOWN", localAddress(), remoteAddress(), -1, -1);
    }

    /**
     * Turns TCP keepalive on: after {@code idle} with nothing received, send a probe, then one
     * every {@code interval}; after {@code probes} unanswered probes the connection is dropped and
     * {@link #read}/{@link #write} throw {@link java.net.SocketException} (timed out). Any segment
     * from the peer restarts the idle time. Off until asked (Linux's defaults are 2 h, 75 s, 9);
     * a {@code null} idle time turns it off again.
     *
     * @throws IllegalArgumentException unless {@code idle} and {@code interval} are 1 s..32767 s
     *     and {@code probes} 1..127 (Linux's limits, kept on every target)
     * @throws java.nio.channels.ClosedChannelException after {@link #close()} or {@link #abort()}
     * @throws UnsupportedOperationException on a flow that is not a TCP connection of its own
     */
    default void keepAlive(Duration idle, Duration interval, int probes) throws IOException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no keepalive of its own");
    }

    /** {@link #keepAlive(Duration, Duration, int)} with Linux's interval (75 s) and count (9); {@code null}: off. */
    default void keepAlive(Duration idle) throws IOException {
        keepAlive(idle, Duration.ofSeconds(75), 9);
    }

    /** Checks keepalive arguments against Linux's limits (a {@code null} idle time: off); for implementations. */
    static void checkKeepAlive(Duration idle, Duration interval, int probes) {
        if (idle == null) return;
        if (idle.compareTo(Duration.ofSeconds(1)) < 0 || idle.compareTo(Duration.ofSeconds(32767)) > 0) {
            throw new IllegalArgumentException("keepalive idle time must be 1 s..32767 s, not " + idle);
        }
        if (interval == null || interval.compareTo(Duration.ofSeconds(1)) < 0 || interval.compareTo(Duration.ofSeconds(32767)) > 0) {
            throw new IllegalArgumentException("keepalive interval must be 1 s..32767 s, not " + interval);
        }
        if (probes < 1 || probes > 127) throw new IllegalArgumentException("keepalive probes must be 1..127, not " + probes);
    }
}

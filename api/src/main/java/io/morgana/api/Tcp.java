package io.morgana.api;

import java.io.IOException;
import java.time.Duration;

/**
 * TCP as an appliance uses it.
 *
 * <p>Errors are the JDK's own exception types so that appliance code reads as ordinary Java:
 * {@link java.net.BindException} (port in use or not allowed), {@link java.net.ConnectException}
 * (refused), {@link java.net.SocketTimeoutException} (timed out),
 * {@link java.net.NoRouteToHostException} (unreachable) and {@link java.net.SocketException}
 * (reset) — all {@link IOException}s.
 */
public interface Tcp {

    /**
     * Starts listening on {@code port} of every local address ({@code 0} picks a free port).
     * Never blocks.
     *
     * @throws java.net.BindException if the port is in use or may not be bound
     */
    Listener listen(int port) throws IOException;

    /**
     * Opens a connection to {@code remote}, blocking the calling (virtual) thread until it is
     * established, refused, or {@code timeout} passes.
     */
    Flow connect(Endpoint remote, Duration timeout) throws IOException;

    /**
     * Listens on {@code port} and runs {@code handler} for each accepted connection on its own
     * virtual thread, closing the flow when the handler returns or throws. Returns the listener at
     * once; {@link Listener#close()} stops accepting (flows already accepted go on).
     */
    default Listener serve(int port, FlowHandler handler) throws IOException {
        Listener listener = listen(port);
        Thread.ofVirtual().name("tcp-accept-" + listener.localAddress().port()).start(() -> listener.serve(handler));
        return listener;
    }
}

package io.morgana.api;

import java.io.IOException;

/** UDP as an appliance uses it. */
public interface Udp {

    /**
     * Binds {@code port} on every local address ({@code 0} picks a free port).
     *
     * @throws java.net.BindException if the port is in use or may not be bound
     */
    UdpSocket bind(int port) throws IOException;
}

package io.morgana.net.udp;

import java.nio.ByteBuffer;

/**
 * Receives the datagrams of a port bound inside the stack (DHCP's client port, tests, the
 * {@link io.morgana.api.UdpSocket} implementation). Runs on the loop thread; must not block.
 */
@FunctionalInterface
public interface UdpHandler {

    /**
     * One datagram: {@code payload} from position to limit, valid only during the call.
     * {@code destination} is our address, or a broadcast address, or (while we have no address)
     * whatever the sender used, as DHCP needs.
     */
    void datagram(int source, int sourcePort, int destination, int destinationPort, ByteBuffer payload);
}

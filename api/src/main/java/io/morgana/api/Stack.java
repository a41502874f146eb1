package io.morgana.api;

import java.util.List;
import java.util.Map;

/**
 * The network stack as an appliance sees it. On the {@code unix} target it is the host's sockets;
 * on {@code tap}, {@code spt} and {@code vm} it is Morgana's own TCP/IP. Appliance code cannot tell
 * the difference, and must not try.
 *
 * <p>Thread rules: every method may be called from any thread. Blocking calls are meant for
 * virtual threads; they never pin a platform thread per connection.
 */
public interface Stack {

    /** TCP: listen, accept and connect. */
    Tcp tcp();

    /** UDP: bind, send and receive datagrams. */
    Udp udp();

    /**
     * The addresses this stack answers on now (may change under DHCP; empty while it has none).
     * On {@code unix} this is the host's loopback and interface addresses as the host reports them.
     */
    List<IpAddress> addresses();

    /**
     * Per-layer counters, e.g. {@code ipv4.rx.drop.bad-checksum -> 3}: a snapshot, safe to read at
     * any time. Names are {@code layer.direction.what[.reason]}. Empty where the target keeps none.
     */
    Map<String, Long> counters();

    /**
     * The DNS servers this stack was told about: by DHCP on Morgana's own stack (empty until a
     * lease names some), the host's {@code /etc/resolv.conf} (read at boot) on {@code unix}. The
     * {@link Context#resolver()} asks these unless {@code --dns-servers} is given.
     */
    default List<IpAddress> dnsServers() { return List.of(); }
}

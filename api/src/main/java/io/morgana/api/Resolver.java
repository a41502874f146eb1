package io.morgana.api;

import java.io.IOException;
import java.util.List;

/**
 * Turns host names into addresses by asking DNS servers (a stub resolver: it asks recursive
 * servers, it does not recurse itself). Answers are cached for their TTL. Calls block the calling
 * (virtual) thread and are safe from any thread.
 *
 * <p>Errors: {@link java.net.UnknownHostException} when the name does not exist or has no address
 * of the family asked for (the message names the name); {@link java.net.SocketTimeoutException}
 * when no server answered in time; another {@link IOException} when servers answered with a
 * failure (SERVFAIL, REFUSED) — the message names the server and the response code.
 */
public interface Resolver {

    /** The IPv4 addresses of {@code name} (A records), in the order the server gave them. */
    List<Ipv4Address> resolveIpv4(String name) throws IOException;

    /** The IPv6 addresses of {@code name} (AAAA records). */
    List<Ipv6Address> resolveIpv6(String name) throws IOException;

    /**
     * All addresses of {@code name}: IPv4 first, then IPv6. An IP address literal is returned as is,
     * without asking. Fails with {@link java.net.UnknownHostException} only if neither family has one.
     */
    List<IpAddress> resolve(String name) throws IOException;
}

package io.morgana.net.stack;

import io.morgana.api.Tcp;

/**
 * Plugs a TCP implementation into a {@link NetStack}. Given to {@link NetStack.Builder#tcp}, or
 * found through {@code META-INF/services/io.morgana.net.stack.TcpFactory} when the builder was
 * given none. Called once, on the loop thread, after the IPv4 layer exists: register protocol 6
 * with {@link NetStack#ipv4()} there, use {@link NetStack#loop()} for timers,
 * {@link NetStack#random()} for ISNs and ports, and {@link NetStack#counterRegistry()} for
 * {@code tcp.*} counters.
 */
@FunctionalInterface
public interface TcpFactory {
    Tcp create(NetStack stack);
}

package io.morgana.net.stack;

import io.morgana.api.Tcp;

/**
 * Plugs a TCP implementation into a {@link NetStack}. Given to {@link NetStack.Builder#tcp}, or
 * found through {@code META-INF/services/io.morgana.net.stack.TcpFactory} when the builder was
 * given none. Called once by {@link NetStack#start()} on the thread that starts the stack, before
 * the loop delivers any frame (the loop's tasks happen after it), so that {@code tcp()} works as
 * soon as {@code start()} returns: register protocol 6 with {@link NetStack#ipv4()} there, use
 * {@link NetStack#loop()} for timers,
 * {@link NetStack#random()} for ISNs and ports, and {@link NetStack#counterRegistry()} for
 * {@code tcp.*} counters.
 */
@FunctionalInterface
public interface TcpFactory {
    Tcp create(NetStack stack);
}

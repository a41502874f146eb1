package io.morgana.dns.resolver;

import io.morgana.api.Clock;
import io.morgana.api.Endpoint;
import io.morgana.api.Random;
import io.morgana.api.Resolver;
import io.morgana.api.Stack;
import io.morgana.runtime.ResolverProvider;
import java.time.Duration;
import java.util.List;

/** Gives the runtime's {@code Context.resolver()} a {@link StubResolver}: 2 s per try, 3 tries. */
public final class StubResolverProvider implements ResolverProvider {

    @Override public Resolver create(Stack stack, List<Endpoint> servers, Clock clock, Random random) {
        return new StubResolver(stack, servers, clock, random, Duration.ofSeconds(2), 3);
    }
}

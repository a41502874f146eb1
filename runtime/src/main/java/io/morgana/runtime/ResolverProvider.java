package io.morgana.runtime;

import io.morgana.api.Clock;
import io.morgana.api.Endpoint;
import io.morgana.api.Random;
import io.morgana.api.Resolver;
import io.morgana.api.Stack;
import java.util.List;

/**
 * Makes the {@link Resolver} behind {@code Context.resolver()}. Found through ServiceLoader so that
 * the runtime carries no DNS code into appliances that never resolve a name; the {@code morgana-dns}
 * module provides one.
 */
public interface ResolverProvider {

    /** A resolver asking {@code servers} (never empty) over {@code stack}. */
    Resolver create(Stack stack, List<Endpoint> servers, Clock clock, Random random);
}

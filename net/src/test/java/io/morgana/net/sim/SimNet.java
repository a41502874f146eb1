package io.morgana.net.sim;

import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Prefix;
import io.morgana.api.MacAddress;
import io.morgana.api.Random;
import io.morgana.net.link.Faults;
import io.morgana.net.link.MemoryLink;
import io.morgana.net.stack.NetStack;
import io.morgana.runtime.loop.SimulatedLoop;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * Two stacks over an in-memory cable on one {@link SimulatedLoop} (virtual time; application
 * threads take part with {@code loop.spawn}): {@link #a} is 10.0.0.1/24,
 * {@link #b} 10.0.0.2/24. Faults, when given, are injected on {@code a}'s side (both directions).
 */
public final class SimNet implements AutoCloseable {
    public static final Ipv4Address A = Ipv4Address.parse("10.0.0.1");
    public static final Ipv4Address B = Ipv4Address.parse("10.0.0.2");
    public static final MacAddress MAC_A = MacAddress.parse("02:00:00:00:00:01");
    public static final MacAddress MAC_B = MacAddress.parse("02:00:00:00:00:02");

    public final SimulatedLoop loop;
    public final MemoryLink linkA, linkB;
    public final NetStack a, b;

    public SimNet(long seed, Faults faults) { this(seed, faults, x -> x); }

    public SimNet(long seed, Faults faults, UnaryOperator<NetStack.Builder> tweakB) {
        loop = new SimulatedLoop();
        MemoryLink[] pair = MemoryLink.pair(MAC_A, MAC_B, 1500, 50_000, 1_000_000_000L);
        linkA = pair[0];
        linkB = pair[1];
        a = NetStack.builder(linkA, loop).ipv4(new Ipv4Prefix(A, 24)).random(seeded(seed)).faults(faults.withSeed(seed)).build().start();
        b = tweakB.apply(NetStack.builder(linkB, loop).ipv4(new Ipv4Prefix(B, 24)).random(seeded(seed + 1))).build().start();
        loop.runFor(java.time.Duration.ofNanos(1_000_000));
    }

    public static Random seeded(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return bytes -> {
            for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) r.nextInt(256);
        };
    }

    /** Runs for {@code millis} of virtual time. */
    public void run(long millis) { loop.runFor(java.time.Duration.ofNanos(millis * 1_000_000L)); }

    @Override public void close() {
        a.close();
        b.close();
    }
}

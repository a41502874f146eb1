package io.morgana.net.tcp;

import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Prefix;
import io.morgana.net.link.Faults;
import io.morgana.net.link.Link;
import io.morgana.net.link.MemoryLink;
import io.morgana.net.sim.SimNet;
import io.morgana.net.sim.VirtualLoop;
import io.morgana.net.stack.NetStack;
import java.util.function.UnaryOperator;

/**
 * Two whole stacks with Morgana's TCP plugged in, over the in-memory link on one virtual-time
 * loop: {@link #a} is 10.0.0.1/24, {@link #b} 10.0.0.2/24; faults on a's side, both directions.
 */
final class StackPair implements AutoCloseable {
    static final Ipv4Address A = SimNet.A, B = SimNet.B;
    final VirtualLoop loop;
    final MemoryLink linkA, linkB;
    final NetStack a, b;

    StackPair(long seed, Faults faults, long settleNanos) { this(seed, faults, settleNanos, l -> l, l -> l); }

    /** With middleware of the test's own between each stack and its end of the cable (e.g. a host with offloads). */
    StackPair(long seed, Faults faults, long settleNanos, UnaryOperator<Link> underA, UnaryOperator<Link> underB) {
        loop = new VirtualLoop(settleNanos);
        MemoryLink[] pair = MemoryLink.pair(SimNet.MAC_A, SimNet.MAC_B, 1500, 50_000, 1_000_000_000L);
        linkA = pair[0];
        linkB = pair[1];
        var tcp = TcpService.factory(TcpConfig.defaults());
        a = NetStack.builder(underA.apply(linkA), loop).ipv4(new Ipv4Prefix(A, 24)).random(SimNet.seeded(seed)).faults(faults.withSeed(seed))
                .tcp(tcp).build().start();
        b = NetStack.builder(underB.apply(linkB), loop).ipv4(new Ipv4Prefix(B, 24)).random(SimNet.seeded(seed + 1)).tcp(tcp).build().start();
        loop.runFor(1_000_000);
    }

    @Override public void close() {
        a.close();
        b.close();
    }
}

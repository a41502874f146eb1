package io.morgana.runtime;

import io.morgana.api.Arg;
import io.morgana.api.Block;
import io.morgana.api.Clock;
import io.morgana.api.Context;
import io.morgana.api.Device;
import io.morgana.api.KvRo;
import io.morgana.api.KvRw;
import io.morgana.api.Manifest;
import io.morgana.api.Endpoint;
import io.morgana.api.IpAddress;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv6Address;
import io.morgana.api.Random;
import io.morgana.api.Resolver;
import io.morgana.api.Sleep;
import io.morgana.api.Stack;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** The {@link Context} an appliance gets: read-only views of what {@link Session} acquired. */
final class ApplianceContext implements Context {

    private final Session session;

    ApplianceContext(Session session) { this.session = session; }

    @Override public Manifest manifest() { return session.manifest(); }

    @Override public <T> T arg(Arg<T> arg) { return session.arg(arg); }

    @Override public Stack stack() {
        if (session.stack == null) throw undeclared(Device.Kind.STACK, "net", "Device.stack()");
        return session.stack;
    }

    @Override public KvRo kvRo(String name) {
        KvRo kv = session.kvRo.get(name);
        if (kv == null) kv = session.kvRw.get(name);
        if (kv == null) throw undeclared(Device.Kind.KV_RO, name, "Device.kvRo(\"" + name + "\", ...)");
        return kv;
    }

    @Override public KvRw kvRw(String name) {
        return device(session.kvRw, Device.Kind.KV_RW, name, "Device.kvRw(\"" + name + "\", ...)");
    }

    @Override public Block block(String name) {
        return device(session.blocks, Device.Kind.BLOCK, name, "Device.block(\"" + name + "\", ...)");
    }

    private <D> D device(Map<String, D> m, Device.Kind kind, String name, String how) {
        D d = m.get(name);
        if (d == null) throw undeclared(kind, name, how);
        return d;
    }

    private IllegalStateException undeclared(Device.Kind kind, String name, String how) {
        return new IllegalStateException("appliance '" + session.manifest().name() + "' asked for the " + kind + " device '" + name
                + "' but its manifest does not declare it: add " + how + " to Manifest.needs");
    }

    @Override public Clock clock() { return session.clock(); }

    @Override public Sleep sleep() { return HostServices.SLEEP; }

    @Override public Random random() { return session.random(); }

    private volatile Resolver resolver;

    @Override public Resolver resolver() {
        Resolver r = resolver;
        if (r != null) return r;
        Stack stack = stack();
        ResolverProvider provider = ServiceLoader.load(ResolverProvider.class).findFirst().orElseThrow(() -> new IllegalStateException(
                "appliance '" + session.manifest().name() + "' asked for a resolver, but no DNS resolver is on its class path:"
                        + " add the dependency io.morgana:morgana-dns"));
        List<Endpoint> given = session.arg(StandardArgs.DNS_SERVERS);
        synchronized (this) {
            if (resolver == null) resolver = new ServersResolver(stack, provider, given);
            return resolver;
        }
    }

    /**
     * Asks {@code --dns-servers} if given, else the servers the stack knows now (they come and go
     * with DHCP leases): the delegate is remade when that list changes.
     */
    private final class ServersResolver implements Resolver {
        private final Stack stack;
        private final ResolverProvider provider;
        private final List<Endpoint> given;
        private List<Endpoint> current = List.of();
        private Resolver delegate;

        ServersResolver(Stack stack, ResolverProvider provider, List<Endpoint> given) {
            this.stack = stack;
            this.provider = provider;
            this.given = given;
        }

        private synchronized Resolver delegate() throws IOException {
            List<Endpoint> servers = given;
            if (servers.isEmpty()) servers = stack.dnsServers().stream().map(a -> new Endpoint(a, 53)).toList();
            if (servers.isEmpty()) {
                throw new IOException("no DNS servers to ask: give --dns-servers=ADDR, or use --dhcp on an own-stack target");
            }
            if (!servers.equals(current) || delegate == null) {
                delegate = provider.create(stack, servers, session.clock(), session.random());
                current = servers;
            }
            return delegate;
        }

        @Override public List<Ipv4Address> resolveIpv4(String name) throws IOException { return delegate().resolveIpv4(name); }

        @Override public List<Ipv6Address> resolveIpv6(String name) throws IOException { return delegate().resolveIpv6(name); }

        @Override public List<IpAddress> resolve(String name) throws IOException { return delegate().resolve(name); }
    }

    @Override public String target() { return session.target.name(); }

    @Override public void awaitStop() throws InterruptedException { session.stopLatch.await(); }

    @Override public boolean stopping() { return session.stopLatch.getCount() == 0; }

    @Override public void onStop(Runnable hook) { session.addStopHook(hook); }

    @Override public String toString() { return "context of " + session.manifest().name() + " on " + target(); }
}

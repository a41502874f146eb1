package io.morgana.runtime;

import io.morgana.api.Arg;
import io.morgana.api.Block;
import io.morgana.api.Clock;
import io.morgana.api.Context;
import io.morgana.api.Device;
import io.morgana.api.KvRo;
import io.morgana.api.KvRw;
import io.morgana.api.Manifest;
import io.morgana.api.Random;
import io.morgana.api.Sleep;
import io.morgana.api.Stack;
import java.util.Map;

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

    @Override public String target() { return session.target.name(); }

    @Override public void awaitStop() throws InterruptedException { session.stopLatch.await(); }

    @Override public boolean stopping() { return session.stopLatch.getCount() == 0; }

    @Override public void onStop(Runnable hook) { session.addStopHook(hook); }

    @Override public String toString() { return "context of " + session.manifest().name() + " on " + target(); }
}

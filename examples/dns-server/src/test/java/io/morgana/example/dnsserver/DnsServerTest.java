package io.morgana.example.dnsserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Arg;
import io.morgana.api.Block;
import io.morgana.api.Clock;
import io.morgana.api.Context;
import io.morgana.api.Endpoint;
import io.morgana.api.FileContents;
import io.morgana.api.KvRo;
import io.morgana.api.KvRw;
import io.morgana.api.Manifest;
import io.morgana.api.Random;
import io.morgana.api.Sleep;
import io.morgana.api.Stack;
import io.morgana.dns.JdkStack;
import io.morgana.dns.Tools;
import io.morgana.testing.Privileged;
import java.lang.reflect.Constructor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The appliance as the runtime would run it, with a stand-in Context over loopback sockets (until
 * the runtime's in-process launcher exists): arguments parse with actionable errors, zone files
 * come as bytes read at boot, and dig gets answers over UDP and TCP.
 */
class DnsServerTest {

    /** A Context holding given argument values, its stack on loopback JDK sockets. */
    static final class TestContext implements Context {
        final Map<Arg<?>, Object> args = new HashMap<>();
        final CountDownLatch stop = new CountDownLatch(1);
        final Stack stack = new JdkStack("127.0.0.1");

        <T> TestContext with(Arg<T> a, String... texts) {
            if (a.isRepeatable()) {
                List<Object> all = new java.util.ArrayList<>();
                for (String t : texts) all.addAll((List<?>) a.parse(t));
                args.put(a, all);
            } else {
                args.put(a, a.parse(texts[0]));
            }
            return this;
        }

        @Override public Manifest manifest() { return new DnsServer().manifest(); }
        @SuppressWarnings("unchecked") @Override public <T> T arg(Arg<T> a) { return (T) args.getOrDefault(a, a.defaultValue()); }
        @Override public Stack stack() { return stack; }
        @Override public KvRo kvRo(String n) { throw new IllegalStateException(n); }
        @Override public KvRw kvRw(String n) { throw new IllegalStateException(n); }
        @Override public Block block(String n) { throw new IllegalStateException(n); }
        @Override public Clock clock() { return JdkStack.CLOCK; }
        @Override public Sleep sleep() { return d -> Thread.sleep(d); }
        @Override public Random random() { return b -> new java.security.SecureRandom().nextBytes(b); }
        @Override public String target() { return "test"; }
        @Override public void awaitStop() throws InterruptedException { stop.await(); }
        @Override public boolean stopping() { return stop.getCount() == 0; }
        @Override public void onStop(Runnable hook) {}
    }

    /** The runtime reads --zone files at boot; this stands in for it. */
    static List<FileContents> loaded(String resource) throws Exception {
        Constructor<FileContents> c = FileContents.class.getDeclaredConstructor(String.class, byte[].class);
        return List.of(c.newInstance(resource, Tools.resource(resource)));
    }

    @Test void manifestAndArguments() {
        Manifest m = new DnsServer().manifest();
        assertEquals("dns-server", m.name());
        // A repeatable file argument: each --zone parses to a path the runtime fills with bytes at boot.
        assertTrue(m.args().stream().anyMatch(a -> a.name().equals("zone") && "FILE".equals(a.metavar()) && a.isRepeatable()));
        assertEquals("z.zone", DnsServer.ZONE.parse("z.zone").get(0).path());
        TestContext c = new TestContext().with(DnsServer.SECONDARY, "example.org@192.0.2.1", "example.net@192.0.2.2:5353")
                .with(DnsServer.NOTIFY, "192.0.2.3", "[2001:db8::1]:53");
        assertEquals(new Endpoint(io.morgana.api.IpAddress.parse("192.0.2.1"), 53), c.arg(DnsServer.SECONDARY).get(0).primary());
        assertEquals(5353, c.arg(DnsServer.SECONDARY).get(1).primary().port());
        assertEquals(53, c.arg(DnsServer.NOTIFY).get(1).port());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DnsServer.SECONDARY.parse("example.org")).getMessage().contains("ZONE@PRIMARY"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DnsServer.TSIG.parse("k:md4:AA==")).getMessage().contains("hmac-sha256"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DnsServer.configure(new TestContext())).getMessage().contains("nothing to serve"));
    }

    @Test void badZoneFileIsNamed() throws Exception {
        Constructor<FileContents> c = FileContents.class.getDeclaredConstructor(String.class, byte[].class);
        TestContext ctx = new TestContext();
        ctx.args.put(DnsServer.ZONE, List.of(c.newInstance("broken.zone", "$INCLUDE other\n".getBytes())));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DnsServer.configure(ctx));
        assertTrue(e.getMessage().startsWith("broken.zone:1: $INCLUDE is refused"), e.getMessage());
    }

    @Test @Privileged(tools = {"dig"})
    void servesItsZoneFileOverUdpAndTcp() throws Exception {
        int port = Tools.freePort("127.0.0.1");
        TestContext ctx = new TestContext().with(DnsServer.PORT, String.valueOf(port));
        ctx.args.put(DnsServer.ZONE, loaded("example.org.zone"));
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                new DnsServer().run(ctx);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            assertTrue(Tools.waitFor(10, () -> Tools.run(5, "dig", "@127.0.0.1", "-p", "" + port, "+short", "+tries=1", "+time=1",
                    "www.example.org", "A").out().trim().equals("192.0.2.80")));
            assertEquals("192.0.2.80", Tools.run(5, "dig", "@127.0.0.1", "-p", "" + port, "+short", "+tcp", "alias.example.org", "A")
                    .out().trim().lines().reduce((a, b) -> b).orElse(""));
        } finally {
            ctx.stop.countDown();
            t.join(5000);
        }
    }
}

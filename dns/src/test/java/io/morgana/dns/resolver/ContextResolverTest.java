package io.morgana.dns.resolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Appliance;
import io.morgana.api.Arg;
import io.morgana.api.Context;
import io.morgana.api.Device;
import io.morgana.api.Manifest;
import io.morgana.dns.TestServer;
import io.morgana.runtime.Launcher;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code Context.resolver()} as an appliance sees it: booted by the runtime on the unix target, the
 * provider found through ServiceLoader, servers from {@code --dns-servers}.
 */
class ContextResolverTest {

    /** Resolves --lookup and logs the answer, or logs the failure. */
    static final class Lookup implements Appliance {
        static final Arg<String> NAME = Arg.string("lookup", "www.example.org", "name to resolve");

        @Override public Manifest manifest() {
            return Manifest.builder("lookup").needs(Device.stack()).arg(NAME).build();
        }

        @Override public void run(Context context) {
            System.Logger log = System.getLogger("lookup");
            try {
                log.log(System.Logger.Level.INFO, "answer " + context.resolver().resolve(context.arg(NAME)));
            } catch (Exception e) {
                log.log(System.Logger.Level.INFO, "failed " + e.getMessage());
            }
        }
    }

    @Test void resolvesThroughTheContextWithDnsServers() throws Exception {
        try (TestServer s = TestServer.exampleOrg();
             Launcher.Running app = Launcher.start(new Lookup(), "unix", "--dns-servers=127.0.0.1:" + s.port())) {
            String line = app.awaitLog("answer ", Duration.ofSeconds(20));
            assertTrue(line.contains("[192.0.2.80, 2001:db8::80]"), line);
            assertEquals(0, app.awaitExit(Duration.ofSeconds(10)));
        }
    }

    @Test void aNameThatDoesNotExistIsNamedInTheError() throws Exception {
        try (TestServer s = TestServer.exampleOrg();
             Launcher.Running app = Launcher.start(new Lookup(), "unix", "--dns-servers=127.0.0.1:" + s.port(),
                     "--lookup=nope.example.org")) {
            String line = app.awaitLog("failed ", Duration.ofSeconds(20));
            assertTrue(line.contains("nope.example.org"), line);
        }
    }

    @Test void badServerListIsAUsageError() {
        try (Launcher.Running app = Launcher.start(new Lookup(), "unix", "--dns-servers=not-an-address")) {
            assertEquals(64, app.awaitExit(Duration.ofSeconds(10)));
            assertTrue(app.bootError().contains("--dns-servers"), app.bootError());
        }
    }
}

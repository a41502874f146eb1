package io.morgana.example.dnsserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Endpoint;
import io.morgana.dns.TestServer;
import io.morgana.dns.Tools;
import io.morgana.dns.tsig.TsigKey;
import io.morgana.runtime.Launcher;
import io.morgana.testing.Privileged;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The appliance as a secondary (--secondary, --tsig) of a Morgana primary that sends it NOTIFY: it
 * transfers the zone at boot, and follows an UPDATE on the primary through NOTIFY and IXFR.
 */
class DnsServerSecondaryTest {
    static final String SECRET = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ==";

    @Test @Privileged(tools = {"dig", "nsupdate"})
    void transfersAndFollowsNotify() throws Exception {
        TsigKey key = TsigKey.parse("xfr-key:hmac-sha256:" + SECRET);
        int port = Tools.freePort("127.0.0.1");
        try (TestServer primary = TestServer.exampleOrg(key)) {
            primary.server.addNotifyTarget(Endpoint.of("127.0.0.1", port));
            try (Launcher.Running sec = Launcher.start(new DnsServer(), "unix", "--port=" + port,
                    "--secondary=example.org@127.0.0.1:" + primary.port(), "--tsig=xfr-key:hmac-sha256:" + SECRET)) {
                sec.awaitLog("transferred example.org. serial 2026112301", Duration.ofSeconds(20));
                assertEquals("192.0.2.80", Tools.run(10, "dig", "@127.0.0.1", "-p", "" + port, "+short", "www.example.org", "A").out().trim());
                java.nio.file.Path f = java.nio.file.Files.createTempFile("d7upd", ".txt");
                java.nio.file.Files.writeString(f, "server 127.0.0.1 " + primary.port() + "\nzone example.org\n"
                        + "update add fresh.example.org 300 A 192.0.2.66\nsend\n");
                Tools.Result u = Tools.run(20, "nsupdate", "-y", "hmac-sha256:xfr-key:" + SECRET, f.toString());
                java.nio.file.Files.delete(f);
                assertEquals(0, u.exit(), u.out());
                sec.awaitLog("transferred example.org. serial 2026112302", Duration.ofSeconds(20));
                assertEquals("192.0.2.66", Tools.run(10, "dig", "@127.0.0.1", "-p", "" + port, "+short", "fresh.example.org", "A").out().trim());
                assertTrue(primary.server.counters().getOrDefault("dns.tx.ixfr", 0L) >= 1, primary.server.counters().toString());
            }
        }
    }
}

package io.morgana.example.dnsserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Manifest;
import io.morgana.dns.Tools;
import io.morgana.runtime.Launcher;
import io.morgana.testing.Privileged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The appliance booted in-process on the unix target (the runtime reads --zone files at boot):
 * arguments fail with actionable messages, and dig gets answers over UDP and TCP, AXFR with TSIG.
 */
class DnsServerTest {
    static final Duration T = Duration.ofSeconds(20);
    static final String SECRET = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ==";

    @Test void manifestAndArgumentParsers() {
        Manifest m = new DnsServer().manifest();
        assertEquals("dns-server", m.name());
        assertTrue(m.args().stream().anyMatch(a -> a.name().equals("zone") && "FILE".equals(a.metavar()) && a.isRepeatable()));
        assertEquals("z.zone", DnsServer.ZONE.parse("z.zone").get(0).path());
        assertEquals(53, DnsServer.SECONDARY.parse("example.org@192.0.2.1").get(0).primary().port());
        assertEquals(5353, DnsServer.SECONDARY.parse("example.net@192.0.2.2:5353").get(0).primary().port());
        assertEquals(53, DnsServer.NOTIFY.parse("2001:db8::1").get(0).port());
        assertEquals(5300, DnsServer.NOTIFY.parse("[2001:db8::1]:5300").get(0).port());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DnsServer.SECONDARY.parse("example.org")).getMessage().contains("ZONE@PRIMARY"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DnsServer.TSIG.parse("k:md4:AA==")).getMessage().contains("hmac-sha256"));
    }

    @Test void badArgumentsAndZonesAreNamed() throws Exception {
        try (Launcher.Running r = Launcher.start(new DnsServer(), "unix", "--secondary=example.org")) {
            assertEquals(64, r.awaitExit(T));
            assertTrue(r.bootError().contains("ZONE@PRIMARY"), r.bootError());
        }
        try (Launcher.Running r = Launcher.start(new DnsServer(), "unix", "--zone=/nonexistent/d7.zone")) {
            assertEquals(64, r.awaitExit(T));
            assertTrue(r.bootError().contains("no such file"), r.bootError());
        }
        Path broken = Files.createTempFile("d7broken", ".zone");
        try {
            Files.writeString(broken, "$INCLUDE /etc/passwd\n");
            try (Launcher.Running r = Launcher.start(new DnsServer(), "unix", "--zone=" + broken, "--port=0")) {
                assertEquals(1, r.awaitExit(T));
                r.awaitLog("$INCLUDE is refused", T);
            }
        } finally {
            Files.delete(broken);
        }
        try (Launcher.Running r = Launcher.start(new DnsServer(), "unix", "--port=0")) {
            assertEquals(1, r.awaitExit(T));
            r.awaitLog("nothing to serve", T);
        }
    }

    @Test @Privileged(tools = {"dig"})
    void servesItsZoneFileOverUdpAndTcp() throws Exception {
        Path zone = Files.createTempFile("d7example", ".zone");
        Files.write(zone, Tools.resource("example.org.zone"));
        try (Launcher.Running r = Launcher.start(new DnsServer(), "unix", "--zone=" + zone, "--port=0",
                "--tsig=xfr-key:hmac-sha256:" + SECRET)) {
            String port = String.valueOf(r.awaitLogInt("answering on UDP and TCP port ", T));
            assertEquals("192.0.2.80", Tools.run(10, "dig", "@127.0.0.1", "-p", port, "+short", "www.example.org", "A").out().trim());
            String tcp = Tools.run(10, "dig", "@127.0.0.1", "-p", port, "+short", "+tcp", "alias.example.org", "A").out().trim();
            assertEquals("www.example.org.\n192.0.2.80", tcp);
            String axfr = Tools.run(10, "dig", "@127.0.0.1", "-p", port, "-y", "hmac-sha256:xfr-key:" + SECRET, "example.org", "AXFR").out();
            assertTrue(axfr.contains("XFR size: 137 records"), axfr);
            String unsigned = Tools.run(10, "dig", "@127.0.0.1", "-p", port, "example.org", "AXFR").out();
            assertTrue(unsigned.contains("Transfer failed"), unsigned);
        } finally {
            Files.delete(zone);
        }
    }
}

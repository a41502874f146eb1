package io.morgana.dns.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Endpoint;
import io.morgana.dns.TestServer;
import io.morgana.dns.Tools;
import io.morgana.dns.server.AuthServer;
import io.morgana.dns.tsig.TsigKey;
import io.morgana.dns.wire.Name;
import io.morgana.dns.zone.Zone;
import io.morgana.testing.Privileged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Zone transfers with real peers, all TSIG-signed: NSD as a secondary of Morgana (AXFR, then
 * NOTIFY and IXFR after an nsupdate changes the zone), and Morgana as a secondary of Knot (AXFR,
 * then NOTIFY and IXFR after an nsupdate changes Knot's zone).
 */
class TransferInteropTest {
    static final Name ORIGIN = Name.of("example.org.");
    Path dir;
    String secret;
    TsigKey key;

    @BeforeEach void setUp() throws Exception {
        dir = Files.createTempDirectory("d7dns");
        byte[] s = new byte[32];
        new java.security.SecureRandom().nextBytes(s);
        secret = Base64.getEncoder().encodeToString(s);
        key = TsigKey.parse("xfr-key:hmac-sha256:" + secret);
    }

    @AfterEach void tearDown() throws Exception {
        try (var w = Files.walk(dir)) {
            w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    String dig(int port, String... q) throws Exception {
        String[] cmd = new String[q.length + 4];
        cmd[0] = "dig";
        cmd[1] = "@127.0.0.1";
        cmd[2] = "-p" + port;
        cmd[3] = "+short";
        System.arraycopy(q, 0, cmd, 4, q.length);
        return Tools.run(10, cmd).out().trim();
    }

    void nsupdate(int port, String... lines) throws Exception {
        Path f = dir.resolve("update.txt");
        StringBuilder sb = new StringBuilder("server 127.0.0.1 " + port + "\nzone example.org\n");
        for (String l : lines) sb.append(l).append('\n');
        sb.append("send\n");
        Files.writeString(f, sb);
        Tools.Result r = Tools.run(20, "nsupdate", "-y", "hmac-sha256:xfr-key:" + secret, f.toString());
        assertEquals(0, r.exit(), "nsupdate: " + r.out());
    }

    @Test @Privileged(tools = {"nsd", "dig", "nsupdate"})
    void nsdIsSecondaryOfMorganaAndFollowsNotify() throws Exception {
        int nsdPort = Tools.freePort("127.0.0.1");
        AuthServer a = new AuthServer(new SplittableRandom());
        a.addZone(io.morgana.dns.zone.ZoneParser.zone("example.org.zone", Tools.resource("example.org.zone"), null));
        a.addKey(key);
        a.addNotifyTarget(Endpoint.of("127.0.0.1", nsdPort));
        try (TestServer morgana = new TestServer(a)) {
            Files.writeString(dir.resolve("nsd.conf"), """
                    server:
                      ip-address: 127.0.0.1@%d
                      zonesdir: "%s"
                      pidfile: "%s/nsd.pid"
                      database: ""
                      xfrdfile: "%s/xfrd.state"
                      zonelistfile: "%s/zone.list"
                      xfrdir: "%s"
                      username: ""
                      chroot: ""
                      verbosity: 2
                      server-count: 1
                    remote-control:
                      control-enable: no
                    key:
                      name: xfr-key
                      algorithm: hmac-sha256
                      secret: "%s"
                    zone:
                      name: example.org
                      zonefile: example.org.zone
                      request-xfr: 127.0.0.1@%d xfr-key
                      allow-notify: 127.0.0.1 xfr-key
                    """.formatted(nsdPort, dir, dir, dir, dir, dir, secret, morgana.port()));
            try (Tools.Daemon nsd = new Tools.Daemon(List.of("nsd", "-d", "-c", dir.resolve("nsd.conf").toString()))) {
                assertTrue(Tools.waitFor(20, () -> dig(nsdPort, "www.example.org", "A").equals("192.0.2.80")),
                        "NSD never served the zone it should have transferred from Morgana:\n" + nsd.log());
                assertEquals("10 mail.example.org.", dig(nsdPort, "example.org", "MX"));
                nsupdate(morgana.port(), "update add added.example.org 300 A 192.0.2.222", "update delete mail.example.org A");
                assertEquals("2026112302", dig(morgana.port(), "example.org", "SOA").split(" ")[2]);
                assertTrue(Tools.waitFor(20, () -> dig(nsdPort, "added.example.org", "A").equals("192.0.2.222")),
                        "NSD did not follow the NOTIFY after the update:\n" + nsd.log());
                assertEquals("", dig(nsdPort, "mail.example.org", "A"));
                assertTrue(nsd.log().contains("IXFR") || a.counters().getOrDefault("dns.tx.ixfr", 0L) > 0, "second transfer should be IXFR:\n" + nsd.log() + a.counters());
                assertTrue(a.counters().getOrDefault("dns.rx.notify-ack", 0L) >= 1, "NSD acknowledged our NOTIFY: " + a.counters());
            }
        }
    }

    @Test @Privileged(tools = {"knotd", "dig", "nsupdate"})
    void morganaIsSecondaryOfKnotAndFollowsSerialChange() throws Exception {
        int knotPort = Tools.freePort("127.0.0.1");
        Files.write(dir.resolve("example.org.zone"), Tools.resource("example.org.zone"));
        AuthServer a = new AuthServer(new SplittableRandom());
        a.addKey(key);
        a.addSecondary(ORIGIN, Endpoint.of("127.0.0.1", knotPort), key);
        try (TestServer morgana = new TestServer(a)) {
            Files.writeString(dir.resolve("knot.conf"), """
                    server:
                        listen: 127.0.0.1@%d
                        rundir: "%s"
                    database:
                        storage: "%s"
                    log:
                      - target: stdout
                        any: info
                    key:
                      - id: xfr-key
                        algorithm: hmac-sha256
                        secret: %s
                    remote:
                      - id: morgana
                        address: 127.0.0.1@%d
                        key: xfr-key
                    acl:
                      - id: peers
                        address: 127.0.0.1
                        key: xfr-key
                        action: [transfer, update]
                    zone:
                      - domain: example.org
                        storage: "%s"
                        file: example.org.zone
                        notify: morgana
                        acl: peers
                        zonefile-sync: -1
                        journal-content: changes
                    """.formatted(knotPort, dir, dir, secret, morgana.port(), dir));
            try (Tools.Daemon knot = new Tools.Daemon(List.of("knotd", "-c", dir.resolve("knot.conf").toString()))) {
                assertTrue(Tools.waitFor(20, () -> a.zone(ORIGIN) != null),
                        "Morgana never transferred the zone from Knot: " + a.counters() + "\n" + knot.log());
                Zone first = a.zone(ORIGIN);
                assertEquals(2026112301L, first.serial());
                assertEquals("192.0.2.80", dig(morgana.port(), "www.example.org", "A"));
                nsupdate(knotPort, "update add fromknot.example.org 300 A 192.0.2.77");
                assertTrue(Tools.waitFor(20, () -> dig(morgana.port(), "fromknot.example.org", "A").equals("192.0.2.77")),
                        "Morgana did not follow Knot's serial change: " + a.counters() + "\n" + knot.log());
                assertNotNull(a.zone(ORIGIN));
                assertTrue(a.zone(ORIGIN).serial() > first.serial());
                assertTrue(a.counters().getOrDefault("dns.xfr-in.ok", 0L) >= 2, a.counters().toString());
            }
        }
    }
}

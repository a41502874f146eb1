package io.morgana.example.dnsserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.dns.Tools;
import io.morgana.runtime.Launcher;
import io.morgana.testing.Netns;
import io.morgana.testing.Privileged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The same appliance, unchanged, on the {@code tap} target: Morgana's own UDP and TCP on a TAP
 * device inside a namespace; dig and kdig ask from the kernel's side of it.
 */
class DnsServerTapTest {
    static final String APPLIANCE = "10.7.0.2";
    static final String SECRET = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ==";
    static final Duration T = Duration.ofSeconds(30);

    @Test @Privileged(tools = {"dig", "kdig"})
    void answersOverMorganasOwnUdpAndTcp() throws Exception {
        Path zone = Files.createTempFile("d7tap", ".zone");
        Files.write(zone, Tools.resource("example.org.zone"));
        try (Netns ns = Netns.create("d7ns-dns")) {
            ns.addTap("d7tap0", "10.7.0.1/24");
            try (Launcher.Running app = Launcher.start(new DnsServer(), "tap", ns.tapArgs("d7tap0",
                    "--ipv4=" + APPLIANCE + "/24", "--zone=" + zone, "--port=53", "--tsig=xfr-key:hmac-sha256:" + SECRET))) {
                app.awaitLog("answering on UDP and TCP port 53", T);
                assertEquals("192.0.2.80", dig(ns, "+short", "+tries=3", "www.example.org", "A").stdout().trim());
                assertEquals("www.example.org.\n192.0.2.80", dig(ns, "+short", "+tcp", "alias.example.org", "A").stdout().trim());
                String nx = dig(ns, "nope.example.org", "A").stdout();
                assertTrue(nx.contains("status: NXDOMAIN") && nx.contains("flags: qr aa"), nx);
                String tc = dig(ns, "+ignore", "+noedns", "big.example.org", "TXT").stdout();
                assertTrue(tc.contains("flags: qr aa tc"), tc);
                String retried = dig(ns, "+noedns", "big.example.org", "TXT").stdout();
                assertTrue(retried.contains("ANSWER: 7") && retried.contains("(TCP)"), "dig retries over TCP:\n" + retried);
                String referral = kdig(ns, "host.sub.example.org", "A").stdout();
                assertTrue(referral.contains("ns.sub.example.org.") && referral.contains("192.0.2.200"), referral);
                String axfr = dig(ns, "-y", "hmac-sha256:xfr-key:" + SECRET, "example.org", "AXFR").stdout();
                assertTrue(axfr.contains("XFR size: 137 records"), axfr);
            }
        } finally {
            Files.delete(zone);
        }
    }

    static Netns.Result dig(Netns ns, String... q) {
        String[] cmd = new String[q.length + 2];
        cmd[0] = "dig";
        cmd[1] = "@" + APPLIANCE;
        System.arraycopy(q, 0, cmd, 2, q.length);
        return ns.exec(T, cmd);
    }

    static Netns.Result kdig(Netns ns, String... q) {
        String[] cmd = new String[q.length + 2];
        cmd[0] = "kdig";
        cmd[1] = "@" + APPLIANCE;
        System.arraycopy(q, 0, cmd, 2, q.length);
        return ns.exec(T, cmd);
    }
}

package io.morgana.dns.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.dns.TestServer;
import io.morgana.dns.Tools;
import io.morgana.dns.server.AuthServer;
import io.morgana.dns.zone.ZoneParser;
import io.morgana.testing.Privileged;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code ldns-test-edns} asks ". DNSKEY" and "se. DS" with EDNS, DO and CD on port 53 and wants an
 * OPT record in the reply and the RRset with an RRSIG over it. Morgana serves a pre-signed
 * stand-in root on 127.0.0.107:53 (port 53 is all the tool can ask; the address is this area's own).
 */
class LdnsTestEdnsTest {

    @Test @Privileged(tools = {"ldns-test-edns"})
    void passes() throws Exception {
        AuthServer a = new AuthServer(new SplittableRandom());
        a.addZone(ZoneParser.zone("root.zone", Tools.resource("root.zone"), null));
        try (TestServer s = new TestServer(a, "127.0.0.107", 53)) {
            Tools.Result r = Tools.run(20, "ldns-test-edns", "127.0.0.107");
            assertEquals(0, r.exit(), r.out());
            assertTrue(r.out().contains("127.0.0.107 OK"), r.out());
        }
    }
}

package io.morgana.dns.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.dns.TestServer;
import io.morgana.dns.Tools;
import io.morgana.testing.Privileged;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * dig and kdig, over UDP and TCP, against Morgana serving the test zone on loopback: positive,
 * NXDOMAIN, NODATA, CNAME chain, wildcard, delegation with glue, truncation, REFUSED.
 */
@Privileged(tools = {"dig", "kdig"})
class DigInteropTest {
    static TestServer server;

    @BeforeAll static void start() throws Exception { server = TestServer.exampleOrg(); }

    @AfterAll static void stop() { if (server != null) server.close(); }

    /** One exchange as the tool printed it, whitespace normalised. */
    record Reply(String status, List<String> flags, String text) {
        boolean has(String rr) { return text.contains(rr); }
    }

    static Reply ask(String tool, boolean tcp, String... q) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(tool, "@" + server.address, "-p", String.valueOf(server.port()), "+norec"));
        cmd.add(tcp ? "+tcp" : "+notcp");
        if (!tcp) cmd.add("+ignore");
        cmd.addAll(List.of(q));
        Tools.Result r = Tools.run(20, cmd.toArray(String[]::new));
        assertEquals(0, r.exit(), r.out());
        String text = r.out().replaceAll("[ \\t]+", " ");
        Matcher s = Pattern.compile("status: (\\w+)").matcher(text);
        Matcher f = Pattern.compile("(?i);; flags: ([a-z ]*);").matcher(text);
        assertTrue(s.find() && f.find(), text);
        return new Reply(s.group(1), List.of(f.group(1).trim().split(" ")), text);
    }

    @ParameterizedTest @ValueSource(strings = {"dig udp", "dig tcp", "kdig udp", "kdig tcp"})
    void positive(String how) throws Exception {
        Reply r = ask(how.split(" ")[0], how.endsWith("tcp"), "www.example.org", "A");
        assertEquals("NOERROR", r.status());
        assertTrue(r.flags().contains("aa"), r.text());
        assertTrue(r.has("www.example.org. 300 IN A 192.0.2.80"), r.text());
    }

    @ParameterizedTest @ValueSource(strings = {"dig udp", "dig tcp", "kdig udp", "kdig tcp"})
    void nxdomain(String how) throws Exception {
        Reply r = ask(how.split(" ")[0], how.endsWith("tcp"), "nope.example.org", "A");
        assertEquals("NXDOMAIN", r.status());
        assertTrue(r.flags().contains("aa"));
        assertTrue(r.has("example.org. 300 IN SOA ns1.example.org. hostmaster.example.org. 2026112301"), r.text());
    }

    @ParameterizedTest @ValueSource(strings = {"dig udp", "dig tcp", "kdig udp", "kdig tcp"})
    void nodata(String how) throws Exception {
        Reply r = ask(how.split(" ")[0], how.endsWith("tcp"), "www.example.org", "MX");
        assertEquals("NOERROR", r.status());
        assertTrue(r.text().matches("(?s).*ANSWER: 0[,;].*"), r.text());
        assertTrue(r.has("example.org. 300 IN SOA"), r.text());
        Reply ent = ask(how.split(" ")[0], how.endsWith("tcp"), "b.example.org", "A");
        assertEquals("NOERROR", ent.status(), "an empty non-terminal exists: " + ent.text());
    }

    @ParameterizedTest @ValueSource(strings = {"dig udp", "dig tcp", "kdig udp", "kdig tcp"})
    void cnameChain(String how) throws Exception {
        Reply r = ask(how.split(" ")[0], how.endsWith("tcp"), "chain.example.org", "A");
        assertEquals("NOERROR", r.status());
        assertTrue(r.has("chain.example.org. 3600 IN CNAME alias.example.org."), r.text());
        assertTrue(r.has("alias.example.org. 3600 IN CNAME www.example.org."), r.text());
        assertTrue(r.has("www.example.org. 300 IN A 192.0.2.80"), r.text());
        Reply d = ask(how.split(" ")[0], how.endsWith("tcp"), "dangling.example.org", "A");
        assertEquals("NXDOMAIN", d.status(), "a CNAME to a missing name ends in NXDOMAIN (RFC 6604)");
    }

    @ParameterizedTest @ValueSource(strings = {"dig udp", "dig tcp", "kdig udp", "kdig tcp"})
    void wildcard(String how) throws Exception {
        Reply r = ask(how.split(" ")[0], how.endsWith("tcp"), "anything.wild.example.org", "A");
        assertEquals("NOERROR", r.status());
        assertTrue(r.has("anything.wild.example.org. 3600 IN A 192.0.2.99"), r.text());
        Reply nodata = ask(how.split(" ")[0], how.endsWith("tcp"), "anything.wild.example.org", "MX");
        assertEquals("NOERROR", nodata.status());
        assertTrue(nodata.has("IN SOA"), nodata.text());
        Reply below = ask(how.split(" ")[0], how.endsWith("tcp"), "x.deep.a.b.example.org", "A");
        assertEquals("NXDOMAIN", below.status(), "no wildcard there: " + below.text());
    }

    @ParameterizedTest @ValueSource(strings = {"dig udp", "dig tcp", "kdig udp", "kdig tcp"})
    void delegation(String how) throws Exception {
        Reply r = ask(how.split(" ")[0], how.endsWith("tcp"), "host.sub.example.org", "A");
        assertEquals("NOERROR", r.status());
        assertFalse(r.flags().contains("aa"), "a referral is not authoritative: " + r.text());
        assertTrue(r.has("sub.example.org. 3600 IN NS ns.sub.example.org."), r.text());
        assertTrue(r.has("ns.sub.example.org. 3600 IN A 192.0.2.200"), "glue: " + r.text());
    }

    @ParameterizedTest @ValueSource(strings = {"dig", "kdig"})
    void truncatedOverUdpWholeOverTcp(String tool) throws Exception {
        Reply udp = ask(tool, false, "+noedns", "big.example.org", "TXT");
        assertTrue(udp.flags().contains("tc"), udp.text());
        Reply edns = ask(tool, false, "+bufsize=1232", "big.example.org", "TXT");
        assertTrue(edns.flags().contains("tc"), "1,400 bytes do not fit 1,232 either: " + edns.text());
        Reply tcp = ask(tool, true, "big.example.org", "TXT");
        assertFalse(tcp.flags().contains("tc"), tcp.text());
        assertTrue(tcp.text().matches("(?s).*ANSWER: 7[,;].*"), tcp.text());
        Reply fits = ask(tool, false, "+bufsize=4096", "big.example.org", "TXT");
        assertFalse(fits.flags().contains("tc"), fits.text());
    }

    @ParameterizedTest @ValueSource(strings = {"dig udp", "kdig tcp"})
    void refusedOutsideOurZones(String how) throws Exception {
        Reply r = ask(how.split(" ")[0], how.endsWith("tcp"), "www.example.com", "A");
        assertEquals("REFUSED", r.status());
    }
}

package io.morgana.dns.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.dns.Tools;
import io.morgana.dns.wire.Name;
import io.morgana.dns.wire.Record;
import io.morgana.dns.wire.Type;
import java.util.List;
import org.junit.jupiter.api.Test;

class ZoneParserTest {

    static Zone parse(String text) throws ZoneException {
        return ZoneParser.zone("test.zone", text.getBytes(), Name.of("example.org."));
    }

    static final String HEAD = """
            $TTL 1h
            @ IN SOA ns1 hostmaster 1 3600 600 604800 300
              IN NS ns1
            ns1 IN A 192.0.2.1
            """;

    @Test void readsTheTestZone() throws Exception {
        Zone z = ZoneParser.zone("example.org.zone", Tools.resource("example.org.zone"), null);
        assertEquals(Name.of("example.org."), z.origin());
        assertEquals(2026112301L, z.serial());
        assertEquals(300, z.minimum());
        List<Record> www = z.node(Name.of("www.example.org")).get(Type.A);
        assertEquals(300, www.get(0).ttl(), "explicit TTL");
        assertEquals(3600, z.node(Name.of("www.example.org")).get(Type.AAAA).get(0).ttl(), "$TTL default");
        assertEquals("\"semi;colon\" \"quote\\\"inside\" \"tab\\009\"", z.node(Name.of("quoted.example.org")).get(Type.TXT).get(0).rdataText());
        assertEquals(7, z.node(Name.of("big.example.org")).get(Type.TXT).size(), "blank owner continues the previous one");
        assertNotNull(z.node(Name.of("a.b.example.org")), "empty non-terminal");
        assertTrue(z.node(Name.of("a.b.example.org")).isEmpty());
        assertEquals("\\# 4 0A000001", z.node(Name.of("unknown.example.org")).get(65280).get(0).rdataText());
        assertEquals(4 + 64, z.node(Name.of("key.example.org")).get(Type.DNSKEY).get(0).rdata().length, "base64 across lines in parentheses");
        assertEquals(100, z.node(Name.of("many.example.org")).get(Type.A).size());
    }

    @Test void ttlAndClassInEitherOrderAndOriginChanges() throws Exception {
        Zone z = parse(HEAD + """
                a 300 IN A 192.0.2.2
                b IN 1d A 192.0.2.3
                $ORIGIN sub.example.org.
                c A 192.0.2.4 ; comment
                """);
        assertEquals(300, z.node(Name.of("a.example.org")).get(Type.A).get(0).ttl());
        assertEquals(86400, z.node(Name.of("b.example.org")).get(Type.A).get(0).ttl());
        assertEquals(3600, z.node(Name.of("c.sub.example.org")).get(Type.A).get(0).ttl());
    }

    @Test void includeIsRefusedWithAClearReason() {
        ZoneException e = assertThrows(ZoneException.class, () -> parse(HEAD + "$INCLUDE /etc/passwd\n"));
        assertTrue(e.getMessage().contains("test.zone:5") && e.getMessage().contains("$INCLUDE is refused"), e.getMessage());
    }

    @Test void errorsNameTheLineAndTheFix() {
        assertMessage(HEAD + "x IN A 300.1.1.1\n", "test.zone:5");
        assertMessage(HEAD + "x IN CNAME ns1\nx IN A 192.0.2.9\n", "a CNAME must stand alone");
        assertMessage("$TTL 1h\n@ IN NS ns1\n", "no SOA");
        assertMessage(HEAD + "www.example.com. IN A 192.0.2.1\n", "outside the zone");
        assertMessage(HEAD + "x IN A ( 192.0.2.1\n", "never closed");
        assertMessage(HEAD + "x IN TXT \"open\n", "never closed");
        assertMessage(HEAD + "x IN FOO 1\n", "'FOO' is not an RR type");
        assertMessage(HEAD + "x IN TYPE999 01\n", "\\# LENGTH HEX");
        assertMessage(HEAD + "x IN A 192.0.2.1 extra\n", "extra text");
        assertMessage(HEAD + "x CH A 192.0.2.1\n", "only class IN");
        assertMessage("@ IN SOA ns1 h 1 2 3 4 5\n@ NS ns1\n", "no TTL");
    }

    private static void assertMessage(String zone, String part) {
        ZoneException e = assertThrows(ZoneException.class, () -> parse(zone));
        assertTrue(e.getMessage().contains(part), "wanted '" + part + "' in: " + e.getMessage());
    }
}

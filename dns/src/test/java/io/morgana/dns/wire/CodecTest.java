package io.morgana.dns.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.dns.zone.ZoneParser;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodecTest {

    @Test void namesParsePrintAndCompareWithoutCase() {
        Name n = Name.of("WWW.Example.ORG");
        assertEquals("WWW.Example.ORG.", n.toString());
        assertEquals(Name.of("www.example.org."), n);
        assertEquals(Name.of("www.example.org.").hashCode(), n.hashCode());
        assertEquals(3, n.labelCount());
        assertTrue(n.isSubdomainOf(Name.of("example.org")));
        assertFalse(Name.of("example.org").isSubdomainOf(n));
        assertFalse(Name.of("xexample.org").isSubdomainOf(Name.of("example.org")));
        assertEquals(Name.of("a\\.b.example."), Name.parse("a\\.b", Name.of("example.")));
        assertEquals(2, Name.parse("a\\.b", Name.of("example.")).labelCount());
        assertEquals("a\\.b.c\\032d.", Name.of("a\\.b.c\\032d.").toString());
        assertEquals(Name.of("*.x.org"), Name.of("x.org").wildcard());
    }

    @Test void nameLimits() {
        String l63 = "a".repeat(63);
        assertEquals(63, Name.of(l63 + ".").toWire()[0]);
        assertThrows(IllegalArgumentException.class, () -> Name.of("a".repeat(64) + "."));
        String n253 = (l63 + ".").repeat(3) + "a".repeat(61);
        assertEquals(255, Name.of(n253).wireLength());
        assertThrows(IllegalArgumentException.class, () -> Name.of(n253 + "a"));
        assertThrows(IllegalArgumentException.class, () -> Name.of("a..b"));
    }

    @Test void canonicalOrderIsRfc4034s() {
        List<String> sorted = List.of("example.", "a.example.", "yljkjljk.a.example.", "Z.a.example.", "zABC.a.EXAMPLE.",
                "z.example.", "\\001.z.example.", "*.z.example.", "\\200.z.example.");
        List<Name> names = new ArrayList<>();
        for (String s : sorted.reversed()) names.add(Name.of(s));
        names.sort(null);
        List<String> got = new ArrayList<>();
        for (Name x : names) got.add(x.toString().toLowerCase());
        List<String> want = new ArrayList<>();
        for (String s : sorted) want.add(Name.of(s).toString().toLowerCase());
        assertEquals(want, got);
    }

    /** RFC 1035 §4.1.4: F.ISI.ARPA, FOO.F.ISI.ARPA (pointer to 20), ARPA (pointer to 26), root. */
    @Test void decodesRfc1035CompressionExample() {
        byte[] b = new byte[64];
        int p = 20;
        for (byte x : new byte[] {1, 'F', 3, 'I', 'S', 'I', 4, 'A', 'R', 'P', 'A', 0}) b[p++] = x;
        p = 40;
        for (byte x : new byte[] {3, 'F', 'O', 'O', (byte) 0xc0, 20}) b[p++] = x;
        b[46] = (byte) 0xc0;
        b[47] = 26;
        WireReader r = new WireReader(b, 40, 64);
        assertEquals(Name.of("FOO.F.ISI.ARPA."), r.name());
        assertEquals(46, r.pos);
        assertEquals(Name.of("ARPA."), r.name());
        assertEquals(48, r.pos);
    }

    static final String ALL_TYPES = """
            $ORIGIN t.example.
            $TTL 300
            @ SOA ns hostmaster 1 2 3 4 5
            @ NS ns
            ns A 192.0.2.1
            ns AAAA 2001:db8::1
            c CNAME ns
            p PTR ns
            m MX 10 ns
            x TXT "hello world" plain "with \\"quote\\""
            s SRV 1 2 53 ns
            a CAA 128 issuewild "ca.example; x=y"
            d DS 2371 13 2 1F987CC6583E92DF0890718C42
            k DNSKEY 256 3 8 AwEAAag= 
            r RRSIG A 8 3 300 20270101000000 20260101000000 2371 t.example. dGVzdA==
            n NSEC s.t.example. A NS SOA MX RRSIG NSEC TYPE1234
            l TLSA 3 1 1 ABCDEF
            h HINFO "cpu" "os"
            u TYPE65000 \\# 3 010203
            e TYPE65001 \\# 0
            """;

    @Test void everyTypeRoundTripsThroughTextAndWire() throws Exception {
        List<Record> rs = ZoneParser.parse("t", ALL_TYPES.getBytes(), null);
        assertEquals(18, rs.size());
        Message m = new Message();
        m.id = 4242;
        m.flags = Message.QR | Message.AA;
        m.questions.add(new Question(Name.of("t.example."), Type.ANY, Record.IN));
        m.answers.addAll(rs);
        m.edns = new Edns(1232, 0, 0, Edns.DO, new byte[] {0, 10, 0, 2, 1, 2});
        byte[] wire = m.encode();
        Message d = Message.decode(wire);
        assertEquals(4242, d.id);
        assertEquals(rs, d.answers);
        assertTrue(d.edns.dnssecOk());
        assertEquals(1232, d.edns.udpSize());
        for (Record r : rs) {
            String text = r.rdataText();
            List<Rdata.Token> toks = new ArrayList<>();
            for (String t : tokens(text)) toks.add(new Rdata.Token(t.startsWith("\"") ? t.substring(1, t.length() - 1).replace("\\\"", "\"") : t, t.startsWith("\"")));
            assertArrayEquals(r.rdata(), Rdata.fromText(r.type(), toks, Name.ROOT), Type.name(r.type()) + ": " + text);
        }
        assertEquals("1 2 53 ns.t.example.", rs.get(8).rdataText());
        assertEquals("128 issuewild \"ca.example; x=y\"", rs.get(9).rdataText());
        assertEquals("s.t.example. A NS SOA MX RRSIG NSEC TYPE1234", rs.get(13).rdataText());
        assertEquals("\\# 3 010203", rs.get(16).rdataText());
    }

    private static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"(?:\\\\.|[^\"\\\\])*\"|\\S+").matcher(s);
        while (m.find()) out.add(m.group());
        return out;
    }

    @Test void compressesOwnerNamesAndRfc1035RdataNamesOnly() throws Exception {
        Message m = new Message();
        m.questions.add(new Question(Name.of("www.example.org"), Type.A, Record.IN));
        Record ns = Record.in(Name.of("example.org"), Type.NS, 60, Name.of("ns.example.org").toWire());
        Record srv = Record.in(Name.of("_s._tcp.example.org"), Type.SRV, 60,
                HexFormat.of().parseHex("000100020035" + HexFormat.of().formatHex(Name.of("www.example.org").toWire())));
        m.answers.add(ns);
        m.answers.add(srv);
        byte[] w = m.encode();
        String hex = HexFormat.of().formatHex(w);
        // NS target "ns" + pointer to example.org (offset 16): compressed.
        assertTrue(hex.contains("026e73c010"), hex);
        // SRV target written in full (RFC 3597 §4: only RFC 1035 types are compressed).
        assertTrue(hex.contains("000100020035037777770765786d706c65".replace("65786d706c65", "6578616d706c65")), hex);
        assertEquals(List.of(ns, srv), Message.decode(w).answers);
    }

    @Test void writerRollsBackWhatDidNotFit() {
        MessageWriter w = new MessageWriter(50);
        w.header(1, 0);
        w.question(new Question(Name.of("a.example"), Type.A, Record.IN));
        long mark = w.mark();
        assertThrows(MessageWriter.Full.class, () -> w.record(Record.in(Name.of("b.a.example"), Type.TXT, 1, new byte[30])));
        w.rollback(mark);
        assertEquals(27, w.position());
        w.record(Record.in(Name.of("a.example"), Type.A, 1, new byte[4]));
        assertEquals(w.toByteArray()[27] & 0xff, 0xc0, "the owner name points back to the question");
    }

    @Test void ttlUnits() {
        assertEquals(5400, Ttl.parse("1h30m"));
        assertEquals(86400 * 8, Ttl.parse("1w1d"));
        assertEquals(42, Ttl.parse("42"));
        assertThrows(IllegalArgumentException.class, () -> Ttl.parse("1x"));
        assertNotEquals(-1, Type.parse("type65000"));
        assertEquals(-1, Type.parse("TYPE65536"));
    }
}

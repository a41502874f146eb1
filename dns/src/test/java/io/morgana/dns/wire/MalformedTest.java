package io.morgana.dns.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.morgana.api.Endpoint;
import io.morgana.dns.Tools;
import io.morgana.dns.server.AuthServer;
import io.morgana.dns.zone.ZoneParser;
import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile-input corpus: each message is rejected by the decoder with a {@link WireException},
 * and the server answers it with FORMERR or drops it — never an exception, never a big allocation.
 * Then a seeded fuzz run over mutated real messages.
 */
class MalformedTest {
    static AuthServer server;
    static final Endpoint PEER = Endpoint.of("127.0.0.1", 5353);

    @BeforeAll static void zone() throws Exception {
        server = new AuthServer(new SplittableRandom(1));
        server.addZone(ZoneParser.zone("example.org.zone", Tools.resource("example.org.zone"), null));
    }

    /** A query header (id 0x1234, RD) with the given counts, then {@code rest} in hex. */
    static byte[] msg(int qd, int an, int ns, int ar, String rest) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(new byte[] {0x12, 0x34, 0x01, 0x00, 0, (byte) qd, 0, (byte) an, 0, (byte) ns, 0, (byte) ar});
        o.writeBytes(HexFormat.of().parseHex(rest.replace(" ", "")));
        return o.toByteArray();
    }

    static final String WWW = "03777777 076578616d706c65 036f7267 00";

    static List<Object[]> corpus() {
        return List.of(
                new Object[] {"pointer to itself", msg(1, 0, 0, 0, "c00c 0001 0001")},
                new Object[] {"two pointers pointing at each other", msg(1, 0, 0, 0, "01 61 c011 0001 0001 c00c")},
                new Object[] {"forward pointer", msg(1, 0, 0, 0, "c010 0001 0001 03777777 00")},
                new Object[] {"label longer than 63", msg(1, 0, 0, 0, "40" + "61".repeat(64) + "00 0001 0001")},
                new Object[] {"reserved label type 0x80", msg(1, 0, 0, 0, "8161 00 0001 0001")},
                new Object[] {"name longer than 255", msg(1, 0, 0, 0, ("3f" + "61".repeat(63)).repeat(4) + "00 0001 0001")},
                new Object[] {"name longer than 255 through pointers", msg(1, 1, 0, 0,
                        WWW + "0001 0001" + ("3f" + "61".repeat(63)).repeat(3) + "3f" + "61".repeat(63) + "c00c 0001 0001 00000000 0000")},
                new Object[] {"question count with no question", msg(1, 0, 0, 0, "")},
                new Object[] {"answer count larger than the data", msg(1, 3, 0, 0, WWW + "0001 0001 c00c 0001 0001 00000e10 0004 c0000250")},
                new Object[] {"counts claiming 65535 records each", new byte[] {0, 1, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                        (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 1, 0, 1}},
                new Object[] {"question truncated after the name", msg(1, 0, 0, 0, WWW + "00")},
                new Object[] {"RDATA longer than the message", msg(1, 1, 0, 0, WWW + "0001 0001 c00c 0001 0001 00000e10 0010 c0000250")},
                new Object[] {"A record with 5 bytes", msg(1, 1, 0, 0, WWW + "0001 0001 c00c 0001 0001 00000e10 0005 c000025001")},
                new Object[] {"SOA cut short", msg(1, 1, 0, 0, WWW + "0006 0001 c00c 0006 0001 00000e10 0006 c00c c00c 0000")},
                new Object[] {"MX name running past its RDATA", msg(1, 1, 0, 0, WWW + "000f 0001 c00c 000f 0001 00000e10 0004 000a 0361")},
                new Object[] {"EDNS option overrunning the OPT record", msg(1, 0, 0, 1, WWW + "0001 0001 00 0029 1000 00000000 0006 000a 0008 0102")},
                new Object[] {"EDNS option header cut", msg(1, 0, 0, 1, WWW + "0001 0001 00 0029 1000 00000000 0002 000a")},
                new Object[] {"two OPT records", msg(1, 0, 0, 2, WWW + "0001 0001 00 0029 1000 00000000 0000 00 0029 1000 00000000 0000")},
                new Object[] {"OPT in the answer section", msg(1, 1, 0, 0, WWW + "0001 0001 00 0029 1000 00000000 0000")},
                new Object[] {"OPT with an owner name", msg(1, 0, 0, 1, WWW + "0001 0001 c00c 0029 1000 00000000 0000")},
                new Object[] {"TSIG not last", msg(1, 0, 0, 2, WWW + "0001 0001 03 6b6579 00 00fa 00ff 00000000 0000 00 0029 1000 00000000 0000")},
                new Object[] {"NSEC bitmap windows out of order", msg(1, 1, 0, 0, WWW + "002f 0001 c00c 002f 0001 00000e10 0008 00 0101 40 0001 40 00")});
    }

    @ParameterizedTest(name = "{0}") @MethodSource("corpus")
    void decoderRejects(String what, byte[] m) {
        assertThrows(WireException.class, () -> Message.decode(m), what);
    }

    @ParameterizedTest(name = "{0}") @MethodSource("corpus")
    void serverAnswersFormerrOrDrops(String what, byte[] m) {
        List<byte[]> out = server.handle(m, m.length, AuthServer.Transport.UDP, PEER, 0);
        assertTrue(out.size() <= 1, what);
        if (out.size() == 1) {
            byte[] r = out.get(0);
            assertEquals(m[0], r[0], "ID");
            assertEquals(m[1], r[1], "ID");
            assertTrue((r[2] & 0x80) != 0, "QR");
            assertEquals(Message.FORMERR, r[3] & 0x0f, what);
        }
    }

    @Test void shortAndResponseMessagesAreDroppedAndCounted() {
        assertEquals(List.of(), server.handle(new byte[5], 5, AuthServer.Transport.UDP, PEER, 0));
        byte[] resp = msg(0, 0, 0, 0, "");
        resp[2] = (byte) 0x80;
        assertEquals(List.of(), server.handle(resp, resp.length, AuthServer.Transport.UDP, PEER, 0));
        Map<String, Long> c = server.counters();
        assertTrue(c.getOrDefault("dns.rx.drop.short", 0L) >= 1, c.toString());
        assertTrue(c.getOrDefault("dns.rx.drop.unexpected-response", 0L) >= 1, c.toString());
    }

    /**
     * Seeded fuzz: real queries and responses with bytes flipped, cut, duplicated or replaced. The
     * decoder returns or throws {@link WireException}; the server never throws and its answer, if
     * any, decodes.
     */
    @Test void seededFuzz() throws Exception {
        List<byte[]> seeds = new java.util.ArrayList<>();
        for (String q : List.of("www.example.org", "chain.example.org", "x.wild.example.org", "host.sub.example.org", "many.example.org")) {
            Message m = Message.query(7, Name.of(q), Type.A);
            m.edns = new Edns(4096, 0, 0, Edns.DO, new byte[] {0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8});
            seeds.add(m.encode());
            byte[] r = server.handle(seeds.getLast(), seeds.getLast().length, AuthServer.Transport.TCP, PEER, 0).get(0);
            seeds.add(r);
        }
        SplittableRandom rnd = new SplittableRandom(20261123);
        int decoded = 0, rejected = 0;
        for (int i = 0; i < 40_000; i++) {
            byte[] s = seeds.get(rnd.nextInt(seeds.size()));
            byte[] m = mutate(s, rnd);
            try {
                Message.decode(m);
                decoded++;
            } catch (WireException e) {
                rejected++;
            } catch (RuntimeException e) {
                fail("decoder threw " + e + " on " + HexFormat.of().formatHex(m), e);
            }
            if (m.length > 2) m[2] &= 0x7f; // as a query, through the whole server
            List<byte[]> out = server.handle(m, m.length, rnd.nextBoolean() ? AuthServer.Transport.UDP : AuthServer.Transport.TCP, PEER, 0);
            for (byte[] r : out) {
                if (r.length > 12) Message.decode(r);
            }
        }
        assertTrue(decoded > 1000 && rejected > 1000, "the fuzz reaches both outcomes: " + decoded + " / " + rejected);
        assertEquals(0L, server.counters().getOrDefault("dns.rx.drop.internal-error", 0L));
    }

    private static byte[] mutate(byte[] s, SplittableRandom rnd) {
        byte[] m = s.clone();
        int n = 1 + rnd.nextInt(4);
        for (int k = 0; k < n; k++) {
            switch (rnd.nextInt(5)) {
                case 0 -> m[rnd.nextInt(m.length)] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> m[rnd.nextInt(m.length)] = (byte) rnd.nextInt(256);
                case 2 -> m = java.util.Arrays.copyOf(m, Math.max(1, rnd.nextInt(m.length + 1)));
                case 3 -> {
                    int at = 12 + rnd.nextInt(Math.max(1, m.length - 12));
                    if (at < m.length) m[at] = (byte) (0xc0 | rnd.nextInt(4));
                }
                default -> {
                    byte[] b = java.util.Arrays.copyOf(m, m.length + 8);
                    for (int i = m.length; i < b.length; i++) b[i] = (byte) rnd.nextInt(256);
                    m = b;
                }
            }
        }
        return m;
    }
}

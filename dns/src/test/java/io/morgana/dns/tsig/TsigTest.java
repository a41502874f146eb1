package io.morgana.dns.tsig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.dns.wire.Message;
import io.morgana.dns.wire.Name;
import io.morgana.dns.wire.Record;
import io.morgana.dns.wire.Type;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TsigTest {
    static final TsigKey KEY = TsigKey.parse("k1.example:hmac-sha256:c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ==");
    static final Map<Name, TsigKey> RING = Map.of(KEY.name(), KEY);
    static final long NOW = 1_795_000_000L;

    static byte[] query() { return Message.query(99, Name.of("example.org"), Type.AXFR).encode(); }

    static Tsig.Server serverSees(byte[] wire, long now, Map<Name, TsigKey> ring) {
        return Tsig.server(wire, wire.length, Message.decode(wire), ring, now);
    }

    @Test void signedRequestVerifies() {
        byte[] signed = Tsig.client(KEY).sign(query(), NOW);
        Message m = Message.decode(signed);
        assertEquals(Type.TSIG, m.tsig.type());
        assertEquals(Record.ANY, m.tsig.rclass());
        assertTrue(serverSees(signed, NOW + 10, RING).result().ok());
    }

    @Test void tamperedWrongKeyAndSkewAreRejected() {
        byte[] signed = Tsig.client(KEY).sign(query(), NOW);
        byte[] t = signed.clone();
        t[14] ^= 1;
        assertEquals(Tsig.BADSIG, serverSees(t, NOW, RING).result().error());
        TsigKey other = TsigKey.parse("k1.example:hmac-sha256:b3RoZXI=");
        assertEquals(Tsig.BADSIG, serverSees(signed, NOW, Map.of(other.name(), other)).result().error());
        TsigKey sha512 = TsigKey.parse("k1.example:hmac-sha512:c2VjcmV0");
        assertEquals(Tsig.BADKEY, serverSees(signed, NOW, Map.of(sha512.name(), sha512)).result().error(), "same name, other algorithm");
        assertEquals(Tsig.BADKEY, serverSees(signed, NOW, Map.of()).result().error());
        assertEquals(Tsig.BADTIME, serverSees(signed, NOW + 301, RING).result().error());
        assertTrue(serverSees(signed, NOW - 300, RING).result().ok());
    }

    @Test void multiMessageResponsesChainTheirMacs() {
        Tsig client = Tsig.client(KEY);
        byte[] req = client.sign(query(), NOW);
        Tsig server = serverSees(req, NOW, RING).session();
        List<byte[]> responses = new java.util.ArrayList<>(), plain = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Message r = Message.query(99, Name.of("example.org"), Type.AXFR);
            r.flags = Message.QR | Message.AA;
            r.answers.add(Record.in(Name.of("n" + i + ".example.org"), Type.A, 60, new byte[] {10, 0, 0, (byte) i}));
            byte[] w = r.encode();
            plain.add(w);
            if (i == 2) server.skipSigning(w);   // the third goes unsigned, covered by the fourth's MAC
            responses.add(i == 2 ? w : server.signResponse(w, NOW));
        }
        for (byte[] w : responses) assertTrue(client.verify(w, w.length, Message.decode(w), NOW).ok());

        Tsig client2 = Tsig.client(KEY);
        byte[] req2 = client2.sign(query(), NOW);
        Tsig server2 = serverSees(req2, NOW, RING).session();
        byte[] first = server2.signResponse(plain.get(0), NOW);
        byte[] second = server2.signResponse(plain.get(1), NOW);
        assertTrue(client2.verify(first, first.length, Message.decode(first), NOW).ok());
        byte[] swapped = second.clone();
        swapped[swapped.length - 40] ^= 1;
        assertTrue(!client2.verify(swapped, swapped.length, Message.decode(swapped), NOW).ok(), "a changed MAC fails");
    }

    @Test void unsignedFirstResponseIsRejected() {
        Tsig client = Tsig.client(KEY);
        client.sign(query(), NOW);
        byte[] plain = query();
        plain[2] |= (byte) 0x80;
        assertEquals(Tsig.BADSIG, client.verify(plain, plain.length, Message.decode(plain), NOW).error());
    }

    @Test void keysParseWithActionableErrors() {
        assertEquals(Name.of("hmac-sha256."), KEY.algorithm());
        assertEquals(Name.of("hmac-md5.sig-alg.reg.int."), TsigKey.parse("a:hmac-md5:c2VjcmV0").algorithm());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TsigKey.parse("a:hmac-sha999:c2VjcmV0")).getMessage().contains("hmac-sha256"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TsigKey.parse("nocolons")).getMessage().contains("NAME:ALGORITHM:BASE64SECRET"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TsigKey.parse("a:hmac-sha256:!!!")).getMessage().contains("base64"));
    }
}

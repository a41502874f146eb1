package io.morgana.dns.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Endpoint;
import io.morgana.dns.Tools;
import io.morgana.dns.tsig.Tsig;
import io.morgana.dns.tsig.TsigKey;
import io.morgana.dns.wire.Edns;
import io.morgana.dns.wire.Message;
import io.morgana.dns.wire.Name;
import io.morgana.dns.wire.Rdata;
import io.morgana.dns.wire.Record;
import io.morgana.dns.wire.Type;
import io.morgana.dns.zone.ZoneParser;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server core alone, sans I/O: messages in, messages out, time given. */
class AuthServerTest {
    static final TsigKey KEY = TsigKey.parse("xfr-key:hmac-sha256:c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ==");
    static final Endpoint CLIENT = Endpoint.of("127.0.0.1", 40000);
    static final long T0 = 1_795_000_000_000L;
    AuthServer server;

    @BeforeEach void setUp() throws Exception {
        server = new AuthServer(new SplittableRandom(7));
        server.addZone(ZoneParser.zone("example.org.zone", Tools.resource("example.org.zone"), null));
        server.addZone(ZoneParser.zone("loop", """
                $TTL 60
                @ SOA ns h 1 2 3 4 5
                @ NS ns
                ns A 192.0.2.1
                a CNAME b
                b CNAME a
                """.getBytes(), Name.of("loop.test.")));
        server.addKey(KEY);
    }

    Message ask(String name, int type, AuthServer.Transport t, Edns edns) {
        Message q = Message.query(1, Name.of(name), type);
        q.edns = edns;
        byte[] b = q.encode();
        List<byte[]> out = server.handle(b, b.length, t, CLIENT, T0);
        assertEquals(1, out.size());
        return Message.decode(out.get(0));
    }

    @Test void negativeAnswersCarryTheSoaWithTheLesserTtl() {
        Message r = ask("nope.example.org", Type.A, AuthServer.Transport.UDP, null);
        assertEquals(Message.NXDOMAIN, r.rcode());
        assertTrue(r.has(Message.AA));
        assertEquals(300, r.authority.get(0).ttl(), "min(SOA TTL 3600, MINIMUM 300)");
    }

    @Test void nxDomainEchoesTheQueryAndCarriesOnlyTheSoa() {
        for (Edns edns : new Edns[] {null, new Edns(1232, 0, 0, 0, new byte[0])}) {
            Message q = Message.query(0x4a4b, Name.of("NoPe.deeper.Example.ORG"), Type.AAAA);
            q.flags |= Message.RD | Message.CD;
            q.edns = edns;
            byte[] b = q.encode();
            Message r = Message.decode(server.handle(b, b.length, AuthServer.Transport.UDP, CLIENT, T0).get(0));
            assertEquals(0x4a4b, r.id);
            assertEquals(Message.QR | Message.AA | Message.RD | Message.CD | Message.NXDOMAIN, r.flags);
            assertEquals(q.question(), r.question());
            assertEquals("NoPe.deeper.Example.ORG.", r.question().name().toString(), "the asker's letter case");
            assertEquals(List.of(), r.answers);
            Record soa = server.zone(Name.of("example.org")).soa();
            assertEquals(List.of(soa.withTtl(300)), r.authority);
            assertEquals(List.of(), r.additional);
            assertEquals(edns == null, r.edns == null);
        }
        assertTrue(server.counters().get("dns.tx.nxdomain.fast") >= 2);
    }

    @Test void truncationWithoutEdnsAndRoomWithIt() {
        Message small = ask("many.example.org", Type.A, AuthServer.Transport.UDP, null);
        assertTrue(small.has(Message.TC));
        assertEquals(0, small.answers.size());
        Message big = ask("many.example.org", Type.A, AuthServer.Transport.UDP, new Edns(4096, 0, 0, 0, new byte[0]));
        assertEquals(100, big.answers.size());
        assertNotNull(big.edns);
        assertEquals(AuthServer.UDP_SIZE, big.edns.udpSize());
    }

    @Test void anyIsMinimalOverUdp() {
        assertEquals(1, ask("example.org", Type.ANY, AuthServer.Transport.UDP, null).answers.size());
        assertTrue(ask("example.org", Type.ANY, AuthServer.Transport.TCP, null).answers.size() >= 6);
    }

    @Test void dsAtACutComesFromTheParentSide() {
        Message r = ask("sub.example.org", Type.DS, AuthServer.Transport.UDP, null);
        assertTrue(r.has(Message.AA), "the parent is authoritative for DS");
        assertEquals(Type.SOA, r.authority.get(0).type());
    }

    @Test void cnameLoopsEnd() {
        Message r = ask("a.loop.test", Type.A, AuthServer.Transport.UDP, null);
        assertEquals(2, r.answers.size());
    }

    @Test void ednsVersionOneGetsBadvers() {
        Message r = ask("www.example.org", Type.A, AuthServer.Transport.UDP, new Edns(1232, 0, 1, 0, new byte[0]));
        assertEquals(Message.BADVERS, r.rcode());
    }

    @Test void unknownOpcodeIsNotImplemented() {
        Message q = Message.query(3, Name.of("www.example.org"), Type.A);
        q.flags = 2 << 11;
        byte[] b = q.encode();
        assertEquals(Message.NOTIMP, Message.decode(server.handle(b, b.length, AuthServer.Transport.UDP, CLIENT, T0).get(0)).rcode());
    }

    @Test void transfersNeedTsigAndTcp() {
        assertEquals(Message.REFUSED, ask("example.org", Type.AXFR, AuthServer.Transport.TCP, null).rcode());
        byte[] signed = Tsig.client(KEY).sign(Message.query(5, Name.of("example.org"), Type.AXFR).encode(), T0 / 1000);
        List<byte[]> udp = server.handle(signed, signed.length, AuthServer.Transport.UDP, CLIENT, T0);
        assertEquals(Message.FORMERR, Message.decode(udp.get(0)).rcode());
        Tsig client = Tsig.client(KEY);
        signed = client.sign(Message.query(5, Name.of("example.org"), Type.AXFR).encode(), T0 / 1000);
        List<byte[]> tcp = server.handle(signed, signed.length, AuthServer.Transport.TCP, CLIENT, T0);
        int records = 0;
        for (byte[] m : tcp) {
            Message d = Message.decode(m);
            assertTrue(client.verify(m, m.length, d, T0 / 1000).ok());
            records += d.answers.size();
        }
        assertEquals(server.zone(Name.of("example.org")).size() + 1, records, "every record, SOA twice");
        byte[] late = Tsig.client(KEY).sign(Message.query(6, Name.of("example.org"), Type.AXFR).encode(), T0 / 1000 - 1000);
        Message badTime = Message.decode(server.handle(late, late.length, AuthServer.Transport.TCP, CLIENT, T0).get(0));
        assertEquals(Message.NOTAUTH, badTime.rcode());
        assertEquals(Tsig.BADTIME, (badTime.tsig.rdata()[badTime.tsig.rdata().length - 10] & 0xff) * 256
                + (badTime.tsig.rdata()[badTime.tsig.rdata().length - 9] & 0xff));
    }

    /** Sends an UPDATE (prerequisites in answers, changes in authority) signed or not; returns the RCODE. */
    int update(boolean sign, List<Record> prereq, List<Record> changes) {
        Message u = new Message();
        u.id = 77;
        u.flags = Message.UPDATE << 11;
        u.questions.add(new io.morgana.dns.wire.Question(Name.of("example.org"), Type.SOA, Record.IN));
        u.answers.addAll(prereq);
        u.authority.addAll(changes);
        byte[] b = u.encode();
        if (sign) b = Tsig.client(KEY).sign(b, T0 / 1000);
        return Message.decode(server.handle(b, b.length, AuthServer.Transport.UDP, CLIENT, T0).get(0)).rcode();
    }

    static Record a(String name, String ip) {
        return Record.in(Name.of(name), Type.A, 300, io.morgana.api.Ipv4Address.parse(ip).toBytes());
    }

    @Test void updatesNeedTsigCheckPrerequisitesAndBumpTheSerial() {
        Name origin = Name.of("example.org");
        assertEquals(Message.REFUSED, update(false, List.of(), List.of(a("x.example.org", "192.0.2.9"))));
        Record nameInUse = new Record(Name.of("x.example.org"), Type.ANY, Record.ANY, 0, new byte[0]);
        assertEquals(Message.NXDOMAIN, update(true, List.of(nameInUse), List.of(a("x.example.org", "192.0.2.9"))));
        Record notInUse = new Record(Name.of("www.example.org"), Type.ANY, Record.NONE, 0, new byte[0]);
        assertEquals(Message.YXDOMAIN, update(true, List.of(notInUse), List.of()));
        assertEquals(Message.NOTZONE, update(true, List.of(), List.of(a("x.example.com", "192.0.2.9"))));
        assertEquals(2026112301L, server.zone(origin).serial(), "nothing changed yet");
        assertEquals(Message.NOERROR, update(true, List.of(), List.of(a("x.example.org", "192.0.2.9"))));
        assertEquals(2026112302L, server.zone(origin).serial());
        assertEquals("192.0.2.9", ask("x.example.org", Type.A, AuthServer.Transport.UDP, null).answers.get(0).rdataText());
        Record deleteRrset = new Record(Name.of("www.example.org"), Type.A, Record.ANY, 0, new byte[0]);
        assertEquals(Message.NOERROR, update(true, List.of(), List.of(deleteRrset)));
        assertEquals(0, ask("www.example.org", Type.A, AuthServer.Transport.UDP, null).answers.size(), "cached answers dropped");
        Record apexNs = new Record(origin, Type.NS, Record.ANY, 0, new byte[0]);
        assertEquals(Message.NOERROR, update(true, List.of(), List.of(apexNs)));
        assertEquals(2, server.zone(origin).node(origin).get(Type.NS).size(), "apex NS are never deleted by class ANY");
        assertEquals(2026112303L, server.zone(origin).serial(), "an update that changes nothing keeps the serial");

        // IXFR from serial 2026112301: the current SOA, both diffs, the current SOA again.
        Message ixfr = Message.query(9, origin, Type.IXFR);
        ixfr.authority.add(Record.in(origin, Type.SOA, 0, Rdata.withSerial(server.zone(origin).soa().rdata(), 2026112301L)));
        byte[] b = Tsig.client(KEY).sign(ixfr.encode(), T0 / 1000);
        List<Record> stream = new ArrayList<>();
        for (byte[] m : server.handle(b, b.length, AuthServer.Transport.TCP, CLIENT, T0)) stream.addAll(Message.decode(m).answers);
        List<Long> soas = new ArrayList<>();
        for (Record r : stream) if (r.type() == Type.SOA) soas.add(Rdata.soaField(r.rdata(), 0));
        assertEquals(List.of(2026112303L, 2026112301L, 2026112302L, 2026112302L, 2026112303L, 2026112303L), soas);
    }

    /** A primary and a secondary wired by hand, on virtual time: AXFR, NOTIFY, SOA check, IXFR, expiry. */
    @Test void secondaryFollowsItsPrimaryOnVirtualTime() {
        Endpoint primaryAt = Endpoint.of("127.0.0.2", 53), secondaryAt = Endpoint.of("127.0.0.3", 53);
        server.addNotifyTarget(secondaryAt);
        AuthServer sec = new AuthServer(new SplittableRandom(8));
        sec.addKey(KEY);
        Name origin = Name.of("example.org");
        sec.addSecondary(origin, primaryAt, KEY);
        long now = T0;
        assertNull(sec.zone(origin));
        runUntilQuiet(sec, primaryAt, secondaryAt, now);
        assertEquals(2026112301L, sec.zone(origin).serial());

        assertEquals(Message.NOERROR, update(true, List.of(), List.of(a("new.example.org", "192.0.2.10"))));
        now += 1000;
        runUntilQuiet(sec, primaryAt, secondaryAt, now);
        assertEquals(2026112302L, sec.zone(origin).serial(), "NOTIFY, SOA check, IXFR");
        assertNotNull(sec.zone(origin).node(Name.of("new.example.org")));
        assertTrue(sec.counters().get("dns.rx.notify") >= 1);

        // The primary goes silent: after EXPIRE (604800 s) the secondary stops serving.
        long later = now + 604_801_000L;
        for (AuthServer.Action x : sec.poll(later)) assertInstanceOf(AuthServer.Action.Datagram.class, x);
        sec.poll(later + 10_000);
        assertNull(sec.zone(origin));
    }

    /** Setting the host's clock neither expires a secondary nor stalls its refresh; TSIG still signs with the wall clock. */
    @Test void timersRunOnTheMonotonicClockAndTsigOnTheWallClock() {
        Endpoint primaryAt = Endpoint.of("127.0.0.2", 53), secondaryAt = Endpoint.of("127.0.0.3", 53);
        AuthServer sec = new AuthServer(new SplittableRandom(9));
        sec.addKey(KEY);
        Name origin = Name.of("example.org");
        sec.addSecondary(origin, primaryAt, KEY);
        runUntilQuiet(sec, primaryAt, secondaryAt, T0, 0);
        assertEquals(2026112301L, sec.zone(origin).serial());
        long refreshMs = 1000 * Rdata.soaField(sec.zone(origin).soa().rdata(), 1);
        long expireMs = 1000 * Rdata.soaField(sec.zone(origin).soa().rdata(), 3);

        // The wall clock jumps a month ahead, one monotonic second later: nothing is due, nothing expires.
        long month = 30L * 24 * 3600 * 1000;
        assertTrue(month > expireMs);
        assertEquals(List.of(), sec.poll(T0 + month, 1000));
        assertNotNull(sec.zone(origin), "still served: EXPIRE counts monotonic time");
        assertEquals(refreshMs, sec.nextDeadline(), "the next SOA check is REFRESH after the transfer, on the monotonic clock");

        // The wall clock jumps back a day: the refresh still comes at REFRESH, monotonic.
        long wall = T0 - 24L * 3600 * 1000;
        assertEquals(List.of(), sec.poll(wall, refreshMs - 1));
        List<AuthServer.Action> due = sec.poll(wall, refreshMs);
        assertEquals(1, due.size());
        // Signed with the wall clock: a primary whose clock agrees accepts it (a monotonic time would be BADTIME).
        byte[] soaQuery = ((AuthServer.Action.Datagram) due.get(0)).message();
        Message r = Message.decode(server.handle(soaQuery, soaQuery.length, AuthServer.Transport.UDP, secondaryAt, wall).get(0));
        assertEquals(Message.NOERROR, r.rcode());
        assertEquals(Type.SOA, r.answers.get(0).type());
    }

    private void runUntilQuiet(AuthServer sec, Endpoint primaryAt, Endpoint secondaryAt, long now) {
        runUntilQuiet(sec, primaryAt, secondaryAt, now, now);
    }

    /** Carries datagrams and transfers between the two servers until neither has work (the primary on {@code wall} alone). */
    private void runUntilQuiet(AuthServer sec, Endpoint primaryAt, Endpoint secondaryAt, long wall, long mono) {
        for (int round = 0; round < 20; round++) {
            boolean work = false;
            for (AuthServer.Action x : server.poll(wall)) {
                work = true;
                AuthServer.Action.Datagram d = (AuthServer.Action.Datagram) x;
                for (byte[] r : sec.handle(d.message(), d.message().length, AuthServer.Transport.UDP, primaryAt, wall, mono)) {
                    server.handle(r, r.length, AuthServer.Transport.UDP, secondaryAt, wall);
                }
            }
            for (AuthServer.Action x : sec.poll(wall, mono)) {
                work = true;
                switch (x) {
                    case AuthServer.Action.Datagram d -> {
                        for (byte[] r : server.handle(d.message(), d.message().length, AuthServer.Transport.UDP, secondaryAt, wall)) {
                            sec.handle(r, r.length, AuthServer.Transport.UDP, primaryAt, wall, mono);
                        }
                    }
                    case AuthServer.Action.Transfer t -> {
                        for (byte[] r : server.handle(t.request(), t.request().length, AuthServer.Transport.TCP, secondaryAt, wall)) {
                            if (t.transfer().accept(r, r.length, wall)) break;
                        }
                        sec.transferDone(t.transfer(), mono);
                    }
                }
            }
            if (!work) return;
        }
    }
}

package io.morgana.net.dhcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Ipv4Address;
import io.morgana.api.MacAddress;
import io.morgana.net.dhcp.DhcpClient.Bind;
import io.morgana.net.dhcp.DhcpClient.Log;
import io.morgana.net.dhcp.DhcpClient.State;
import io.morgana.net.dhcp.DhcpClient.Step;
import io.morgana.net.dhcp.DhcpClient.Transmit;
import io.morgana.net.dhcp.DhcpClient.Unbind;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DhcpClientTest {

    static final long S = 1_000_000_000L;
    static final MacAddress MAC = MacAddress.parse("02:00:00:00:04:02");
    static final Ipv4Address SERVER = Ipv4Address.parse("10.4.0.1"), OFFERED = Ipv4Address.parse("10.4.0.77");

    static io.morgana.api.Random seeded(long seed) {
        java.util.Random r = new java.util.Random(seed);
        return r::nextBytes;
    }

    /** A server reply written byte by byte, independent of {@link DhcpMessage#encode}. */
    static ByteBuffer reply(int type, int xid, MacAddress chaddr, Ipv4Address yiaddr, int... options) {
        ByteBuffer b = ByteBuffer.allocate(576);
        b.put((byte) 2).put((byte) 1).put((byte) 6).put((byte) 0).putInt(xid).putShort((short) 0).putShort((short) 0x8000);
        b.putInt(0).putInt(yiaddr.bits()).putInt(SERVER.bits()).putInt(0).put(chaddr.toBytes());
        b.position(236);
        b.putInt(0x63825363);
        b.put((byte) 53).put((byte) 1).put((byte) type);
        for (int i = 0; i < options.length; ) { // code, len, bytes...
            int code = options[i++], len = options[i++];
            b.put((byte) code).put((byte) len);
            for (int k = 0; k < len; k++) b.put((byte) options[i++]);
        }
        b.put((byte) 255);
        b.flip();
        return b;
    }

    static int[] standardOptions(int leaseSeconds) {
        return new int[] {
            54, 4, 10, 4, 0, 1,
            1, 4, 255, 255, 255, 0,
            3, 4, 10, 4, 0, 1,
            6, 8, 10, 4, 0, 1, 9, 9, 9, 9,
            26, 2, 0x05, 0x78, // 1400
            51, 4, leaseSeconds >>> 24 & 0xff, leaseSeconds >>> 16 & 0xff, leaseSeconds >>> 8 & 0xff, leaseSeconds & 0xff,
        };
    }

    static DhcpMessage sent(Step step) {
        List<Transmit> tx = step.all(Transmit.class);
        assertEquals(1, tx.size(), "one datagram: " + step.outputs());
        return ((DhcpMessage.Parsed.Ok) DhcpMessage.parse(ByteBuffer.wrap(tx.get(0).payload()))).message();
    }

    /** Drives a client to BOUND at t=1 s with a lease of {@code lease} seconds; returns it. */
    static DhcpClient bound(int lease) {
        DhcpClient c = new DhcpClient(MAC, "appliance", seeded(1));
        DhcpMessage discover = sent(c.start(0, null));
        DhcpMessage request = sent(c.receive(S / 2, reply(2, discover.xid(), MAC, OFFERED, standardOptions(lease))));
        Step ack = c.receive(S, reply(5, request.xid(), MAC, OFFERED, standardOptions(lease)));
        assertEquals(1, ack.all(Bind.class).size());
        return c;
    }

    @Test
    void discoverIsABroadcastBootRequestWithOurIdentityAndWishes() {
        DhcpClient c = new DhcpClient(MAC, "appliance", seeded(1));
        Step s = c.start(0, null);
        Transmit t = s.all(Transmit.class).get(0);
        assertEquals(Ipv4Address.ANY, t.source());
        assertEquals(Ipv4Address.BROADCAST, t.destination());
        assertTrue(t.payload().length >= 300, "BOOTP minimum size");
        ByteBuffer b = ByteBuffer.wrap(t.payload());
        assertEquals(1, b.get(0));                      // BOOTREQUEST
        assertEquals((short) 0x8000, b.getShort(10));   // broadcast flag: we have no address yet
        byte[] chaddr = new byte[6];
        b.get(28, chaddr);
        assertArrayEquals(MAC.toBytes(), chaddr);
        assertEquals(0x63825363, b.getInt(236));
        DhcpMessage m = sent(s);
        assertEquals(DhcpMessage.DISCOVER, m.type());
        assertEquals("appliance", new String(m.option(DhcpMessage.OPT_HOSTNAME)));
        byte[] wanted = m.option(DhcpMessage.OPT_PARAMETERS);
        for (int code : new int[] {1, 3, 6, 26, 51, 58, 59}) {
            boolean found = false;
            for (byte w : wanted) found |= w == code;
            assertTrue(found, "asks for option " + code);
        }
        assertEquals(State.SELECTING, c.state());
    }

    @Test
    void offerThenAckBindsWithSubnetRouterDnsAndMtu() {
        DhcpClient c = new DhcpClient(MAC, null, seeded(2));
        DhcpMessage discover = sent(c.start(0, null));
        Step s = c.receive(S / 2, reply(2, discover.xid(), MAC, OFFERED, standardOptions(120)));
        DhcpMessage request = sent(s);
        assertEquals(DhcpMessage.REQUEST, request.type());
        assertEquals(discover.xid(), request.xid(), "REQUEST keeps the OFFER's transaction");
        assertEquals(OFFERED, request.addressOption(DhcpMessage.OPT_REQUESTED_IP));
        assertEquals(SERVER, request.addressOption(DhcpMessage.OPT_SERVER_ID));
        assertEquals(Ipv4Address.ANY, request.ciaddr());
        assertNull(request.option(DhcpMessage.OPT_HOSTNAME), "no --name, no host name option");

        Step ack = c.receive(S, reply(5, request.xid(), MAC, OFFERED, standardOptions(120)));
        Lease l = ack.all(Bind.class).get(0).lease();
        assertEquals("10.4.0.77/24", l.address().toString());
        assertEquals(SERVER, l.router());
        assertEquals(List.of(SERVER, Ipv4Address.parse("9.9.9.9")), l.dns());
        assertEquals(1400, l.mtu());
        assertEquals(120, l.duration().toSeconds());
        assertEquals(State.BOUND, c.state());
        assertEquals(S / 2 + 60 * S, ack.nextTimer(), "T1 = half the lease, counted from the REQUEST");
    }

    @Test
    void renewsAtT1ByUnicastAndKeepsTheAddress() {
        DhcpClient c = bound(120);
        assertTrue(c.timer(30 * S).outputs().isEmpty(), "nothing before T1");
        Step renew = c.timer(61 * S);
        Transmit t = renew.all(Transmit.class).get(0);
        assertEquals(OFFERED, t.source());
        assertEquals(SERVER, t.destination(), "RENEWING unicasts to the server");
        DhcpMessage req = sent(renew);
        assertEquals(OFFERED, req.ciaddr());
        assertNull(req.option(DhcpMessage.OPT_REQUESTED_IP), "RFC 2131 §4.3.2: no requested IP while renewing");
        assertNull(req.option(DhcpMessage.OPT_SERVER_ID));
        assertEquals(State.RENEWING, c.state());
        Step ack = c.receive(62 * S, reply(5, req.xid(), MAC, OFFERED, standardOptions(120)));
        assertEquals(1, ack.all(Bind.class).size());
        assertTrue(ack.all(Unbind.class).isEmpty());
        assertTrue(ack.all(Log.class).get(0).message().contains("renewed"));
        assertEquals(State.BOUND, c.state());
        assertEquals(61 * S + 60 * S, ack.nextTimer(), "the new lease runs from the renewal REQUEST");
    }

    @Test
    void withoutAServerItRebindsAtT2AndDropsTheAddressAtExpiry() {
        DhcpClient c = bound(120); // REQUEST at 0.5 s: T1 60.5 s, T2 105.5 s, expiry 120.5 s
        Step renew = c.timer(61 * S);
        assertEquals(SERVER, renew.all(Transmit.class).get(0).destination());
        assertEquals(105 * S + S / 2, renew.nextTimer(), "retransmit would be after T2: wait for T2");
        Step rebind = c.timer(renew.nextTimer());
        assertEquals(State.REBINDING, c.state());
        assertEquals(Ipv4Address.BROADCAST, rebind.all(Transmit.class).get(0).destination());
        assertEquals(120 * S + S / 2, rebind.nextTimer());
        Step expire = c.timer(rebind.nextTimer());
        assertEquals(1, expire.all(Unbind.class).size());
        assertEquals(DhcpMessage.DISCOVER, sent(expire).type(), "discovery starts again at once");
        assertNull(c.lease());
        assertEquals(State.SELECTING, c.state());
    }

    @Test
    void honoursT1AndT2FromTheServer() {
        DhcpClient c = new DhcpClient(MAC, null, seeded(3));
        DhcpMessage d = sent(c.start(0, null));
        int[] opts = standardOptions(1000);
        int[] withTimes = java.util.Arrays.copyOf(opts, opts.length + 12);
        System.arraycopy(new int[] {58, 4, 0, 0, 0, 100, 59, 4, 0, 0, 1, (byte) 0x90 & 0xff}, 0, withTimes, opts.length, 12);
        DhcpMessage r = sent(c.receive(0, reply(2, d.xid(), MAC, OFFERED, withTimes)));
        Lease l = c.receive(0, reply(5, r.xid(), MAC, OFFERED, withTimes)).all(Bind.class).get(0).lease();
        assertEquals(100, l.renewAfter().toSeconds());
        assertEquals(400, l.rebindAfter().toSeconds());
    }

    @Test
    void nakDuringRequestStartsOverWithANewTransaction() {
        DhcpClient c = new DhcpClient(MAC, null, seeded(4));
        DhcpMessage d = sent(c.start(0, null));
        DhcpMessage r = sent(c.receive(S, reply(2, d.xid(), MAC, OFFERED, standardOptions(120))));
        Step nak = c.receive(2 * S, reply(6, r.xid(), MAC, Ipv4Address.ANY, 54, 4, 10, 4, 0, 1));
        DhcpMessage again = sent(nak);
        assertEquals(DhcpMessage.DISCOVER, again.type());
        assertNotEquals(d.xid(), again.xid());
        assertTrue(nak.all(Unbind.class).isEmpty(), "nothing was bound yet");
    }

    @Test
    void nakWhileRenewingRemovesTheAddress() {
        DhcpClient c = bound(120);
        assertNakTakesTheAddress(c, sent(c.timer(61 * S)), 62 * S);
    }

    static void assertNakTakesTheAddress(DhcpClient c, DhcpMessage request, long now) {
        Step nak = c.receive(now, reply(6, request.xid(), MAC, Ipv4Address.ANY, 54, 4, 10, 4, 0, 1));
        assertEquals(1, nak.all(Unbind.class).size());
        assertEquals(DhcpMessage.DISCOVER, sent(nak).type());
        assertNull(c.lease());
    }

    @Test
    void retriesDiscoverWithExponentialBackoffAndJitterAndLogsEachRetry() {
        DhcpClient c = new DhcpClient(MAC, null, seeded(5));
        long now = 0;
        Step s = c.start(now, null);
        long[] bases = {4, 8, 16, 32, 64, 64, 64};
        for (long base : bases) {
            long wait = s.nextTimer() - now;
            assertTrue(wait >= (base - 1) * S && wait <= (base + 1) * S, "wait " + wait / 1e9 + " s for base " + base);
            now = s.nextTimer();
            s = c.timer(now);
            assertEquals(DhcpMessage.DISCOVER, sent(s).type());
            Log log = s.all(Log.class).get(0);
            assertEquals(DhcpClient.Level.WARN, log.level());
            assertTrue(log.message().contains("no DHCP server answered"), log.message());
        }
        assertEquals(bases.length + 1, c.counters().get("dhcp.tx.discover"));
    }

    @Test
    void requestingGivesUpAfterFourTriesAndDiscoversAgain() {
        DhcpClient c = new DhcpClient(MAC, null, seeded(6));
        DhcpMessage d = sent(c.start(0, null));
        Step s = c.receive(0, reply(2, d.xid(), MAC, OFFERED, standardOptions(120)));
        for (int i = 0; i < 3; i++) {
            s = c.timer(s.nextTimer());
            assertEquals(DhcpMessage.REQUEST, sent(s).type());
        }
        s = c.timer(s.nextTimer());
        assertEquals(DhcpMessage.DISCOVER, sent(s).type());
    }

    @Test
    void initRebootAsksForThePreviousAddressWithoutServerId() {
        DhcpClient c = new DhcpClient(MAC, null, seeded(7));
        DhcpMessage r = sent(c.start(0, OFFERED));
        assertEquals(DhcpMessage.REQUEST, r.type());
        assertEquals(OFFERED, r.addressOption(DhcpMessage.OPT_REQUESTED_IP));
        assertNull(r.option(DhcpMessage.OPT_SERVER_ID));
        assertEquals(Ipv4Address.ANY, r.ciaddr());
        assertEquals(State.INIT_REBOOT, c.state());
        assertEquals(1, c.receive(S, reply(5, r.xid(), MAC, OFFERED, standardOptions(120))).all(Bind.class).size());

        DhcpClient refused = new DhcpClient(MAC, null, seeded(8));
        DhcpMessage r2 = sent(refused.start(0, OFFERED));
        assertEquals(DhcpMessage.DISCOVER, sent(refused.receive(S, reply(6, r2.xid(), MAC, Ipv4Address.ANY))).type());

        DhcpClient silent = new DhcpClient(MAC, null, seeded(9));
        Step s = silent.start(0, OFFERED);
        s = silent.timer(s.nextTimer());
        assertEquals(DhcpMessage.REQUEST, sent(s).type());
        assertEquals(DhcpMessage.DISCOVER, sent(silent.timer(s.nextTimer())).type(), "silence falls back to INIT");
    }

    @Test
    void foreignAndMalformedRepliesAreCountedAndIgnored() {
        DhcpClient c = new DhcpClient(MAC, null, seeded(10));
        DhcpMessage d = sent(c.start(0, null));
        Map<String, ByteBuffer> bad = new HashMap<>();
        bad.put("dhcp.rx.drop.wrong-xid", reply(2, d.xid() + 1, MAC, OFFERED, standardOptions(120)));
        bad.put("dhcp.rx.drop.wrong-chaddr", reply(2, d.xid(), MacAddress.parse("02:00:00:00:00:99"), OFFERED, standardOptions(120)));
        bad.put("dhcp.rx.drop.truncated", ByteBuffer.wrap(new byte[100]));
        ByteBuffer noCookie = reply(2, d.xid(), MAC, OFFERED, standardOptions(120));
        noCookie.putInt(236, 0);
        bad.put("dhcp.rx.drop.no-magic-cookie", noCookie);
        ByteBuffer cut = reply(2, d.xid(), MAC, OFFERED, standardOptions(120));
        cut.limit(250);
        bad.put("dhcp.rx.drop.truncated-option", cut);
        bad.put("dhcp.rx.drop.no-server-id", reply(2, d.xid(), MAC, OFFERED, 1, 4, 255, 255, 255, 0));
        bad.put("dhcp.rx.drop.bad-offered-address", reply(2, d.xid(), MAC, Ipv4Address.BROADCAST, standardOptions(120)));
        bad.put("dhcp.rx.drop.unexpected-ack", reply(5, d.xid(), MAC, OFFERED, standardOptions(120)));
        for (Map.Entry<String, ByteBuffer> e : bad.entrySet()) {
            Step s = c.receive(S, e.getValue());
            assertTrue(s.outputs().isEmpty(), e.getKey());
            assertEquals(1L, c.counters().get(e.getKey()), e.getKey() + " in " + c.counters());
        }
        assertEquals(State.SELECTING, c.state());
    }

    @Test
    void randomBytesNeverThrow() {
        java.util.Random r = new java.util.Random(11);
        DhcpClient c = new DhcpClient(MAC, null, seeded(11));
        DhcpMessage d = sent(c.start(0, null));
        for (int i = 0; i < 20_000; i++) {
            ByteBuffer b = reply(2 + r.nextInt(5), d.xid(), MAC, OFFERED, standardOptions(120));
            int flips = 1 + r.nextInt(8);
            for (int k = 0; k < flips; k++) b.put(r.nextInt(b.limit()), (byte) r.nextInt(256));
            if (r.nextBoolean()) b.limit(r.nextInt(b.limit() + 1));
            c.receive(S, b);
            if (c.state() != State.SELECTING) { // a mutated offer may be acceptable: restart
                c = new DhcpClient(MAC, null, seeded(i));
                d = sent(c.start(0, null));
            }
        }
    }

    @Test
    void releaseSendsReleaseAndUnbinds() {
        DhcpClient c = bound(120);
        Step s = c.release(10 * S);
        assertEquals(DhcpMessage.RELEASE, sent(s).type());
        assertEquals(SERVER, s.all(Transmit.class).get(0).destination());
        assertEquals(1, s.all(Unbind.class).size());
        assertEquals(Long.MAX_VALUE, s.nextTimer());
    }

    @Test
    void longOptionsAreSplitAndJoined() {
        Map<Integer, byte[]> o = new HashMap<>();
        byte[] big = new byte[600];
        for (int i = 0; i < big.length; i++) big[i] = (byte) i;
        o.put(DhcpMessage.OPT_HOSTNAME, big);
        DhcpMessage m = new DhcpMessage(1, 42, 0, false, Ipv4Address.ANY, Ipv4Address.ANY, Ipv4Address.ANY, Ipv4Address.ANY, MAC, o);
        byte[] bytes = m.encode();
        assertEquals(m, ((DhcpMessage.Parsed.Ok) DhcpMessage.parse(ByteBuffer.wrap(bytes))).message());
    }

    @Test
    void nonContiguousMaskFallsBackToClassfulPrefix() {
        assertEquals(24, DhcpClient.prefixLength(Ipv4Address.parse("255.255.255.0"), OFFERED));
        assertEquals(8, DhcpClient.prefixLength(Ipv4Address.parse("255.0.255.0"), OFFERED));
        assertEquals(16, DhcpClient.prefixLength(null, Ipv4Address.parse("172.16.0.5")));
        assertEquals(24, DhcpClient.prefixLength(null, Ipv4Address.parse("192.168.1.5")));
    }

    @Test
    void afterTheLinkReturnsALeaseIsCheckedByInitRebootAndKept() {
        DhcpClient c = bound(120);
        Step s = c.linkReconnected(10 * S);
        DhcpMessage r = sent(s);
        assertEquals(DhcpMessage.REQUEST, r.type());
        assertEquals(OFFERED, r.addressOption(DhcpMessage.OPT_REQUESTED_IP));
        assertNull(r.option(DhcpMessage.OPT_SERVER_ID));
        assertEquals(Ipv4Address.ANY, r.ciaddr());
        assertEquals(Ipv4Address.BROADCAST, s.all(Transmit.class).get(0).destination());
        assertTrue(s.all(Unbind.class).isEmpty(), "the address stays while it is checked");
        assertEquals(State.INIT_REBOOT, c.state());
        Step ack = c.receive(11 * S, reply(5, r.xid(), MAC, OFFERED, standardOptions(120)));
        assertEquals(1, ack.all(Bind.class).size());
        assertTrue(ack.all(Unbind.class).isEmpty());
        assertEquals(State.BOUND, c.state());
        assertEquals(10 * S + 60 * S, ack.nextTimer());
    }

    @Test
    void afterTheLinkReturnsANakTakesTheAddressAway() {
        DhcpClient c = bound(120);
        assertNakTakesTheAddress(c, sent(c.linkReconnected(10 * S)), 11 * S);
    }

    @Test
    void afterTheLinkReturnsSilenceKeepsTheLeaseUntilItEnds() {
        DhcpClient c = bound(120); // expiry at 120.5 s
        Step s = c.linkReconnected(10 * S);
        s = c.timer(s.nextTimer());
        assertEquals(DhcpMessage.REQUEST, sent(s).type());
        s = c.timer(s.nextTimer());
        assertTrue(s.all(Unbind.class).isEmpty() && s.all(Transmit.class).isEmpty(), s.outputs().toString());
        assertEquals(State.BOUND, c.state());
        assertEquals(OFFERED, c.lease().address().address());
        assertEquals(60 * S + S / 2, s.nextTimer(), "back on the original lease's T1");
        Step renew = c.timer(s.nextTimer());
        assertEquals(State.RENEWING, c.state());
        Step rebind = c.timer(renew.nextTimer());
        Step expire = c.timer(rebind.nextTimer());
        assertEquals(1, expire.all(Unbind.class).size());
    }

    @Test
    void withoutALeaseTheLinkReturningRestartsDiscoveryAtOnce() {
        DhcpClient c = new DhcpClient(MAC, null, seeded(12));
        Step first = c.start(0, null);
        Step again = c.linkReconnected(S);
        assertEquals(DhcpMessage.DISCOVER, sent(again).type());
        assertNotEquals(sent(first).xid(), sent(again).xid());
    }
}

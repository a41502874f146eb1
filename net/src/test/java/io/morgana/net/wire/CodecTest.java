package io.morgana.net.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Ipv4Address;
import io.morgana.api.MacAddress;
import io.morgana.net.ipv4.Ipv4Service;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The codecs against the RFCs' own examples and known-good captures, and against truncation. */
class CodecTest {

    static ByteBuffer hex(String s) { return ByteBuffer.wrap(HexFormat.of().parseHex(s.replace(" ", ""))); }

    /** The checksum the slow, obvious way: 16-bit words, end-around carry. */
    static int naiveChecksum(byte[] b, int off, int len, int initial) {
        int s = initial;
        for (int i = 0; i < len; i += 2) {
            int w = (b[off + i] & 0xff) << 8 | (i + 1 < len ? b[off + i + 1] & 0xff : 0);
            s += w;
            s = (s & 0xffff) + (s >>> 16);
        }
        return ~s & 0xffff;
    }

    @Test
    void rfc1071Example() {
        // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (after the end-around carry).
        ByteBuffer b = hex("0001f203f4f5f6f7");
        assertEquals(0xddf2, Checksum.fold(Checksum.sum(b, 0, 8, 0)));
        assertEquals(0x220d, Checksum.compute(b, 0, 8, 0));
    }

    @Test
    void checksumMatchesTheObviousAlgorithmAtEveryLengthAndOffset() {
        SplittableRandom r = new SplittableRandom(1);
        byte[] data = new byte[300];
        r.nextBytes(data);
        ByteBuffer heap = ByteBuffer.wrap(data);
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(0, data);
        ByteBuffer little = ByteBuffer.allocateDirect(data.length).put(0, data).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (ByteBuffer b : new ByteBuffer[] {heap, direct, little}) {
            for (int off = 0; off < 9; off++) {
                for (int len = 0; len < 280; len++) {
                    assertEquals(naiveChecksum(data, off, len, 0), Checksum.compute(b, off, len, 0), "off " + off + " len " + len);
                    assertEquals(naiveChecksum(data, off, len, 0x1234), Checksum.compute(b, off, len, 0x1234), "seeded, len " + len);
                }
            }
        }
        // Worst case for carries: all ones.
        byte[] ones = new byte[65_536];
        java.util.Arrays.fill(ones, (byte) 0xff);
        assertEquals(naiveChecksum(ones, 0, ones.length, 0), Checksum.compute(ByteBuffer.wrap(ones), 0, ones.length, 0));
    }

    @Test
    void ipv4HeaderFromACapture() {
        // A UDP datagram's header, 192.168.0.1 -> 192.168.0.199, checksum b861.
        ByteBuffer b = hex("450000730000400040 11b861c0a80001c0a800c7".replace(" ", "") + "00".repeat(0x73 - 20));
        Ipv4Packet p = new Ipv4Packet();
        assertNull(p.wrap(b, 0, b.capacity()));
        assertEquals(20, p.headerLength());
        assertEquals(0x73, p.totalLength());
        assertTrue(p.dontFragment());
        assertFalse(p.isFragment());
        assertEquals(64, p.ttl());
        assertEquals(17, p.protocol());
        assertEquals(0xb861, p.checksum());
        assertEquals(Ipv4Address.parse("192.168.0.1").bits(), p.source());
        assertEquals(Ipv4Address.parse("192.168.0.199").bits(), p.destination());
        Ipv4Packet.Repr repr = Ipv4Packet.Repr.parse(p);
        ByteBuffer out = ByteBuffer.allocate(20);
        repr.emit(out, 0);
        assertEquals(b.slice(0, 20), out, "the record rebuilds the same header, checksum included");
        // One flipped bit anywhere in the header is caught.
        for (int bit = 0; bit < 160; bit++) {
            ByteBuffer c = ByteBuffer.allocate(b.capacity()).put(0, b, 0, b.capacity());
            c.put(bit / 8, (byte) (c.get(bit / 8) ^ (1 << (bit % 8))));
            assertTrue(p.wrap(c, 0, c.capacity()) != null, "bit " + bit);
        }
    }

    @Test
    void ipv4RejectsBadShapes() {
        Ipv4Packet p = new Ipv4Packet();
        ByteBuffer ok = ByteBuffer.allocate(60);
        new Ipv4Packet.Repr(0, 1, false, false, 0, 64, 17, Ipv4Address.parse("10.0.0.1"), Ipv4Address.parse("10.0.0.2"), 40)
                .emit(ok, 0);
        assertNull(p.wrap(ok, 0, 60));
        assertEquals(Malformed.TRUNCATED, p.wrap(ok, 0, 59), "total length larger than the bytes");
        assertNull(p.wrap(ok, 0, 60), "more bytes than total length is link padding");
        ByteBuffer v6 = ok.duplicate();
        v6 = ByteBuffer.allocate(60).put(0, ok, 0, 60);
        v6.put(0, (byte) 0x65);
        assertEquals(Malformed.BAD_VERSION, p.wrap(v6, 0, 60));
        for (int ihl = 0; ihl < 5; ihl++) {
            ByteBuffer c = ByteBuffer.allocate(60).put(0, ok, 0, 60);
            c.put(0, (byte) (0x40 | ihl));
            assertEquals(Malformed.BAD_HEADER_LENGTH, p.wrap(c, 0, 60), "IHL " + ihl);
        }
        ByteBuffer shortTotal = ByteBuffer.allocate(60).put(0, ok, 0, 60);
        shortTotal.putShort(2, (short) 19);
        assertEquals(Malformed.BAD_TOTAL_LENGTH, p.wrap(shortTotal, 0, 60));
        ByteBuffer bigIhl = ByteBuffer.allocate(60).put(0, ok, 0, 60);
        bigIhl.put(0, (byte) 0x4f); // 60-byte header in 30 bytes
        assertEquals(Malformed.TRUNCATED, p.wrap(bigIhl, 0, 30));
    }

    @Test
    void ipv4WithOptionsSkipsThem() {
        // IHL 6: one option word (NOP NOP NOP EOL), then the payload.
        ByteBuffer b = ByteBuffer.allocate(28);
        b.put(0, (byte) 0x46).putShort(2, (short) 28).put(8, (byte) 64).put(9, (byte) 17);
        b.putInt(12, 0x0a000001).putInt(16, 0x0a000002).putInt(20, 0x01010100).putInt(24, 0xcafebabe);
        b.putShort(10, (short) Checksum.compute(b, 0, 24, 0));
        Ipv4Packet p = new Ipv4Packet();
        assertNull(p.wrap(b, 0, 28));
        assertEquals(24, p.payloadOffset());
        assertEquals(4, p.payloadLength());
    }

    @Test
    void icmpEchoRequestFromACapture() {
        // ping's first echo request from Linux (id 0x1c46, seq 1) with 8 bytes of data.
        ByteBuffer b = hex("0800" + "0000" + "1c460001" + "0102030405060708");
        IcmpPacket.fillChecksum(b, 0, 16);
        // By hand: 0800+0000+1c46+0001+0102+0304+0506+0708 = 345b, complemented cba4.
        assertEquals(0xcba4, b.getShort(2) & 0xffff);
        IcmpPacket p = new IcmpPacket();
        assertNull(p.wrap(b, 0, 16));
        assertEquals(IcmpPacket.ECHO_REQUEST, p.type());
        assertEquals(0x1c46, p.identifier());
        assertEquals(1, p.sequence());
        IcmpPacket.Repr r = IcmpPacket.Repr.parse(p);
        ByteBuffer out = ByteBuffer.allocate(16);
        r.emit(out, 0);
        assertEquals(b.rewind(), out.rewind());
        // A header-only echo request with id 0, seq 0 has the checksum ~0x0800.
        ByteBuffer bare = ByteBuffer.allocate(8);
        IcmpPacket.Repr.echo(true, 0, 0, new byte[0]).emit(bare, 0);
        assertEquals(0xf7ff, bare.getShort(2) & 0xffff);
        b.put(9, (byte) 0);
        assertEquals(Malformed.BAD_CHECKSUM, p.wrap(b, 0, 16));
    }

    @Test
    void udpChecksumWithPseudoHeader() {
        int src = Ipv4Address.parse("10.0.0.1").bits(), dst = Ipv4Address.parse("10.0.0.2").bits();
        byte[] payload = "hello, morgana".getBytes();
        ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
        b.put(8, payload);
        int len = 8 + payload.length;
        new UdpPacket.Repr(40000, 7, payload.length).emit(b, 0, Ipv4Service.pseudoHeaderSum(src, dst, 17, len));
        // Independent: checksum over pseudo-header bytes + datagram with the field zeroed.
        ByteBuffer whole = ByteBuffer.allocate(12 + len);
        whole.putInt(0, src).putInt(4, dst).put(9, (byte) 17).putShort(10, (short) len).put(12, b, 0, len);
        whole.putShort(12 + 6, (short) 0);
        assertEquals(naiveChecksum(whole.array(), 0, 12 + len, 0), b.getShort(6) & 0xffff);
        UdpPacket u = new UdpPacket();
        assertNull(u.wrap(b, 0, len));
        assertTrue(u.checksumValid(Ipv4Service.pseudoHeaderSum(src, dst, 17, len)));
        assertFalse(u.checksumValid(Ipv4Service.pseudoHeaderSum(src, dst + 1, 17, len)), "another destination");
        assertEquals(new UdpPacket.Repr(40000, 7, payload.length), UdpPacket.Repr.parse(u));
        b.putShort(4, (short) 7);
        assertEquals(Malformed.BAD_LENGTH, u.wrap(b, 0, len));
        b.putShort(4, (short) (len + 1));
        assertEquals(Malformed.TRUNCATED, u.wrap(b, 0, len));
        b.putShort(4, (short) len).putShort(6, (short) 0);
        assertNull(u.wrap(b, 0, len));
        assertTrue(u.checksumValid(12345), "zero: no checksum sent");
    }

    @Test
    void arpRequestFromACapture() {
        // who-has 10.0.0.2 tell 10.0.0.1, from 02:00:00:00:00:01.
        ByteBuffer b = hex("0001 0800 06 04 0001 020000000001 0a000001 000000000000 0a000002");
        ArpPacket p = new ArpPacket();
        assertNull(p.wrap(b, 0, 28));
        ArpPacket.Repr r = ArpPacket.Repr.parse(p);
        assertEquals(new ArpPacket.Repr(1, MacAddress.parse("02:00:00:00:00:01"), Ipv4Address.parse("10.0.0.1"),
                MacAddress.ZERO, Ipv4Address.parse("10.0.0.2")), r);
        ByteBuffer out = ByteBuffer.allocate(28);
        r.emit(out, 0);
        assertEquals(b.rewind(), out.rewind());
        b.put(4, (byte) 8);
        assertEquals(Malformed.UNSUPPORTED, p.wrap(b, 0, 28), "hardware address length 8");
        b.put(4, (byte) 6).putShort(6, (short) 3);
        assertEquals(Malformed.UNSUPPORTED, p.wrap(b, 0, 28), "RARP operation");
    }

    @Test
    void ethernetRoundTrip() {
        EthernetFrame.Repr r = new EthernetFrame.Repr(MacAddress.BROADCAST, MacAddress.parse("02:00:00:00:00:01"), 0x0806);
        ByteBuffer b = ByteBuffer.allocate(14);
        assertEquals(14, r.emit(b, 0));
        assertEquals("ffffffffffff0200000000010806", HexFormat.of().formatHex(b.array()));
        EthernetFrame f = new EthernetFrame();
        assertNull(f.wrap(b, 0, 14));
        assertEquals(r, EthernetFrame.Repr.parse(f));
    }

    @Test
    void everyTruncationIsRejectedNeverThrown() {
        ByteBuffer frame = ByteBuffer.allocate(14 + 20 + 8 + 10);
        int p = EthernetFrame.writeHeader(frame, 0, 2, 1, EthernetFrame.TYPE_IPV4);
        p = Ipv4Packet.writeHeader(frame, p, 0, 38, 1, 0, 64, 17, 0x0a000001, 0x0a000002);
        UdpPacket.writeHeader(frame, p, 1, 2, 18);
        EthernetFrame e = new EthernetFrame();
        Ipv4Packet ip = new Ipv4Packet();
        UdpPacket udp = new UdpPacket();
        IcmpPacket icmp = new IcmpPacket();
        ArpPacket arp = new ArpPacket();
        for (int n = 0; n <= frame.capacity(); n++) {
            ByteBuffer cut = frame.slice(0, n);
            if (n < 14) assertEquals(Malformed.TRUNCATED, e.wrap(cut, 0, n));
            if (n >= 14 && n < 14 + 38) assertEquals(Malformed.TRUNCATED, ip.wrap(cut, 14, n - 14), "at " + n);
            if (n >= 34 && n < 34 + 18) assertEquals(Malformed.TRUNCATED, udp.wrap(cut, 34, n - 34), "at " + n);
            if (n >= 14 && n < 14 + 28) assertEquals(Malformed.TRUNCATED, arp.wrap(cut, 14, n - 14));
            if (n >= 34 && n < 42) assertEquals(Malformed.TRUNCATED, icmp.wrap(cut, 34, n - 34));
        }
    }
}

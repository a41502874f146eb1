package io.morgana.net.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.net.ipv4.Ipv4Service;
import io.morgana.net.tcp.TcpChecksum;
import io.morgana.net.tcp.TcpHeader;
import io.morgana.net.wire.Checksum;
import io.morgana.net.wire.EthernetFrame;
import io.morgana.net.wire.Ipv4Packet;
import io.morgana.net.wire.UdpPacket;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Completing partial checksums and cutting TCP super-segments in software, as the Linux kernel does. */
class OffloadsTest {
    static final int SRC = 0x0a000001, DST = 0x0a000002, ETH = 14;

    /** An Ethernet frame with an IPv4 TCP super-segment carrying {@code payload} with a partial checksum. */
    static ByteBuffer superSegment(byte[] payload, int flags) {
        TcpHeader h = TcpHeader.of(40000, 80, 1_000_000, 77, flags, 500);
        byte[] tcp = new byte[h.encodedLength() + payload.length];
        int hl = h.encode(tcp, 0);
        System.arraycopy(payload, 0, tcp, hl, payload.length);
        TcpChecksum.fillPartial(SRC, DST, tcp, 0, tcp.length);
        ByteBuffer f = ByteBuffer.allocate(ETH + 20 + tcp.length);
        EthernetFrame.writeHeader(f, 0, 0x020000000002L, 0x020000000001L, EthernetFrame.TYPE_IPV4);
        Ipv4Packet.writeHeader(f, ETH, 0, 20 + tcp.length, 4242, Ipv4Packet.FLAG_DF, 64, 6, SRC, DST);
        f.put(ETH + 20, tcp);
        return f;
    }

    @Test void aSuperSegmentIsCutIntoSegmentsWithTheHeadersLinuxWouldWrite() {
        byte[] payload = new byte[10_000];
        new SplittableRandom(1).nextBytes(payload);
        List<byte[]> out = new ArrayList<>();
        assertTrue(Offloads.segment(superSegment(payload, TcpHeader.ACK | TcpHeader.PSH | TcpHeader.FIN), 1448, f -> {
            byte[] b = new byte[f.remaining()];
            f.get(f.position(), b);
            return out.add(b);
        }));
        assertEquals(7, out.size(), "6 full segments of 1448 and a tail of 1312");
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        Ipv4Packet ip = new Ipv4Packet();
        for (int i = 0; i < out.size(); i++) {
            ByteBuffer f = ByteBuffer.wrap(out.get(i));
            assertEquals(null, ip.wrap(f, ETH, f.limit() - ETH), "valid IPv4 header");
            assertEquals(f.limit() - ETH, ip.totalLength());
            assertEquals(4242 + i, ip.identification());
            byte[] tcp = new byte[ip.payloadLength()];
            f.get(ETH + 20, tcp);
            assertTrue(TcpChecksum.valid(SRC, DST, tcp, 0, tcp.length), "segment " + i + " checksum");
            TcpHeader h = TcpHeader.parse(tcp, 0);
            assertEquals(1_000_000 + 1448 * i, h.seq());
            boolean last = i == out.size() - 1;
            assertEquals(last, h.has(TcpHeader.FIN));
            assertEquals(last, h.has(TcpHeader.PSH));
            assertTrue(h.has(TcpHeader.ACK));
            assertEquals(last ? 10_000 - 6 * 1448 : 1448, tcp.length - h.headerLength());
            joined.write(tcp, h.headerLength(), tcp.length - h.headerLength());
        }
        assertArrayEquals(payload, joined.toByteArray());
    }

    @Test void aSegmentWithinTheSizeOnlyHasItsChecksumCompleted() {
        byte[] payload = new byte[1001]; // odd: the last byte is padded in the sum
        new SplittableRandom(2).nextBytes(payload);
        ByteBuffer f = superSegment(payload, TcpHeader.ACK);
        int[] calls = {0};
        assertTrue(Offloads.segment(f, 1448, seg -> {
            calls[0]++;
            byte[] tcp = new byte[seg.remaining() - ETH - 20];
            seg.get(ETH + 20, tcp);
            return TcpChecksum.valid(SRC, DST, tcp, 0, tcp.length);
        }));
        assertEquals(1, calls[0]);
    }

    @Test void aPartialUdpChecksumIsCompletedAndOtherFramesAreLeftAlone() {
        ByteBuffer f = ByteBuffer.allocate(ETH + 20 + 8 + 5);
        EthernetFrame.writeHeader(f, 0, 1, 2, EthernetFrame.TYPE_IPV4);
        Ipv4Packet.writeHeader(f, ETH, 0, 20 + 13, 1, 0, 64, 17, SRC, DST);
        f.putShort(ETH + 20, (short) 53).putShort(ETH + 22, (short) 5353).putShort(ETH + 24, (short) 13);
        f.put(ETH + 28, "hello".getBytes());
        f.putShort(ETH + 26, (short) Ipv4Service.pseudoHeaderSum(SRC, DST, 17, 13));
        assertTrue(Offloads.completeChecksum(f));
        UdpPacket udp = new UdpPacket();
        assertEquals(null, udp.wrap(f, ETH + 20, 13));
        assertTrue(udp.checksumValid(Ipv4Service.pseudoHeaderSum(SRC, DST, 17, 13)));

        ByteBuffer arp = ByteBuffer.allocate(60);
        EthernetFrame.writeHeader(arp, 0, 1, 2, EthernetFrame.TYPE_ARP);
        byte[] before = arp.array().clone();
        assertFalse(Offloads.completeChecksum(arp));
        assertArrayEquals(before, arp.array());
        assertEquals(0xffff, Checksum.fold(0xffffL));
    }
}

package io.morgana.net.wire;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Malformed and hostile frames aimed at a stack with MAC {@code victimMac} and address
 * {@code victimIp}, each with the counter that must account for it (issue 3, "Bad input"). Replayed
 * through the in-memory link by the tests here and through TAP by the tap target's tests. Frames
 * are built by the codecs' writers, then broken on purpose.
 *
 * <p>Choose an {@code attackerIp} the victim cannot reach on its link (off its subnet, or with no
 * gateway): then the victim's answers (port unreachable, time exceeded) never make it resolve the
 * attacker by ARP, and the "unsolicited ARP reply" case stays unsolicited.
 */
public final class HostileCorpus {

    /** One frame and the counter its drop must increase by one. */
    public record Case(String name, String counter, byte[] frame) {}

    private final long victimMac, attackerMac;
    private final int victimIp, attackerIp;

    public HostileCorpus(long victimMac, int victimIp, long attackerMac, int attackerIp) {
        this.victimMac = victimMac;
        this.victimIp = victimIp;
        this.attackerMac = attackerMac;
        this.attackerIp = attackerIp;
    }

    /** A valid Ethernet + IPv4 frame with {@code payload} (no fragmentation). */
    public byte[] ipv4(int protocol, byte[] payload, int ident, int flagsOffset) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + payload.length);
        EthernetFrame.writeHeader(b, 0, victimMac, attackerMac, EthernetFrame.TYPE_IPV4);
        Ipv4Packet.writeHeader(b, 14, 0, 20 + payload.length, ident, flagsOffset, 64, protocol, attackerIp, victimIp);
        b.put(34, payload);
        return b.array();
    }

    /** A valid UDP datagram frame to {@code port}. */
    public byte[] udp(int port, byte[] data) {
        byte[] u = new byte[8 + data.length];
        ByteBuffer b = ByteBuffer.wrap(u);
        b.put(8, data);
        UdpPacket.writeHeader(b, 0, 40000, port, u.length);
        UdpPacket.fillChecksum(b, 0, u.length, pseudo(17, u.length));
        return ipv4(17, u, 1, 0);
    }

    /** A valid ICMP echo request frame. */
    public byte[] echoRequest(int seq, int dataLength) {
        byte[] m = new byte[8 + dataLength];
        IcmpPacket.Repr.echo(true, 0x4242, seq, new byte[dataLength]).emit(ByteBuffer.wrap(m), 0);
        return ipv4(1, m, 2, 0);
    }

    /** An ARP packet from the attacker. */
    public byte[] arp(int op, long senderMac, int senderIp, long targetMac, int targetIp, long ethDst) {
        ByteBuffer b = ByteBuffer.allocate(42);
        EthernetFrame.writeHeader(b, 0, ethDst, senderMac, EthernetFrame.TYPE_ARP);
        ArpPacket.write(b, 14, op, senderMac, senderIp, targetMac, targetIp);
        return b.array();
    }

    /** A fragment of a UDP-protocol datagram: {@code length} bytes at byte {@code offset}. */
    public byte[] fragment(int ident, int offset, int length, boolean more) {
        return ipv4(17, new byte[length], ident, (more ? Ipv4Packet.FLAG_MF : 0) | (offset / 8));
    }

    private int pseudo(int proto, int len) {
        return io.morgana.net.ipv4.Ipv4Service.pseudoHeaderSum(attackerIp, victimIp, proto, len);
    }

    private static byte[] cut(byte[] f, int n) { return java.util.Arrays.copyOf(f, n); }

    private static byte[] with(byte[] f, java.util.function.Consumer<ByteBuffer> change) {
        byte[] c = f.clone();
        change.accept(ByteBuffer.wrap(c));
        return c;
    }

    /** Re-computes the IP header checksum after a change, so that only the intended defect remains. */
    private static void fixIpChecksum(ByteBuffer b) {
        int ihl = (b.get(14) & 0xf) * 4;
        b.putShort(24, (short) 0);
        b.putShort(24, (short) Checksum.compute(b, 14, Math.min(ihl, b.capacity() - 14), 0));
    }

    /** Every case of the corpus, deterministic. */
    public List<Case> cases() {
        List<Case> cs = new ArrayList<>();
        byte[] udp = udp(9999, "payload".getBytes());
        byte[] echo = echoRequest(1, 16);
        byte[] arpReq = arp(ArpPacket.OP_REQUEST, attackerMac, attackerIp, 0, victimIp, -1L & 0xffff_ffff_ffffL);
        // Truncated at every header boundary and inside every header.
        for (int n = 0; n < 14; n++) cs.add(new Case("ethernet cut at " + n, "eth.rx.drop.truncated", cut(udp, n)));
        for (int n = 14; n < 34; n++) cs.add(new Case("ipv4 header cut at " + n, "ipv4.rx.drop.truncated", cut(udp, n)));
        for (int n = 34; n < udp.length; n++) {
            cs.add(new Case("ipv4 payload cut at " + n, "ipv4.rx.drop.truncated", cut(udp, n)));
        }
        for (int n = 14; n < 42; n++) cs.add(new Case("arp cut at " + n, "arp.rx.drop.truncated", cut(arpReq, n)));
        // UDP and ICMP shorter than their headers inside a consistent IP datagram.
        for (int n = 0; n < 8; n++) {
            cs.add(new Case("udp of " + n + " bytes", "udp.rx.drop.truncated", ipv4(17, new byte[n], 3, 0)));
            cs.add(new Case("icmp of " + n + " bytes", "icmp.rx.drop.truncated", ipv4(1, new byte[n], 4, 0)));
        }
        // Bad checksums.
        cs.add(new Case("ipv4 header checksum", "ipv4.rx.drop.bad-checksum", with(udp, b -> b.put(24, (byte) (b.get(24) ^ 1)))));
        cs.add(new Case("udp checksum", "udp.rx.drop.bad-checksum", with(udp, b -> b.put(40, (byte) (b.get(40) ^ 0x10)))));
        cs.add(new Case("udp payload bit", "udp.rx.drop.bad-checksum", with(udp, b -> b.put(42, (byte) (b.get(42) ^ 1)))));
        cs.add(new Case("icmp checksum", "icmp.rx.drop.bad-checksum", with(echo, b -> b.put(36, (byte) (b.get(36) ^ 1)))));
        // Header fields that cannot be.
        for (int ihl = 0; ihl < 5; ihl++) {
            int v = ihl;
            cs.add(new Case("IHL " + ihl, "ipv4.rx.drop.bad-header-length", with(udp, b -> {
                b.put(14, (byte) (0x40 | v));
                fixIpChecksum(b);
            })));
        }
        cs.add(new Case("version 6 in an IPv4 frame", "ipv4.rx.drop.bad-version", with(udp, b -> b.put(14, (byte) 0x65))));
        cs.add(new Case("total length > frame", "ipv4.rx.drop.truncated", with(udp, b -> {
            b.putShort(16, (short) (udp.length - 14 + 1));
            fixIpChecksum(b);
        })));
        cs.add(new Case("total length 65535 in a small frame", "ipv4.rx.drop.truncated", with(udp, b -> {
            b.putShort(16, (short) 0xffff);
            fixIpChecksum(b);
        })));
        cs.add(new Case("total length < header", "ipv4.rx.drop.bad-total-length", with(udp, b -> {
            b.putShort(16, (short) 12);
            fixIpChecksum(b);
        })));
        cs.add(new Case("total length < frame cuts the udp datagram", "udp.rx.drop.truncated", with(udp, b -> {
            b.putShort(16, (short) (udp.length - 14 - 3));
            fixIpChecksum(b);
        })));
        cs.add(new Case("udp length < 8", "udp.rx.drop.bad-length", with(udp, b -> b.putShort(38, (short) 4))));
        cs.add(new Case("udp length > ip payload", "udp.rx.drop.truncated", with(udp, b -> b.putShort(38, (short) 200))));
        cs.add(new Case("source is broadcast", "ipv4.rx.drop.bad-source", with(udp, b -> {
            b.putInt(26, -1);
            fixIpChecksum(b);
        })));
        cs.add(new Case("ip for another host", "ipv4.rx.drop.not-for-us", with(udp, b -> {
            b.putInt(30, victimIp + 1);
            fixIpChecksum(b);
        })));
        cs.add(new Case("unknown protocol 200", "ipv4.rx.drop.unknown-protocol", ipv4(200, new byte[20], 5, 0)));
        // Fragments.
        cs.add(new Case("fragment past 64 KiB", "ipv4.rx.drop.frag-too-big", fragment(6, 65_528, 16, false)));
        cs.add(new Case("non-last fragment of odd length", "ipv4.rx.drop.frag-bad-length", fragment(7, 0, 13, true)));
        cs.add(new Case("empty fragment", "ipv4.rx.drop.frag-bad-length", fragment(8, 8, 0, true)));
        // ARP.
        cs.add(new Case("unsolicited arp reply", "arp.rx.drop.unsolicited",
                arp(ArpPacket.OP_REPLY, attackerMac, attackerIp, victimMac, victimIp, victimMac)));
        cs.add(new Case("arp reply claiming our address", "arp.rx.drop.address-conflict",
                arp(ArpPacket.OP_REPLY, attackerMac, victimIp, victimMac, victimIp, victimMac)));
        cs.add(new Case("arp request for another host", "arp.rx.drop.not-for-us",
                arp(ArpPacket.OP_REQUEST, attackerMac, attackerIp, 0, victimIp + 1, 0xffff_ffff_ffffL)));
        cs.add(new Case("arp from a broadcast sender", "arp.rx.drop.bad-sender",
                arp(ArpPacket.OP_REQUEST, 0xffff_ffff_ffffL, attackerIp, 0, victimIp, 0xffff_ffff_ffffL)));
        cs.add(new Case("arp for another hardware type", "arp.rx.drop.unsupported", with(arpReq, b -> b.putShort(14, (short) 6))));
        // Link level.
        cs.add(new Case("frame for another MAC", "eth.rx.drop.not-for-us", with(udp, b -> EthernetFrame.putMac(b, 0, victimMac ^ 1))));
        cs.add(new Case("IPv6 ethertype", "eth.rx.drop.unknown-type", with(udp, b -> b.putShort(12, (short) 0x86dd))));
        cs.add(new Case("VLAN tag", "eth.rx.drop.unknown-type", with(udp, b -> b.putShort(12, (short) 0x8100))));
        return cs;
    }

    /** Two overlapping fragments of one datagram (the second must drop it). */
    public List<byte[]> overlapping(int ident) {
        return List.of(fragment(ident, 0, 64, true), fragment(ident, 32, 64, false));
    }

    /** {@code n} first fragments, each of a different datagram, none ever completed. */
    public List<byte[]> firstFragmentFlood(int n, int firstIdent) {
        List<byte[]> fs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) fs.add(fragment((firstIdent + i) & 0xffff, 0, 1472, true));
        return fs;
    }

    /** Random frames: valid ones with random bytes flipped or cut, and pure noise (fuzzing). */
    public List<byte[]> mutations(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<byte[]> base = List.of(udp(7, new byte[40]), echoRequest(3, 64),
                arp(ArpPacket.OP_REQUEST, attackerMac, attackerIp, 0, victimIp, 0xffff_ffff_ffffL),
                fragment(99, 0, 512, true), fragment(99, 512, 100, false));
        List<byte[]> fs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] f;
            if (r.nextInt(10) == 0) {
                f = new byte[r.nextInt(200)];
                r.nextBytes(f);
            } else {
                f = base.get(r.nextInt(base.size())).clone();
                int flips = 1 + r.nextInt(4);
                for (int k = 0; k < flips; k++) {
                    int at = 14 + r.nextInt(f.length - 14);
                    f[at] = (byte) r.nextInt(256);
                }
                if (r.nextBoolean()) f = cut(f, r.nextInt(f.length + 1));
            }
            fs.add(f);
        }
        return fs;
    }
}

package io.morgana.net.wire;

import io.morgana.api.Ipv4Address;
import io.morgana.api.MacAddress;
import java.nio.ByteBuffer;

/** An ARP packet for IPv4 over Ethernet (RFC 826): a checked view and a {@link Repr}. */
public final class ArpPacket {
    public static final int LENGTH = 28;
    public static final int OP_REQUEST = 1;
    public static final int OP_REPLY = 2;

    private ByteBuffer b;
    private int off;

    public Malformed wrap(ByteBuffer buf, int offset, int length) {
        b = buf;
        off = offset;
        if (length < LENGTH) return Malformed.TRUNCATED;
        if ((b.getShort(off) & 0xffff) != 1 || (b.getShort(off + 2) & 0xffff) != EthernetFrame.TYPE_IPV4
                || b.get(off + 4) != 6 || b.get(off + 5) != 4) {
            return Malformed.UNSUPPORTED;
        }
        int op = operation();
        return op == OP_REQUEST || op == OP_REPLY ? null : Malformed.UNSUPPORTED;
    }

    public int operation() { return b.getShort(off + 6) & 0xffff; }
    public long senderMac() { return EthernetFrame.getMac(b, off + 8); }
    public int senderIp() { return b.getInt(off + 14); }
    public long targetMac() { return EthernetFrame.getMac(b, off + 18); }
    public int targetIp() { return b.getInt(off + 24); }

    /** Writes a packet at {@code off}; returns the offset after it. */
    public static int write(ByteBuffer b, int off, int op, long senderMac, int senderIp, long targetMac, int targetIp) {
        b.putShort(off, (short) 1);
        b.putShort(off + 2, (short) EthernetFrame.TYPE_IPV4);
        b.put(off + 4, (byte) 6);
        b.put(off + 5, (byte) 4);
        b.putShort(off + 6, (short) op);
        EthernetFrame.putMac(b, off + 8, senderMac);
        b.putInt(off + 14, senderIp);
        EthernetFrame.putMac(b, off + 18, targetMac);
        b.putInt(off + 24, targetIp);
        return off + LENGTH;
    }

    public record Repr(int operation, MacAddress senderMac, Ipv4Address senderIp, MacAddress targetMac, Ipv4Address targetIp) {
        public static Repr parse(ArpPacket p) {
            return new Repr(p.operation(), new MacAddress(p.senderMac()), new Ipv4Address(p.senderIp()),
                    new MacAddress(p.targetMac()), new Ipv4Address(p.targetIp()));
        }

        public int emit(ByteBuffer b, int off) {
            return write(b, off, operation, senderMac.bits(), senderIp.bits(), targetMac.bits(), targetIp.bits());
        }
    }
}

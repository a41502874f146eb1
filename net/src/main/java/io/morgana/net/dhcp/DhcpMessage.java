package io.morgana.net.dhcp;

import io.morgana.api.Ipv4Address;
import io.morgana.api.MacAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A DHCP message (RFC 2131 §2, options per RFC 2132): the BOOTP fixed part and the options after
 * the magic cookie. {@link #parse} is the checked view for input (it never throws; a malformed
 * message yields the reason it was rejected), {@link #encode} builds the bytes for output.
 *
 * @param options option code to value; a code that appears several times is concatenated
 *     (RFC 3396). Pad and end are not kept.
 */
public record DhcpMessage(int op, int xid, int secs, boolean broadcast, Ipv4Address ciaddr, Ipv4Address yiaddr,
        Ipv4Address siaddr, Ipv4Address giaddr, MacAddress chaddr, Map<Integer, byte[]> options) {

    public static final int BOOTREQUEST = 1, BOOTREPLY = 2;
    public static final int SERVER_PORT = 67, CLIENT_PORT = 68;

    // Message types (option 53)
    public static final int DISCOVER = 1, OFFER = 2, REQUEST = 3, DECLINE = 4, ACK = 5, NAK = 6, RELEASE = 7, INFORM = 8;

    // Option codes (RFC 2132)
    public static final int OPT_PAD = 0, OPT_SUBNET_MASK = 1, OPT_ROUTER = 3, OPT_DNS = 6, OPT_HOSTNAME = 12,
            OPT_DOMAIN = 15, OPT_MTU = 26, OPT_BROADCAST = 28, OPT_REQUESTED_IP = 50, OPT_LEASE_TIME = 51,
            OPT_OVERLOAD = 52, OPT_MESSAGE_TYPE = 53, OPT_SERVER_ID = 54, OPT_PARAMETERS = 55, OPT_MESSAGE = 56,
            OPT_MAX_SIZE = 57, OPT_T1 = 58, OPT_T2 = 59, OPT_CLIENT_ID = 61, OPT_END = 255;

    static final int FIXED = 236, COOKIE = 0x63825363, MIN_SIZE = 300;

    public DhcpMessage {
        options = new TreeMap<>(options);
    }

    /** Parse outcome: a message, or why the bytes were rejected (a counter name). */
    public sealed interface Parsed {
        record Ok(DhcpMessage message) implements Parsed {}
        record Rejected(String reason) implements Parsed {}
    }

    /** Parses a UDP payload; never throws. */
    public static Parsed parse(ByteBuffer in) {
        ByteBuffer b = in.duplicate().order(java.nio.ByteOrder.BIG_ENDIAN);
        if (b.remaining() < FIXED + 4) return new Parsed.Rejected("truncated");
        int base = b.position();
        int op = b.get(base) & 0xff, htype = b.get(base + 1) & 0xff, hlen = b.get(base + 2) & 0xff;
        if (op != BOOTREQUEST && op != BOOTREPLY) return new Parsed.Rejected("bad-op");
        if (htype != 1 || hlen != 6) return new Parsed.Rejected("not-ethernet");
        int xid = b.getInt(base + 4);
        int secs = b.getShort(base + 8) & 0xffff;
        boolean broadcast = (b.getShort(base + 10) & 0x8000) != 0;
        Ipv4Address ci = new Ipv4Address(b.getInt(base + 12)), yi = new Ipv4Address(b.getInt(base + 16)),
                si = new Ipv4Address(b.getInt(base + 20)), gi = new Ipv4Address(b.getInt(base + 24));
        byte[] mac = new byte[6];
        b.get(base + 28, mac);
        if (b.getInt(base + FIXED) != COOKIE) return new Parsed.Rejected("no-magic-cookie");
        Map<Integer, byte[]> options = new TreeMap<>();
        int i = base + FIXED + 4, end = b.limit();
        boolean sawEnd = false;
        while (i < end) {
            int code = b.get(i++) & 0xff;
            if (code == OPT_PAD) continue;
            if (code == OPT_END) {
                sawEnd = true;
                break;
            }
            if (i >= end) return new Parsed.Rejected("truncated-option");
            int len = b.get(i++) & 0xff;
            if (i + len > end) return new Parsed.Rejected("truncated-option");
            byte[] v = new byte[len];
            b.get(i, v);
            i += len;
            options.merge(code, v, DhcpMessage::concat);
        }
        if (!sawEnd) return new Parsed.Rejected("no-end-option");
        return new Parsed.Ok(new DhcpMessage(op, xid, secs, broadcast, ci, yi, si, gi, MacAddress.of(mac), options));
    }

    /** The bytes of this message, padded to the BOOTP minimum of 300. */
    public byte[] encode() {
        int size = FIXED + 4 + 1;
        for (byte[] v : options.values()) size += (v.length / 255 + 1) * 2 + v.length;
        ByteBuffer b = ByteBuffer.allocate(Math.max(MIN_SIZE, size));
        b.put((byte) op).put((byte) 1).put((byte) 6).put((byte) 0);
        b.putInt(xid).putShort((short) secs).putShort((short) (broadcast ? 0x8000 : 0));
        b.putInt(ciaddr.bits()).putInt(yiaddr.bits()).putInt(siaddr.bits()).putInt(giaddr.bits());
        b.put(chaddr.toBytes());
        b.position(FIXED);
        b.putInt(COOKIE);
        for (Map.Entry<Integer, byte[]> e : options.entrySet()) {
            byte[] v = e.getValue();
            int off = 0;
            do { // RFC 3396: values over 255 bytes are split into several instances
                int n = Math.min(255, v.length - off);
                b.put((byte) (int) e.getKey()).put((byte) n).put(v, off, n);
                off += n;
            } while (off < v.length);
        }
        b.put((byte) OPT_END);
        return b.array();
    }

    /** Option 53, or 0 when absent or malformed. */
    public int type() {
        byte[] v = options.get(OPT_MESSAGE_TYPE);
        return v != null && v.length == 1 ? v[0] & 0xff : 0;
    }

    public byte[] option(int code) { return options.get(code); }

    /** A 4-byte address option, or null when absent or not 4 bytes. */
    public Ipv4Address addressOption(int code) {
        byte[] v = options.get(code);
        return v != null && v.length == 4 ? Ipv4Address.of(v) : null;
    }

    /** The first address of a list option (router) or all of them (DNS); malformed lists give none. */
    public List<Ipv4Address> addressListOption(int code) {
        byte[] v = options.get(code);
        List<Ipv4Address> out = new ArrayList<>();
        if (v == null || v.length == 0 || v.length % 4 != 0) return out;
        for (int i = 0; i < v.length; i += 4) out.add(Ipv4Address.of(Arrays.copyOfRange(v, i, i + 4)));
        return out;
    }

    /** An unsigned 32-bit option (seconds), or -1 when absent or malformed. */
    public long u32Option(int code) {
        byte[] v = options.get(code);
        return v != null && v.length == 4 ? ByteBuffer.wrap(v).getInt() & 0xffff_ffffL : -1;
    }

    /** An unsigned 16-bit option, or -1 when absent or malformed. */
    public int u16Option(int code) {
        byte[] v = options.get(code);
        return v != null && v.length == 2 ? ByteBuffer.wrap(v).getShort() & 0xffff : -1;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Override public boolean equals(Object o) {
        if (!(o instanceof DhcpMessage m)) return false;
        if (op != m.op || xid != m.xid || secs != m.secs || broadcast != m.broadcast || !ciaddr.equals(m.ciaddr)
                || !yiaddr.equals(m.yiaddr) || !siaddr.equals(m.siaddr) || !giaddr.equals(m.giaddr)
                || !chaddr.equals(m.chaddr) || !options.keySet().equals(m.options.keySet())) return false;
        for (Map.Entry<Integer, byte[]> e : options.entrySet()) {
            if (!Arrays.equals(e.getValue(), m.options.get(e.getKey()))) return false;
        }
        return true;
    }

    @Override public int hashCode() { return Integer.hashCode(xid) * 31 + chaddr.hashCode(); }
}

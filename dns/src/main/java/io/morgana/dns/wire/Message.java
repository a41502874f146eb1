package io.morgana.dns.wire;

import java.util.ArrayList;
import java.util.List;

/**
 * A whole DNS message as a plain value: header, four sections, and the OPT and TSIG
 * pseudo-records lifted out of the additional section. {@link #decode} checks everything against
 * the bytes it has and throws {@link WireException} for anything malformed; allocation is bounded
 * by the message length, never by the counts it claims.
 */
public final class Message {

    public static final int QR = 0x8000, AA = 0x0400, TC = 0x0200, RD = 0x0100, RA = 0x0080, AD = 0x0020, CD = 0x0010;
    public static final int QUERY = 0, NOTIFY = 4, UPDATE = 5;
    public static final int NOERROR = 0, FORMERR = 1, SERVFAIL = 2, NXDOMAIN = 3, NOTIMP = 4, REFUSED = 5,
            YXDOMAIN = 6, YXRRSET = 7, NXRRSET = 8, NOTAUTH = 9, NOTZONE = 10, BADVERS = 16;

    public int id;
    public int flags;
    public final List<Question> questions = new ArrayList<>(1);
    public final List<Record> answers = new ArrayList<>();
    public final List<Record> authority = new ArrayList<>();
    public final List<Record> additional = new ArrayList<>();
    /** The OPT record's contents, or null without EDNS. */
    public Edns edns;
    /** The TSIG record (last of the additional section), or null. */
    public Record tsig;
    /** Where the TSIG record starts in the decoded bytes (for verification), or -1. */
    public int tsigOffset = -1;

    public int opcode() { return (flags >> 11) & 0xf; }
    public int rcode() { return flags & 0xf | (edns != null ? edns.extendedRcode() << 4 : 0); }
    public boolean isResponse() { return (flags & QR) != 0; }
    public boolean has(int flag) { return (flags & flag) != 0; }
    public Question question() { return questions.isEmpty() ? null : questions.get(0); }

    public static Message query(int id, Name name, int type) {
        Message m = new Message();
        m.id = id;
        m.questions.add(new Question(name, type, Record.IN));
        return m;
    }

    public static Message decode(byte[] b) { return decode(b, 0, b.length); }

    public static Message decode(byte[] b, int off, int len) {
        if (len < 12) throw new WireException("message shorter than a header");
        int end = off + len;
        WireReader r = new WireReader(b, off, end);
        Message m = new Message();
        m.id = r.u16("header");
        m.flags = r.u16("header");
        int qd = r.u16("header"), an = r.u16("header"), ns = r.u16("header"), ar = r.u16("header");
        if (qd > (len - 12) / 5) throw new WireException("question count larger than the message can hold");
        if ((long) an + ns + ar > (len - 12) / 11) throw new WireException("record counts larger than the message can hold");
        for (int i = 0; i < qd; i++) {
            Name n = r.name();
            m.questions.add(new Question(n, r.u16("question"), r.u16("question")));
        }
        readSection(r, m, m.answers, an, false);
        readSection(r, m, m.authority, ns, false);
        readSection(r, m, m.additional, ar, true);
        return m;
    }

    private static void readSection(WireReader r, Message m, List<Record> out, int count, boolean additional) {
        byte[] b = r.bytes();
        for (int i = 0; i < count; i++) {
            int start = r.pos;
            Name name = r.name();
            int type = r.u16("record"), rclass = r.u16("record");
            long ttl = r.u32("record");
            int rdlen = r.u16("record");
            if (r.remaining() < rdlen) throw new WireException("RDATA runs past the end of the message");
            int rdStart = r.pos;
            r.pos += rdlen;
            if (m.tsig != null) throw new WireException("TSIG is not the last record");
            if (type == Type.OPT) {
                if (!additional || m.edns != null || name.wireLength() != 1) throw new WireException("misplaced or repeated OPT record");
                byte[] opts = java.util.Arrays.copyOfRange(b, rdStart, rdStart + rdlen);
                Edns.checkOptions(opts);
                m.edns = new Edns(rclass, (int) (ttl >>> 24), (int) (ttl >>> 16) & 0xff, (int) ttl & 0xffff, opts);
                continue;
            }
            // Empty RDATA is how UPDATE says "any value" (class ANY/NONE, RFC 2136 §2.4-2.5).
            boolean empty = rdlen == 0 && (rclass == Record.ANY || rclass == Record.NONE);
            byte[] rdata = empty ? new byte[0] : Rdata.read(b, rdStart, rdlen, r.limit(), type == Type.TSIG ? -1 : type);
            Record rec = new Record(name, type, rclass, ttl, rdata);
            if (type == Type.TSIG) {
                if (!additional || i != count - 1) throw new WireException("TSIG is not the last record");
                m.tsig = rec;
                m.tsigOffset = start;
                continue;
            }
            out.add(rec);
        }
    }

    /** Encodes without a size limit (up to 65535 bytes), compressing names. */
    public byte[] encode() {
        MessageWriter w = new MessageWriter(65535);
        w.header(id, flags);
        for (Question q : questions) w.question(q);
        w.count(0, questions.size());
        for (Record x : answers) w.record(x);
        w.count(1, answers.size());
        for (Record x : authority) w.record(x);
        w.count(2, authority.size());
        int ar = additional.size();
        for (Record x : additional) w.record(x);
        if (edns != null) {
            w.opt(edns.udpSize(), edns.extendedRcode(), edns.version(), edns.flags(), edns.options());
            ar++;
        }
        w.count(3, ar);
        if (tsig != null) {
            w.record(tsig);
            w.count(3, ar + 1);
        }
        return w.toByteArray();
    }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(";; id ").append(id).append(" opcode ").append(opcode()).append(" rcode ").append(rcode()).append(" flags");
        String[] names = {"qr", "aa", "tc", "rd", "ra", "ad", "cd"};
        int[] bits = {QR, AA, TC, RD, RA, AD, CD};
        for (int i = 0; i < bits.length; i++) if (has(bits[i])) sb.append(' ').append(names[i]);
        sb.append('\n');
        for (Question q : questions) sb.append(";").append(q).append('\n');
        for (Record x : answers) sb.append(x).append('\n');
        if (!authority.isEmpty()) sb.append(";; authority\n");
        for (Record x : authority) sb.append(x).append('\n');
        if (!additional.isEmpty()) sb.append(";; additional\n");
        for (Record x : additional) sb.append(x).append('\n');
        return sb.toString();
    }
}

package io.morgana.dns.wire;

import io.morgana.api.CivilDate;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * RDATA of each known type described as a list of fields, so that one walker decodes it from a
 * message (expanding compressed names), encodes it with compression where RFC 3597 §4 allows
 * (the RFC 1035 types only), and reads and prints the zone-file text form. Every other type is
 * opaque bytes, printed as {@code \# LEN HEX}.
 *
 * <p>RDATA is always held uncompressed, names inside it in wire form.
 */
public final class Rdata {
    private Rdata() {}

    enum F { U8, U16, U32, TYPE, NAMEC, NAME, A, AAAA, STR, STRS, B64, HEX, TIME, BITMAP, CAATAG, CAAVAL }

    private static final Map<Integer, F[]> SCHEMA = Map.ofEntries(
            Map.entry(Type.A, new F[] {F.A}),
            Map.entry(Type.NS, new F[] {F.NAMEC}),
            Map.entry(Type.CNAME, new F[] {F.NAMEC}),
            Map.entry(Type.SOA, new F[] {F.NAMEC, F.NAMEC, F.U32, F.U32, F.U32, F.U32, F.U32}),
            Map.entry(Type.PTR, new F[] {F.NAMEC}),
            Map.entry(Type.HINFO, new F[] {F.STR, F.STR}),
            Map.entry(Type.MX, new F[] {F.U16, F.NAMEC}),
            Map.entry(Type.TXT, new F[] {F.STRS}),
            Map.entry(Type.AAAA, new F[] {F.AAAA}),
            Map.entry(Type.SRV, new F[] {F.U16, F.U16, F.U16, F.NAME}),
            Map.entry(Type.DS, new F[] {F.U16, F.U8, F.U8, F.HEX}),
            Map.entry(Type.RRSIG, new F[] {F.TYPE, F.U8, F.U8, F.U32, F.TIME, F.TIME, F.U16, F.NAME, F.B64}),
            Map.entry(Type.NSEC, new F[] {F.NAME, F.BITMAP}),
            Map.entry(Type.DNSKEY, new F[] {F.U16, F.U8, F.U8, F.B64}),
            Map.entry(Type.TLSA, new F[] {F.U8, F.U8, F.U8, F.HEX}),
            Map.entry(Type.CAA, new F[] {F.U8, F.CAATAG, F.CAAVAL}));

    /** Whether the type's RDATA has a name the encoder may compress. */
    public static boolean compressible(int type) {
        return type == Type.NS || type == Type.CNAME || type == Type.SOA || type == Type.PTR || type == Type.MX;
    }

    public static boolean known(int type) { return SCHEMA.containsKey(type); }

    // ---------------------------------------------------------------- from a message

    /**
     * Reads the RDATA at {@code msg[off, off+len)}: names are expanded (pointers may reach anywhere
     * before them in {@code msg}), and the fields of a known type must fill it exactly.
     */
    public static byte[] read(byte[] msg, int off, int len, int msgEnd, int type) {
        F[] schema = SCHEMA.get(type);
        int end = off + len;
        if (schema == null || !hasName(schema)) {
            if (schema != null) checkFlat(msg, off, end, schema, type);
            byte[] r = new byte[len];
            System.arraycopy(msg, off, r, 0, len);
            return r;
        }
        byte[] out = new byte[len + 2 * Name.MAX_WIRE];
        int o = 0, p = off;
        for (F f : schema) {
            if (f == F.NAME || f == F.NAMEC) {
                WireReader r = new WireReader(msg, p, end, msgEnd);
                Name n = r.name();
                p = r.pos;
                n.writeTo(out, o);
                o += n.wireLength();
            } else {
                int w = width(f, msg, p, end, type);
                System.arraycopy(msg, p, out, o, w);
                p += w;
                o += w;
            }
        }
        if (p != end) throw new WireException(Type.name(type) + " RDATA has " + (end - p) + " bytes too many");
        return java.util.Arrays.copyOf(out, o);
    }

    private static boolean hasName(F[] schema) {
        for (F f : schema) if (f == F.NAME || f == F.NAMEC) return true;
        return false;
    }

    private static void checkFlat(byte[] b, int p, int end, F[] schema, int type) {
        for (F f : schema) p += width(f, b, p, end, type);
        if (p != end) throw new WireException(Type.name(type) + " RDATA has " + (end - p) + " bytes too many");
    }

    /** Bytes field {@code f} takes at {@code p} (not for names). */
    private static int width(F f, byte[] b, int p, int end, int type) {
        int w = switch (f) {
            case U8 -> 1;
            case U16, TYPE -> 2;
            case U32, TIME -> 4;
            case A -> 4;
            case AAAA -> 16;
            case STR, CAATAG -> p < end ? 1 + (b[p] & 0xff) : 1;
            case STRS -> {
                int q = p;
                if (q >= end) throw new WireException(Type.name(type) + " RDATA needs at least one string");
                while (q < end) q += 1 + (b[q] & 0xff);
                yield q - p;
            }
            case BITMAP -> {
                int q = p, last = -1;
                while (q < end) {
                    if (q + 2 > end) throw new WireException("NSEC bitmap truncated");
                    int win = b[q] & 0xff, blen = b[q + 1] & 0xff;
                    if (win <= last || blen < 1 || blen > 32) throw new WireException("NSEC bitmap malformed");
                    last = win;
                    q += 2 + blen;
                }
                yield q - p;
            }
            case B64, HEX, CAAVAL -> end - p;
            case NAME, NAMEC -> throw new IllegalStateException();
        };
        if (p + w > end) throw new WireException(Type.name(type) + " RDATA truncated");
        return w;
    }

    // ---------------------------------------------------------------- into a message

    /** Writes {@code rdata} (without its length) compressing the names RFC 3597 allows. */
    static void write(MessageWriter w, int type, byte[] rdata) {
        if (!compressible(type) || rdata.length == 0) {
            w.bytes(rdata, 0, rdata.length);
            return;
        }
        F[] schema = SCHEMA.get(type);
        int p = 0;
        for (F f : schema) {
            if (f == F.NAMEC) {
                Name n = Name.fromWire(rdata, p);
                w.name(n, true);
                p += n.wireLength();
            } else {
                int x = width(f, rdata, p, rdata.length, type);
                w.bytes(rdata, p, x);
                p += x;
            }
        }
    }

    /** The name whose addresses belong in the additional section (NS, MX, SRV targets), or null. */
    public static Name additionalName(int type, byte[] rdata) {
        return switch (type) {
            case Type.NS -> Name.fromWire(rdata, 0);
            case Type.MX -> Name.fromWire(rdata, 2);
            case Type.SRV -> Name.fromWire(rdata, 6);
            default -> null;
        };
    }

    /** RDATA in canonical form (RFC 4034 §6.2: names in known types lower-cased) for comparisons. */
    public static byte[] canonical(int type, byte[] rdata) {
        F[] schema = SCHEMA.get(type);
        if (schema == null || !hasName(schema)) return rdata;
        byte[] r = rdata.clone();
        int p = 0;
        for (F f : schema) {
            if (f == F.NAME || f == F.NAMEC) {
                Name n = Name.fromWire(r, p);
                n.toLowerCase().writeTo(r, p);
                p += n.wireLength();
            } else {
                p += width(f, r, p, r.length, type);
            }
        }
        return r;
    }

    // ---------------------------------------------------------------- text

    /** Zone-file presentation of {@code rdata}. */
    public static String toText(int type, byte[] rdata) {
        F[] schema = SCHEMA.get(type);
        if (schema == null) return unknownText(rdata);
        StringBuilder sb = new StringBuilder();
        int p = 0;
        try {
            for (F f : schema) {
                if (!sb.isEmpty()) sb.append(' ');
                switch (f) {
                    case U8 -> sb.append(rdata[p++] & 0xff);
                    case U16 -> { sb.append(u16(rdata, p)); p += 2; }
                    case TYPE -> { sb.append(Type.name(u16(rdata, p))); p += 2; }
                    case U32 -> { sb.append(u32(rdata, p)); p += 4; }
                    case TIME -> { appendTime(sb, u32(rdata, p)); p += 4; }
                    case NAME, NAMEC -> { Name n = Name.fromWire(rdata, p); sb.append(n); p += n.wireLength(); }
                    case A -> { sb.append(rdata[p] & 0xff).append('.').append(rdata[p + 1] & 0xff).append('.')
                            .append(rdata[p + 2] & 0xff).append('.').append(rdata[p + 3] & 0xff); p += 4; }
                    case AAAA -> { sb.append(ipv6Text(rdata, p)); p += 16; }
                    case STR -> { int l = rdata[p] & 0xff; quoted(sb, rdata, p + 1, l); p += 1 + l; }
                    case STRS -> {
                        boolean first = true;
                        while (p < rdata.length) {
                            if (!first) sb.append(' ');
                            first = false;
                            int l = rdata[p] & 0xff;
                            quoted(sb, rdata, p + 1, l);
                            p += 1 + l;
                        }
                    }
                    case CAATAG -> { int l = rdata[p] & 0xff; sb.append(new String(rdata, p + 1, l, java.nio.charset.StandardCharsets.ISO_8859_1)); p += 1 + l; }
                    case CAAVAL -> { quoted(sb, rdata, p, rdata.length - p); p = rdata.length; }
                    case B64 -> { sb.append(Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(rdata, p, rdata.length))); p = rdata.length; }
                    case HEX -> { sb.append(p == rdata.length ? "-" : HexFormat.of().withUpperCase().formatHex(rdata, p, rdata.length)); p = rdata.length; }
                    case BITMAP -> {
                        boolean first = true;
                        for (int t : bitmapTypes(rdata, p)) {
                            if (!first) sb.append(' ');
                            first = false;
                            sb.append(Type.name(t));
                        }
                        p = rdata.length;
                    }
                }
            }
            if (p != rdata.length) return unknownText(rdata);
        } catch (RuntimeException e) {
            return unknownText(rdata);
        }
        return sb.toString();
    }

    static String unknownText(byte[] rdata) {
        return "\\# " + rdata.length + (rdata.length > 0 ? " " + HexFormat.of().withUpperCase().formatHex(rdata) : "");
    }

    private static void quoted(StringBuilder sb, byte[] b, int off, int len) {
        sb.append('"');
        for (int i = off; i < off + len; i++) {
            int c = b[i] & 0xff;
            if (c == '"' || c == '\\') sb.append('\\').append((char) c);
            else if (c < 32 || c >= 127) sb.append('\\').append(String.format("%03d", c));
            else sb.append((char) c);
        }
        sb.append('"');
    }

    private static String ipv6Text(byte[] b, int p) {
        return io.morgana.api.Ipv6Address.of(java.util.Arrays.copyOfRange(b, p, p + 16)).toString();
    }

    static List<Integer> bitmapTypes(byte[] b, int p) {
        List<Integer> r = new ArrayList<>();
        while (p + 2 <= b.length) {
            int win = b[p] & 0xff, len = b[p + 1] & 0xff;
            for (int i = 0; i < len && p + 2 + i < b.length; i++) {
                int v = b[p + 2 + i] & 0xff;
                for (int bit = 0; bit < 8; bit++) if ((v & (0x80 >> bit)) != 0) r.add(win * 256 + i * 8 + bit);
            }
            p += 2 + len;
        }
        return r;
    }

    /** A token of zone-file text: its characters and whether it was in double quotes. */
    public record Token(String text, boolean quoted) {}

    /**
     * Reads RDATA from zone-file tokens. Relative names are taken against {@code origin}.
     *
     * @throws IllegalArgumentException saying which field is wrong and what was wanted
     */
    public static byte[] fromText(int type, List<Token> tokens, Name origin) {
        if (!tokens.isEmpty() && tokens.get(0).text().equals("\\#") && !tokens.get(0).quoted()) return unknownFromText(tokens);
        F[] schema = SCHEMA.get(type);
        if (schema == null) throw new IllegalArgumentException(Type.name(type) + " is not a type this server knows: write its RDATA as \\# LENGTH HEX (RFC 3597)");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int t = 0;
        for (F f : schema) {
            if (f == F.STRS || f == F.B64 || f == F.HEX || f == F.BITMAP || f == F.CAAVAL) {
                List<Token> rest = tokens.subList(Math.min(t, tokens.size()), tokens.size());
                t = tokens.size();
                restFromText(f, rest, out, type);
                continue;
            }
            if (t >= tokens.size()) throw new IllegalArgumentException(Type.name(type) + " RDATA is missing fields (" + f.name().toLowerCase() + " wanted)");
            Token tok = tokens.get(t++);
            String s = tok.text();
            switch (f) {
                case U8 -> out.write(number(s, 0xff, type));
                case U16 -> writeN(out, number(s, 0xffff, type), 2);
                case U32 -> writeN(out, ttlOrNumber(s, type), 4);
                case TYPE -> {
                    int v = Type.parse(s);
                    if (v < 0) throw new IllegalArgumentException("'" + s + "' is not an RR type");
                    writeN(out, v, 2);
                }
                case TIME -> writeN(out, time(s), 4);
                case NAME, NAMEC -> out.writeBytes(Name.parse(s, origin).toWire());
                case A -> out.writeBytes(io.morgana.api.Ipv4Address.parse(s).toBytes());
                case AAAA -> {
                    if (s.indexOf(':') < 0) throw new IllegalArgumentException("'" + s + "' is not an IPv6 address");
                    out.writeBytes(io.morgana.api.Ipv6Address.parse(s).toBytes());
                }
                case STR -> charString(out, textOf(tok));
                case CAATAG -> {
                    if (!s.matches("[A-Za-z0-9]{1,255}")) throw new IllegalArgumentException("CAA tag '" + s + "' must be letters and digits");
                    charString(out, s);
                }
                default -> throw new IllegalStateException();
            }
        }
        if (t < tokens.size()) throw new IllegalArgumentException(Type.name(type) + " RDATA has extra text '" + tokens.get(t).text() + "'");
        return out.toByteArray();
    }

    private static void restFromText(F f, List<Token> rest, ByteArrayOutputStream out, int type) {
        switch (f) {
            case STRS -> {
                if (rest.isEmpty()) throw new IllegalArgumentException(Type.name(type) + " needs at least one string");
                for (Token x : rest) charString(out, textOf(x));
            }
            case CAAVAL -> {
                if (rest.size() != 1) throw new IllegalArgumentException("CAA wants one value, quoted if it has spaces");
                byte[] v = textOf(rest.get(0)).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                out.writeBytes(v);
            }
            case B64 -> {
                StringBuilder sb = new StringBuilder();
                for (Token x : rest) sb.append(x.text());
                try {
                    out.writeBytes(Base64.getDecoder().decode(sb.toString()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(Type.name(type) + ": bad base64 (" + e.getMessage() + ")");
                }
            }
            case HEX -> {
                StringBuilder sb = new StringBuilder();
                for (Token x : rest) sb.append(x.text());
                if (sb.toString().equals("-")) return;
                if (sb.isEmpty()) throw new IllegalArgumentException(Type.name(type) + " wants hexadecimal data");
                try {
                    out.writeBytes(HexFormat.of().parseHex(sb));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(Type.name(type) + ": bad hexadecimal '" + sb + "'");
                }
            }
            case BITMAP -> {
                java.util.TreeSet<Integer> types = new java.util.TreeSet<>();
                for (Token x : rest) {
                    int v = Type.parse(x.text());
                    if (v < 0) throw new IllegalArgumentException("'" + x.text() + "' is not an RR type");
                    types.add(v);
                }
                int win = -1;
                byte[] bits = new byte[32];
                int max = -1;
                for (int v : types) {
                    if (v >> 8 != win) {
                        if (win >= 0) flushWindow(out, win, bits, max);
                        win = v >> 8;
                        java.util.Arrays.fill(bits, (byte) 0);
                        max = -1;
                    }
                    int low = v & 0xff;
                    bits[low >> 3] |= (byte) (0x80 >> (low & 7));
                    max = Math.max(max, low >> 3);
                }
                if (win >= 0) flushWindow(out, win, bits, max);
            }
            default -> throw new IllegalStateException();
        }
    }

    private static void flushWindow(ByteArrayOutputStream out, int win, byte[] bits, int max) {
        out.write(win);
        out.write(max + 1);
        out.write(bits, 0, max + 1);
    }

    private static byte[] unknownFromText(List<Token> tokens) {
        if (tokens.size() < 2) throw new IllegalArgumentException("\\# wants a length and hexadecimal data");
        int len = number(tokens.get(1).text(), 0xffff, 0);
        StringBuilder sb = new StringBuilder();
        for (Token x : tokens.subList(2, tokens.size())) sb.append(x.text());
        byte[] b;
        try {
            b = HexFormat.of().parseHex(sb);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\\# data is not hexadecimal: '" + sb + "'");
        }
        if (b.length != len) throw new IllegalArgumentException("\\# says " + len + " bytes but the data has " + b.length);
        return b;
    }

    /** A string field's characters: quoted tokens come unescaped from the tokenizer, bare ones are unescaped here. */
    static String textOf(Token t) {
        String s = t.text();
        if (t.quoted() || s.indexOf('\\') < 0) return s;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                if (i + 3 < s.length() && s.substring(i + 1, i + 4).chars().allMatch(Character::isDigit)) {
                    sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4)));
                    i += 3;
                } else {
                    sb.append(s.charAt(++i));
                }
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static void charString(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        if (b.length > 255) throw new IllegalArgumentException("a character string is at most 255 bytes, not " + b.length);
        out.write(b.length);
        out.writeBytes(b);
    }

    private static int number(String s, int max, int type) {
        try {
            long v = Long.parseLong(s);
            if (v < 0 || v > max) throw new NumberFormatException();
            return (int) v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a number 0.." + max + (type > 0 ? " in " + Type.name(type) : ""));
        }
    }

    private static int ttlOrNumber(String s, int type) {
        try {
            return (int) Ttl.parse(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + s + "' is not a 32-bit number in " + Type.name(type));
        }
    }

    /**
     * {@code YYYYMMDDHHmmSS} (UTC) of a time in seconds since 1970, RFC 4034 §3.2's form of RRSIG
     * times. On {@link CivilDate}: a {@code java.time} formatter would cost a zone's first load a few
     * milliseconds of formatter set-up.
     */
    static void appendTime(StringBuilder sb, long epochSecond) {
        CivilDate d = CivilDate.ofEpochDay(Math.floorDiv(epochSecond, 86_400));
        int second = (int) Math.floorMod(epochSecond, 86_400);
        CivilDate.appendPadded(sb, d.year(), 4);
        for (int v : new int[] {d.month(), d.day(), second / 3600, second / 60 % 60, second % 60}) CivilDate.appendPadded(sb, v, 2);
    }

    private static int time(String s) {
        if (s.matches("\\d{14}")) {
            int year = Integer.parseInt(s, 0, 4, 10), month = Integer.parseInt(s, 4, 6, 10), day = Integer.parseInt(s, 6, 8, 10);
            int h = Integer.parseInt(s, 8, 10, 10), m = Integer.parseInt(s, 10, 12, 10), sec = Integer.parseInt(s, 12, 14, 10);
            if (!CivilDate.isValid(year, month, day) || h > 23 || m > 59 || sec > 59) {
                throw new IllegalArgumentException("'" + s + "' is not a time (no such date or time of day)");
            }
            return (int) (new CivilDate(year, month, day).epochDay() * 86_400 + h * 3600 + m * 60 + sec);
        }
        try {
            return (int) Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a time (want YYYYMMDDHHmmSS)");
        }
    }

    private static void writeN(ByteArrayOutputStream out, long v, int n) {
        for (int i = n - 1; i >= 0; i--) out.write((int) (v >>> (8 * i)));
    }

    static int u16(byte[] b, int p) { return (b[p] & 0xff) << 8 | (b[p + 1] & 0xff); }

    static long u32(byte[] b, int p) {
        return ((long) (b[p] & 0xff) << 24) | (b[p + 1] & 0xff) << 16 | (b[p + 2] & 0xff) << 8 | (b[p + 3] & 0xff);
    }

    /** SOA fields after the two names: serial, refresh, retry, expire, minimum. */
    public static long soaField(byte[] soa, int index) {
        int p = 0;
        p += Name.fromWire(soa, p).wireLength();
        p += Name.fromWire(soa, p).wireLength();
        return u32(soa, p + 4 * index);
    }

    /** The SOA RDATA with its serial replaced. */
    public static byte[] withSerial(byte[] soa, long serial) {
        byte[] r = soa.clone();
        int p = Name.fromWire(r, 0).wireLength();
        p += Name.fromWire(r, p).wireLength();
        for (int i = 0; i < 4; i++) r[p + i] = (byte) (serial >>> (24 - 8 * i));
        return r;
    }
}

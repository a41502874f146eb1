package io.morgana.dns.zone;

import io.morgana.dns.wire.Name;
import io.morgana.dns.wire.Rdata;
import io.morgana.dns.wire.Rdata.Token;
import io.morgana.dns.wire.Record;
import io.morgana.dns.wire.Ttl;
import io.morgana.dns.wire.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads an RFC 1035 master file: {@code $ORIGIN}, {@code $TTL}, {@code @}, relative names,
 * blank owners (the previous owner), parentheses across lines, {@code ;} comments, quoted strings,
 * TTL and class in either order, BIND TTL units, {@code \#} RDATA (RFC 3597). {@code $INCLUDE} is
 * refused: a zone is one file, read at boot, and may not make the server open others.
 */
public final class ZoneParser {
    private final String file;
    private final String text;
    private int pos;
    private int line = 1;
    private int lineOfRecord;
    private Name origin;
    private Long defaultTtl;
    private Long lastTtl;
    private Name lastOwner;
    private int lastClass = Record.IN;

    private ZoneParser(String file, String text, Name origin) {
        this.file = file;
        this.text = text;
        this.origin = origin;
    }

    /** Parses the records of {@code bytes}; {@code origin} may be null if the file sets {@code $ORIGIN}. */
    public static List<Record> parse(String file, byte[] bytes, Name origin) throws ZoneException {
        return new ZoneParser(file, new String(bytes, StandardCharsets.ISO_8859_1), origin).records();
    }

    /** Parses a whole zone: the origin is {@code origin}, else the file's {@code $ORIGIN}, else the SOA's owner. */
    public static Zone zone(String file, byte[] bytes, Name origin) throws ZoneException {
        List<Record> rs = parse(file, bytes, origin);
        Name o = origin;
        if (o == null) {
            for (Record r : rs) if (r.type() == Type.SOA) { o = r.name(); break; }
        }
        if (o == null) throw new ZoneException(file + ": no SOA record: a zone file needs one at its apex");
        return Zone.of(o, rs, file);
    }

    private List<Record> records() throws ZoneException {
        List<Record> out = new ArrayList<>();
        List<Token> toks = new ArrayList<>();
        while (true) {
            toks.clear();
            boolean[] leadingSpace = new boolean[1];
            if (!logicalLine(toks, leadingSpace)) break;
            if (toks.isEmpty()) continue;
            try {
                Record r = entry(toks, leadingSpace[0]);
                if (r != null) out.add(r);
            } catch (IllegalArgumentException e) {
                throw new ZoneException(file + ":" + lineOfRecord + ": " + e.getMessage());
            }
            if (out.size() > 10_000_000) throw new ZoneException(file + ": more than 10,000,000 records");
        }
        return out;
    }

    private Record entry(List<Token> t, boolean blankOwner) throws ZoneException {
        String first = t.get(0).text();
        if (!blankOwner && !t.get(0).quoted() && first.startsWith("$")) {
            String d = first.toUpperCase(Locale.ROOT);
            switch (d) {
                case "$ORIGIN" -> {
                    if (t.size() != 2) throw new IllegalArgumentException("$ORIGIN wants one name");
                    origin = Name.parse(t.get(1).text(), origin);
                }
                case "$TTL" -> {
                    if (t.size() != 2) throw new IllegalArgumentException("$TTL wants one TTL");
                    defaultTtl = Ttl.parse(t.get(1).text());
                }
                case "$INCLUDE" -> throw new ZoneException(file + ":" + lineOfRecord
                        + ": $INCLUDE is refused: the server reads only the zone files given with --zone; merge the included file into this one");
                default -> throw new IllegalArgumentException("unknown directive " + first + " (this server reads $ORIGIN and $TTL)");
            }
            return null;
        }
        int i = 0;
        Name owner;
        if (blankOwner) {
            if (lastOwner == null) throw new IllegalArgumentException("a record with no owner name before any owner was given");
            owner = lastOwner;
        } else {
            if (origin == null && !first.endsWith(".")) throw new IllegalArgumentException("relative name '" + first + "' with no $ORIGIN");
            owner = Name.parse(first, origin);
            i = 1;
        }
        Long ttl = null;
        int rclass = -1;
        for (int k = 0; k < 2 && i < t.size(); k++) {
            String s = t.get(i).text();
            if (ttl == null && Ttl.looksLike(s)) {
                ttl = Ttl.parse(s);
                i++;
            } else if (rclass < 0 && classOf(s) >= 0) {
                rclass = classOf(s);
                i++;
            }
        }
        if (i >= t.size()) throw new IllegalArgumentException("record for " + owner + " has no type");
        String ts = t.get(i++).text();
        int type = Type.parse(ts);
        if (type < 0) throw new IllegalArgumentException("'" + ts + "' is not an RR type");
        if (Type.isMeta(type)) throw new IllegalArgumentException(Type.name(type) + " may not appear in a zone file");
        if (rclass < 0) rclass = lastClass;
        if (rclass != Record.IN) throw new IllegalArgumentException("only class IN is served, not " + classText(rclass));
        lastClass = rclass;
        byte[] rdata = Rdata.fromText(type, t.subList(i, t.size()), origin);
        if (ttl == null) {
            if (defaultTtl != null) ttl = defaultTtl;
            else if (lastTtl != null) ttl = lastTtl;
            else if (type == Type.SOA) ttl = Rdata.soaField(rdata, 4);
            else throw new IllegalArgumentException("no TTL for " + owner + ": add $TTL at the top of the file");
        } else {
            lastTtl = ttl;
        }
        if (ttl > Ttl.MAX) ttl = 0L;
        lastOwner = owner;
        return new Record(owner, type, rclass, ttl, rdata);
    }

    private static int classOf(String s) {
        return switch (s.toUpperCase(Locale.ROOT)) {
            case "IN" -> Record.IN;
            case "CH" -> Record.CH;
            case "HS" -> 4;
            default -> s.toUpperCase(Locale.ROOT).matches("CLASS\\d{1,5}") ? Integer.parseInt(s.substring(5)) & 0xffff : -1;
        };
    }

    private static String classText(int c) { return c == Record.CH ? "CH" : c == 4 ? "HS" : "CLASS" + c; }

    /** Reads the tokens of one logical line (parentheses join lines). False at the end of the text. */
    private boolean logicalLine(List<Token> out, boolean[] leadingSpace) throws ZoneException {
        if (pos >= text.length()) return false;
        lineOfRecord = line;
        leadingSpace[0] = pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t');
        int depth = 0;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n') {
                pos++;
                line++;
                if (depth == 0) return true;
                continue;
            }
            if (c == ' ' || c == '\t' || c == '\r') { pos++; continue; }
            if (c == ';') {
                while (pos < text.length() && text.charAt(pos) != '\n') pos++;
                continue;
            }
            if (c == '(') { depth++; pos++; continue; }
            if (c == ')') {
                if (--depth < 0) throw new ZoneException(file + ":" + line + ": ')' without '('");
                pos++;
                continue;
            }
            if (c == '"') {
                out.add(new Token(quoted(), true));
                continue;
            }
            int start = pos;
            while (pos < text.length()) {
                char d = text.charAt(pos);
                if (d == '\\' && pos + 1 < text.length()) { pos += 2; continue; }
                if (d == ' ' || d == '\t' || d == '\n' || d == '\r' || d == ';' || d == '(' || d == ')' || d == '"') break;
                pos++;
            }
            out.add(new Token(text.substring(start, pos), false));
        }
        if (depth != 0) throw new ZoneException(file + ":" + lineOfRecord + ": '(' is never closed");
        return true;
    }

    private String quoted() throws ZoneException {
        int startLine = line;
        pos++;
        StringBuilder sb = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '"') return sb.toString();
            if (c == '\n') line++;
            if (c == '\\' && pos < text.length()) {
                char d = text.charAt(pos);
                if (Character.isDigit(d) && pos + 3 <= text.length() && text.substring(pos, pos + 3).chars().allMatch(Character::isDigit)) {
                    int v = Integer.parseInt(text.substring(pos, pos + 3));
                    if (v > 255) throw new ZoneException(file + ":" + line + ": \\DDD escape above 255");
                    sb.append((char) v);
                    pos += 3;
                } else {
                    sb.append(d);
                    pos++;
                }
                continue;
            }
            sb.append(c);
        }
        throw new ZoneException(file + ":" + startLine + ": quoted string is never closed");
    }
}

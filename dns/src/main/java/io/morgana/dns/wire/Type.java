package io.morgana.dns.wire;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** RR type numbers and their mnemonics; unknown types read and print as {@code TYPE123} (RFC 3597). */
public final class Type {
    private Type() {}

    public static final int A = 1, NS = 2, CNAME = 5, SOA = 6, PTR = 12, HINFO = 13, MX = 15, TXT = 16, AAAA = 28,
            SRV = 33, OPT = 41, DS = 43, RRSIG = 46, NSEC = 47, DNSKEY = 48, TLSA = 52, TSIG = 250, IXFR = 251,
            AXFR = 252, ANY = 255, CAA = 257;

    private static final Map<Integer, String> NAMES = new HashMap<>();
    private static final Map<String, Integer> CODES = new HashMap<>();

    static {
        Object[] t = {A, "A", NS, "NS", CNAME, "CNAME", SOA, "SOA", PTR, "PTR", HINFO, "HINFO", MX, "MX", TXT, "TXT",
                AAAA, "AAAA", SRV, "SRV", OPT, "OPT", DS, "DS", RRSIG, "RRSIG", NSEC, "NSEC", DNSKEY, "DNSKEY",
                TLSA, "TLSA", TSIG, "TSIG", IXFR, "IXFR", AXFR, "AXFR", ANY, "ANY", CAA, "CAA"};
        for (int i = 0; i < t.length; i += 2) {
            NAMES.put((Integer) t[i], (String) t[i + 1]);
            CODES.put((String) t[i + 1], (Integer) t[i]);
        }
    }

    public static String name(int type) {
        String n = NAMES.get(type);
        return n != null ? n : "TYPE" + type;
    }

    /** The type for a mnemonic or {@code TYPEnnn}, or -1. */
    public static int parse(String text) {
        String u = text.toUpperCase(Locale.ROOT);
        Integer c = CODES.get(u);
        if (c != null) return c;
        if (u.startsWith("TYPE") && u.length() > 4 && u.length() <= 9) {
            try {
                int v = Integer.parseInt(u.substring(4));
                if (v >= 0 && v <= 0xffff) return v;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    /** Meta and query-only types, which never appear in zone data. */
    public static boolean isMeta(int type) { return type == OPT || (type >= 128 && type <= 255); }
}

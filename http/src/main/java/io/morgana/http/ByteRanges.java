package io.morgana.http;

import java.util.ArrayList;
import java.util.List;

/** The {@code Range} header's byte ranges (RFC 9110 §14.1.2), resolved against a representation's length. */
final class ByteRanges {
    private ByteRanges() {}

    /** Ranges beyond this count are not worth a multipart answer: the whole representation is sent. */
    static final int MAX_RANGES = 16;

    /** An inclusive byte range. */
    record Range(long first, long last) {
        long length() { return last - first + 1; }
    }

    /**
     * The satisfiable ranges of {@code header} for a representation of {@code size} bytes: null
     * if the header is to be ignored (not bytes, malformed, too many ranges), empty if none is
     * satisfiable (416).
     */
    static List<Range> parse(String header, long size) {
        String h = header.trim();
        if (h.length() < 6 || !h.regionMatches(true, 0, "bytes", 0, 5)) return null;
        int eq = 5;
        while (eq < h.length() && Syntax.isOws((byte) h.charAt(eq))) eq++;
        if (eq >= h.length() || h.charAt(eq) != '=') return null;
        String[] specs = h.substring(eq + 1).split(",", -1);
        if (specs.length > MAX_RANGES) return null;
        List<Range> out = new ArrayList<>(specs.length);
        int nonEmpty = 0;
        for (String raw : specs) {
            String s = raw.trim();
            if (s.isEmpty()) continue; // RFC 9110 list rules: empty elements are ignored
            nonEmpty++;
            int dash = s.indexOf('-');
            if (dash < 0) return null;
            long first = number(s.substring(0, dash));
            long last = number(s.substring(dash + 1));
            if (dash == 0) { // suffix-range: the last N bytes
                if (last < 0) return null;
                if (last == 0 || size == 0) continue;
                out.add(new Range(Math.max(0, size - last), size - 1));
            } else {
                if (first < 0 || (dash < s.length() - 1 && last < 0)) return null;
                if (dash < s.length() - 1 && last < first) return null;
                if (first >= size) continue;
                out.add(new Range(first, last < 0 ? size - 1 : Math.min(last, size - 1)));
            }
        }
        return nonEmpty == 0 ? null : out;
    }

    /** A non-negative decimal, -1 if empty or not digits (or too long to be a byte offset). */
    private static long number(String s) {
        if (s.isEmpty() || s.length() > 18) return -1;
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return -1;
            n = n * 10 + (c - '0');
        }
        return n;
    }
}

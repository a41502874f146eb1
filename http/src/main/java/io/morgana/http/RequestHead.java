package io.morgana.http;

import java.nio.charset.StandardCharsets;

/**
 * A parsed request head (RFC 9112 §3, §5). Sans-I/O: {@link #parse} takes the bytes the
 * {@link HeadScanner} delimited and either returns the head or throws an {@link HttpException}
 * with the status to answer.
 *
 * @param method   the method token, e.g. {@code GET}
 * @param target   the request-target as sent
 * @param minor    the minor version: 1 for HTTP/1.1, 0 for HTTP/1.0
 * @param headers  the fields
 */
record RequestHead(String method, String target, int minor, Headers headers) {

    static RequestHead parse(byte[] b, int from, int length) throws HttpException {
        int end = from + length - 2; // before the final CRLF
        int p = from;
        while (b[p] == '\r') p += 2; // leading empty lines, checked by the scanner
        int eol = lineEnd(b, p, end);

        // request-line = method SP request-target SP HTTP-version
        int sp1 = p;
        while (sp1 < eol && Syntax.isTokenChar(b[sp1])) sp1++;
        if (sp1 == p || sp1 >= eol || b[sp1] != ' ') throw bad("malformed method in request line");
        int sp2 = sp1 + 1;
        while (sp2 < eol && Syntax.isTargetChar(b[sp2])) sp2++;
        if (sp2 == sp1 + 1 || sp2 >= eol || b[sp2] != ' ') throw bad("malformed request-target in request line");
        int minor = version(b, sp2 + 1, eol);
        String method = method(b, p, sp1);
        String target = new String(b, sp1 + 1, sp2 - sp1 - 1, StandardCharsets.ISO_8859_1);

        Headers headers = new Headers();
        fields(b, eol + 2, end, headers);
        return new RequestHead(method, target, minor, headers);
    }

    /** Parses field lines from {@code p} up to {@code end} (the CR of the final empty line) into {@code headers}. */
    static void fields(byte[] b, int p, int end, Headers headers) throws HttpException {
        while (p < end) {
            int eol = lineEnd(b, p, end);
            if (Syntax.isOws(b[p])) throw bad("obsolete line folding in header field");
            int colon = p;
            while (colon < eol && Syntax.isTokenChar(b[colon])) colon++;
            if (colon == p || colon >= eol || b[colon] != ':') throw bad("invalid header field name");
            int v = colon + 1;
            while (v < eol && Syntax.isOws(b[v])) v++;
            int ve = eol;
            while (ve > v && Syntax.isOws(b[ve - 1])) ve--;
            for (int i = v; i < ve; i++) {
                if (!Syntax.isFieldValueChar(b[i])) throw bad("control character in header field value");
            }
            headers.addUnchecked(new String(b, p, colon - p, StandardCharsets.ISO_8859_1),
                    new String(b, v, ve - v, StandardCharsets.ISO_8859_1));
            p = eol + 2;
        }
    }

    /** Index of the CR that ends the line starting at {@code from}; the head ends in CRLF so this stops. */
    static int lineEnd(byte[] b, int from, int end) throws HttpException {
        int i = from;
        while (b[i] != '\r') i++;
        if (i > end || b[i + 1] != '\n') throw bad("bare CR in message head");
        return i;
    }

    /** HTTP-version = "HTTP/" DIGIT "." DIGIT; returns the minor version for major 1. */
    private static int version(byte[] b, int from, int to) throws HttpException {
        if (to - from != 8 || b[from] != 'H' || b[from + 1] != 'T' || b[from + 2] != 'T' || b[from + 3] != 'P'
                || b[from + 4] != '/' || !digit(b[from + 5]) || b[from + 6] != '.' || !digit(b[from + 7])) {
            throw bad("malformed HTTP version in request line");
        }
        if (b[from + 5] != '1') throw new HttpException(505, "HTTP major version " + (char) b[from + 5] + " is not supported", true);
        return b[from + 7] - '0';
    }

    private static boolean digit(byte c) { return c >= '0' && c <= '9'; }

    private static String method(byte[] b, int from, int to) {
        int n = to - from;
        if (n == 3 && b[from] == 'G' && b[from + 1] == 'E' && b[from + 2] == 'T') return "GET";
        if (n == 4 && b[from] == 'H' && b[from + 1] == 'E' && b[from + 2] == 'A' && b[from + 3] == 'D') return "HEAD";
        if (n == 4 && b[from] == 'P' && b[from + 1] == 'O' && b[from + 2] == 'S' && b[from + 3] == 'T') return "POST";
        return new String(b, from, n, StandardCharsets.ISO_8859_1);
    }

    private static HttpException bad(String why) { return new HttpException(400, why, true); }
}

package io.morgana.http;

/** Character classes of RFC 9110 §5.6 and RFC 9112, over bytes. */
final class Syntax {
    private Syntax() {}

    private static final boolean[] TOKEN = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) TOKEN[c] = true;
        for (char c = 'a'; c <= 'z'; c++) TOKEN[c] = true;
        for (char c = 'A'; c <= 'Z'; c++) TOKEN[c] = true;
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) TOKEN[c] = true;
    }

    /** tchar: a character allowed in a token (method, header name). */
    static boolean isTokenChar(byte b) { return b >= 0 && TOKEN[b]; }

    /** A byte allowed in a field value: HTAB, SP, VCHAR, obs-text. */
    static boolean isFieldValueChar(byte b) {
        int c = b & 0xff;
        return c == '\t' || (c >= 0x20 && c != 0x7f);
    }

    /** A byte allowed in a request-target: visible US-ASCII (no space, no controls, no obs-text). */
    static boolean isTargetChar(byte b) { return b > 0x20 && b < 0x7f; }

    static boolean isOws(byte b) { return b == ' ' || b == '\t'; }
}

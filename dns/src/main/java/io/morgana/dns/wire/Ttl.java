package io.morgana.dns.wire;

/** TTLs as zone files write them: seconds, or BIND units ({@code 1h30m}, {@code 2d}, {@code 1w}). */
public final class Ttl {
    private Ttl() {}

    /** Largest TTL (RFC 2181 §8: 2^31 - 1). */
    public static final long MAX = 0x7fffffffL;

    public static long parse(String s) {
        if (s.isEmpty()) throw new IllegalArgumentException("empty TTL");
        long total = 0, cur = 0;
        boolean digits = false, unit = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                cur = cur * 10 + (c - '0');
                digits = true;
                if (cur > 0xffffffffL) throw new IllegalArgumentException("'" + s + "' is too large");
                continue;
            }
            if (!digits) throw new IllegalArgumentException("'" + s + "' is not a TTL");
            long m = switch (Character.toLowerCase(c)) {
                case 's' -> 1;
                case 'm' -> 60;
                case 'h' -> 3600;
                case 'd' -> 86400;
                case 'w' -> 604800;
                default -> throw new IllegalArgumentException("'" + s + "' is not a TTL (want seconds or e.g. 1h30m)");
            };
            total += cur * m;
            cur = 0;
            digits = false;
            unit = true;
        }
        if (digits) total += cur;
        else if (!unit) throw new IllegalArgumentException("'" + s + "' is not a TTL");
        if (total > 0xffffffffL) throw new IllegalArgumentException("'" + s + "' is too large");
        return total;
    }

    public static boolean looksLike(String s) {
        if (s.isEmpty() || !Character.isDigit(s.charAt(0))) return false;
        try {
            parse(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}

package io.morgana.dns.server;

/** Serial number arithmetic (RFC 1982) on 32-bit SOA serials. */
final class Serial {
    private Serial() {}

    /** Whether {@code a} is newer than {@code b}. */
    static boolean newer(long a, long b) {
        long d = (a - b) & 0xffffffffL;
        return d != 0 && d < 0x80000000L;
    }

    static long next(long s) {
        long n = (s + 1) & 0xffffffffL;
        return n == 0 ? 1 : n;
    }
}

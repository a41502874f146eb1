package io.morgana.api;

import java.net.Inet6Address;
import java.net.InetAddress;

/** An IPv6 address as two 64-bit halves (network order). */
public record Ipv6Address(long high, long low) implements IpAddress {

    public static Ipv6Address of(byte[] b) {
        if (b.length != 16) throw new IllegalArgumentException("an IPv6 address has 16 bytes, not " + b.length);
        long h = 0, l = 0;
        for (int i = 0; i < 8; i++) h = h << 8 | (b[i] & 0xff);
        for (int i = 8; i < 16; i++) l = l << 8 | (b[i] & 0xff);
        return new Ipv6Address(h, l);
    }

    /** Parses RFC 4291 text (with {@code ::}); never resolves names. */
    public static Ipv6Address parse(String text) {
        if (text.isEmpty() || !text.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("not an IPv6 address: '" + text + "'");
        }
        try {
            InetAddress a = InetAddress.ofLiteral(text);
            if (a instanceof Inet6Address) return of(a.getAddress());
            byte[] mapped = new byte[16];
            mapped[10] = mapped[11] = (byte) 0xff;
            System.arraycopy(a.getAddress(), 0, mapped, 12, 4);
            return of(mapped);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an IPv6 address: '" + text + "'", e);
        }
    }

    @Override public byte[] toBytes() {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) b[i] = (byte) (high >>> (56 - 8 * i));
        for (int i = 0; i < 8; i++) b[8 + i] = (byte) (low >>> (56 - 8 * i));
        return b;
    }

    /** RFC 5952 text: lower-case hex, no leading zeros, the longest run of two or more zero groups as {@code ::}. */
    @Override public String toString() {
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) g[i] = (int) (high >>> (48 - 16 * i)) & 0xffff;
        for (int i = 0; i < 4; i++) g[4 + i] = (int) (low >>> (48 - 16 * i)) & 0xffff;
        int bestStart = -1, bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) { i++; continue; }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}

package io.morgana.dns.wire;

import java.util.Arrays;

/**
 * A domain name, held in uncompressed wire form (length-prefixed labels ending in the root's zero
 * byte). Case is kept as written for output; {@link #equals} and {@link #hashCode} ignore ASCII case
 * as RFC 4343 says. Always absolute. Immutable.
 */
public final class Name implements Comparable<Name> {

    /** Longest name on the wire, terminal zero included (RFC 1035 §2.3.4). */
    public static final int MAX_WIRE = 255;
    /** Longest label (RFC 1035 §2.3.4). */
    public static final int MAX_LABEL = 63;

    public static final Name ROOT = new Name(new byte[] {0});

    private final byte[] wire;
    private final int hash;
    private final byte labels;

    private Name(byte[] wire) {
        this.wire = wire;
        int h = 1, n = 0;
        for (int i = 0; wire[i] != 0; i += wire[i] + 1) {
            n++;
            h = 31 * h + wire[i];
            for (int j = i + 1; j <= i + wire[i]; j++) h = 31 * h + lower(wire[j]);
        }
        this.hash = h;
        this.labels = (byte) n;
    }

    /** From uncompressed wire bytes; checks label and name lengths. */
    public static Name fromWire(byte[] b, int off) {
        int i = off;
        while (true) {
            if (i >= b.length) throw new WireException("name runs past the end");
            int len = b[i] & 0xff;
            if (len > MAX_LABEL) throw new WireException("label longer than 63 bytes or compressed where not allowed");
            i += len + 1;
            if (i - off > MAX_WIRE) throw new WireException("name longer than 255 bytes");
            if (len == 0) break;
        }
        return new Name(Arrays.copyOfRange(b, off, i));
    }

    static Name ofWireTrusted(byte[] wire) { return wire.length == 1 ? ROOT : new Name(wire); }

    /** Parses an absolute name in presentation form ({@code www.example.org.}, the final dot optional). */
    public static Name of(String text) { return parse(text, ROOT); }

    /**
     * Parses presentation form: {@code @} is {@code origin}; a name not ending in a dot is relative
     * to {@code origin}. Understands {@code \X} and {@code \DDD} escapes.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Name parse(String text, Name origin) {
        if (text.equals("@")) {
            if (origin == null) throw new IllegalArgumentException("'@' used with no origin");
            return origin;
        }
        if (text.equals(".")) return ROOT;
        if (text.isEmpty()) throw new IllegalArgumentException("empty name");
        byte[] out = new byte[MAX_WIRE + 64];
        int o = 0, labelStart = 0, len = 0;
        boolean absolute = false;
        out[0] = 0;
        o = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int b;
            if (c == '.') {
                if (len == 0) throw new IllegalArgumentException("empty label in '" + text + "'");
                out[labelStart] = (byte) len;
                labelStart = o++;
                len = 0;
                if (i == text.length() - 1) absolute = true;
                if (o > MAX_WIRE) throw new IllegalArgumentException("name longer than 255 bytes: '" + text + "'");
                continue;
            }
            if (c == '\\') {
                if (i + 1 >= text.length()) throw new IllegalArgumentException("dangling '\\' in '" + text + "'");
                char d = text.charAt(i + 1);
                if (Character.isDigit(d)) {
                    if (i + 3 >= text.length()) throw new IllegalArgumentException("bad \\DDD escape in '" + text + "'");
                    try {
                        b = Integer.parseInt(text.substring(i + 1, i + 4));
                    } catch (RuntimeException e) {
                        throw new IllegalArgumentException("bad \\DDD escape in '" + text + "'");
                    }
                    if (b > 255) throw new IllegalArgumentException("\\DDD escape above 255 in '" + text + "'");
                    i += 3;
                } else {
                    b = d;
                    i++;
                }
            } else {
                b = c;
            }
            if (b > 255) throw new IllegalArgumentException("non-ASCII character in name '" + text + "' (use punycode)");
            if (++len > MAX_LABEL) throw new IllegalArgumentException("label longer than 63 bytes in '" + text + "'");
            if (o >= MAX_WIRE) throw new IllegalArgumentException("name longer than 255 bytes: '" + text + "'");
            out[o++] = (byte) b;
        }
        if (len > 0) {
            out[labelStart] = (byte) len;
            labelStart = o++;
        }
        out[labelStart] = 0;
        byte[] rel = Arrays.copyOf(out, o);
        Name n = new Name(rel);
        if (absolute) return n;
        if (origin == null) throw new IllegalArgumentException("relative name '" + text + "' with no origin");
        return n.concat(origin);
    }

    /** This (taken as relative) followed by {@code suffix}. */
    public Name concat(Name suffix) {
        int total = wire.length - 1 + suffix.wire.length;
        if (total > MAX_WIRE) throw new IllegalArgumentException("name longer than 255 bytes: " + this + suffix);
        byte[] w = Arrays.copyOf(wire, total);
        System.arraycopy(suffix.wire, 0, w, wire.length - 1, suffix.wire.length);
        return new Name(w);
    }

    /** {@code *.this}. */
    public Name wildcard() {
        byte[] w = new byte[wire.length + 2];
        w[0] = 1;
        w[1] = '*';
        System.arraycopy(wire, 0, w, 2, wire.length);
        return new Name(w);
    }

    public boolean isWildcard() { return wire[0] == 1 && wire[1] == '*'; }

    public int labelCount() { return labels; }

    /** The name without its first label; the root's parent is the root. */
    public Name parent() {
        if (wire.length == 1) return this;
        return ofWireTrusted(Arrays.copyOfRange(wire, wire[0] + 1, wire.length));
    }

    /** The last {@code n} labels. */
    public Name suffix(int n) {
        Name x = this;
        for (int i = labels; i > n; i--) x = x.parent();
        return x;
    }

    /** Whether this equals {@code other} or lies below it. */
    public boolean isSubdomainOf(Name other) {
        int skip = labels - other.labels;
        if (skip < 0) return false;
        int i = 0;
        for (int k = 0; k < skip; k++) i += wire[i] + 1;
        if (wire.length - i != other.wire.length) return false;
        for (int j = 0; j < other.wire.length; j++) {
            if (lower(wire[i + j]) != lower(other.wire[j])) return false;
        }
        return true;
    }

    /** Uncompressed wire length. */
    public int wireLength() { return wire.length; }

    /** A copy of the wire form. */
    public byte[] toWire() { return wire.clone(); }

    void writeTo(byte[] dst, int off) { System.arraycopy(wire, 0, dst, off, wire.length); }

    byte[] wireUnsafe() { return wire; }

    /** Canonical form (RFC 4034 §6.2): lower case. */
    public Name toLowerCase() {
        byte[] w = wire.clone();
        for (int i = 0; i < w.length; i++) w[i] = (byte) lower(w[i]);
        return new Name(w);
    }

    private static int lower(byte b) { return b >= 'A' && b <= 'Z' ? b + 32 : b & 0xff; }

    @Override public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof Name n) || n.hash != hash || n.wire.length != wire.length) return false;
        for (int i = 0; i < wire.length; i++) if (lower(wire[i]) != lower(n.wire[i])) return false;
        return true;
    }

    @Override public int hashCode() { return hash; }

    /** Canonical DNS order (RFC 4034 §6.1): by labels from the right, case-insensitively. */
    @Override public int compareTo(Name o) {
        int[] a = offsets(), b = o.offsets();
        for (int i = a.length - 1, j = b.length - 1; i >= 0 && j >= 0; i--, j--) {
            int la = wire[a[i]], lb = o.wire[b[j]];
            for (int k = 1; k <= Math.min(la, lb); k++) {
                int c = Integer.compare(lower(wire[a[i] + k]), lower(o.wire[b[j] + k]));
                if (c != 0) return c;
            }
            if (la != lb) return Integer.compare(la, lb);
        }
        return Integer.compare(a.length, b.length);
    }

    private int[] offsets() {
        int[] r = new int[labels];
        for (int i = 0, k = 0; wire[i] != 0; i += wire[i] + 1) r[k++] = i;
        return r;
    }

    /** Presentation form, absolute (ending in a dot), with escapes. */
    @Override public String toString() {
        if (wire.length == 1) return ".";
        StringBuilder sb = new StringBuilder(wire.length + 4);
        for (int i = 0; wire[i] != 0; i += wire[i] + 1) {
            for (int j = i + 1; j <= i + wire[i]; j++) {
                int c = wire[j] & 0xff;
                if (c == '.' || c == '\\' || c == '"' || c == ';' || c == '(' || c == ')' || c == '@' || c == '$') sb.append('\\').append((char) c);
                else if (c <= 32 || c >= 127) sb.append('\\').append(String.format("%03d", c));
                else sb.append((char) c);
            }
            sb.append('.');
        }
        return sb.toString();
    }
}

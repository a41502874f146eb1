package io.morgana.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Header fields of a request or response, in arrival order, names compared case-insensitively
 * (RFC 9110 §5.1). Small and flat: a handful of fields is the common case, so lookups scan.
 */
public final class Headers {
    private String[] pairs;
    private int size;

    public Headers() { pairs = new String[16]; }

    private Headers(String[] pairs, int size) {
        this.pairs = pairs;
        this.size = size;
    }

    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) throw new IllegalArgumentException("want name, value pairs");
        Headers h = new Headers();
        for (int i = 0; i < namesAndValues.length; i += 2) h.add(namesAndValues[i], namesAndValues[i + 1]);
        return h;
    }

    /** Appends a field; names are tokens and values hold no CR, LF or NUL (checked: no injection). */
    public Headers add(String name, String value) {
        checkName(name);
        checkValue(name, value);
        return addUnchecked(name, value);
    }

    Headers addUnchecked(String name, String value) {
        if (size * 2 == pairs.length) pairs = Arrays.copyOf(pairs, pairs.length * 2);
        pairs[size * 2] = name;
        pairs[size * 2 + 1] = value;
        size++;
        return this;
    }

    /** Replaces every field of that name with one. */
    public Headers set(String name, String value) {
        remove(name);
        return add(name, value);
    }

    public Headers remove(String name) {
        int w = 0;
        for (int r = 0; r < size; r++) {
            if (!pairs[r * 2].equalsIgnoreCase(name)) {
                pairs[w * 2] = pairs[r * 2];
                pairs[w * 2 + 1] = pairs[r * 2 + 1];
                w++;
            }
        }
        Arrays.fill(pairs, w * 2, size * 2, null);
        size = w;
        return this;
    }

    /** The first value of that name, or null. */
    public String get(String name) {
        for (int i = 0; i < size; i++) if (pairs[i * 2].equalsIgnoreCase(name)) return pairs[i * 2 + 1];
        return null;
    }

    public Optional<String> first(String name) { return Optional.ofNullable(get(name)); }

    public List<String> all(String name) {
        List<String> out = new ArrayList<>(2);
        for (int i = 0; i < size; i++) if (pairs[i * 2].equalsIgnoreCase(name)) out.add(pairs[i * 2 + 1]);
        return out;
    }

    /** How many fields have that name. */
    public int count(String name) {
        int n = 0;
        for (int i = 0; i < size; i++) if (pairs[i * 2].equalsIgnoreCase(name)) n++;
        return n;
    }

    public boolean contains(String name) { return get(name) != null; }

    /**
     * Whether a comma-separated list field (e.g. {@code Connection}) holds {@code token},
     * case-insensitively, in any of its lines.
     */
    public boolean hasToken(String name, String token) {
        for (int i = 0; i < size; i++) {
            if (!pairs[i * 2].equalsIgnoreCase(name)) continue;
            for (String t : pairs[i * 2 + 1].split(",")) if (t.trim().equalsIgnoreCase(token)) return true;
        }
        return false;
    }

    public int size() { return size; }
    public String name(int i) { return pairs[java.util.Objects.checkIndex(i, size) * 2]; }
    public String value(int i) { return pairs[java.util.Objects.checkIndex(i, size) * 2 + 1]; }

    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < size; i++) action.accept(pairs[i * 2], pairs[i * 2 + 1]);
    }

    public Headers copy() { return new Headers(pairs.clone(), size); }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder();
        forEach((n, v) -> sb.append(n).append(": ").append(v).append('\n'));
        return sb.toString();
    }

    static void checkName(String name) {
        if (name.isEmpty()) throw new IllegalArgumentException("empty header name");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c > 127 || !Syntax.isTokenChar((byte) c)) {
                throw new IllegalArgumentException("header name is not a token: '" + name + "'");
            }
        }
    }

    static void checkValue(String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0 || c > 255) {
                throw new IllegalArgumentException("header " + name + " holds a CR, LF, NUL or non-Latin-1 character");
            }
        }
    }
}

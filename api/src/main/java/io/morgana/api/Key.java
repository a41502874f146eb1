package io.morgana.api;

import java.util.ArrayList;
import java.util.List;

/**
 * A hierarchical key in a key-value store: a path of segments such as {@code css/site.css}. The
 * root is the empty key. Segments are never empty, {@code "."} or {@code ".."}, and hold no
 * {@code '/'} or NUL, so a key can never escape the store it names (on a directory-backed store,
 * {@code ../etc/passwd} is not a key).
 */
public record Key(List<String> segments) {

    public static final Key ROOT = new Key(List.of());

    public Key {
        segments = List.copyOf(segments);
        for (String s : segments) checkSegment(s);
    }

    /** Parses {@code a/b/c}; leading, trailing and repeated slashes are ignored. */
    public static Key parse(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) if (!s.isEmpty()) out.add(s);
        return new Key(out);
    }

    public static Key of(String... segments) { return new Key(List.of(segments)); }

    private static void checkSegment(String s) {
        if (s.isEmpty() || s.equals(".") || s.equals("..") || s.indexOf('/') >= 0 || s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a key segment: '" + s + "'");
        }
    }

    public boolean isRoot() { return segments.isEmpty(); }

    /** The last segment, or {@code ""} for the root. */
    public String name() { return segments.isEmpty() ? "" : segments.getLast(); }

    public Key parent() {
        if (segments.isEmpty()) throw new IllegalStateException("the root has no parent");
        return new Key(segments.subList(0, segments.size() - 1));
    }

    public Key child(String segment) {
        List<String> s = new ArrayList<>(segments);
        s.add(segment);
        return new Key(s);
    }

    // equals and hashCode written out: a record's own go through the ObjectMethods bootstrap, whose method
    // handles are spun at a web site's first request (a few ms; the AOT cache cannot keep them).
    @Override public boolean equals(Object o) { return o instanceof Key k && segments.equals(k.segments); }

    @Override public int hashCode() { return segments.hashCode(); }

    @Override public String toString() { return String.join("/", segments); }
}

package io.morgana.kv;

import io.morgana.api.Key;
import io.morgana.api.KvException;
import io.morgana.api.KvRo;
import io.morgana.api.NoSuchKeyException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;

/**
 * The read side of the in-memory stores ({@link MemoryKv}, {@link PackedKv}): values in a sorted
 * map from {@code a/b/c} to bytes; a dictionary exists while some value lies below it. Subclasses
 * say how reads are guarded ({@link #beginRead}/{@link #endRead}).
 */
public abstract class TreeKv implements KvRo {

    /**
     * One stored value: read-only bytes, when it was set, and its digest once asked for. The bytes
     * are either given when it is made or read from a {@link Source} the first time they are asked
     * for, and then kept.
     */
    protected static final class Value {
        /** Where a value made before its bytes are read gets them. */
        @FunctionalInterface
        protected interface Source {
            ByteBuffer read() throws IOException;
        }

        private volatile ByteBuffer bytes;
        private Source source; // guarded by this; null once the bytes are read
        private final int size;
        final Instant modified;
        private volatile byte[] digest;

        protected Value(ByteBuffer bytes, Instant modified) {
            this.bytes = bytes.asReadOnlyBuffer();
            this.size = bytes.remaining();
            this.modified = modified;
        }

        /** A value of {@code size} bytes that {@code source} reads when they are first asked for. */
        protected Value(int size, Instant modified, Source source) {
            this.size = size;
            this.modified = modified;
            this.source = source;
        }

        int size() { return size; }

        /** The bytes (position 0, limit {@link #size}); to be duplicated before use. */
        ByteBuffer bytes(String key) throws KvException {
            ByteBuffer b = bytes;
            return b != null ? b : read(key);
        }

        private synchronized ByteBuffer read(String key) throws KvException {
            if (bytes != null) return bytes;
            ByteBuffer b;
            try {
                b = source.read();
            } catch (IOException | RuntimeException e) {
                throw new KvException("cannot read '" + key + "': " + e.getMessage(), e);
            }
            if (b.remaining() != size) {
                throw new KvException("cannot read '" + key + "': " + b.remaining() + " bytes where " + size + " were listed");
            }
            source = null;
            return bytes = b.asReadOnlyBuffer();
        }

        byte[] digest(String key) throws KvException {
            byte[] d = digest;
            if (d == null) digest = d = sha256(bytes(key).duplicate());
            return d.clone();
        }
    }

    protected final NavigableMap<String, Value> map;

    protected TreeKv(NavigableMap<String, Value> map) { this.map = map; }

    protected abstract void beginRead();

    protected abstract void endRead();

    static String path(Key key) { return key.toString(); }

    /** The sub-map of everything strictly below {@code dir} ('0' is the character after '/'). */
    protected static NavigableMap<String, Value> below(NavigableMap<String, Value> map, String dir) {
        return dir.isEmpty() ? map : map.subMap(dir + "/", true, dir + "0", false);
    }

    @Override public Optional<Kind> kind(Key key) {
        beginRead();
        try {
            return kindLocked(path(key));
        } finally {
            endRead();
        }
    }

    protected Optional<Kind> kindLocked(String p) {
        if (p.isEmpty()) return Optional.of(Kind.DICTIONARY);
        if (map.containsKey(p)) return Optional.of(Kind.VALUE);
        return below(map, p).isEmpty() ? Optional.empty() : Optional.of(Kind.DICTIONARY);
    }

    private Value value(Key key) throws NoSuchKeyException {
        Value v = map.get(path(key));
        if (v == null) throw new NoSuchKeyException(key);
        return v;
    }

    @Override public ByteBuffer get(Key key) throws KvException {
        beginRead();
        try {
            return value(key).bytes(path(key)).duplicate();
        } finally {
            endRead();
        }
    }

    @Override public ByteBuffer get(Key key, long offset, int length) throws KvException {
        beginRead();
        try {
            ByteBuffer b = value(key).bytes(path(key)).duplicate();
            if (offset < 0 || length < 0 || offset > b.limit()) {
                throw new KvException("offset " + offset + " is past the end of '" + key + "' (" + b.limit() + " bytes)");
            }
            int from = (int) offset;
            return b.slice(from, Math.min(length, b.limit() - from));
        } finally {
            endRead();
        }
    }

    @Override public List<Entry> list(Key dictionary) throws KvException {
        beginRead();
        try {
            String p = path(dictionary);
            if (!p.isEmpty() && kindLocked(p).orElse(null) != Kind.DICTIONARY) throw new NoSuchKeyException(dictionary);
            List<Entry> out = new ArrayList<>();
            int skip = p.isEmpty() ? 0 : p.length() + 1;
            String last = null;
            for (String k : below(map, p).keySet()) {
                int slash = k.indexOf('/', skip);
                String name = slash < 0 ? k.substring(skip) : k.substring(skip, slash);
                if (name.equals(last)) continue;
                last = name;
                out.add(new Entry(name, slash < 0 ? Kind.VALUE : Kind.DICTIONARY));
            }
            // Map order puts "a-b" before "a/..." children; names themselves must be sorted.
            out.sort(java.util.Comparator.comparing(Entry::name));
            return out;
        } finally {
            endRead();
        }
    }

    @Override public long size(Key key) throws KvException {
        beginRead();
        try {
            return value(key).size();
        } finally {
            endRead();
        }
    }

    @Override public Instant lastModified(Key key) throws KvException {
        beginRead();
        try {
            return value(key).modified;
        } finally {
            endRead();
        }
    }

    @Override public byte[] digest(Key key) throws KvException {
        Value v;
        beginRead();
        try {
            v = value(key);
        } finally {
            endRead();
        }
        return v.digest(path(key));
    }

    /** Number of values stored. */
    public int count() {
        beginRead();
        try {
            return map.size();
        } finally {
            endRead();
        }
    }

    /**
     * From this size on, a value's digest is the JDK's {@code MessageDigest}: C2 compiles it to the
     * CPU's SHA instructions (about 6 times as fast as {@link Sha256} where they exist), which
     * outweighs the provider framework's one-time start cost. Below it, {@link Sha256}.
     */
    static final int JDK_DIGEST_FROM = 1 << 20;

    /** SHA-256 of the remaining bytes of {@code b} (consumed). */
    public static byte[] sha256(ByteBuffer b) {
        if (b.remaining() < JDK_DIGEST_FROM) return Sha256.digest(b);
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(b);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}

package io.morgana.http;

import io.morgana.api.Key;
import io.morgana.api.KvException;
import io.morgana.api.KvRo;
import io.morgana.api.NoSuchKeyException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Test-only: a KvRo over a map of paths to bytes, values held in direct buffers like a mapped store. */
final class MapKv implements KvRo {
    private final Map<String, ByteBuffer> values = new TreeMap<>();
    private final Instant modified;

    MapKv(Map<String, byte[]> files, Instant modified) {
        files.forEach((k, v) -> values.put(k, ByteBuffer.allocateDirect(v.length).put(v).flip().asReadOnlyBuffer()));
        this.modified = modified;
    }

    @Override public Optional<Kind> kind(Key key) {
        String p = key.toString();
        if (values.containsKey(p)) return Optional.of(Kind.VALUE);
        String prefix = p.isEmpty() ? "" : p + "/";
        return values.keySet().stream().anyMatch(k -> k.startsWith(prefix)) ? Optional.of(Kind.DICTIONARY) : Optional.empty();
    }

    @Override public ByteBuffer get(Key key) throws KvException {
        ByteBuffer b = values.get(key.toString());
        if (b == null) throw new NoSuchKeyException(key);
        return b.duplicate();
    }

    @Override public ByteBuffer get(Key key, long offset, int length) throws KvException {
        ByteBuffer b = get(key);
        return b.slice((int) offset, (int) Math.min(length, b.limit() - offset));
    }

    @Override public List<Entry> list(Key dictionary) {
        return new ArrayList<>();
    }

    @Override public long size(Key key) throws KvException { return get(key).remaining(); }

    @Override public Instant lastModified(Key key) { return modified; }

    @Override public byte[] digest(Key key) throws KvException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(get(key));
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}

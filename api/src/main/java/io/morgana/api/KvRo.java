package io.morgana.api;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A read-only, hierarchical key-value store: the content of a web site, a zone directory. Keys
 * name either a value (bytes) or a dictionary (holding further keys), like files and directories.
 *
 * <p>Calls may block on I/O (a directory on the host) and are safe from any thread. Values are
 * returned as read-only buffers that may be shared or memory-mapped: callers must not assume a
 * fresh copy, and the store does not copy on every call when it can avoid it.
 */
public interface KvRo {

    /** What a key names. */
    enum Kind { VALUE, DICTIONARY }

    /** One entry of a dictionary listing. */
    record Entry(String name, Kind kind) {}

    /** What a key names, or empty if nothing. */
    Optional<Kind> kind(Key key) throws KvException;

    default boolean exists(Key key) throws KvException { return kind(key).isPresent(); }

    /** The whole value, read-only, positioned at 0. */
    ByteBuffer get(Key key) throws KvException;

    /**
     * {@code length} bytes of the value from {@code offset} (fewer at its end).
     *
     * @throws KvException if {@code offset} is past the end of the value
     */
    ByteBuffer get(Key key, long offset, int length) throws KvException;

    /** The entries of a dictionary, sorted by name. */
    List<Entry> list(Key dictionary) throws KvException;

    /** The value's size in bytes. */
    long size(Key key) throws KvException;

    /** When the value last changed (for {@code Last-Modified}); the epoch where unknown. */
    Instant lastModified(Key key) throws KvException;

    /**
     * A strong digest of the value (SHA-256 of its bytes), stable across restarts: it feeds ETags
     * and zone serial checks. Stores may compute it once and remember it.
     */
    byte[] digest(Key key) throws KvException;
}

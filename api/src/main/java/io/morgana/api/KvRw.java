package io.morgana.api;

import java.nio.ByteBuffer;

/**
 * A read-write key-value store. Setting a key creates the dictionaries above it. Changes are
 * atomic per call: a reader sees the old value or the new, never a mix.
 */
public interface KvRw extends KvRo {

    /** Sets {@code key} to the remaining bytes of {@code value} (copied). */
    void set(Key key, ByteBuffer value) throws KvException;

    /** Removes a value or a whole dictionary; removing a missing key is not an error. */
    void remove(Key key) throws KvException;

    /** Moves {@code from} to {@code to}, replacing {@code to} if it is a value. */
    void rename(Key from, Key to) throws KvException;
}

package io.morgana.api;

/** The key does not exist (or names a dictionary where a value was wanted, or the reverse). */
public class NoSuchKeyException extends KvException {
    private final transient Key key;

    public NoSuchKeyException(Key key) {
        super("no such key: '" + key + "'");
        this.key = key;
    }

    public Key key() { return key; }
}

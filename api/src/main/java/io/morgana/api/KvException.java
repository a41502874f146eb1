package io.morgana.api;

import java.io.IOException;

/** A key-value store could not do what was asked; the message names the key and the cause. */
public class KvException extends IOException {
    public KvException(String message) { super(message); }
    public KvException(String message, Throwable cause) { super(message, cause); }
}

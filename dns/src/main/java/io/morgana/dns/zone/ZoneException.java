package io.morgana.dns.zone;

/** A zone that cannot be loaded; the message names the file, the line and what to fix. */
public final class ZoneException extends Exception {
    public ZoneException(String message) {
        super(message);
    }
}

package io.morgana.dns.wire;

/**
 * A message or record that does not follow the wire format. The message says what is wrong; the
 * server answers FORMERR (or drops) and counts it. Carries no stack trace: hostile input is
 * routine and must be cheap to reject.
 */
public final class WireException extends RuntimeException {
    public WireException(String reason) {
        super(reason, null, false, false);
    }
}

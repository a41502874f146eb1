package io.morgana.http;

import java.io.IOException;

/**
 * A request cannot be served as sent: carries the status to answer with and whether the
 * connection must close afterwards (RFC 9112 requires it where the framing is in doubt). Thrown
 * by the parser and by request body streams; an {@link IOException} so that it passes through
 * {@link java.io.InputStream#read}.
 */
public final class HttpException extends IOException {
    private final int status;
    private final boolean close;

    public HttpException(int status, String reason, boolean close) {
        super(reason);
        this.status = status;
        this.close = close;
    }

    public int status() { return status; }

    /** Whether the connection must be closed after the error response. */
    public boolean mustClose() { return close; }
}

package io.morgana.http;

import java.time.Duration;

/**
 * The bounds a server holds every client to. Exceeding one is answered with its status (RFC 9110
 * §15.5) and, where the request's framing can no longer be trusted, by closing the connection.
 *
 * @param maxRequestLine bytes in the request line (414 beyond)
 * @param maxHeadBytes   bytes in the whole head: request line and fields (431 beyond)
 * @param maxHeaders     number of header fields (431 beyond)
 * @param maxBody        bytes of request content, decoded (413 beyond)
 * @param idleTimeout    how long a connection may sit between requests before it is closed
 * @param headerTimeout  how long a request head may take to arrive once it began (408 after)
 * @param bodyTimeout    how long a request body may take to arrive once it began (408 after)
 * @param maxConnections connections served at once; more are answered 503 and closed
 */
public record HttpLimits(int maxRequestLine, int maxHeadBytes, int maxHeaders, long maxBody, Duration idleTimeout,
        Duration headerTimeout, Duration bodyTimeout, int maxConnections) {

    public static final HttpLimits DEFAULT = new HttpLimits(8192, 16384, 100, 1 << 20, Duration.ofSeconds(30),
            Duration.ofSeconds(10), Duration.ofSeconds(30), 10_000);

    public HttpLimits {
        if (maxRequestLine < 64 || maxHeadBytes < maxRequestLine || maxHeaders < 1 || maxBody < 0 || maxConnections < 1) {
            throw new IllegalArgumentException("limits out of range: " + maxRequestLine + "/" + maxHeadBytes + "/" + maxHeaders
                    + "/" + maxBody + "/" + maxConnections);
        }
    }

    public HttpLimits withMaxBody(long n) {
        return new HttpLimits(maxRequestLine, maxHeadBytes, maxHeaders, n, idleTimeout, headerTimeout, bodyTimeout, maxConnections);
    }

    public HttpLimits withTimeouts(Duration idle, Duration header, Duration body) {
        return new HttpLimits(maxRequestLine, maxHeadBytes, maxHeaders, maxBody, idle, header, body, maxConnections);
    }

    public HttpLimits withMaxConnections(int n) {
        return new HttpLimits(maxRequestLine, maxHeadBytes, maxHeaders, maxBody, idleTimeout, headerTimeout, bodyTimeout, n);
    }
}

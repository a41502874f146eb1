package io.morgana.http;

import io.morgana.api.Endpoint;
import java.io.IOException;
import java.io.InputStream;

/**
 * One request as a handler sees it. The body is a stream read from the connection on demand
 * (sending {@code 100 Continue} first when the client asked for it); reading past the server's
 * body limit throws an {@link HttpException} 413.
 */
public final class HttpRequest {
    private final String method;
    private final String target;
    private final String path;
    private final String query;
    private final int minor;
    private final Headers headers;
    private final Endpoint remote;
    private final InputStream body;

    HttpRequest(RequestHead head, String path, String query, Endpoint remote, InputStream body) {
        this.method = head.method();
        this.target = head.target();
        this.minor = head.minor();
        this.headers = head.headers();
        this.path = path;
        this.query = query;
        this.remote = remote;
        this.body = body;
    }

    /** A request built by hand (tests, or a router handing a rewritten request on). */
    public static HttpRequest of(String method, String target, Headers headers, InputStream body) {
        int q = target.indexOf('?');
        return new HttpRequest(new RequestHead(method, target, 1, headers), q < 0 ? target : target.substring(0, q),
                q < 0 ? null : target.substring(q + 1), null, body);
    }

    public String method() { return method; }

    /** The request-target as sent, e.g. {@code /a/b?x=1}. */
    public String target() { return target; }

    /** The path of the target, still percent-encoded, e.g. {@code /a/b}. */
    public String path() { return path; }

    /** The query without {@code ?}, still percent-encoded, or null. */
    public String query() { return query; }

    /** {@code HTTP/1.1} or {@code HTTP/1.0}. */
    public String version() { return minor == 0 ? "HTTP/1.0" : "HTTP/1.1"; }

    int minor() { return minor; }

    public Headers headers() { return headers; }

    /** The first value of a header field, or null. */
    public String header(String name) { return headers.get(name); }

    /** The client's address, or null for a request built by hand. */
    public Endpoint remote() { return remote; }

    public boolean isHead() { return method.equals("HEAD"); }

    /** The request content, decoded from chunked framing if it was sent so. */
    public InputStream body() { return body; }

    /** The whole request content (bounded by the server's body limit). */
    public byte[] bodyBytes() throws IOException { return body.readAllBytes(); }

    @Override public String toString() { return method + " " + target + " " + version(); }
}

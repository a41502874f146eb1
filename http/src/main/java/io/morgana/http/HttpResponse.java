package io.morgana.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A response a handler returns: a status, header fields and a body, either fixed (buffers sent
 * as they are, never copied per request when large: a key-value store's shared or mapped buffer
 * goes straight to the flow) or streamed by a {@link BodyWriter} (sent chunked to HTTP/1.1
 * clients). The server adds {@code Date}, {@code Server}, {@code Content-Length} or
 * {@code Transfer-Encoding}, and {@code Connection}; for HEAD it sends the head alone.
 */
public final class HttpResponse {

    /** Writes a streamed body. */
    @FunctionalInterface
    public interface BodyWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    private static final ByteBuffer[] NONE = {};

    private final int status;
    private Headers headers;
    /** Header fields already serialized, Content-Length included (a cached static file's), or null. */
    private byte[] fields;
    /** The same fields but Content-Length, never changed: copied into {@link #headers} on first look. */
    private Headers template;
    private final ByteBuffer[] body;
    private final long length;
    private final BodyWriter writer;

    private HttpResponse(int status, ByteBuffer[] body, BodyWriter writer) {
        if (status < 200 || status > 999) throw new IllegalArgumentException("final status must be 200..999, not " + status);
        this.status = status;
        this.body = body;
        this.writer = writer;
        long n = 0;
        for (ByteBuffer b : body) n += b.remaining();
        this.length = writer == null ? n : -1;
    }

    /** A response with no body. */
    public static HttpResponse status(int status) { return new HttpResponse(status, NONE, null); }

    /** A body of the given buffers' remaining bytes (not copied, positions untouched). */
    public static HttpResponse of(int status, String contentType, ByteBuffer... parts) {
        HttpResponse r = new HttpResponse(status, parts.clone(), null);
        if (contentType != null) r.header("Content-Type", contentType);
        return r;
    }

    public static HttpResponse ok(String contentType, ByteBuffer body) { return of(200, contentType, body); }

    public static HttpResponse text(int status, String text) {
        return of(status, "text/plain; charset=utf-8", ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    public static HttpResponse html(int status, String html) {
        return of(status, "text/html; charset=utf-8", ByteBuffer.wrap(html.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * A fixed body whose header fields (each ending in CRLF, {@code Content-Length} among them)
     * are already serialized: a cached static file's response, built with no formatting.
     */
    static HttpResponse prepared(int status, byte[] fields, Headers template, ByteBuffer body) {
        HttpResponse r = new HttpResponse(status, new ByteBuffer[] {body}, null);
        r.fields = fields;
        r.template = template;
        return r;
    }

    /** A body of unknown length written as it is produced. */
    public static HttpResponse streaming(int status, String contentType, BodyWriter writer) {
        HttpResponse r = new HttpResponse(status, NONE, writer);
        if (contentType != null) r.header("Content-Type", contentType);
        return r;
    }

    /** A plain error page for {@code status}. */
    public static HttpResponse error(int status) {
        return text(status, status + " " + HttpStatus.reason(status) + "\n");
    }

    /**
     * Adds a header field (checked against CR/LF injection). Returns this. Framing fields
     * ({@code Content-Length}, {@code Transfer-Encoding}, {@code Connection}) are the server's and
     * are not sent.
     */
    public HttpResponse header(String name, String value) {
        headers().add(name, value);
        return this;
    }

    public int status() { return status; }

    public Headers headers() {
        if (headers == null) {
            // A prepared response looked at or changed: from now on its fields are written from here.
            headers = template != null ? template.copy() : new Headers();
            template = null;
            fields = null;
        }
        return headers;
    }

    /** The added fields, or null if there are none (no allocation on the hot path). */
    Headers headersOrNull() { return headers; }

    /** Serialized fields including Content-Length, or null. */
    byte[] preparedFields() { return fields; }

    /** Length of a fixed body, or -1 for a streamed one. */
    public long contentLength() { return length; }

    ByteBuffer[] body() { return body; }

    BodyWriter writer() { return writer; }

    /** The fixed body's bytes, copied (tests, small bodies). */
    public byte[] bodyBytes() {
        byte[] out = new byte[(int) Math.max(0, length)];
        int p = 0;
        for (ByteBuffer b : body) {
            int n = b.remaining();
            b.get(b.position(), out, p, n);
            p += n;
        }
        return out;
    }
}

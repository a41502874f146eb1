package io.morgana.http;

import io.morgana.api.Flow;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A small HTTP/1.1 client over one {@link Flow}: requests are sent one after another on the same
 * connection (keep-alive) until the server closes it. Responses are read whole, up to a bound.
 * Not thread-safe: one request at a time.
 *
 * <pre>{@code
 * try (HttpClient c = new HttpClient(stack.tcp().connect(server, timeout), "example.org")) {
 *     HttpClient.Response r = c.get("/index.html");
 * }
 * }</pre>
 */
public final class HttpClient implements Closeable {

    /** A response read whole. */
    public record Response(int status, String reason, Headers headers, byte[] body) {
        public String header(String name) { return headers.get(name); }
        public String bodyText() { return new String(body, StandardCharsets.UTF_8); }
    }

    private final Flow flow;
    private final String host;
    private final long maxBody;
    private final HeadScanner scanner = new HeadScanner(8192, 65536, 200);
    private byte[] in = new byte[16384];
    private int start;
    private int end;
    private boolean open = true;

    /** A client for {@code host} (the {@code Host} field) over {@code flow}, bodies up to 64 MiB. */
    public HttpClient(Flow flow, String host) { this(flow, host, 64L << 20, Duration.ofSeconds(30)); }

    public HttpClient(Flow flow, String host, long maxBody, Duration readTimeout) {
        this.flow = flow;
        this.host = host;
        this.maxBody = maxBody;
        flow.readTimeout(readTimeout);
    }

    public Response get(String target) throws IOException { return send("GET", target, new Headers(), null); }

    public Response head(String target) throws IOException { return send("HEAD", target, new Headers(), null); }

    /**
     * Sends a request and reads its response. {@code body} (may be null) is sent with
     * {@code Content-Length}; {@code headers} may not set Host or framing fields.
     *
     * @throws ProtocolException if the response is malformed or too large
     * @throws IOException if the connection fails or the server closed it
     */
    public Response send(String method, String target, Headers headers, byte[] body) throws IOException {
        if (!open) throw new IOException("the server closed this connection; open a new one");
        for (int i = 0; i < method.length(); i++) {
            if (method.charAt(i) > 127 || !Syntax.isTokenChar((byte) method.charAt(i))) throw new IllegalArgumentException("bad method " + method);
        }
        for (int i = 0; i < target.length(); i++) {
            if (target.charAt(i) > 127 || !Syntax.isTargetChar((byte) target.charAt(i))) {
                throw new IllegalArgumentException("request target must be percent-encoded ASCII without spaces: " + target);
            }
        }
        StringBuilder sb = new StringBuilder(256);
        sb.append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: ").append(host).append("\r\n");
        headers.forEach((n, v) -> sb.append(n).append(": ").append(v).append("\r\n"));
        if (body != null) sb.append("Content-Length: ").append(body.length).append("\r\n");
        sb.append("\r\n");
        flow.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null && body.length > 0) flow.write(body);
        Response r;
        do {
            r = readResponse(method.equals("HEAD"));
        } while (r.status() >= 100 && r.status() < 200);
        if (r.headers().hasToken("Connection", "close")) open = false;
        return r;
    }

    private Response readResponse(boolean head) throws IOException {
        scanner.reset();
        int len;
        try {
            while ((len = scanner.scan(in, start, end)) < 0) {
                if (fill() < 0) throw new ProtocolException("connection closed before a complete response head");
            }
        } catch (HttpException e) {
            throw new ProtocolException("malformed response head: " + e.getMessage());
        }
        int p = start;
        int eol;
        Headers headers = new Headers();
        try {
            eol = RequestHead.lineEnd(in, p, start + len - 2);
            RequestHead.fields(in, eol + 2, start + len - 2, headers);
        } catch (HttpException e) {
            throw new ProtocolException("malformed response head: " + e.getMessage());
        }
        String statusLine = new String(in, p, eol - p, StandardCharsets.ISO_8859_1);
        start += len;
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
            throw new ProtocolException("malformed status line: " + statusLine);
        }
        int status;
        try {
            status = Integer.parseInt(statusLine.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new ProtocolException("malformed status line: " + statusLine);
        }
        String reason = statusLine.length() > 13 ? statusLine.substring(13) : "";
        byte[] body;
        if (head || status < 200 || status == 204 || status == 304) {
            body = new byte[0];
        } else if (headers.contains("Transfer-Encoding")) {
            if (!headers.hasToken("Transfer-Encoding", "chunked")) throw new ProtocolException("unsupported transfer coding");
            body = chunked();
        } else if (headers.contains("Content-Length")) {
            long n;
            try {
                n = Long.parseLong(headers.get("Content-Length").trim());
            } catch (NumberFormatException e) {
                throw new ProtocolException("invalid Content-Length " + headers.get("Content-Length"));
            }
            if (n < 0 || n > maxBody) throw new ProtocolException("response of " + n + " bytes exceeds " + maxBody);
            body = take((int) n);
        } else {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                out.write(in, start, end - start);
                start = end = 0;
                if (out.size() > maxBody) throw new ProtocolException("response exceeds " + maxBody + " bytes");
                if (fill() < 0) break;
            }
            open = false;
            body = out.toByteArray();
        }
        return new Response(status, reason, headers, body);
    }

    private byte[] take(int n) throws IOException {
        byte[] out = new byte[n];
        int got = 0;
        while (got < n) {
            if (start == end && fill() < 0) throw new ProtocolException("connection closed " + (n - got) + " bytes before the end of the body");
            int k = Math.min(n - got, end - start);
            System.arraycopy(in, start, out, got, k);
            start += k;
            got += k;
        }
        return out;
    }

    private byte[] chunked() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String line = line();
            int semi = line.indexOf(';');
            String hex = (semi < 0 ? line : line.substring(0, semi)).trim();
            long size;
            try {
                size = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new ProtocolException("invalid chunk size '" + hex + "'");
            }
            if (size < 0 || out.size() + size > maxBody) throw new ProtocolException("chunked body exceeds " + maxBody);
            if (size == 0) break;
            out.write(take((int) size));
            if (!line().isEmpty()) throw new ProtocolException("chunk not followed by CRLF");
        }
        while (!line().isEmpty()) {
            // trailer fields: ignored
        }
        return out.toByteArray();
    }

    private String line() throws IOException {
        int scanned = 0;
        while (true) {
            for (int i = start + scanned; i < end; i++) {
                if (in[i] == '\n') {
                    if (i == start || in[i - 1] != '\r') throw new ProtocolException("bare LF in chunked body");
                    String s = new String(in, start, i - 1 - start, StandardCharsets.ISO_8859_1);
                    start = i + 1;
                    return s;
                }
            }
            scanned = end - start;
            if (scanned > 4096) throw new ProtocolException("chunk line too long");
            if (fill() < 0) throw new ProtocolException("connection closed in a chunked body");
        }
    }

    private int fill() throws IOException {
        if (end == in.length) {
            if (start > 0) {
                System.arraycopy(in, start, in, 0, end - start);
                end -= start;
                start = 0;
            } else {
                in = java.util.Arrays.copyOf(in, in.length * 2);
            }
        }
        int n = flow.read(ByteBuffer.wrap(in, end, in.length - end));
        if (n > 0) end += n;
        return n;
    }

    @Override public void close() throws IOException {
        open = false;
        flow.close();
    }
}

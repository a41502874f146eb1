package io.morgana.http;

import io.morgana.api.Clock;
import io.morgana.api.Flow;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One server connection: reads requests from a reused buffer, hands them to the handler and
 * writes the responses, until the client leaves, asks to close, stalls past a timeout or sends
 * something that forces a close (RFC 9112 §9.6, §11).
 */
final class HttpConnection {
    private static final int INITIAL_IN = 4096;
    private static final int OUT_SIZE = 16384;
    /** Fixed bodies up to this size are copied behind the head so a small response is one write. */
    private static final int COPY_LIMIT = 8192;
    /** Unread request content we read and discard to keep a connection; more and we close. */
    private static final int DRAIN_LIMIT = 65536;
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** How long a closing connection reads and discards what the client still sends. */
    static final Duration LINGER = Duration.ofSeconds(1);
    private static final ConcurrentHashMap<Integer, byte[]> STATUS_LINES = new ConcurrentHashMap<>();

    private final HttpServer server;
    private final Flow flow;
    private final HttpLimits limits;
    private final Clock clock;
    private final HeadScanner scanner;
    private final byte[] serverLine;
    private final ReadDeadlines.Reader reader;

    private byte[] in = new byte[INITIAL_IN];
    private ByteBuffer inView = ByteBuffer.wrap(in);
    private int start;
    private int end;
    private byte[] out = new byte[OUT_SIZE];
    private ByteBuffer outView = ByteBuffer.wrap(out);
    private int outLen;
    private long bytesSent;

    HttpConnection(HttpServer server, Flow flow) {
        this.server = server;
        this.flow = flow;
        this.limits = server.limits();
        this.clock = server.clock();
        this.scanner = new HeadScanner(limits.maxRequestLine(), limits.maxHeadBytes(), limits.maxHeaders());
        this.serverLine = server.serverLine();
        this.reader = server.deadlines().register(flow);
    }

    void run() throws IOException {
        try {
            while (serveOne()) {
                // next request on the same connection
            }
            flush();
        } finally {
            reader.close();
        }
    }

    /** Serves one request; returns whether the connection stays open for another. */
    private boolean serveOne() throws IOException {
        scanner.reset();
        long headDeadline = start < end ? clock.nanoTime() + limits.headerTimeout().toNanos() : 0;
        int headLen;
        try {
            while ((headLen = scanner.scan(in, start, end)) < 0) {
                flush();
                if (headDeadline == 0) { // idle between requests: wait for the first byte
                    int n;
                    try {
                        n = fill(clock.nanoTime() + limits.idleTimeout().toNanos());
                    } catch (SocketTimeoutException e) {
                        server.count("http.conn.idle-timeout");
                        return false;
                    }
                    if (n < 0) return false;
                    headDeadline = clock.nanoTime() + limits.headerTimeout().toNanos();
                } else {
                    int n;
                    try {
                        n = fill(headDeadline);
                    } catch (SocketTimeoutException e) {
                        reject(new HttpException(408, "request head not complete within " + limits.headerTimeout(), true), null);
                        return false;
                    }
                    if (n < 0) {
                        server.count("http.rx.truncated-head");
                        return false;
                    }
                }
            }
        } catch (HttpException e) {
            reject(e, null);
            return false;
        }

        long began = clock.nanoTime();
        RequestHead head;
        try {
            head = RequestHead.parse(in, start, headLen);
        } catch (HttpException e) {
            reject(e, null);
            return false;
        }
        start += headLen;
        Headers h = head.headers();

        String path;
        String query;
        long contentLength;
        boolean chunked;
        boolean expectContinue;
        try {
            String target = head.target();
            int q = target.indexOf('?');
            String noQuery = q < 0 ? target : target.substring(0, q);
            query = q < 0 ? null : target.substring(q + 1);
            path = pathOf(head.method(), noQuery);
            checkHost(head);
            chunked = false;
            contentLength = 0;
            if (h.contains("Transfer-Encoding")) {
                chunked = chunkedFraming(head);
            } else if (h.contains("Content-Length")) {
                contentLength = contentLength(h);
                if (contentLength > limits.maxBody()) {
                    throw new HttpException(413, "content of " + contentLength + " bytes exceeds " + limits.maxBody(), true);
                }
            }
            expectContinue = false;
            if (h.contains("Expect")) {
                if (h.count("Expect") != 1 || !h.get("Expect").equalsIgnoreCase("100-continue")) {
                    throw new HttpException(417, "unsupported expectation " + h.get("Expect"), true);
                }
                expectContinue = head.minor() >= 1 && (chunked || contentLength > 0);
            }
        } catch (HttpException e) {
            reject(e, head);
            return false;
        }

        boolean close = head.minor() >= 1 ? h.hasToken("Connection", "close") : !h.hasToken("Connection", "keep-alive");
        BodyStream body = new BodyStream(chunked, contentLength, expectContinue);
        HttpRequest request = new HttpRequest(head, path, query, flow.remoteAddress(), body);
        HttpResponse response;
        try {
            response = server.handler().handle(request);
            if (response == null) throw new IllegalStateException("handler returned no response for " + head.target());
        } catch (HttpException e) {
            server.count("http.rx.reject." + e.status());
            HttpServer.LOG.log(System.Logger.Level.DEBUG, () -> flow.remoteAddress() + ": " + e.getMessage());
            response = HttpResponse.error(e.status());
            close = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response = HttpResponse.error(503);
            close = true;
        } catch (Exception e) {
            server.count("http.handler.error");
            HttpServer.LOG.log(System.Logger.Level.WARNING, "handler failed on " + head.method() + " " + head.target() + ": " + e, e);
            response = HttpResponse.error(500);
            close = true;
        }
        if (!close && !body.done) {
            // The handler left content unread: discard a little to keep the connection, else close.
            // A client waiting for 100 Continue that we never sent may or may not send it: close.
            // Content that turns out malformed (a bad chunk) is answered as such.
            try {
                close = (body.expectContinue && !body.continueSent) || !body.drain();
            } catch (HttpException e) {
                server.count("http.rx.reject." + e.status());
                HttpServer.LOG.log(System.Logger.Level.DEBUG, () -> flow.remoteAddress() + ": " + e.getMessage());
                response = HttpResponse.error(e.status());
                close = true;
            }
        }
        writeResponse(head, response, close);
        server.countRequest();
        accessLog(head, response.status(), began);
        if (close) {
            lingeringClose();
            return false;
        }
        return true;
    }

    // ---- request semantics ---------------------------------------------------------------------

    /** The path of the request-target (RFC 9112 §3.2): origin-form, absolute-form, or * for OPTIONS. */
    private static String pathOf(String method, String target) throws HttpException {
        if (target.startsWith("/")) return target;
        if (target.equals("*") && method.equals("OPTIONS")) return "*";
        if (method.equals("CONNECT")) throw new HttpException(501, "CONNECT is not supported", true);
        int scheme = target.indexOf("://");
        if (scheme > 0 && (target.regionMatches(true, 0, "http", 0, scheme) || target.regionMatches(true, 0, "https", 0, scheme))) {
            int slash = target.indexOf('/', scheme + 3);
            return slash < 0 ? "/" : target.substring(slash);
        }
        throw new HttpException(400, "request-target is not a path or an absolute URI", true);
    }

    private static void checkHost(RequestHead head) throws HttpException {
        Headers h = head.headers();
        int n = h.count("Host");
        if (n > 1 || (n == 0 && head.minor() >= 1)) throw new HttpException(400, n == 0 ? "no Host field" : "more than one Host field", true);
        if (n == 1) {
            String host = h.get("Host");
            for (int i = 0; i < host.length(); i++) {
                char c = host.charAt(i);
                if (c <= ' ' || c == ',' || c == '/' || c == '\\' || c == '@' || c > 126) {
                    throw new HttpException(400, "invalid Host field", true);
                }
            }
        }
    }

    /** Transfer-Encoding (RFC 9112 §6.1, §6.3): only a final chunked is accepted. */
    private static boolean chunkedFraming(RequestHead head) throws HttpException {
        Headers h = head.headers();
        if (head.minor() == 0) throw new HttpException(400, "Transfer-Encoding in an HTTP/1.0 request", true);
        if (h.contains("Content-Length")) throw new HttpException(400, "both Transfer-Encoding and Content-Length", true);
        java.util.List<String> codings = new java.util.ArrayList<>();
        for (String line : h.all("Transfer-Encoding")) {
            for (String c : line.split(",", -1)) codings.add(c.trim());
        }
        if (!codings.getLast().equalsIgnoreCase("chunked")) throw new HttpException(400, "chunked is not the final transfer coding", true);
        if (codings.size() > 1) throw new HttpException(501, "transfer coding " + codings.getFirst() + " is not supported", true);
        return true;
    }

    /** Content-Length (RFC 9112 §6.3): digits; repeated values must agree. */
    private static long contentLength(Headers h) throws HttpException {
        long value = -1;
        for (String line : h.all("Content-Length")) {
            for (String v : line.split(",", -1)) {
                v = v.trim();
                if (v.isEmpty() || v.length() > 18) throw new HttpException(400, "invalid Content-Length", true);
                long n = 0;
                for (int i = 0; i < v.length(); i++) {
                    char c = v.charAt(i);
                    if (c < '0' || c > '9') throw new HttpException(400, "invalid Content-Length", true);
                    n = n * 10 + (c - '0');
                }
                if (value >= 0 && n != value) throw new HttpException(400, "conflicting Content-Length values", true);
                value = n;
            }
        }
        return value;
    }

    // ---- reading -------------------------------------------------------------------------------

    /** Reads more bytes into the buffer, waiting until {@code deadline}; returns the count or -1 at end of stream. */
    private int fill(long deadline) throws IOException {
        if (end == in.length) makeRoom();
        inView.limit(in.length).position(end);
        int n = reader.read(inView, deadline);
        if (n > 0) end += n;
        return n;
    }

    private void makeRoom() throws HttpException {
        if (start > 0) {
            System.arraycopy(in, start, in, 0, end - start);
            end -= start;
            start = 0;
            return;
        }
        int cap = Math.max(limits.maxHeadBytes() + 2, INITIAL_IN);
        if (in.length >= cap) throw new HttpException(431, "message head larger than " + limits.maxHeadBytes(), true);
        byte[] bigger = new byte[Math.min(in.length * 2, cap)];
        System.arraycopy(in, 0, bigger, 0, end);
        in = bigger;
        inView = ByteBuffer.wrap(in);
    }

    /** The request content: fixed-length or chunked (RFC 9112 §7.1), read from the connection buffer. */
    private final class BodyStream extends InputStream {
        private static final int SIZE = 0, DATA = 1, DATA_END = 2, TRAILERS = 3;
        final boolean chunked;
        final boolean expectContinue;
        boolean continueSent;
        boolean done;
        long remaining;
        long total;
        int state = SIZE;
        long deadline;

        BodyStream(boolean chunked, long length, boolean expectContinue) {
            this.chunked = chunked;
            this.remaining = length;
            this.expectContinue = expectContinue;
            this.done = !chunked && length == 0;
        }

        @Override public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (done) return -1;
            if (len == 0) return 0;
            begin();
            if (!chunked) {
                if (start == end) need();
                int n = (int) Math.min(Math.min(len, end - start), remaining);
                System.arraycopy(in, start, b, off, n);
                start += n;
                remaining -= n;
                if (remaining == 0) done = true;
                return n;
            }
            while (true) {
                switch (state) {
                    case SIZE -> chunkSize();
                    case DATA -> {
                        if (start == end) need();
                        int n = (int) Math.min(Math.min(len, end - start), remaining);
                        System.arraycopy(in, start, b, off, n);
                        start += n;
                        remaining -= n;
                        if (remaining == 0) state = DATA_END;
                        return n;
                    }
                    case DATA_END -> {
                        while (end - start < 2) need();
                        if (in[start] != '\r' || in[start + 1] != '\n') throw bad("chunk data not followed by CRLF");
                        start += 2;
                        state = SIZE;
                    }
                    default -> {
                        trailers();
                        done = true;
                        return -1;
                    }
                }
            }
        }

        @Override public int available() { return done ? 0 : (int) Math.min(end - start, chunked ? 0 : remaining); }

        private void begin() throws IOException {
            if (deadline != 0) return;
            deadline = clock.nanoTime() + limits.bodyTimeout().toNanos();
            if (expectContinue && !continueSent) {
                continueSent = true;
                flush();
                flow.write(ByteBuffer.wrap(CONTINUE));
            }
        }

        private void need() throws IOException {
            if (start == end) start = end = 0;
            int n;
            try {
                n = fill(deadline);
            } catch (SocketTimeoutException e) {
                throw new HttpException(408, "request content not complete within " + limits.bodyTimeout(), true);
            }
            if (n < 0) throw new HttpException(400, "connection closed in the middle of the request content", true);
        }

        /** The index of the LF ending the line at {@code start}, reading more as needed. */
        private int line(int max, String what) throws IOException {
            int scanned = 0;
            while (true) {
                for (int i = start + scanned; i < end; i++) {
                    if (in[i] == '\n') {
                        if (i == start || in[i - 1] != '\r') throw bad("bare LF in " + what);
                        return i;
                    }
                }
                scanned = end - start;
                if (scanned > max) throw bad(what + " longer than " + max + " bytes");
                need();
            }
        }

        private void chunkSize() throws IOException {
            int lf = line(1024, "chunk size line");
            int eol = lf - 1;
            int p = start;
            long size = 0;
            while (p < eol && hex(in[p]) >= 0) {
                if (p - start >= 15) throw bad("chunk size too large");
                size = size << 4 | hex(in[p]);
                p++;
            }
            if (p == start) throw bad("invalid chunk size");
            while (p < eol && Syntax.isOws(in[p])) p++;
            if (p < eol && in[p] != ';') throw bad("invalid chunk size");
            for (; p < eol; p++) if (!Syntax.isFieldValueChar(in[p])) throw bad("control character in chunk extension");
            start = lf + 1;
            total += size;
            if (total > limits.maxBody()) throw new HttpException(413, "chunked content exceeds " + limits.maxBody() + " bytes", true);
            if (size == 0) {
                state = TRAILERS;
            } else {
                remaining = size;
                state = DATA;
            }
        }

        private void trailers() throws IOException {
            int budget = 8192;
            while (true) {
                int lf = line(budget, "trailer section");
                int len = lf + 1 - start;
                for (int i = start; i < lf - 1; i++) if (!Syntax.isFieldValueChar(in[i])) throw bad("control character in trailer");
                budget -= len;
                start = lf + 1;
                if (len == 2) return;
                if (budget < 0) throw new HttpException(431, "trailer section too large", true);
            }
        }

        /**
         * Reads and discards what is left, up to a bound; returns whether it all went.
         *
         * @throws HttpException if the content is malformed or stalls
         */
        boolean drain() throws HttpException {
            byte[] scratch = new byte[4096];
            long discarded = 0;
            try {
                int n;
                while ((n = read(scratch, 0, scratch.length)) >= 0) {
                    discarded += n;
                    if (discarded > DRAIN_LIMIT) return false;
                }
                return true;
            } catch (HttpException e) {
                throw e;
            } catch (IOException e) {
                return false;
            }
        }
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    private static HttpException bad(String why) { return new HttpException(400, why, true); }

    // ---- writing -------------------------------------------------------------------------------

    private void writeResponse(RequestHead head, HttpResponse r, boolean close) throws IOException {
        int status = r.status();
        boolean noBody = status == 204 || status == 304 || status < 200;
        boolean headOnly = noBody || head.method().equals("HEAD");
        HttpResponse.BodyWriter writer = r.writer();
        boolean chunked = writer != null && head.minor() >= 1;
        if (writer != null && !chunked && !headOnly) close = true; // HTTP/1.0: the end of the body is the close

        putStatusLine(status);
        put(server.dateLine());
        if (serverLine != null) put(serverLine);
        byte[] prepared = r.preparedFields();
        if (prepared != null) put(prepared);
        Headers h = r.headersOrNull();
        for (int i = 0, n = h == null ? 0 : h.size(); i < n; i++) {
            if (ownedByServer(h.name(i))) continue;
            putAscii(h.name(i));
            putByte(':');
            putByte(' ');
            putAscii(h.value(i));
            putByte('\r');
            putByte('\n');
        }
        if (!noBody) {
            if (prepared != null) {
                // Content-Length is among the prepared fields
            } else if (writer == null) {
                putAscii("Content-Length: ");
                putAscii(Long.toString(r.contentLength()));
                putByte('\r');
                putByte('\n');
            } else if (chunked) {
                putAscii("Transfer-Encoding: chunked\r\n");
            }
        }
        if (close) putAscii("Connection: close\r\n");
        else if (head.minor() == 0) putAscii("Connection: keep-alive\r\n");
        putByte('\r');
        putByte('\n');
        if (headOnly) return;

        if (writer != null) {
            try (OutputStream os = new BufferedOutputStream(new BodyOut(chunked), 8192)) {
                writer.writeTo(os);
            }
            return;
        }
        ByteBuffer[] body = r.body();
        long length = r.contentLength();
        if (length <= COPY_LIMIT && length <= out.length - outLen) {
            for (ByteBuffer b : body) {
                int n = b.remaining();
                b.get(b.position(), out, outLen, n);
                outLen += n;
            }
            bytesSent += length;
        } else {
            flush();
            for (ByteBuffer b : body) {
                flow.write(b.duplicate());
            }
            bytesSent += length;
        }
    }

    /** Framing fields are the server's to write: a handler's would contradict them (and smuggle). */
    private static boolean ownedByServer(String name) {
        return name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")
                || name.equalsIgnoreCase("Connection");
    }

    /** A streamed body: each write becomes one chunk (or raw bytes for HTTP/1.0). */
    private final class BodyOut extends OutputStream {
        private final boolean chunked;

        BodyOut(boolean chunked) { this.chunked = chunked; }

        @Override public void write(int b) throws IOException { write(new byte[] {(byte) b}, 0, 1); }

        @Override public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) return;
            if (chunked) {
                putAscii(Integer.toHexString(len));
                putByte('\r');
                putByte('\n');
            }
            if (len <= out.length - outLen) {
                System.arraycopy(b, off, out, outLen, len);
                outLen += len;
            } else {
                flush();
                flow.write(ByteBuffer.wrap(b, off, len));
            }
            bytesSent += len;
            if (chunked) {
                putByte('\r');
                putByte('\n');
            }
        }

        @Override public void close() throws IOException {
            if (chunked) putAscii("0\r\n\r\n");
        }
    }

    private void putStatusLine(int status) throws IOException {
        put(STATUS_LINES.computeIfAbsent(status,
                s -> ("HTTP/1.1 " + s + " " + HttpStatus.reason(s) + "\r\n").getBytes(StandardCharsets.US_ASCII)));
    }

    private void put(byte[] b) throws IOException {
        ensure(b.length);
        System.arraycopy(b, 0, out, outLen, b.length);
        outLen += b.length;
    }

    private void putAscii(String s) throws IOException {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) out[outLen + i] = (byte) s.charAt(i); // Latin-1: values were checked
        outLen += n;
    }

    private void putByte(int c) throws IOException {
        ensure(1);
        out[outLen++] = (byte) c;
    }

    private void ensure(int n) throws IOException {
        if (out.length - outLen >= n) return;
        flush();
        if (n > out.length) {
            out = new byte[n];
            outView = ByteBuffer.wrap(out);
        }
    }

    private void flush() throws IOException {
        if (outLen == 0) return;
        outView.clear().limit(outLen);
        flow.write(outView);
        outLen = 0;
    }

    // ---- errors and closing --------------------------------------------------------------------

    /** Answers a request we cannot serve, then closes: the rest of the input can no longer be framed. */
    private void reject(HttpException e, RequestHead head) throws IOException {
        server.count("http.rx.reject." + e.status());
        HttpServer.LOG.log(System.Logger.Level.DEBUG, () -> flow.remoteAddress() + ": " + e.status() + " " + e.getMessage());
        RequestHead h = head != null ? head : new RequestHead("-", "-", 1, new Headers());
        writeResponse(h, HttpResponse.error(e.status()), true);
        accessLog(h, e.status(), clock.nanoTime());
        lingeringClose();
    }

    /**
     * Sends what is queued and FIN, then reads and discards for a moment: closing with unread
     * input makes the kernel send RST, which can destroy the response before the client reads it.
     */
    private void lingeringClose() {
        try {
            flush();
            flow.shutdownOutput();
            long deadline = clock.nanoTime() + LINGER.toNanos();
            long discarded = 0;
            while (discarded < 256 * 1024) {
                start = end = 0;
                int n = fill(deadline);
                if (n < 0) break;
                discarded += n;
            }
        } catch (IOException e) {
            // the client went away or took too long: close anyway
        }
        start = end = 0;
    }

    private void accessLog(RequestHead head, int status, long began) {
        if (!HttpServer.ACCESS.isLoggable(System.Logger.Level.INFO)) return;
        long micros = (clock.nanoTime() - began) / 1000;
        String ua = head.headers().get("User-Agent");
        StringBuilder sb = new StringBuilder(128);
        sb.append(flow.remoteAddress()).append(" \"").append(head.method()).append(' ').append(sanitize(head.target()))
                .append(head.minor() == 0 ? " HTTP/1.0\" " : " HTTP/1.1\" ").append(status).append(' ').append(bytesSent)
                .append(' ').append(micros).append("us \"").append(ua == null ? "-" : sanitize(ua)).append('"');
        bytesSent = 0;
        HttpServer.ACCESS.log(System.Logger.Level.INFO, sb.toString());
    }

    /** Log lines hold no quotes or controls from the client (no log injection). */
    private static String sanitize(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7f) {
                if (sb == null) sb = new StringBuilder(s.substring(0, i));
                sb.append(String.format("\\x%02x", (int) c & 0xff));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }
}

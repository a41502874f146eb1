package io.morgana.http;

import io.morgana.testing.RawHttp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The server's HTTP/1.1 behaviour over real loopback sockets (through a test-only Flow). */
class HttpServerTest {
    static SocketFlow.Server server;
    static int port;

    @BeforeAll
    static void start() throws IOException {
        Router router = Router.create()
                .get("/hello", r -> HttpResponse.text(200, "hello\n"))
                .post("/echo", r -> HttpResponse.of(200, "application/octet-stream", java.nio.ByteBuffer.wrap(r.bodyBytes())))
                .post("/ignore", r -> HttpResponse.text(200, "ignored\n"))
                .get("/stream", r -> HttpResponse.streaming(200, "text/plain", out -> {
                    for (int i = 0; i < 100; i++) out.write(("line " + i + "\n").getBytes(StandardCharsets.US_ASCII));
                }))
                .get("/fail", r -> { throw new IllegalStateException("boom"); })
                .get("/framing", r -> HttpResponse.text(200, "ok").header("Content-Length", "1000").header("Transfer-Encoding", "chunked"));
        HttpLimits limits = HttpLimits.DEFAULT.withMaxBody(1000)
                .withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(700), Duration.ofMillis(700));
        server = new SocketFlow.Server(HttpServer.builder(router).limits(limits).build());
        port = server.port();
    }

    @AfterAll
    static void stop() throws IOException { server.close(); }

    @Test
    void servesAndKeepsTheConnection() throws IOException {
        try (HttpClient c = new HttpClient(SocketFlow.connect(port), "localhost")) {
            for (int i = 0; i < 3; i++) {
                HttpClient.Response r = c.get("/hello");
                assertEquals(200, r.status());
                assertEquals("hello\n", r.bodyText());
                assertEquals("6", r.header("Content-Length"));
                assertTrue(r.header("Date").endsWith(" GMT"), r.header("Date"));
            }
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws IOException {
        String one = "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n";
        String two = "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nabcde";
        String last = "GET /nothing HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
        RawHttp.Reply r = Raw.exchange(port, one + two + one + last, 2000);
        assertTrue(r.closed());
        assertEquals(4, r.count("HTTP/1.1 "), r.text());
        int a = r.text().indexOf("hello\n"), b = r.text().indexOf("abcde"), c = r.text().indexOf("404 Not Found");
        assertTrue(a > 0 && b > a && c > b, r.text());
    }

    @Test
    void chunkedRequestBodyIsDecoded() throws IOException {
        String req = "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n1\r\n \r\n6\r\nworld!\r\n0\r\nX-Trailer: t\r\n\r\n";
        RawHttp.Reply r = Raw.exchange(port, req + "GET /hello HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 2000);
        assertEquals(200, r.status());
        assertTrue(r.text().contains("\r\n\r\nhello world!HTTP/1.1 200"), r.text());
    }

    @Test
    void streamedResponseIsChunked() throws IOException {
        try (HttpClient c = new HttpClient(SocketFlow.connect(port), "localhost")) {
            HttpClient.Response r = c.get("/stream");
            assertEquals("chunked", r.header("Transfer-Encoding"));
            assertTrue(r.bodyText().startsWith("line 0\nline 1\n") && r.bodyText().endsWith("line 99\n"));
            assertEquals(200, c.get("/hello").status()); // still usable after the last chunk
        }
    }

    @Test
    void http10GetsCloseDelimitedStreamAndKeepAliveOnRequest() throws IOException {
        RawHttp.Reply r = Raw.exchange(port, "GET /stream HTTP/1.0\r\n\r\n", 2000);
        assertTrue(r.closed());
        assertFalse(r.text().contains("chunked"));
        assertTrue(r.text().endsWith("line 99\n"));
        RawHttp.Reply k = Raw.exchange(port, "GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 400);
        assertFalse(k.closed());
        assertTrue(k.text().contains("Connection: keep-alive"));
    }

    @Test
    void expectContinueGets100BeforeTheBody() throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] b = new byte[25];
            s.setSoTimeout(2000);
            int n = s.getInputStream().readNBytes(b, 0, 25);
            assertEquals("HTTP/1.1 100 Continue\r\n\r\n", new String(b, 0, n, StandardCharsets.US_ASCII));
            out.write("xyz".getBytes(StandardCharsets.US_ASCII));
            RawHttp.Reply r = Raw.readAll(s, 500);
            assertTrue(r.text().startsWith("HTTP/1.1 200 OK") && r.text().endsWith("\r\n\r\nxyz"), r.text());
        }
    }

    @Test
    void unreadExpectedBodyClosesWithoutContinue() throws IOException {
        RawHttp.Reply r = Raw.exchange(port, "POST /ignore HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n", 2000);
        assertEquals(200, r.status());
        assertFalse(r.text().contains("100 Continue"));
        assertTrue(r.text().contains("Connection: close") && r.closed());
    }

    @Test
    void headSendsHeadersOnly() throws IOException {
        RawHttp.Reply r = Raw.exchange(port, "HEAD /hello HTTP/1.1\r\nHost: a\r\n\r\nGET /hello HTTP/1.1\r\nHost: a\r\n\r\n", 500);
        assertEquals(2, r.count("Content-Length: 6"));
        assertEquals(1, r.count("hello\n"));
    }

    @Test
    void handlersCannotSetFraming() throws IOException {
        RawHttp.Reply r = Raw.exchange(port, "GET /framing HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 2000);
        assertTrue(r.text().contains("Content-Length: 2\r\n") && !r.text().contains("1000") && !r.text().contains("chunked"), r.text());
        assertTrue(r.text().endsWith("\r\n\r\nok"), r.text());
    }

    @Test
    void headerInjectionIsRefusedWhenBuildingAResponse() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> HttpResponse.status(200).header("X", "a\r\nSet-Cookie: b"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> HttpResponse.status(200).header("X Y", "a"));
    }

    @Test
    void handlerFailureIs500() throws IOException {
        RawHttp.Reply r = Raw.exchange(port, "GET /fail HTTP/1.1\r\nHost: a\r\n\r\n", 2000);
        assertEquals(500, r.status());
        assertTrue(r.closed());
    }

    @Test
    void unknownMethodOnKnownPathIs405() throws IOException {
        RawHttp.Reply r = Raw.exchange(port, "DELETE /hello HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 2000);
        assertEquals(405, r.status());
        assertTrue(r.text().contains("Allow: GET, HEAD"));
    }

    /** Malformed requests get their status and the connection is closed (RFC 9112 §3, §5, §6, §7). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no version                 | 400 | GET /hello\\r\\n\\r\\n
            two spaces                 | 400 | GET  /hello HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n
            lower-case version         | 400 | GET /hello http/1.1\\r\\nHost: a\\r\\n\\r\\n
            HTTP/2.0                   | 505 | GET /hello HTTP/2.0\\r\\nHost: a\\r\\n\\r\\n
            HTTP/3.1                   | 505 | GET /hello HTTP/3.1\\r\\nHost: a\\r\\n\\r\\n
            bare LF                    | 400 | GET /hello HTTP/1.1\\nHost: a\\n\\n
            bare CR in value           | 400 | GET /hello HTTP/1.1\\r\\nHost: a\\r\\nX: a\\rb\\r\\n\\r\\n
            NUL in value               | 400 | GET /hello HTTP/1.1\\r\\nHost: a\\r\\nX: a\\u0000b\\r\\n\\r\\n
            space before colon         | 400 | GET /hello HTTP/1.1\\r\\nHost : a\\r\\n\\r\\n
            invalid name               | 400 | GET /hello HTTP/1.1\\r\\nHost: a\\r\\nX(y): 1\\r\\n\\r\\n
            no colon                   | 400 | GET /hello HTTP/1.1\\r\\nHost: a\\r\\nNoColon\\r\\n\\r\\n
            obs-fold                   | 400 | GET /hello HTTP/1.1\\r\\nHost: a\\r\\nX: a\\r\\n  b\\r\\n\\r\\n
            no Host                    | 400 | GET /hello HTTP/1.1\\r\\n\\r\\n
            two Hosts                  | 400 | GET /hello HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n
            CL and TE                  | 400 | POST /echo HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 3\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n
            conflicting CL             | 400 | POST /echo HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 3\\r\\nContent-Length: 4\\r\\n\\r\\nabcd
            negative CL                | 400 | POST /echo HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: -1\\r\\n\\r\\n
            TE not chunked             | 400 | POST /echo HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: gzip\\r\\n\\r\\n
            TE gzip then chunked       | 501 | POST /echo HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n0\\r\\n\\r\\n
            TE in HTTP/1.0             | 400 | POST /echo HTTP/1.0\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n
            bad chunk size             | 400 | POST /echo HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\nhello\\r\\n0\\r\\n\\r\\n
            chunk size overflow        | 400 | POST /echo HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nfffffffffffffffff\\r\\n
            chunk without CRLF         | 400 | POST /echo HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n3\\r\\nabcX0\\r\\n\\r\\n
            body too large             | 413 | POST /echo HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 5000\\r\\n\\r\\n
            chunked too large          | 413 | POST /echo HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n1000\\r\\n
            unknown expectation        | 417 | POST /echo HTTP/1.1\\r\\nHost: a\\r\\nExpect: teapot\\r\\nContent-Length: 1\\r\\n\\r\\na
            relative target            | 400 | GET hello HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n
            CONNECT                    | 501 | CONNECT a:443 HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n
            """)
    void malformedRequestIsRejectedAndClosed(String name, int status, String request) throws IOException {
        String wire = request.replace("\\r", "\r").replace("\\n", "\n").replace("\\u0000", "\0");
        RawHttp.Reply r = Raw.exchange(port, wire, 3000);
        assertEquals(status, r.status(), r.text());
        assertTrue(r.closed(), "connection left open after " + name);
        assertTrue(r.text().contains("Connection: close"), r.text());
        assertEquals(1, r.count("HTTP/1.1 "), "only one response: " + r.text());
        // ... and the server goes on serving others.
        try (HttpClient c = new HttpClient(SocketFlow.connect(port), "localhost")) {
            assertEquals(200, c.get("/hello").status());
        }
    }

    @Test
    void malformedContentTheHandlerIgnoredIsStillRejected() throws IOException {
        RawHttp.Reply r = Raw.exchange(port, "POST /ignore HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n", 3000);
        assertEquals(400, r.status(), r.text());
        assertTrue(r.closed());
    }

    @Test
    void requestLineTooLongIs414() throws IOException {
        RawHttp.Reply r = Raw.exchange(port, "GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: a\r\n\r\n", 3000);
        assertEquals(414, r.status());
        assertTrue(r.closed());
    }

    @Test
    void headersTooLargeIs431() throws IOException {
        StringBuilder sb = new StringBuilder("GET /hello HTTP/1.1\r\nHost: a\r\n");
        for (int i = 0; i < 300; i++) sb.append("X-Filler-").append(i).append(": ").append("v".repeat(60)).append("\r\n");
        RawHttp.Reply r = Raw.exchange(port, sb + "\r\n", 3000);
        assertEquals(431, r.status());
        assertTrue(r.closed());
        StringBuilder many = new StringBuilder("GET /hello HTTP/1.1\r\nHost: a\r\n");
        for (int i = 0; i < 150; i++) many.append("X-").append(i).append(": 1\r\n");
        assertEquals(431, Raw.exchange(port, many + "\r\n", 3000).status());
    }

    @Test
    void stalledHeadTimesOutWith408() throws IOException {
        long t0 = System.nanoTime();
        RawHttp.Reply r = Raw.exchange(port, "GET /hello HTTP/1.1\r\nHos", 5000);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(408, r.status());
        assertTrue(r.closed());
        assertTrue(ms >= 600 && ms < 3000, ms + " ms");
    }

    @Test
    void stalledBodyTimesOut() throws IOException {
        RawHttp.Reply r = Raw.exchange(port, "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc", 5000);
        assertEquals(408, r.status());
        assertTrue(r.closed());
    }

    @Test
    void clientRoundTripsABody() throws IOException {
        byte[] payload = new byte[900];
        for (int i = 0; i < payload.length; i++) payload[i] = (byte) i;
        try (HttpClient c = new HttpClient(SocketFlow.connect(port), "localhost")) {
            HttpClient.Response r = c.send("POST", "/echo", new Headers(), payload);
            assertArrayEquals(payload, r.body());
        }
    }

    @Test
    void countsRejections() throws IOException {
        Raw.exchange(port, "GET /hello HTTP/9.9\r\nHost: a\r\n\r\n", 2000);
        assertTrue(server.http.counters().getOrDefault("http.rx.reject.505", 0L) >= 1, server.http.counters().toString());
    }
}

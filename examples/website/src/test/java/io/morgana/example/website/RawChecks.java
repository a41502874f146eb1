package io.morgana.example.website;

import io.morgana.testing.RawHttp;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-only: checks that need raw bytes on a socket, against a running website. Run in the test
 * JVM for {@code unix}, and as {@code java ... RawChecks CHECK HOST PORT SITE} inside the network
 * namespace for {@code tap} (the appliance's address is only reachable there). A failed check
 * throws {@link AssertionError} (exit status 1 from {@link #main}).
 */
public final class RawChecks {
    private final String host;
    private final int port;
    private final Path site;

    RawChecks(String host, int port, Path site) {
        this.host = host;
        this.port = port;
        this.site = site;
    }

    public static void main(String[] args) throws Exception {
        run(args[0], args[1], Integer.parseInt(args[2]), Path.of(args[3]));
        System.out.println("ok " + args[0]);
    }

    /** Runs the check called {@code check}: malformed, head or idle. */
    static void run(String check, String host, int port, Path site) throws Exception {
        RawChecks c = new RawChecks(host, port, site);
        switch (check) {
            case "malformed" -> c.malformedRequestsAreRejectedAndClosed();
            case "head" -> c.headAnswerEndsAtItsEmptyLine();
            case "idle" -> c.thousandIdleConnectionsDoNotStopAClient();
            default -> throw new IllegalArgumentException("unknown check " + check);
        }
    }

    static void check(boolean ok, String message) {
        if (!ok) throw new AssertionError(message);
    }

    /** Bad request line, oversized head, bad chunk size, conflicting framing, injection: 4xx, close, nothing after. */
    void malformedRequestsAreRejectedAndClosed() throws IOException {
        String[][] cases = {
            {"GET /index.html HTTP/1.1 extra\r\nHost: a\r\n\r\n", "400"},
            {"GET /index.html HTTP/1.1\r\nHost: a\r\nX: " + "y".repeat(20_000) + "\r\n\r\n", "431"},
            {"GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: a\r\n\r\n", "414"},
            {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n", "400"},
            {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", "400"},
            {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "400"},
            {"GET / HTTP/1.1\r\nHost: a\r\nX-Injected: a\rSet-Cookie: b\r\n\r\n", "400"},
            {"GET / HTTP/1.1\r\nHost: a\r\nX-Folded: a\r\n b\r\n\r\n", "400"},
            {"GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n", "400"},
            {"GET / HTTP/2.0\r\nHost: a\r\n\r\n", "505"},
        };
        String robots = Files.readString(site.resolve("robots.txt"));
        for (String[] c : cases) {
            RawHttp.Reply r = exchange(c[0] + "GET /robots.txt HTTP/1.1\r\nHost: a\r\n\r\n", 5000);
            String shown = c[0].length() > 80 ? c[0].substring(0, 80) + "..." : c[0];
            check(r.text().startsWith("HTTP/1.1 " + c[1] + " "), shown + " → " + r.text());
            check(r.text().contains("Connection: close") && r.closed(), "connection not closed after " + shown + ": " + r.text());
            check(!r.text().contains(robots), "the request after a malformed one was answered: " + r.text());
            RawHttp.Reply ok = exchange("GET /robots.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 5000);
            check(ok.text().startsWith("HTTP/1.1 200 OK") && ok.text().endsWith(robots), "not served after " + shown + ": " + ok.text());
        }
    }

    /** HEAD then GET on one connection: HEAD's answer has no body, the GET's answer follows its empty line. */
    void headAnswerEndsAtItsEmptyLine() throws IOException {
        RawHttp.Reply r = exchange("HEAD /index.html HTTP/1.1\r\nHost: a\r\n\r\nGET /robots.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 5000);
        int split = r.text().indexOf("\r\n\r\n") + 4;
        check(r.text().startsWith("HTTP/1.1 200 OK") && r.text().startsWith("HTTP/1.1 200 OK", split), r.text());
        check(r.text().contains("Content-Length: " + Files.size(site.resolve("index.html")) + "\r\n"), r.text());
        check(r.text().endsWith(Files.readString(site.resolve("robots.txt"))), r.text());
    }

    /** 1,000 connections that sent part of a request line and stalled; a normal client is served within 1 s. */
    void thousandIdleConnectionsDoNotStopAClient() throws Exception {
        exchange("GET /index.html HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 5000); // warm
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 1000; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress(host, port), 5000);
                s.getOutputStream().write("GET /index.ht".getBytes(StandardCharsets.US_ASCII));
                idle.add(s);
            }
            Thread.sleep(300);
            long t0 = System.nanoTime();
            RawHttp.Reply r = exchange("GET /index.html HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 5000);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            check(r.text().startsWith("HTTP/1.1 200 OK") && r.text().endsWith(Files.readString(site.resolve("index.html"), StandardCharsets.ISO_8859_1)), r.text());
            check(ms < 1000, "served in " + ms + " ms with 1,000 idle connections open");
        } finally {
            for (Socket s : idle) s.close();
        }
    }

    /** Sends raw bytes on one connection; returns all the server sends until it closes (or the wait passes). */
    RawHttp.Reply exchange(String request, int waitMillis) throws IOException {
        return RawHttp.exchange(host, port, request, waitMillis);
    }
}

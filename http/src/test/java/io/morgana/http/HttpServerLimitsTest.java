package io.morgana.http;

import io.morgana.testing.RawHttp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The idle timeout and the bound on concurrent connections. */
class HttpServerLimitsTest {
    static HttpServer server(HttpLimits limits) {
        return HttpServer.builder(r -> HttpResponse.text(200, "ok\n")).limits(limits).build();
    }

    @Test
    void idleConnectionIsClosedSilentlyAfterTheIdleTimeout() throws IOException {
        HttpLimits limits = HttpLimits.DEFAULT.withTimeouts(Duration.ofMillis(300), Duration.ofSeconds(5), Duration.ofSeconds(5));
        try (SocketFlow.Server s = new SocketFlow.Server(server(limits)); Socket c = new Socket("127.0.0.1", s.port())) {
            c.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes());
            long t0 = System.nanoTime();
            RawHttp.Reply r = Raw.readAll(c, 5000);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(r.closed(), "closed after the idle timeout");
            assertEquals(1, r.count("HTTP/1.1 200"), "the request was answered and nothing was sent at the close: " + r.text());
            assertTrue(ms >= 250 && ms < 4000, ms + " ms");
            assertEquals(1L, s.http.counters().get("http.conn.idle-timeout"));
        }
    }

    @Test
    void oneSweeperEnforcesTheDeadlinesAndEndsWithTheLastConnection() throws Exception {
        HttpLimits limits = HttpLimits.DEFAULT.withTimeouts(Duration.ofMillis(300), Duration.ofMillis(300), Duration.ofSeconds(5));
        try (SocketFlow.Server s = new SocketFlow.Server(server(limits))) {
            Socket[] stalled = new Socket[20];
            for (int i = 0; i < stalled.length; i++) {
                stalled[i] = new Socket("127.0.0.1", s.port());
                if (i % 2 == 0) stalled[i].getOutputStream().write("GET / HT".getBytes()); // half a request line
            }
            for (int i = 0; i < 100 && s.http.deadlines().registered() < stalled.length; i++) Thread.sleep(20);
            assertEquals(stalled.length, s.http.deadlines().registered());
            assertEquals(1, s.http.deadlines().sweepersStarted(), "one sweeping thread for all connections");
            for (int i = 0; i < stalled.length; i++) {
                RawHttp.Reply r = Raw.readAll(stalled[i], 5000);
                assertTrue(r.closed(), "connection " + i + " closed by its deadline");
                if (i % 2 == 0) assertEquals(408, r.status(), r.text());
                else assertEquals("", r.text(), "an idle connection closes silently");
                stalled[i].close();
            }
            for (int i = 0; i < 100 && (s.http.deadlines().registered() > 0 || s.http.deadlines().sweeping()); i++) Thread.sleep(20);
            assertEquals(0, s.http.deadlines().registered());
            assertFalse(s.http.deadlines().sweeping(), "the sweeper ends with the last connection");
            assertEquals(200, Raw.exchange(s.port(), "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 3000).status());
        }
    }

    @Test
    void connectionsBeyondTheBoundGet503() throws Exception {
        HttpLimits limits = HttpLimits.DEFAULT.withMaxConnections(2);
        try (SocketFlow.Server s = new SocketFlow.Server(server(limits));
                Socket a = new Socket("127.0.0.1", s.port());
                Socket b = new Socket("127.0.0.1", s.port())) {
            for (int i = 0; i < 100 && s.http.activeConnections() < 2; i++) Thread.sleep(20);
            assertEquals(2, s.http.activeConnections());
            RawHttp.Reply third = Raw.exchange(s.port(), "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 3000);
            assertEquals(503, third.status(), third.text());
            assertTrue(third.closed());
            a.close();
            for (int i = 0; i < 100 && s.http.activeConnections() > 1; i++) Thread.sleep(20);
            assertEquals(200, Raw.exchange(s.port(), "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 3000).status());
        }
    }
}

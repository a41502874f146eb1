package io.morgana.http;

import io.morgana.api.Clock;
import io.morgana.api.Flow;
import io.morgana.api.FlowHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * An HTTP/1.1 server (RFC 9110, RFC 9112) over any {@link Flow}: hand it to
 * {@code stack.tcp().serve(port, server)}. Each connection is served on the virtual thread the
 * listener gives it, parking in {@link Flow#read} while idle; requests are parsed from one reused
 * buffer per connection, pipelined requests answered in order.
 *
 * <p>Hostile or broken input is answered with the right 4xx, counted under
 * {@code http.rx.reject.STATUS} (see {@link #counters()}) and logged at DEBUG under {@code http};
 * it never throws out of the server. One line per request goes to the {@code http.access} log.
 */
public final class HttpServer implements FlowHandler {
    static final System.Logger LOG = System.getLogger("http");
    static final System.Logger ACCESS = System.getLogger("http.access");

    private final HttpHandler handler;
    private final HttpLimits limits;
    private final Clock clock;
    private final String serverName;
    private final AtomicInteger active = new AtomicInteger();
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    /** {@code http.requests}, counted on every request: held here rather than looked up. */
    private final LongAdder requests = new LongAdder();
    private final byte[] serverLine;
    private final ReadDeadlines deadlines;
    private volatile DateLine dateLine = new DateLine(Long.MIN_VALUE, null);

    private HttpServer(Builder b) {
        this.handler = b.handler;
        this.limits = b.limits;
        counters.put("http.requests", requests);
        this.clock = b.clock;
        this.serverName = b.serverName;
        this.serverLine = serverName == null ? null : ("Server: " + serverName + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        // Timeouts fire up to an eighth of the shortest one late (and at most half a second).
        long shortest = Math.min(Math.min(limits.idleTimeout().toMillis(), limits.headerTimeout().toMillis()),
                Math.min(limits.bodyTimeout().toMillis(), HttpConnection.LINGER.toMillis()));
        this.deadlines = new ReadDeadlines(clock, Math.clamp(shortest / 8, 5, 500));
    }

    public static Builder builder(HttpHandler handler) { return new Builder(handler); }

    /** Serves one connection until the client goes away, a limit is hit or an error forces a close. */
    @Override
    public void handle(Flow flow) throws IOException {
        if (active.incrementAndGet() > limits.maxConnections()) {
            try {
                count("http.conn.reject.limit");
                flow.write(("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
            } finally {
                active.decrementAndGet();
            }
            return;
        }
        try {
            new HttpConnection(this, flow).run();
        } catch (IOException e) {
            // A client that resets or vanishes mid-exchange is ordinary traffic, not a server fault.
            count("http.conn.io-error");
            LOG.log(System.Logger.Level.DEBUG, () -> flow.remoteAddress() + ": connection ended: " + e);
        } finally {
            active.decrementAndGet();
        }
    }

    /** Connections being served now. */
    public int activeConnections() { return active.get(); }

    /** A snapshot of the counters, e.g. {@code http.rx.reject.400 -> 3}, {@code http.requests -> 120}. */
    public Map<String, Long> counters() {
        Map<String, Long> m = new TreeMap<>();
        counters.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    void count(String name) { counters.computeIfAbsent(name, k -> new LongAdder()).increment(); }

    void countRequest() { requests.increment(); }

    HttpHandler handler() { return handler; }
    HttpLimits limits() { return limits; }
    Clock clock() { return clock; }
    /** "Server: ...\r\n", or null to send none. */
    byte[] serverLine() { return serverLine; }
    ReadDeadlines deadlines() { return deadlines; }

    private record DateLine(long second, byte[] bytes) {}

    /** "Date: ...\r\n", formatted once a second. */
    byte[] dateLine() {
        long s = clock.now().getEpochSecond();
        DateLine d = dateLine;
        if (s != d.second) {
            d = new DateLine(s, ("Date: " + HttpDates.format(s) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            dateLine = d;
        }
        return d.bytes;
    }

    public static final class Builder {
        private final HttpHandler handler;
        private HttpLimits limits = HttpLimits.DEFAULT;
        private Clock clock = SYSTEM_CLOCK;
        private String serverName = "Morgana";

        private Builder(HttpHandler handler) { this.handler = java.util.Objects.requireNonNull(handler, "handler"); }

        public Builder limits(HttpLimits l) { limits = l; return this; }

        /** The clock for {@code Date} and timeouts: the appliance's ({@code context.clock()}). */
        public Builder clock(Clock c) { clock = c; return this; }

        /** The {@code Server} field, or null to send none. */
        public Builder serverName(String s) { serverName = s; return this; }

        public HttpServer build() { return new HttpServer(this); }
    }

    static final Clock SYSTEM_CLOCK = new Clock() {
        @Override public long nanoTime() { return System.nanoTime(); }
        @Override public Instant now() { return Instant.now(); }
    };
}

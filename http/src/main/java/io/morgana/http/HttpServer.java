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
    private volatile long dateSecond = Long.MIN_VALUE;
    private volatile byte[] dateLine;

    private HttpServer(Builder b) {
        this.handler = b.handler;
        this.limits = b.limits;
        this.clock = b.clock;
        this.serverName = b.serverName;
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

    HttpHandler handler() { return handler; }
    HttpLimits limits() { return limits; }
    Clock clock() { return clock; }
    String serverName() { return serverName; }

    /** "Date: ...\r\n", formatted once a second. */
    byte[] dateLine() {
        Instant now = clock.now();
        long s = now.getEpochSecond();
        byte[] d = dateLine;
        if (s != dateSecond || d == null) {
            d = ("Date: " + HttpDates.format(Instant.ofEpochSecond(s)) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            dateLine = d;
            dateSecond = s;
        }
        return d;
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

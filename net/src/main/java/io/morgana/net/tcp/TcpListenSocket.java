package io.morgana.net.tcp;

import java.util.ArrayDeque;

/**
 * A listening port: a bounded SYN queue (half-open connections) and a bounded accept queue
 * (established, not yet accepted). When the SYN queue is full the engine answers with SYN cookies;
 * when the accept queue is full new SYNs are dropped (the client retries), as Linux does.
 */
public final class TcpListenSocket {
    final int port;
    final int backlog;
    int synQueue;
    final ArrayDeque<TcpConnection> acceptQueue = new ArrayDeque<>();
    private final TcpEngine engine;
    private Runnable onAcceptable = () -> { };
    private boolean closed;

    TcpListenSocket(TcpEngine engine, int port, int backlog) {
        this.engine = engine;
        this.port = port;
        this.backlog = backlog;
    }

    public int port() { return port; }

    public boolean isClosed() { return closed; }

    /** Called on the loop when a connection becomes ready to accept. */
    public void onAcceptable(Runnable r) { onAcceptable = r == null ? () -> { } : r; }

    /** The next established connection, or {@code null}. */
    public TcpConnection accept() {
        TcpConnection c = acceptQueue.poll();
        if (c != null) c.listener = null;
        return c;
    }

    public int pending() { return acceptQueue.size(); }

    public int halfOpen() { return synQueue; }

    void ready(TcpConnection c) {
        synQueue--;
        if (acceptQueue.size() >= backlog) {
            engine.count("tcp.listen.overflow");
            c.listener = null;
            c.abort(engine.lastNow());
            return;
        }
        acceptQueue.add(c);
        onAcceptable.run();
    }

    /** Stops listening; connections not yet accepted are reset. */
    public void close(long now) {
        if (closed) return;
        closed = true;
        engine.unlisten(this, now);
        TcpConnection c;
        while ((c = acceptQueue.poll()) != null) {
            c.listener = null;
            c.abort(now);
        }
        onAcceptable.run();
    }
}

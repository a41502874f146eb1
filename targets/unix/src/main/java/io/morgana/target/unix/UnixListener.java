package io.morgana.target.unix;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.Listener;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** A listening host socket. */
final class UnixListener implements Listener {

    private final ServerSocketChannel socket;
    private final Endpoint local;
    private volatile boolean open = true;
    /** Accept failures in a row (e.g. out of file descriptors): each waits longer, up to a second. */
    private int failures;

    UnixListener(ServerSocketChannel socket) throws IOException {
        this.socket = socket;
        this.local = UnixStack.endpoint(socket.getLocalAddress());
    }

    @Override public Flow accept() throws IOException {
        if (!open) throw new ClosedChannelException();
        SocketChannel s;
        try {
            s = socket.accept();
            failures = 0;
        } catch (IOException e) {
            if (!open) throw new ClosedChannelException();
            // Back off so that an accept loop retrying a lasting failure does not spin a core.
            try {
                Thread.sleep(Math.min(1000, 10L << Math.min(failures++, 7)));
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            throw e;
        }
        UnixFlow f;
        try {
            s.setOption(StandardSocketOptions.TCP_NODELAY, true);
            f = new UnixFlow(s);
        } catch (IOException e) {
            s.close(); // the client left before we looked at it
            throw e;
        }
        UnixStack.LOG.log(System.Logger.Level.DEBUG, () -> "accepted " + f.remoteAddress() + " on port " + local.port());
        return f;
    }

    @Override public Endpoint localAddress() { return local; }

    @Override public void close() {
        open = false;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a listening socket has nothing to flush
        }
    }

    @Override public boolean isOpen() { return open; }

    @Override public String toString() { return "listener on " + local; }
}

package io.morgana.target.unix;

import io.morgana.api.Endpoint;
import io.morgana.api.Flow;
import io.morgana.api.Listener;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ClosedChannelException;

/** A listening host socket. */
final class UnixListener implements Listener {

    private final UnixStack stack;
    private final ServerSocket socket;
    private final Endpoint local;
    private volatile boolean open = true;
    /** Accept failures in a row (e.g. out of file descriptors): each waits longer, up to a second. */
    private int failures;

    UnixListener(UnixStack stack, ServerSocket socket) {
        this.stack = stack;
        this.socket = socket;
        this.local = UnixStack.endpoint(socket.getLocalSocketAddress());
    }

    @Override public Flow accept() throws IOException {
        if (!open) throw new ClosedChannelException();
        Socket s;
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
        s.setTcpNoDelay(true);
        UnixFlow f = stack.track(s);
        UnixStack.LOG.log(System.Logger.Level.DEBUG, () -> "accepted " + f.remoteAddress() + " on port " + local.port());
        return f;
    }

    @Override public Endpoint localAddress() { return local; }

    @Override public void close() {
        open = false;
        stack.forget(this);
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a listening socket has nothing to flush
        }
    }

    @Override public boolean isOpen() { return open; }

    @Override public String toString() { return "listener on " + local; }
}

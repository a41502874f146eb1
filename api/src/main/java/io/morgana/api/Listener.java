package io.morgana.api;

import java.io.IOException;
import java.net.SocketException;

/** A listening TCP port. */
public interface Listener extends AutoCloseable {

    /**
     * Blocks until a connection is established and returns it.
     *
     * @throws java.nio.channels.ClosedChannelException (an IOException) once this listener is closed
     */
    Flow accept() throws IOException;

    /** The local address and (actual) port listened on. */
    Endpoint localAddress();

    /** Stops accepting; blocked {@link #accept()} calls fail. Idempotent; never throws. */
    @Override void close();

    boolean isOpen();

    /**
     * The accept loop behind {@link Tcp#serve}: accepts until closed, one virtual thread per flow.
     * Handler exceptions are logged under the {@code tcp} log source and close only that flow.
     */
    default void serve(FlowHandler handler) {
        System.Logger log = System.getLogger("tcp");
        while (isOpen()) {
            Flow flow;
            try {
                flow = accept();
            } catch (IOException e) {
                if (isOpen()) log.log(System.Logger.Level.WARNING, "accept failed on " + localAddress() + ": " + e);
                continue;
            }
            Thread.ofVirtual().name("flow-" + flow.remoteAddress()).start(() -> {
                try (flow) {
                    handler.handle(flow);
                } catch (SocketException e) {
                    log.log(System.Logger.Level.DEBUG, "flow " + flow.remoteAddress() + " ended: " + e.getMessage());
                } catch (Exception e) {
                    log.log(System.Logger.Level.WARNING, "handler failed for " + flow.remoteAddress() + ": " + e, e);
                }
            });
        }
    }
}

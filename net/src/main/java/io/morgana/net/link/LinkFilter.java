package io.morgana.net.link;

import io.morgana.api.MacAddress;
import io.morgana.runtime.EventLoop;
import java.nio.ByteBuffer;
import java.util.Set;

/**
 * Middleware over a link: forwards everything to the link below. Subclasses override
 * {@link #onReceive} (frames going up) and {@link #send} (frames going down).
 */
public abstract class LinkFilter implements Link {
    protected final Link inner;
    protected EventLoop loop;
    protected Receiver upper;

    protected LinkFilter(Link inner) { this.inner = inner; }

    @Override public MacAddress mac() { return inner.mac(); }

    @Override public int mtu() { return inner.mtu(); }

    @Override public Set<Offload> offloads() { return inner.offloads(); }

    @Override public void start(EventLoop loop, Receiver receiver) {
        this.loop = loop;
        this.upper = receiver;
        inner.start(loop, new Receiver() {
            @Override public void receive(ByteBuffer frame) { onReceive(frame); }

            @Override public void endOfBatch() { receiver.endOfBatch(); }
        });
    }

    /** A frame from the link below; by default passed up unchanged. */
    protected void onReceive(ByteBuffer frame) { upper.receive(frame); }

    @Override public boolean send(ByteBuffer frame) { return inner.send(frame); }

    @Override public void close() { inner.close(); }
}

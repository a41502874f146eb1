package io.morgana.net.link;

import io.morgana.api.MacAddress;
import io.morgana.runtime.EventLoop;
import java.nio.ByteBuffer;
import java.util.Set;

/**
 * Middleware over a link: forwards everything to the link below. Subclasses override
 * {@link #onReceive} and {@link #onReceiveVerified} (frames going up), {@link #send} and
 * {@link #sendOffloaded} (frames going down), and {@link #offloads} if they cannot pass the
 * link's offloads through.
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

            @Override public void receiveVerified(ByteBuffer frame, boolean partial) { onReceiveVerified(frame, partial); }

            @Override public void endOfBatch() { receiver.endOfBatch(); }
        });
    }

    /** A frame from the link below; by default passed up unchanged. */
    protected void onReceive(ByteBuffer frame) { upper.receive(frame); }

    /** A frame from the link below that it vouches for ({@link Receiver#receiveVerified}); by default passed up so. */
    protected void onReceiveVerified(ByteBuffer frame, boolean partial) { upper.receiveVerified(frame, partial); }

    @Override public boolean send(ByteBuffer frame) { return inner.send(frame); }

    @Override public boolean sendOffloaded(ByteBuffer frame, int segmentSize) { return inner.sendOffloaded(frame, segmentSize); }

    @Override public void close() { inner.close(); }
}

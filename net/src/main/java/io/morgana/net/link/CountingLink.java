package io.morgana.net.link;

import io.morgana.net.util.Counter;
import io.morgana.net.util.Counters;
import java.nio.ByteBuffer;

/** Counts frames and bytes in and out of a link ({@code link.rx.frames}, {@code link.tx.drop}, …). */
public final class CountingLink extends LinkFilter {
    private final Counter rxFrames, rxBytes, txFrames, txBytes, txDrop;

    public CountingLink(Link inner, Counters counters) {
        super(inner);
        rxFrames = counters.counter("link.rx.frames");
        rxBytes = counters.counter("link.rx.bytes");
        txFrames = counters.counter("link.tx.frames");
        txBytes = counters.counter("link.tx.bytes");
        txDrop = counters.counter("link.tx.drop");
    }

    @Override protected void onReceive(ByteBuffer frame) {
        countIn(frame);
        upper.receive(frame);
    }

    @Override protected void onReceiveVerified(ByteBuffer frame, boolean partial) {
        countIn(frame);
        upper.receiveVerified(frame, partial);
    }

    private void countIn(ByteBuffer frame) {
        rxFrames.inc();
        rxBytes.add(frame.remaining());
    }

    @Override public boolean send(ByteBuffer frame) {
        int n = frame.remaining();
        return countOut(inner.send(frame), n);
    }

    /** A super-segment counts as one frame here; the link's own counters see what it cut it into. */
    @Override public boolean sendOffloaded(ByteBuffer frame, int segmentSize) {
        int n = frame.remaining();
        return countOut(inner.sendOffloaded(frame, segmentSize), n);
    }

    private boolean countOut(boolean sent, int bytes) {
        if (sent) {
            txFrames.inc();
            txBytes.add(bytes);
        } else {
            txDrop.inc();
        }
        return sent;
    }
}

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
        rxFrames.inc();
        rxBytes.add(frame.remaining());
        upper.receive(frame);
    }

    @Override public boolean send(ByteBuffer frame) {
        int n = frame.remaining();
        if (inner.send(frame)) {
            txFrames.inc();
            txBytes.add(n);
            return true;
        }
        txDrop.inc();
        return false;
    }
}

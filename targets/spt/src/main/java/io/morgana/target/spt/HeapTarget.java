package io.morgana.target.spt;

import java.lang.System.Logger.Level;

/**
 * A soft target for the Java heap in use, which Serial lacks ({@code --heap-target}).
 *
 * <p>Under steady promotion (many connections at once whose buffers outlive the survivor spaces)
 * Serial grows its old generation up to {@code -Xmx} before it collects it the first time, so
 * resident memory climbs to the hard limit and stays there: examples/website under eight clients
 * at once, ~65 MB with {@code --heap=32m}. Once a second this looks at the heap in use; past the
 * target it asks for a full collection (~5 ms at the website's 3 MB live set), and the old
 * generation stays near the target instead of {@code -Xmx}, which remains the limit for bursts.
 *
 * <p>The target adapts: after each collection it is at least twice what was live, so a live set
 * near the target does not cause a collection every second; and forced collections are at least
 * {@link #MIN_GAP_NANOS} apart.
 */
final class HeapTarget {
    private static final System.Logger LOG = System.getLogger("spt");
    static final long MIN_GAP_NANOS = 1_000_000_000L;

    private final long configured;
    private long target;
    private long lastForced = Long.MIN_VALUE / 2;
    private long collections;

    HeapTarget(long bytes) {
        if (bytes <= 0) throw new IllegalArgumentException("heap target " + bytes);
        this.configured = bytes;
        this.target = bytes;
    }

    /** Whether a collection is due, with {@code used} bytes of heap in use at {@code now}. */
    boolean due(long used, long now) {
        return used > target && now - lastForced >= MIN_GAP_NANOS;
    }

    /** After a forced collection at {@code now}: {@code live} bytes remained, of at most {@code max}. */
    void collected(long live, long max, long now) {
        lastForced = now;
        collections++;
        target = Math.min(Math.max(max, configured), Math.max(configured, 2 * live));
    }

    long target() { return target; }

    long collections() { return collections; }

    /** One look at the heap: collects if due; returns whether it did. */
    boolean check(Runtime rt, long now) {
        if (!due(rt.totalMemory() - rt.freeMemory(), now)) return false;
        System.gc();
        collected(rt.totalMemory() - rt.freeMemory(), rt.maxMemory(), now);
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, new StringBuilder("heap past its target: collected; ").append(rt.totalMemory() >> 10)
                    .append(" KiB committed, next target ").append(target >> 10).append(" KiB").toString());
        }
        return true;
    }

    /** Looks once a second, on a daemon thread of its own. */
    void start() {
        Thread.ofPlatform().daemon().name("spt-heap").start(() -> {
            Runtime rt = Runtime.getRuntime();
            while (true) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                check(rt, System.nanoTime());
            }
        });
    }

    /**
     * A size as {@code --heap-target} takes it: digits with an optional {@code k}, {@code m} or
     * {@code g}; {@code 0} for none. Returns bytes.
     */
    static long parseSize(String s) {
        String t = s.strip();
        long unit = 1;
        if (!t.isEmpty()) {
            switch (Character.toLowerCase(t.charAt(t.length() - 1))) {
                case 'k' -> unit = 1L << 10;
                case 'm' -> unit = 1L << 20;
                case 'g' -> unit = 1L << 30;
                default -> { }
            }
            if (unit != 1) t = t.substring(0, t.length() - 1);
        }
        boolean digits = !t.isEmpty() && t.length() <= 12;
        for (int i = 0; digits && i < t.length(); i++) digits = t.charAt(i) >= '0' && t.charAt(i) <= '9';
        if (!digits) throw new IllegalArgumentException("'" + s + "' is not a size: want e.g. 8m, 16m, 512k, or 0 for none");
        return Long.parseLong(t) * unit;
    }
}

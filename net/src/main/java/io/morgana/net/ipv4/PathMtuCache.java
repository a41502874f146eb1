package io.morgana.net.ipv4;

import io.morgana.net.util.LongMap;

/**
 * Path MTUs learnt from ICMP frag-needed (RFC 1191): bounded, entries age out so that a path that
 * grew is tried again. Loop thread only.
 */
public final class PathMtuCache {
    /** RFC 1191 suggests 10 minutes before trying a larger MTU again. */
    public static final long AGE_NANOS = 600_000_000_000L;
    public static final int MIN_MTU = 68;

    private record Entry(int mtu, long expires) {}

    private final int capacity;
    private final LongMap<Entry> map;

    public PathMtuCache(int capacity) {
        this.capacity = capacity;
        this.map = new LongMap<>(capacity);
    }

    /** The path MTU to {@code destination}, or {@code linkMtu} when nothing smaller is known. */
    public int get(int destination, int linkMtu, long now) {
        if (map.size() == 0) return linkMtu;
        Entry e = map.get(destination & 0xffff_ffffL);
        if (e == null) return linkMtu;
        if (now - e.expires >= 0) {
            map.remove(destination & 0xffff_ffffL);
            return linkMtu;
        }
        return Math.min(e.mtu, linkMtu);
    }

    /** Records a smaller MTU reported for {@code destination} (clamped to at least 68). */
    public void update(int destination, int mtu, long now) {
        mtu = Math.max(MIN_MTU, mtu);
        if (map.size() >= capacity && map.get(destination & 0xffff_ffffL) == null) {
            long[] victim = {0};
            long[] soonest = {Long.MAX_VALUE};
            map.forEach((k, v) -> {
                if (v.expires - now < soonest[0]) {
                    soonest[0] = v.expires - now;
                    victim[0] = k;
                }
            });
            map.remove(victim[0]);
        }
        map.put(destination & 0xffff_ffffL, new Entry(mtu, now + AGE_NANOS));
    }

    public int size() { return map.size(); }
}

package io.morgana.net.util;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The counters of one stack, named {@code layer.direction.what[.reason]} as
 * {@link io.morgana.api.Stack#counters()} documents. Layers create their counters once, when they
 * are built (never on the datapath), and bump them on the loop thread; {@link #snapshot()} reads
 * them from any thread.
 */
public final class Counters {
    private final CopyOnWriteArrayList<Counter> all = new CopyOnWriteArrayList<>();

    /** A new counter, or the existing one with that name. */
    public synchronized Counter counter(String name) {
        for (Counter c : all) if (c.name().equals(name)) return c;
        Counter c = new Counter(name);
        all.add(c);
        return c;
    }

    /**
     * One counter per constant of {@code reasons}, indexed by ordinal, named
     * {@code prefix.reason-in-kebab-case} (e.g. {@code ipv4.rx.drop.bad-checksum}).
     */
    public <E extends Enum<E>> Counter[] perReason(String prefix, Class<E> reasons) {
        E[] values = reasons.getEnumConstants();
        Counter[] cs = new Counter[values.length];
        for (E e : values) cs[e.ordinal()] = counter(prefix + "." + kebab(e));
        return cs;
    }

    /** {@code BAD_CHECKSUM -> bad-checksum}. */
    public static String kebab(Enum<?> e) { return e.name().toLowerCase(Locale.ROOT).replace('_', '-'); }

    /** The value of a counter by name, 0 if there is none. */
    public long get(String name) {
        for (Counter c : all) if (c.name().equals(name)) return c.get();
        return 0;
    }

    /** All counters by name, sorted. With {@code nonZeroOnly}, only those that moved. */
    public Map<String, Long> snapshot(boolean nonZeroOnly) {
        Map<String, Long> m = new TreeMap<>();
        for (Counter c : all) {
            long v = c.get();
            if (v != 0 || !nonZeroOnly) m.put(c.name(), v);
        }
        return m;
    }

    public Map<String, Long> snapshot() { return snapshot(false); }
}

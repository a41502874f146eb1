package io.morgana.net.util;

import java.util.function.BiConsumer;

/**
 * A hash map from {@code long} keys to values, open addressing with linear probing: no boxing and
 * no garbage per lookup, for tables the datapath consults per packet (ARP cache, ports). Not
 * thread-safe (loop thread only). Callers bound its size themselves.
 */
public final class LongMap<V> {
    private static final double LOAD = 0.5;
    private long[] keys;
    private Object[] values;
    private int size;
    private int mask;

    public LongMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, (int) (expected / LOAD)) * 2 - 1);
        keys = new long[cap];
        values = new Object[cap];
        mask = cap - 1;
    }

    public int size() { return size; }

    private static int hash(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    @SuppressWarnings("unchecked")
    public V get(long key) {
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            Object v = values[i];
            if (v == null) return null;
            if (keys[i] == key) return (V) v;
        }
    }

    /** Associates {@code value} (not null) with {@code key}; returns the previous value or null. */
    @SuppressWarnings("unchecked")
    public V put(long key, V value) {
        if (value == null) throw new NullPointerException("value");
        if (size + 1 > values.length * LOAD) grow();
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            Object v = values[i];
            if (v == null) {
                keys[i] = key;
                values[i] = value;
                size++;
                return null;
            }
            if (keys[i] == key) {
                values[i] = value;
                return (V) v;
            }
        }
    }

    @SuppressWarnings("unchecked")
    public V remove(long key) {
        int i = hash(key) & mask;
        for (; ; i = (i + 1) & mask) {
            if (values[i] == null) return null;
            if (keys[i] == key) break;
        }
        V old = (V) values[i];
        values[i] = null;
        size--;
        // Backward-shift deletion: move later entries of the probe run into the hole.
        for (int j = (i + 1) & mask; values[j] != null; j = (j + 1) & mask) {
            int home = hash(keys[j]) & mask;
            boolean movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
            if (movable) {
                keys[i] = keys[j];
                values[i] = values[j];
                values[j] = null;
                i = j;
            }
        }
        return old;
    }

    @SuppressWarnings("unchecked")
    public void forEach(BiConsumer<Long, V> action) {
        for (int i = 0; i < values.length; i++) if (values[i] != null) action.accept(keys[i], (V) values[i]);
    }

    @SuppressWarnings("unchecked")
    private void grow() {
        long[] ok = keys;
        Object[] ov = values;
        keys = new long[ok.length * 2];
        values = new Object[ov.length * 2];
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < ov.length; i++) if (ov[i] != null) put(ok[i], (V) ov[i]);
    }
}

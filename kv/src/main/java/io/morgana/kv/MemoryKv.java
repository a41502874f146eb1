package io.morgana.kv;

import io.morgana.api.Key;
import io.morgana.api.KvException;
import io.morgana.api.KvRw;
import io.morgana.api.NoSuchKeyException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * A read-write store in memory (lost at exit). Thread-safe; each call is atomic. Bounded: it holds
 * at most {@link #capacity} bytes, counting each value's bytes, its key and
 * {@link #ENTRY_OVERHEAD} for the objects that hold it. A write that would go past that is refused
 * with a {@link KvException}, and the store is left as it was: what clients write cannot exhaust
 * the appliance's heap.
 */
public final class MemoryKv extends TreeKv implements KvRw {

    /** What one stored value costs beyond its key and bytes: its map entry and value objects. */
    static final int ENTRY_OVERHEAD = 96;

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Supplier<Instant> clock;
    private final long capacity;
    private long used; // guarded by the write lock

    /** A store of up to a quarter of the heap. */
    public MemoryKv() { this(Runtime.getRuntime().maxMemory() / 4); }

    /** A store of up to {@code capacity} bytes. */
    public MemoryKv(long capacity) { this(capacity, Instant::now); }

    /** With the time stamps {@code clock} gives (simulation). */
    public MemoryKv(long capacity, Supplier<Instant> clock) {
        super(new TreeMap<>());
        if (capacity <= 0) throw new IllegalArgumentException("capacity " + capacity + ": want a positive number of bytes");
        this.capacity = capacity;
        this.clock = clock;
    }

    /** The most bytes this store holds. */
    public long capacity() { return capacity; }

    /** The bytes it holds now, counted as for {@link #capacity}. */
    public long used() {
        lock.readLock().lock();
        try {
            return used;
        } finally {
            lock.readLock().unlock();
        }
    }

    private static long cost(String path, Value v) { return ENTRY_OVERHEAD + path.length() + v.size(); }

    /** Refuses a write that would take the store from {@link #used} to {@code after} bytes past its capacity. */
    private void checkRoom(Key key, long after) throws KvException {
        if (after > used && after > capacity) {
            throw new KvException("the store is full: writing '" + key + "' would take it to " + after + " bytes, and it holds at most "
                    + capacity + " (" + used + " now); remove values first");
        }
    }

    @Override protected void beginRead() { lock.readLock().lock(); }

    @Override protected void endRead() { lock.readLock().unlock(); }

    @Override public void set(Key key, ByteBuffer value) throws KvException {
        if (key.isRoot()) throw new KvException("cannot set the root key: it is a dictionary");
        ByteBuffer copy = ByteBuffer.allocate(value.remaining()).put(value.duplicate()).flip();
        lock.writeLock().lock();
        try {
            String p = path(key);
            if (kindLocked(p).orElse(null) == Kind.DICTIONARY) throw new KvException("'" + key + "' is a dictionary, not a value");
            checkParents(key);
            Value v = new Value(copy, clock.get());
            Value old = map.get(p);
            long after = used + cost(p, v) - (old == null ? 0 : cost(p, old));
            checkRoom(key, after);
            map.put(p, v);
            used = after;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void checkParents(Key key) throws KvException {
        for (Key k = key.parent(); !k.isRoot(); k = k.parent()) {
            if (map.containsKey(path(k))) throw new KvException("'" + k + "' is a value, so '" + key + "' cannot be below it");
        }
    }

    @Override public void remove(Key key) {
        lock.writeLock().lock();
        try {
            String p = path(key);
            Value old = map.remove(p);
            if (old != null) used -= cost(p, old);
            var below = below(map, p);
            for (Map.Entry<String, Value> e : below.entrySet()) used -= cost(e.getKey(), e.getValue());
            below.clear();
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override public void rename(Key from, Key to) throws KvException {
        lock.writeLock().lock();
        try {
            String f = path(from), t = path(to);
            Kind kind = kindLocked(f).orElseThrow(() -> new NoSuchKeyException(from));
            if (f.equals(t)) return;
            if (to.isRoot() || from.isRoot()) throw new KvException("cannot rename the root");
            if (t.startsWith(f + "/")) throw new KvException("cannot move '" + from + "' below itself to '" + to + "'");
            if (kindLocked(t).orElse(null) == Kind.DICTIONARY) throw new KvException("'" + to + "' is a dictionary: remove it first");
            checkParents(to);
            // Keys change length and a value at 'to' goes: the count changes by that much.
            Value replaced = map.get(t);
            long after = used - (replaced == null ? 0 : cost(t, replaced));
            if (kind == Kind.VALUE) {
                after += t.length() - f.length();
                checkRoom(to, after);
                map.put(t, map.remove(f));
            } else {
                List<Map.Entry<String, Value>> moved = new ArrayList<>(below(map, f).entrySet());
                after += (long) moved.size() * (t.length() - f.length());
                checkRoom(to, after);
                map.remove(t);
                below(map, f).clear();
                for (Map.Entry<String, Value> e : moved) map.put(t + e.getKey().substring(f.length()), e.getValue());
            }
            used = after;
        } finally {
            lock.writeLock().unlock();
        }
    }
}

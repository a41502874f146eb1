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

/** A read-write store in memory (lost at exit). Thread-safe; each call is atomic. */
public final class MemoryKv extends TreeKv implements KvRw {

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Supplier<Instant> clock;

    public MemoryKv() { this(Instant::now); }

    /** With the time stamps {@code clock} gives (simulation). */
    public MemoryKv(Supplier<Instant> clock) {
        super(new TreeMap<>());
        this.clock = clock;
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
            map.put(p, new Value(copy, clock.get()));
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
            map.remove(p);
            below(map, p).clear();
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
            if (kind == Kind.VALUE) {
                map.put(t, map.remove(f));
            } else {
                map.remove(t);
                List<Map.Entry<String, Value>> moved = new ArrayList<>(below(map, f).entrySet());
                below(map, f).clear();
                for (Map.Entry<String, Value> e : moved) map.put(t + e.getKey().substring(f.length()), e.getValue());
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}

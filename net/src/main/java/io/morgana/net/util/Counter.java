package io.morgana.net.util;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One named counter. Written by a single thread (the stack's event loop), read from any thread:
 * increments are plain adds published with opaque stores, so the datapath pays no lock and no
 * atomic read-modify-write, and a reader sees a recent value.
 */
public final class Counter {
    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(Counter.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    @SuppressWarnings("unused") private long value;

    Counter(String name) { this.name = name; }

    public String name() { return name; }

    /** Adds one. Owner thread only. */
    public void inc() { VALUE.setOpaque(this, (long) VALUE.getOpaque(this) + 1); }

    /** Adds {@code n}. Owner thread only. */
    public void add(long n) { VALUE.setOpaque(this, (long) VALUE.getOpaque(this) + n); }

    /** Adds one from any thread (for the rare counter bumped off the loop, e.g. by a sending application thread). */
    public void incAtomic() { VALUE.getAndAdd(this, 1L); }

    /** The current value; any thread. */
    public long get() { return (long) VALUE.getOpaque(this); }

    @Override public String toString() { return name + "=" + get(); }
}

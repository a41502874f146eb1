package io.morgana.runtime;

import io.morgana.api.Clock;
import io.morgana.api.Sleep;
import java.time.Duration;
import java.time.Instant;

/** Clock and sleep on the host's facilities: what every real target hands out (randomness: {@link KernelRandom}). */
public final class HostServices {
    private HostServices() {}

    /** {@link System#nanoTime()} and {@link Instant#now()}. */
    public static final Clock CLOCK = new Clock() {
        @Override public long nanoTime() { return System.nanoTime(); }
        @Override public Instant now() { return Instant.now(); }
        @Override public String toString() { return "host clock"; }
    };

    /** {@link Thread#sleep(Duration)}: parks a virtual thread without holding its carrier. */
    public static final Sleep SLEEP = Thread::sleep;
}

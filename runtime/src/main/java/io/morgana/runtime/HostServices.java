package io.morgana.runtime;

import io.morgana.api.Clock;
import io.morgana.api.Random;
import io.morgana.api.Sleep;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;

/** Clock, sleep and randomness on the host's facilities: what every real target hands out. */
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

    /** A {@link SecureRandom} from the host, created on first use (its providers cost start time). */
    public static Random random() {
        return new Random() {
            private volatile SecureRandom r;

            @Override public void nextBytes(byte[] bytes) {
                SecureRandom s = r;
                if (s == null) {
                    synchronized (this) {
                        if ((s = r) == null) r = s = new SecureRandom();
                    }
                }
                s.nextBytes(bytes);
            }

            @Override public String toString() { return "host SecureRandom"; }
        };
    }
}

package io.morgana.api;

import java.time.Instant;

/**
 * Time as the appliance sees it. Under simulation this is virtual time. Thread-safe, never blocks.
 */
public interface Clock {

    /** Monotonic nanoseconds from an arbitrary origin: for intervals and deadlines. */
    long nanoTime();

    /** Wall-clock time (may jump when the host's clock is set): for dates and logs. */
    Instant now();
}

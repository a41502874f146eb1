package io.morgana.api;

import java.time.Duration;

/** Waiting, on the appliance's clock (virtual under simulation). */
public interface Sleep {

    /** Blocks the calling (virtual) thread for {@code duration}. */
    void sleep(Duration duration) throws InterruptedException;
}

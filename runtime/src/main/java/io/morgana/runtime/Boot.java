package io.morgana.runtime;

import io.morgana.api.Arg;
import io.morgana.api.Clock;
import io.morgana.api.Manifest;
import io.morgana.api.Random;

/** What a {@link Target} sees while booting. */
public interface Boot {

    Manifest manifest();

    /** Value of any declared argument: the runtime's ({@link StandardArgs}), the target's or the appliance's. */
    <T> T arg(Arg<T> arg);

    /** Whether the argument was given on the command line (as opposed to defaulted). */
    boolean given(Arg<?> arg);

    Clock clock();

    Random random();

    /** Registers something to close at shutdown, in reverse order of registration. */
    void onShutdown(AutoCloseable resource);
}

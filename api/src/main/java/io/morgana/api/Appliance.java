package io.morgana.api;

/**
 * An appliance: a manifest that says what it needs and a {@link #run} that does its job. Found by
 * the runtime through {@code META-INF/services/io.morgana.api.Appliance} (one per appliance); it
 * must have a public no-argument constructor that does nothing but build the manifest.
 *
 * <p>Appliance code depends on this package (and the JDK) only, never on a driver or a target, so
 * that the same source runs on every target.
 */
public interface Appliance {

    /** The declaration. Must not touch any device: the tool reads it without booting. */
    Manifest manifest();

    /**
     * Does the appliance's job on a virtual thread. Returning ends the appliance (exit status 0);
     * throwing ends it with status 1 after logging the exception. A long-running service starts
     * its listeners and then calls {@link Context#awaitStop()}.
     */
    void run(Context context) throws Exception;
}

package io.morgana.api;

/**
 * What the runtime hands an appliance: its parsed arguments and its devices. Safe to use from any
 * thread.
 *
 * <p>Asking for a device the manifest did not declare is a programming error and throws
 * {@link IllegalStateException} naming the device; the target's devices were checked at boot.
 */
public interface Context {

    Manifest manifest();

    /** The value of a declared argument (its default when not given). */
    <T> T arg(Arg<T> arg);

    /** The declared network stack. */
    Stack stack();

    KvRo kvRo(String name);

    KvRw kvRw(String name);

    Block block(String name);

    Clock clock();

    Sleep sleep();

    Random random();

    /**
     * A stub resolver over the declared network stack, asking {@code --dns-servers} if given, else
     * the servers the stack learned ({@link Stack#dnsServers()}: DHCP, or the host's on unix).
     *
     * @throws IllegalStateException if the manifest declares no stack, or no resolver
     *     implementation ({@code morgana-dns}) is on the appliance's class path
     */
    Resolver resolver();

    /** The name of the target this runs on ({@code unix}, {@code tap}, …): for logs only. */
    String target();

    /** Blocks until the runtime is asked to stop (SIGTERM, SIGINT). */
    void awaitStop() throws InterruptedException;

    /** True once a stop was asked for. */
    boolean stopping();

    /** Runs {@code hook} when a stop is asked for, before the grace period starts. */
    void onStop(Runnable hook);
}

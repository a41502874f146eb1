package io.morgana.runtime;

import io.morgana.api.Arg;
import io.morgana.api.Device;
import io.morgana.api.Stack;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Where an appliance runs: {@code unix} (host sockets), {@code tap} (Morgana's stack on a TAP
 * device), {@code spt} (tap, sealed), … Found through {@code META-INF/services/io.morgana.runtime.Target}.
 *
 * <p>The runtime boots in this order: parse arguments (the runtime's, the target's, the
 * appliance's), open the network stack if declared ({@link #openStack}), open key-value and block
 * devices, then {@link #sealAfterBoot}, then run the appliance.
 */
public interface Target {

    /** The name users type: {@code -t NAME}. */
    String name();

    /** One line: what this target is. */
    String summary();

    /** What the host must have, in words a user can act on (privileges, devices, packages). */
    String requirements();

    /** Device kinds this target can provide; boot refuses a manifest that needs another. */
    default Set<Device.Kind> provides() { return EnumSet.allOf(Device.Kind.class); }

    /** Whether this target is implemented and usable from {@code morgana run} (false: listed, not yet built). */
    default boolean implemented() { return true; }

    /**
     * More for {@code morgana describe -t NAME} to show about this target, as text (spt: the
     * system calls its seal allows and denies); empty for none.
     */
    default String notes() { return ""; }

    /**
     * Called once, as soon as the runtime knows the target and before it parses arguments or boots
     * the appliance: starts, on a background thread, the work boot will need that depends on nothing
     * the user passes (tap: linking the FFM downcalls of its driver; spt: also what the seal
     * preloads), so that it overlaps the rest of boot instead of adding to it. It must not throw or
     * block; if the work fails, boot meets the same failure where it needs the result and reports it.
     */
    default void warmUp() {}

    /** Boot arguments only this target reads (e.g. {@code --interface}). */
    default List<Arg<?>> args() { return List.of(); }

    /** Whether host directories may back key-value stores (false where the appliance is sealed off the host). */
    default boolean hostDirectories() { return true; }

    /**
     * Acquires the network stack. Throws {@link BootException} with an actionable message (missing
     * privilege, no such interface, busy port) rather than any other exception.
     */
    Stack openStack(Boot boot) throws BootException;

    /** Called once every device is acquired, before the appliance runs (spt installs its seal here). */
    default void sealAfterBoot(Boot boot) throws BootException {}
}

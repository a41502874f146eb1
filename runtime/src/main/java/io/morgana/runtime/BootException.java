package io.morgana.runtime;

/**
 * Boot cannot go on. The message says what went wrong and what to do about it; the runtime prints
 * it (no stack trace) and exits with {@link #exitStatus()}.
 */
public class BootException extends Exception {

    /** sysexits.h: EX_USAGE, a wrong or missing argument. */
    public static final int USAGE = 64;
    /** sysexits.h: EX_UNAVAILABLE, a device the target cannot provide. */
    public static final int UNAVAILABLE = 69;
    /** sysexits.h: EX_OSERR, e.g. a port already in use, an interface that cannot be opened. */
    public static final int OSERR = 71;
    /** sysexits.h: EX_NOPERM, a missing privilege. */
    public static final int NOPERM = 77;
    /** sysexits.h: EX_CONFIG, a malformed appliance or configuration. */
    public static final int CONFIG = 78;

    private final int exitStatus;

    public BootException(int exitStatus, String message) {
        super(message);
        this.exitStatus = exitStatus;
    }

    public BootException(int exitStatus, String message, Throwable cause) {
        super(message, cause);
        this.exitStatus = exitStatus;
    }

    public int exitStatus() { return exitStatus; }
}

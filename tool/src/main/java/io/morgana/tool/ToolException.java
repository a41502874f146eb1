package io.morgana.tool;

/**
 * The tool cannot go on. The message says what went wrong and what to do about it; {@link Main}
 * prints it (no stack trace) and exits with {@link #exitStatus()}, a sysexits.h code as the
 * runtime's {@code BootException} uses.
 */
public final class ToolException extends Exception {

    /** A wrong command line: unknown target, bad option, missing argument. */
    public static final int USAGE = 64;
    /** The appliance directory is missing or holds no appliance. */
    public static final int NO_INPUT = 66;
    /** Something the host or the target cannot provide (a device, a target not built yet, a JDK). */
    public static final int UNAVAILABLE = 69;
    /** A build (Maven) failed. */
    public static final int SOFTWARE = 70;
    /** A file or directory could not be written. */
    public static final int CANT_CREATE = 73;
    /** The appliance itself is malformed (its manifest does not load). */
    public static final int CONFIG = 78;

    private final int exitStatus;

    public ToolException(int exitStatus, String message) {
        super(message);
        this.exitStatus = exitStatus;
    }

    public ToolException(int exitStatus, String message, Throwable cause) {
        super(message, cause);
        this.exitStatus = exitStatus;
    }

    public int exitStatus() { return exitStatus; }
}

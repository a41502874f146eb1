package io.morgana.runtime;

import io.morgana.api.Random;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The kernel's cryptographically strong randomness, read from {@code /dev/urandom} through one
 * descriptor that the process opens at boot and then holds like a device: a sealed appliance
 * (spt), which may no longer open files, keeps reading it ({@code read} on held descriptors is
 * allowed). Linux's {@code /dev/urandom} never blocks once the kernel's generator is seeded, which
 * happens early in boot. One per process, shared by every target; thread-safe.
 *
 * <p>Why not {@link java.security.SecureRandom}: on Linux its default ({@code NativePRNG}) reads
 * this same device, but its first use loads the JCA provider framework (provider list, the
 * {@code java.security} file, service tables, {@code KnownOIDs}, reflection), about 14 ms of an
 * appliance's start. Why not {@code getrandom(2)}: it would need an FFM downcall, whose linking
 * costs more start time than opening a file.
 */
public final class KernelRandom implements Random {

    static final String DEVICE = "/dev/urandom";

    private static KernelRandom shared; // guarded by KernelRandom.class

    private final String device;
    private final FileInputStream in;

    private KernelRandom(String device, FileInputStream in) {
        this.device = device;
        this.in = in;
    }

    /**
     * The process's instance, opening {@code /dev/urandom} on the first call (call it at boot, before
     * a seal).
     *
     * @throws BootException (OSERR) if the device cannot be opened
     */
    public static synchronized KernelRandom shared() throws BootException {
        if (shared == null) shared = open(DEVICE);
        return shared;
    }

    static KernelRandom open(String device) throws BootException {
        try {
            return new KernelRandom(device, new FileInputStream(device));
        } catch (IOException | SecurityException e) {
            String why = String.valueOf(e.getMessage()); // FileInputStream says "PATH (REASON)"
            if (why.startsWith(device + " (") && why.endsWith(")")) why = why.substring(device.length() + 2, why.length() - 1);
            throw new BootException(BootException.OSERR, "cannot open " + device + " for randomness (" + why
                    + "): an appliance needs the kernel's random device; check that /dev is mounted and " + device
                    + " is readable");
        }
    }

    /**
     * Fills {@code bytes} from the device.
     *
     * @throws UncheckedIOException if the kernel refuses the read (not seen on Linux: reads of
     *     {@code /dev/urandom} neither block nor fail)
     */
    @Override public void nextBytes(byte[] bytes) {
        try {
            for (int off = 0; off < bytes.length; ) {
                int n = in.read(bytes, off, bytes.length - off);
                if (n < 0) throw new IOException("end of file");
                off += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + device + " failed", e);
        }
    }

    @Override public String toString() { return "kernel random (" + device + ")"; }
}

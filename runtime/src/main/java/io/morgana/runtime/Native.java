package io.morgana.runtime;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * What every driver that calls libc through FFM shares: {@link #libc} links a function, and a
 * downcall linked with {@link #CAPTURE} writes errno into a segment of {@link #LAYOUT}, which
 * {@link #errno} reads and {@link #strerror} turns into libc's message.
 */
public final class Native {
    private Native() {}

    private static final Linker LINKER = Linker.nativeLinker();

    /** A downcall to libc's {@code name}; UnsatisfiedLinkError if libc has none. */
    public static MethodHandle libc(String name, FunctionDescriptor fd, Linker.Option... options) {
        return LINKER.downcallHandle(
                LINKER.defaultLookup().find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name)), fd, options);
    }

    /** The option that makes a downcall capture errno. */
    public static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");
    /** The layout of the segment a capturing downcall takes as its first argument. */
    public static final MemoryLayout LAYOUT = Linker.Option.captureStateLayout();

    private static final VarHandle ERRNO = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    /** A segment for a capturing downcall to write errno into. */
    public static MemorySegment capture(Arena arena) { return arena.allocate(LAYOUT); }

    /** The errno a capturing downcall left in {@code capture}. */
    public static int errno(MemorySegment capture) { return (int) ERRNO.get(capture, 0L); }

    /** Whether system call numbers are aarch64's (which has only the *at, ppoll and eventfd2 forms) or x86-64's. */
    public static final boolean AARCH64 = System.getProperty("os.arch", "").equals("aarch64");

    /**
     * {@code long syscall(long nr, ...)} with errno captured: one downcall for every system call a
     * driver makes with plain values and native addresses. The FFM linker generates and loads
     * classes for each distinct signature it links (milliseconds each at boot, under load tens, and
     * an AOT cache does not keep them), so drivers that go through this one link once between them.
     * In a holder: a target that never calls it does not link it.
     *
     * <p>Linked as a plain function of six {@code long}s, not as a variadic one. glibc's
     * {@code syscall} on Linux is a few instructions of assembly that move the six argument
     * registers into the kernel's and trap; it reads no {@code va_list}. Variadic integer arguments
     * travel in the same registers as fixed ones, both on x86-64 and on Linux aarch64. The only
     * difference is {@code %al}, the count of vector registers that an x86-64 caller sets for a
     * variadic callee, and this stub never reads it. The variadic form costs boot
     * ~10 ms: its extra bound argument makes the linker spin four method-handle species classes and
     * their lambda forms. Measured with an AOT cache: the link took 20-25 ms variadic and 13-18 ms
     * without.
     */
    private static final class Syscall {
        static final MethodHandle HANDLE = libc("syscall", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
                CAPTURE);
    }

    /** System call {@code nr} with up to five arguments (pass 0 for the unused); its raw result, errno in {@code capture}. */
    public static long syscall(MemorySegment capture, long nr, long a, long b, long c, long d, long e) {
        try {
            return (long) Syscall.HANDLE.invokeExact(capture, nr, a, b, c, d, e);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Links {@link #syscall} now (e.g. before a seccomp filter would deny what linking needs). */
    public static void linkSyscall() {
        MethodHandle unused = Syscall.HANDLE;
    }

    private static final class Strerror {
        static final MethodHandle HANDLE = libc("strerror", FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    }

    /** libc's message for {@code errno} ("Permission denied"), or "errno N" if it cannot be had. */
    public static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) Strerror.HANDLE.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }
}

package io.morgana.target.spt;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.morgana.target.spt.SyscallPolicy.Arch;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Installs a seccomp filter on every thread of this process, through FFM (no JNI):
 * {@code prctl(PR_SET_NO_NEW_PRIVS, 1)} — which lets an unprivileged process install a filter and
 * guarantees no later {@code execve} could gain privileges — then
 * {@code seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog)}, so that the JVM's
 * threads that already exist (GC, JIT compilers, signal dispatcher, carriers) are sealed too, not
 * only the caller. Threads created later inherit the filter. There is no way back.
 */
final class Seccomp {
    private Seccomp() {}

    static final int PR_SET_NO_NEW_PRIVS = 38;
    static final int SECCOMP_SET_MODE_FILTER = 1;
    static final int SECCOMP_FILTER_FLAG_TSYNC = 1;

    /** {@code struct sock_fprog { unsigned short len; struct sock_filter *filter; }} */
    private static final StructLayout SOCK_FPROG = MemoryLayout.structLayout(
            JAVA_SHORT.withName("len"), MemoryLayout.paddingLayout(6), ADDRESS.withName("filter"));
    private static final VarHandle LEN = SOCK_FPROG.varHandle(MemoryLayout.PathElement.groupElement("len"));
    private static final VarHandle FILTER = SOCK_FPROG.varHandle(MemoryLayout.PathElement.groupElement("filter"));

    /** Why the seal could not be installed, in words a user can act on. */
    static final class SealException extends Exception {
        SealException(String message) { super(message); }
        SealException(String message, Throwable cause) { super(message, cause); }
    }

    static final int SYS_PRCTL_X86_64 = 157, SYS_PRCTL_AARCH64 = 167;

    /**
     * One downcall, {@code long syscall(long nr, ...)} with five long arguments and errno captured,
     * used for both prctl and seccomp: linking a downcall is the costly part (method handles and
     * classes are generated), so there is one, made by {@link #link} during the preload. It has the
     * signature and options of {@code io.morgana.runtime.Native.syscall}, through which the tap
     * driver makes all its calls, so the linker finds it in its cache and this costs next to
     * nothing. Like that one, it is linked as a plain function of six {@code long}s, which the
     * stub is on Linux, not as a variadic one; that class says why. (The seal does not call
     * {@code Native} itself so that it runs on a class path without the runtime, as the seal's own
     * tests do.) The {@link Trim} makes its {@code madvise} calls through it too.
     */
    static final class Native {
        static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
        static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        static final MethodHandle SYSCALL = Linker.nativeLinker().downcallHandle(
                Linker.nativeLinker().defaultLookup().find("syscall").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                Linker.Option.captureCallState("errno"));
    }

    /**
     * Links the downcall now, and makes the first use of the {@code sock_fprog} accessors: that
     * first use generates classes (milliseconds), which the preload's thread does rather than the
     * seal on boot's path. Cheap to call twice.
     */
    static void link() {
        MethodHandle unused = Native.SYSCALL;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fprog = arena.allocate(SOCK_FPROG);
            LEN.set(fprog, 0L, (short) 0);
            FILTER.set(fprog, 0L, MemorySegment.NULL);
        }
    }

    static void install(byte[] program, Arch arch) throws SealException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.CALL_STATE);
            long prctl = arch == Arch.X86_64 ? SYS_PRCTL_X86_64 : SYS_PRCTL_AARCH64;
            long rc = (long) Native.SYSCALL.invokeExact(state, prctl, (long) PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L);
            if (rc != 0) {
                throw new SealException("prctl(PR_SET_NO_NEW_PRIVS) failed: " + Errno.describe((int) Native.ERRNO.get(state, 0L)));
            }
            MemorySegment filter = arena.allocate(JAVA_BYTE, program.length);
            filter.copyFrom(MemorySegment.ofArray(program));
            MemorySegment fprog = arena.allocate(SOCK_FPROG);
            LEN.set(fprog, 0L, (short) (program.length / SeccompProgram.INSN_BYTES));
            FILTER.set(fprog, 0L, filter);
            long r = (long) Native.SYSCALL.invokeExact(state, (long) arch.seccompNr,
                    (long) SECCOMP_SET_MODE_FILTER, (long) SECCOMP_FILTER_FLAG_TSYNC, fprog.address(), 0L, 0L);
            if (r > 0) {
                throw new SealException("seccomp: thread " + r + " could not be synchronised to the filter"
                        + " (it has a filter of its own); the process is not sealed");
            }
            if (r < 0) {
                int errno = (int) Native.ERRNO.get(state, 0L);
                throw new SealException("seccomp(SECCOMP_SET_MODE_FILTER) failed: " + Errno.describe(errno)
                        + (errno == 22 ? " (kernel without seccomp filters or TSYNC: Linux >= 3.17 built with CONFIG_SECCOMP_FILTER)" : "")
                        + (errno == 1 ? " (a container runtime forbids seccomp? run with --no-seal to debug)" : ""));
            }
        } catch (SealException e) {
            throw e;
        } catch (Throwable t) {
            throw new SealException("seccomp could not be called through FFM: " + t
                    + " (run the JVM with --enable-native-access=ALL-UNNAMED)", t);
        }
    }

    /** errno numbers the seal can meet, named. */
    static final class Errno {
        private Errno() {}

        static String describe(int errno) {
            String name = switch (errno) {
                case 1 -> "EPERM";
                case 12 -> "ENOMEM";
                case 14 -> "EFAULT";
                case 22 -> "EINVAL";
                case 38 -> "ENOSYS";
                default -> "errno";
            };
            return name + " (" + errno + ")";
        }
    }
}

package io.morgana.target.tap;

import io.morgana.runtime.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The few libc calls the TAP driver needs, bound through the FFM API (no JNI). Every call returns
 * the raw result; on -1 the caller reads {@link #errno} from the capture segment it passed. Linux
 * x86-64 / aarch64 constants (the generic ioctl encoding).
 */
final class Libc {
    private Libc() {}

    static final int O_RDWR = 2, O_RDONLY = 0, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;
    static final int EINTR = 4, EAGAIN = 11, ENOENT = 2, EPERM = 1, EACCES = 13, EBUSY = 16, EINVAL = 22, ENODEV = 19;
    static final int AF_INET = 2, SOCK_DGRAM = 2;
    static final int CLONE_NEWNET = 0x40000000;
    static final int EFD_NONBLOCK = 0x800, EFD_CLOEXEC = 0x80000;
    static final short POLLIN = 1, POLLERR = 8, POLLHUP = 0x10, POLLNVAL = 0x20;

    // <linux/if_tun.h>
    static final long TUNSETIFF = 0x400454caL;
    static final long TUNSETPERSIST = 0x400454cbL;
    static final short IFF_TAP = 0x0002, IFF_NO_PI = 0x1000, IFF_VNET_HDR = 0x4000;
    static final long TUNSETOFFLOAD = 0x400454d0L;   // _IOW('T', 208, unsigned int), the flags passed by value
    static final long TUNSETVNETHDRSZ = 0x400454d8L; // _IOW('T', 216, int), through a pointer
    static final int TUN_F_CSUM = 0x01, TUN_F_TSO4 = 0x02;
    // <linux/sockios.h>, <net/if.h>
    static final long SIOCGIFFLAGS = 0x8913, SIOCSIFFLAGS = 0x8914, SIOCGIFMTU = 0x8921;
    static final short IFF_UP = 0x1, IFF_RUNNING = 0x40;
    static final int IFNAMSIZ = 16, IFREQ_SIZE = 40;

    private static final Linker.Option ERRNO = Native.CAPTURE;
    static final MemoryLayout CAPTURE_LAYOUT = Native.LAYOUT;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout PTR = ValueLayout.ADDRESS;

    private static MethodHandle bind(String name, FunctionDescriptor fd, Linker.Option... options) {
        return Native.libc(name, fd, options);
    }

    private static final MethodHandle OPEN = bind("open", FunctionDescriptor.of(INT, PTR, INT), ERRNO);
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle READ = bind("read", FunctionDescriptor.of(LONG, INT, PTR, LONG), ERRNO);
    private static final MethodHandle WRITE = bind("write", FunctionDescriptor.of(LONG, INT, PTR, LONG), ERRNO);
    private static final MethodHandle IOCTL =
            bind("ioctl", FunctionDescriptor.of(INT, INT, LONG, PTR), ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle IOCTL_VALUE =
            bind("ioctl", FunctionDescriptor.of(INT, INT, LONG, LONG), ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle WRITEV = bind("writev", FunctionDescriptor.of(LONG, INT, PTR, INT), ERRNO);
    // A short call that never blocks (the descriptor is non-blocking) and may write into a Java array.
    private static final MethodHandle READ_CRITICAL =
            bind("read", FunctionDescriptor.of(LONG, INT, PTR, LONG), ERRNO, Linker.Option.critical(true));
    private static final MethodHandle SOCKET = bind("socket", FunctionDescriptor.of(INT, INT, INT, INT), ERRNO);
    private static final MethodHandle POLL = bind("poll", FunctionDescriptor.of(INT, PTR, LONG, INT), ERRNO);
    private static final MethodHandle EVENTFD = bind("eventfd", FunctionDescriptor.of(INT, INT, INT), ERRNO);
    private static final MethodHandle SETNS = bind("setns", FunctionDescriptor.of(INT, INT, INT), ERRNO);

    static int errno(MemorySegment capture) { return Native.errno(capture); }

    static String strerror(int errno) { return Native.strerror(errno); }

    static int open(MemorySegment capture, Arena arena, String path, int flags) {
        try {
            return (int) OPEN.invokeExact(capture, arena.allocateFrom(path), flags);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static void close(int fd) {
        try {
            int unused = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static long read(MemorySegment capture, int fd, MemorySegment buf, long len) {
        try {
            return (long) READ.invokeExact(capture, fd, buf, len);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * {@code read(2)} into a heap segment (a Java array) without copying through native memory:
     * a critical call, for non-blocking descriptors only.
     */
    static long readIntoHeap(MemorySegment capture, int fd, MemorySegment heap, long len) {
        try {
            return (long) READ_CRITICAL.invokeExact(capture, fd, heap, len);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** {@code writev(2)} of {@code count} {@code struct iovec} (base, length: 16 bytes each) at {@code iov}. */
    static long writev(MemorySegment capture, int fd, MemorySegment iov, int count) {
        try {
            return (long) WRITEV.invokeExact(capture, fd, iov, count);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** {@code ioctl(2)} whose argument is a value, not a pointer ({@code TUNSETOFFLOAD}). */
    static int ioctlValue(MemorySegment capture, int fd, long request, long value) {
        try {
            return (int) IOCTL_VALUE.invokeExact(capture, fd, request, value);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static long write(MemorySegment capture, int fd, MemorySegment buf, long len) {
        try {
            return (long) WRITE.invokeExact(capture, fd, buf, len);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static int ioctl(MemorySegment capture, int fd, long request, MemorySegment arg) {
        try {
            return (int) IOCTL.invokeExact(capture, fd, request, arg);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static int socket(MemorySegment capture, int domain, int type, int protocol) {
        try {
            return (int) SOCKET.invokeExact(capture, domain, type, protocol);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static int poll(MemorySegment capture, MemorySegment fds, long nfds, int timeoutMillis) {
        try {
            return (int) POLL.invokeExact(capture, fds, nfds, timeoutMillis);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static int eventfd(MemorySegment capture, int initval, int flags) {
        try {
            return (int) EVENTFD.invokeExact(capture, initval, flags);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static int setns(MemorySegment capture, int fd, int nstype) {
        try {
            return (int) SETNS.invokeExact(capture, fd, nstype);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** A {@code struct ifreq} with the name set. */
    static MemorySegment ifreq(Arena arena, String name) {
        MemorySegment ifr = arena.allocate(IFREQ_SIZE);
        byte[] b = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        MemorySegment.copy(b, 0, ifr, ValueLayout.JAVA_BYTE, 0, b.length);
        return ifr;
    }
}

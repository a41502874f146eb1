package io.morgana.target.tap;

import static io.morgana.runtime.Native.AARCH64;

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

    /*
     * Every call but readIntoHeap goes through Native.syscall, one downcall shared with the spt seal:
     * linking a downcall per function cost tens of milliseconds of boot (see Native.syscall).
     */
    private static final long SYS_READ = AARCH64 ? 63 : 0, SYS_WRITE = AARCH64 ? 64 : 1, SYS_CLOSE = AARCH64 ? 57 : 3,
            SYS_OPENAT = AARCH64 ? 56 : 257, SYS_IOCTL = AARCH64 ? 29 : 16, SYS_SOCKET = AARCH64 ? 198 : 41,
            SYS_WRITEV = AARCH64 ? 66 : 20, SYS_POLL = 7, SYS_PPOLL = 73, SYS_EVENTFD2 = AARCH64 ? 19 : 290,
            SYS_SETNS = AARCH64 ? 268 : 308;
    private static final long AT_FDCWD = -100;

    private static long syscall(MemorySegment capture, long nr, long a, long b, long c) {
        return Native.syscall(capture, nr, a, b, c, 0, 0);
    }

    /** A short call that never blocks (the descriptor is non-blocking) and may write into a Java array: linked when first used. */
    private static final class ReadCritical {
        static final MethodHandle HANDLE = Native.libc("read", FunctionDescriptor.of(LONG, INT, PTR, LONG), ERRNO, Linker.Option.critical(true));
    }

    /**
     * Links both downcalls the driver uses on a background thread now, rather than on their first
     * call: they cost tens of milliseconds of interpreted class generation, which
     * {@link TapTarget#warmUp} moves off boot's path. Class initialisation makes a caller that
     * needs {@code syscall} meanwhile wait for it. The reader does not wait for the zero-copy
     * read ({@link #readIntoHeapReady}).
     *
     * <p>A class of its own: starting it initialises neither {@code Libc} nor the FFM linker on
     * the caller's thread (that is milliseconds of class initialisation and generated lambda
     * forms, which belong on the background thread too).
     */
    static final class Background {
        private Background() {}

        /** Whether the background thread is linking {@link ReadCritical} and has not finished. */
        private static volatile boolean readLinkPending;

        /** Starts the background link; {@code onFailure} gets what linking threw. */
        static void start(java.util.function.Consumer<Throwable> onFailure) {
            readLinkPending = true;
            Thread.ofPlatform().daemon().name("tap-link").start(() -> {
                try {
                    link();
                } catch (Throwable e) {
                    onFailure.accept(e);
                } finally {
                    readLinkPending = false;
                }
            });
        }
    }

    /** Links both downcalls, {@code syscall} first (boot needs it to open the device). */
    private static void link() {
        Native.linkSyscall();
        MethodHandle unused = ReadCritical.HANDLE;
    }

    /**
     * False while {@link Background} is still linking {@link #readIntoHeap}. Meanwhile the
     * reader reads through {@code syscall} into native memory and copies, so that the first frames
     * of a boot wait for neither the second link nor the classes it generates. Otherwise
     * {@link #readIntoHeap} links on first use, if it must.
     */
    static boolean readIntoHeapReady() { return !Background.readLinkPending; }

    /** For tests: as if a background link of the zero-copy read were (or were no longer) under way. */
    static void readLinkPending(boolean pending) { Background.readLinkPending = pending; }

    static int errno(MemorySegment capture) { return Native.errno(capture); }

    static String strerror(int errno) { return Native.strerror(errno); }

    static int open(MemorySegment capture, Arena arena, String path, int flags) {
        return (int) syscall(capture, SYS_OPENAT, AT_FDCWD, arena.allocateFrom(path).address(), flags);
    }

    static void close(int fd) {
        try (Arena a = Arena.ofConfined()) {
            syscall(a.allocate(CAPTURE_LAYOUT), SYS_CLOSE, fd, 0, 0);
        }
    }

    static long read(MemorySegment capture, int fd, MemorySegment buf, long len) {
        return syscall(capture, SYS_READ, fd, buf.address(), len);
    }

    /**
     * {@code read(2)} into a heap segment (a Java array) without copying through native memory:
     * a critical call, for non-blocking descriptors only.
     */
    static long readIntoHeap(MemorySegment capture, int fd, MemorySegment heap, long len) {
        try {
            return (long) ReadCritical.HANDLE.invokeExact(capture, fd, heap, len);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** {@code writev(2)} of {@code count} {@code struct iovec} (base, length: 16 bytes each) at {@code iov}. */
    static long writev(MemorySegment capture, int fd, MemorySegment iov, int count) {
        return syscall(capture, SYS_WRITEV, fd, iov.address(), count);
    }

    /** {@code ioctl(2)} whose argument is a value, not a pointer ({@code TUNSETOFFLOAD}). */
    static int ioctlValue(MemorySegment capture, int fd, long request, long value) {
        return (int) syscall(capture, SYS_IOCTL, fd, request, value);
    }

    static long write(MemorySegment capture, int fd, MemorySegment buf, long len) {
        return syscall(capture, SYS_WRITE, fd, buf.address(), len);
    }

    static int ioctl(MemorySegment capture, int fd, long request, MemorySegment arg) {
        return (int) syscall(capture, SYS_IOCTL, fd, request, arg.address());
    }

    static int socket(MemorySegment capture, int domain, int type, int protocol) {
        return (int) syscall(capture, SYS_SOCKET, domain, type, protocol);
    }

    static int poll(MemorySegment capture, MemorySegment fds, long nfds, int timeoutMillis) {
        if (!AARCH64) return (int) syscall(capture, SYS_POLL, fds.address(), nfds, timeoutMillis);
        if (timeoutMillis < 0) return (int) syscall(capture, SYS_PPOLL, fds.address(), nfds, 0);
        try (Arena a = Arena.ofConfined()) { // ppoll takes a struct timespec
            MemorySegment ts = a.allocate(16, 8);
            ts.set(LONG, 0, timeoutMillis / 1000);
            ts.set(LONG, 8, (timeoutMillis % 1000) * 1_000_000L);
            return (int) syscall(capture, SYS_PPOLL, fds.address(), nfds, ts.address());
        }
    }

    static int eventfd(MemorySegment capture, int initval, int flags) {
        return (int) syscall(capture, SYS_EVENTFD2, initval, flags, 0);
    }

    static int setns(MemorySegment capture, int fd, int nstype) {
        return (int) syscall(capture, SYS_SETNS, fd, nstype, 0);
    }

    /** A {@code struct ifreq} with the name set. */
    static MemorySegment ifreq(Arena arena, String name) {
        MemorySegment ifr = arena.allocate(IFREQ_SIZE);
        byte[] b = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        MemorySegment.copy(b, 0, ifr, ValueLayout.JAVA_BYTE, 0, b.length);
        return ifr;
    }
}

package io.morgana.target.unix;

import static io.morgana.runtime.Native.AARCH64;

import io.morgana.runtime.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The socket system calls {@link BatchUdpSocket} makes, through {@link Native#syscall}, and libc's
 * malloc and free. Each call returns the raw result; on -1 the caller reads {@link Native#errno}
 * from the capture segment it passed. Linux constants (the same on x86-64 and aarch64). Linking happens when the class is first used; if it
 * fails (not Linux, native access denied) {@link UnixStack} falls back to the JDK's sockets.
 */
final class Sockets {
    private Sockets() {}

    static final int AF_INET = 2, AF_INET6 = 10, SOCK_DGRAM = 2, SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1, SO_RCVBUF = 8, SO_RCVTIMEO = 20;
    static final int IPPROTO_IPV6 = 41, IPV6_V6ONLY = 26;
    static final int MSG_WAITFORONE = 0x10000;
    static final int SHUT_RD = 0;
    static final int EINTR = 4, EAGAIN = 11, EAFNOSUPPORT = 97;

    // struct iovec {void *base; size_t len;}
    static final long IOVEC_SIZE = 16;
    // struct msghdr {void *name; socklen_t namelen; struct iovec *iov; size_t iovlen; void *control;
    // size_t controllen; int flags;} and struct mmsghdr {struct msghdr hdr; unsigned len;}
    static final long MSG_NAME = 0, MSG_NAMELEN = 8, MSG_IOV = 16, MSG_IOVLEN = 24, MMSG_LEN = 56;
    static final long MMSGHDR_SIZE = 64;
    /** sizeof(struct sockaddr_in6), which also holds a struct sockaddr_in. */
    static final int SOCKADDR_SIZE = 28;

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout PTR = ValueLayout.ADDRESS;

    /*
     * The socket calls go through Native.syscall, the one downcall the other drivers share: linking
     * a downcall per function costs milliseconds of boot each (see Native.syscall). Only malloc and
     * free are linked here.
     */
    private static final long SYS_SOCKET = AARCH64 ? 198 : 41, SYS_BIND = AARCH64 ? 200 : 49,
            SYS_GETSOCKNAME = AARCH64 ? 204 : 51, SYS_SETSOCKOPT = AARCH64 ? 208 : 54, SYS_RECVMMSG = AARCH64 ? 243 : 299,
            SYS_SENDMMSG = AARCH64 ? 269 : 307, SYS_SHUTDOWN = AARCH64 ? 210 : 48,
            SYS_CLOSE = AARCH64 ? 57 : 3;

    private static final MethodHandle MALLOC = Native.libc("malloc", FunctionDescriptor.of(PTR, LONG));
    private static final MethodHandle FREE = Native.libc("free", FunctionDescriptor.ofVoid(PTR));

    static int socket(MemorySegment capture, int domain, int type, int protocol) {
        return (int) Native.syscall(capture, SYS_SOCKET, domain, type, protocol, 0, 0);
    }

    static int bind(MemorySegment capture, int fd, MemorySegment addr, int len) {
        return (int) Native.syscall(capture, SYS_BIND, fd, addr.address(), len, 0, 0);
    }

    static int getsockname(MemorySegment capture, int fd, MemorySegment addr, MemorySegment len) {
        return (int) Native.syscall(capture, SYS_GETSOCKNAME, fd, addr.address(), len.address(), 0, 0);
    }

    static int setsockopt(MemorySegment capture, int fd, int level, int name, MemorySegment value, int len) {
        return (int) Native.syscall(capture, SYS_SETSOCKOPT, fd, level, name, value.address(), len);
    }

    static int recvmmsg(MemorySegment capture, int fd, MemorySegment msgs, int n, int flags) {
        return (int) Native.syscall(capture, SYS_RECVMMSG, fd, msgs.address(), n, flags, 0);
    }

    static int sendmmsg(MemorySegment capture, int fd, MemorySegment msgs, int n, int flags) {
        return (int) Native.syscall(capture, SYS_SENDMMSG, fd, msgs.address(), n, flags, 0);
    }

    static void shutdown(int fd, int how) {
        try (Arena a = Arena.ofConfined()) {
            Native.syscall(Native.capture(a), SYS_SHUTDOWN, fd, how, 0, 0, 0);
        }
    }

    static void close(int fd) {
        try (Arena a = Arena.ofConfined()) {
            Native.syscall(Native.capture(a), SYS_CLOSE, fd, 0, 0, 0, 0);
        }
    }

    /** {@code size} bytes from malloc, not zeroed: pages the kernel never writes stay unbacked. */
    static MemorySegment malloc(long size) {
        try {
            MemorySegment m = (MemorySegment) MALLOC.invokeExact(size);
            if (m.equals(MemorySegment.NULL)) throw new OutOfMemoryError("malloc(" + size + ") failed");
            return m.reinterpret(size);
        } catch (Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static void free(MemorySegment m) {
        try {
            FREE.invokeExact(m);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}

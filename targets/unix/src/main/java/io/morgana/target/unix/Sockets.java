package io.morgana.target.unix;

import io.morgana.runtime.Native;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The libc socket calls {@link BatchUdpSocket} makes, bound through FFM. Each returns the raw
 * result; on -1 the caller reads {@link Native#errno} from the capture segment it passed. Linux
 * constants (the same on x86-64 and aarch64). Linking happens when the class is first used; if it
 * fails (not Linux, native access denied) {@link UnixStack} falls back to the JDK's sockets.
 */
final class Sockets {
    private Sockets() {}

    static final int AF_INET = 2, AF_INET6 = 10, SOCK_DGRAM = 2, SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1, SO_SNDBUF = 7, SO_RCVBUF = 8, SO_RCVTIMEO = 20;
    static final int IPPROTO_IPV6 = 41, IPV6_V6ONLY = 26;
    static final int MSG_WAITFORONE = 0x10000;
    static final int SHUT_RD = 0;
    static final int EINTR = 4, EAGAIN = 11, EAFNOSUPPORT = 97, EADDRINUSE = 98, EACCES = 13;

    // struct iovec {void *base; size_t len;}
    static final long IOVEC_SIZE = 16;
    // struct msghdr {void *name; socklen_t namelen; struct iovec *iov; size_t iovlen; void *control;
    // size_t controllen; int flags;} and struct mmsghdr {struct msghdr hdr; unsigned len;}
    static final long MSG_NAME = 0, MSG_NAMELEN = 8, MSG_IOV = 16, MSG_IOVLEN = 24, MSG_FLAGS = 48, MMSG_LEN = 56;
    static final long MMSGHDR_SIZE = 64;
    /** sizeof(struct sockaddr_in6), which also holds a struct sockaddr_in. */
    static final int SOCKADDR_SIZE = 28;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout PTR = ValueLayout.ADDRESS;

    private static MethodHandle bind(String name, FunctionDescriptor fd, Linker.Option... options) {
        return Native.libc(name, fd, options);
    }

    private static final MethodHandle SOCKET = bind("socket", FunctionDescriptor.of(INT, INT, INT, INT), Native.CAPTURE);
    private static final MethodHandle BIND = bind("bind", FunctionDescriptor.of(INT, INT, PTR, INT), Native.CAPTURE);
    private static final MethodHandle GETSOCKNAME = bind("getsockname", FunctionDescriptor.of(INT, INT, PTR, PTR), Native.CAPTURE);
    private static final MethodHandle SETSOCKOPT = bind("setsockopt", FunctionDescriptor.of(INT, INT, INT, INT, PTR, INT), Native.CAPTURE);
    private static final MethodHandle RECVMMSG = bind("recvmmsg", FunctionDescriptor.of(INT, INT, PTR, INT, INT, PTR), Native.CAPTURE);
    private static final MethodHandle SENDMMSG = bind("sendmmsg", FunctionDescriptor.of(INT, INT, PTR, INT, INT), Native.CAPTURE);
    private static final MethodHandle SENDTO = bind("sendto", FunctionDescriptor.of(LONG, INT, PTR, LONG, INT, PTR, INT), Native.CAPTURE);
    private static final MethodHandle SHUTDOWN = bind("shutdown", FunctionDescriptor.of(INT, INT, INT));
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle MALLOC = bind("malloc", FunctionDescriptor.of(PTR, LONG));
    private static final MethodHandle FREE = bind("free", FunctionDescriptor.ofVoid(PTR));

    static int socket(MemorySegment capture, int domain, int type, int protocol) {
        try {
            return (int) SOCKET.invokeExact(capture, domain, type, protocol);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static int bind(MemorySegment capture, int fd, MemorySegment addr, int len) {
        try {
            return (int) BIND.invokeExact(capture, fd, addr, len);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static int getsockname(MemorySegment capture, int fd, MemorySegment addr, MemorySegment len) {
        try {
            return (int) GETSOCKNAME.invokeExact(capture, fd, addr, len);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static int setsockopt(MemorySegment capture, int fd, int level, int name, MemorySegment value, int len) {
        try {
            return (int) SETSOCKOPT.invokeExact(capture, fd, level, name, value, len);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static int recvmmsg(MemorySegment capture, int fd, MemorySegment msgs, int n, int flags) {
        try {
            return (int) RECVMMSG.invokeExact(capture, fd, msgs, n, flags, MemorySegment.NULL);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static int sendmmsg(MemorySegment capture, int fd, MemorySegment msgs, int n, int flags) {
        try {
            return (int) SENDMMSG.invokeExact(capture, fd, msgs, n, flags);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static long sendto(MemorySegment capture, int fd, MemorySegment buf, long len, int flags, MemorySegment addr, int addrLen) {
        try {
            return (long) SENDTO.invokeExact(capture, fd, buf, len, flags, addr, addrLen);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static void shutdown(int fd, int how) {
        try {
            int unused = (int) SHUTDOWN.invokeExact(fd, how);
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

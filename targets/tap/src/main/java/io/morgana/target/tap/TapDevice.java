package io.morgana.target.tap;

import io.morgana.runtime.BootException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A Linux TAP interface opened through {@code /dev/net/tun}: Ethernet frames in and out, one
 * {@code read(2)} or {@code write(2)} per frame on a non-blocking descriptor.
 *
 * <p>{@link #open} attaches to interface {@code NAME} if it exists (e.g. made persistent with
 * {@code ip tuntap add dev NAME mode tap}) or creates it, which needs {@code CAP_NET_ADMIN}; a
 * device we create disappears when we close it. Given a network namespace, the open happens inside
 * it (on a short-lived platform thread switched with {@code setns(2)}); the descriptor then works
 * from any thread, so the stack stays in this process while the kernel side lives in the namespace.
 *
 * <p>Flags are {@code IFF_TAP | IFF_NO_PI}: frames carry no packet-information prefix. With
 * offloads (the default) also {@code IFF_VNET_HDR}: every frame read or written is preceded by a
 * {@link VirtioNetHeader} ({@code TUNSETVNETHDRSZ} 12), and {@code TUNSETOFFLOAD} with
 * {@code TUN_F_CSUM | TUN_F_TSO4} lets the kernel hand us frames with partial checksums and TCP
 * super-segments up to 64 KiB (its TSO towards us), while we may write such frames too (the
 * kernel completes and cuts them). {@link #offloads()} says whether that is on.
 *
 * <p>Thread rules: {@link #read} from one reader thread, {@link #write} from one writer (the event
 * loop); {@link #close} from any thread wakes a reader blocked in {@link #awaitReadable}.
 */
public final class TapDevice implements AutoCloseable {

    /** What a user must do when the device cannot be opened for want of privilege. */
    public static final String PRIVILEGE_FIX = "run as root or grant CAP_NET_ADMIN; needs /dev/net/tun";

    private final String name;
    private final int fd;
    private final int controlSocket;
    private final int wakeFd;
    private final boolean created;
    private final boolean offloads;
    private final Arena arena = Arena.ofAuto(); // freed once the device is unreachable
    private final MemorySegment rxCapture = arena.allocate(Libc.CAPTURE_LAYOUT);
    /** Native memory the reader reads a frame into for a Java array until the zero-copy read is linked (reader thread only). */
    private MemorySegment rxBounce;
    private final MemorySegment txCapture = arena.allocate(Libc.CAPTURE_LAYOUT);
    private final MemorySegment pollFds = arena.allocate(16);
    private final MemorySegment one = arena.allocate(ValueLayout.JAVA_LONG);
    private final MemorySegment txIov = arena.allocate(32, 8);
    private volatile boolean closed;

    private TapDevice(String name, int fd, int controlSocket, int wakeFd, boolean created, boolean offloads) {
        this.name = name;
        this.fd = fd;
        this.controlSocket = controlSocket;
        this.wakeFd = wakeFd;
        this.created = created;
        this.offloads = offloads;
        pollFds.set(ValueLayout.JAVA_INT, 0, fd);
        pollFds.set(ValueLayout.JAVA_SHORT, 4, Libc.POLLIN);
        pollFds.set(ValueLayout.JAVA_INT, 8, wakeFd);
        pollFds.set(ValueLayout.JAVA_SHORT, 12, Libc.POLLIN);
        one.set(ValueLayout.JAVA_LONG, 0, 1L);
    }

    /**
     * Opens (attaching or creating) TAP interface {@code name}, inside network namespace
     * {@code netns} when not null (a name under {@code /var/run/netns} or a path).
     *
     * @throws BootException NOPERM without the privilege or {@code /dev/net/tun}; OSERR when the
     *     interface is busy or not a TAP; USAGE for a bad name or namespace
     */
    public static TapDevice open(String name, String netns) throws BootException { return open(name, netns, true); }

    /**
     * As {@link #open(String, String)}; {@code offloads} false opens without {@code IFF_VNET_HDR}
     * (one plain frame per read and write, every checksum ours: {@code --tap-offload=false}).
     */
    public static TapDevice open(String name, String netns, boolean offloads) throws BootException {
        if (!isInterfaceName(name)) {
            throw new BootException(BootException.USAGE,
                    "--interface: '" + name + "' is not an interface name (1..15 characters, e.g. tap0)");
        }
        if (netns == null) return openHere(name, offloads);
        // setns(2) changes the calling thread only; do it on a thread of our own that ends after.
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("tap-open-" + name).start(() -> {
            try {
                result.set(openIn(name, netns, offloads));
            } catch (BootException | RuntimeException e) {
                result.set(e);
            }
        });
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BootException(BootException.OSERR, "interrupted while opening " + name);
        }
        return switch (result.get()) {
            case TapDevice d -> d;
            case BootException e -> throw e;
            case RuntimeException e -> throw e;
            default -> throw new IllegalStateException("no result opening " + name);
        };
    }

    private static TapDevice openIn(String name, String netns, boolean offloads) throws BootException {
        Path path = netns.contains("/") ? Path.of(netns) : Path.of("/var/run/netns", netns);
        if (!Files.exists(path)) {
            throw new BootException(BootException.USAGE, "--netns: no network namespace " + path + " (see 'ip netns list')");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cap = a.allocate(Libc.CAPTURE_LAYOUT);
            int nsFd = Libc.open(cap, a, path.toString(), Libc.O_RDONLY | Libc.O_CLOEXEC);
            if (nsFd < 0) throw new BootException(BootException.OSERR, "cannot open " + path + ": " + Libc.strerror(Libc.errno(cap)));
            try {
                if (Libc.setns(cap, nsFd, Libc.CLONE_NEWNET) < 0) {
                    int e = Libc.errno(cap);
                    throw new BootException(e == Libc.EPERM ? BootException.NOPERM : BootException.OSERR,
                            "cannot enter network namespace " + path + ": " + Libc.strerror(e)
                                    + (e == Libc.EPERM ? " (needs CAP_SYS_ADMIN: run as root)" : ""));
                }
            } finally {
                Libc.close(nsFd);
            }
            return openHere(name, offloads); // this thread ends right after, so it need not switch back
        }
    }

    private static TapDevice openHere(String name, boolean offloads) throws BootException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cap = a.allocate(Libc.CAPTURE_LAYOUT);
            int sock = Libc.socket(cap, Libc.AF_INET, Libc.SOCK_DGRAM, 0);
            if (sock < 0) throw new BootException(BootException.OSERR, "cannot create a control socket: " + Libc.strerror(Libc.errno(cap)));
            boolean existed = Libc.ioctl(cap, sock, Libc.SIOCGIFFLAGS, Libc.ifreq(a, name)) == 0;

            int fd = Libc.open(cap, a, "/dev/net/tun", Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
            if (fd < 0) {
                int e = Libc.errno(cap);
                Libc.close(sock);
                String why = e == Libc.ENOENT || e == Libc.ENODEV ? "/dev/net/tun does not exist (load the tun module or pass the device to the container)"
                        : "cannot open /dev/net/tun: " + Libc.strerror(e);
                throw new BootException(BootException.NOPERM, "tap: " + why + " — " + PRIVILEGE_FIX);
            }
            MemorySegment ifr = Libc.ifreq(a, name);
            ifr.set(ValueLayout.JAVA_SHORT, Libc.IFNAMSIZ, (short) (Libc.IFF_TAP | Libc.IFF_NO_PI | (offloads ? Libc.IFF_VNET_HDR : 0)));
            if (Libc.ioctl(cap, fd, Libc.TUNSETIFF, ifr) < 0) {
                int e = Libc.errno(cap);
                Libc.close(fd);
                Libc.close(sock);
                throw attachError(e, name, existed);
            }
            if (offloads) {
                MemorySegment size = a.allocateFrom(ValueLayout.JAVA_INT, VirtioNetHeader.LENGTH);
                if (Libc.ioctl(cap, fd, Libc.TUNSETVNETHDRSZ, size) < 0
                        || Libc.ioctlValue(cap, fd, Libc.TUNSETOFFLOAD, Libc.TUN_F_CSUM | Libc.TUN_F_TSO4) < 0) {
                    int e = Libc.errno(cap);
                    Libc.close(fd);
                    Libc.close(sock);
                    throw new BootException(BootException.OSERR, "tap: the kernel refused the offload settings of " + name
                            + " (TUNSETVNETHDRSZ/TUNSETOFFLOAD: " + Libc.strerror(e) + "); run with --tap-offload=false");
                }
            }
            int wake = Libc.eventfd(cap, 0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
            if (wake < 0) {
                Libc.close(fd);
                Libc.close(sock);
                throw new BootException(BootException.OSERR, "cannot create an eventfd: " + Libc.strerror(Libc.errno(cap)));
            }
            TapDevice d = new TapDevice(name, fd, sock, wake, !existed, offloads);
            if (!existed) d.setUp(); // a device we made has no one else to bring it up
            return d;
        }
    }

    /** The boot error for {@code TUNSETIFF} failing with {@code errno}: cause and fix in words. */
    static BootException attachError(int errno, String name, boolean existed) {
        return switch (errno) {
            case Libc.EPERM, Libc.EACCES -> new BootException(BootException.NOPERM, existed
                    ? "tap: not allowed to attach to " + name + " (it belongs to another user or group) — " + PRIVILEGE_FIX
                    : "tap: interface " + name + " does not exist and creating it is not allowed — " + PRIVILEGE_FIX
                            + ", or create it beforehand: ip tuntap add dev " + name + " mode tap user $USER");
            case Libc.EBUSY -> new BootException(BootException.OSERR,
                    "tap: interface " + name + " is busy: another process has it open (stop it, or pick another --interface)");
            case Libc.EINVAL -> new BootException(BootException.OSERR,
                    "tap: interface " + name + " exists but is not a TAP device without packet information"
                            + " (recreate it: ip link del " + name + "; ip tuntap add dev " + name + " mode tap)");
            default -> new BootException(BootException.OSERR, "tap: cannot attach to " + name + ": " + Libc.strerror(errno));
        };
    }

    public String name() { return name; }

    /** Whether this open created the interface (it goes away at {@link #close}). */
    public boolean created() { return created; }

    /** Bytes of offload header before each frame read or written: {@link VirtioNetHeader#LENGTH} with offloads, else 0. */
    public int vnetHeaderLength() { return offloads ? VirtioNetHeader.LENGTH : 0; }

    /** Whether frames carry a {@link VirtioNetHeader} and the kernel takes checksum and segmentation offload. */
    public boolean offloads() { return offloads; }

    /** The interface's MTU as the kernel has it (IP bytes per frame, without the Ethernet header). */
    public int mtu() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cap = a.allocate(Libc.CAPTURE_LAYOUT);
            MemorySegment ifr = Libc.ifreq(a, name);
            if (Libc.ioctl(cap, controlSocket, Libc.SIOCGIFMTU, ifr) < 0) return 1500;
            return ifr.get(ValueLayout.JAVA_INT, Libc.IFNAMSIZ);
        }
    }

    /** Whether the kernel side is administratively up (frames written while down are dropped). */
    public boolean up() { return (flags() & Libc.IFF_UP) != 0; }

    private short flags() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cap = a.allocate(Libc.CAPTURE_LAYOUT);
            MemorySegment ifr = Libc.ifreq(a, name);
            if (Libc.ioctl(cap, controlSocket, Libc.SIOCGIFFLAGS, ifr) < 0) return 0;
            return ifr.get(ValueLayout.JAVA_SHORT, Libc.IFNAMSIZ);
        }
    }

    private void setUp() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cap = a.allocate(Libc.CAPTURE_LAYOUT);
            MemorySegment ifr = Libc.ifreq(a, name);
            if (Libc.ioctl(cap, controlSocket, Libc.SIOCGIFFLAGS, ifr) < 0) return;
            ifr.set(ValueLayout.JAVA_SHORT, Libc.IFNAMSIZ, (short) (ifr.get(ValueLayout.JAVA_SHORT, Libc.IFNAMSIZ) | Libc.IFF_UP));
            Libc.ioctl(cap, controlSocket, Libc.SIOCSIFFLAGS, ifr);
        }
    }

    /**
     * Reads one frame (after its {@link #vnetHeaderLength()} bytes of header) into {@code buf},
     * native memory or a Java array's segment (read straight into the array). Returns the length
     * read, header included, 0 when none is waiting, or -1 once closed. A frame longer than
     * {@code buf} is truncated by the kernel.
     */
    public int read(MemorySegment buf) {
        while (!closed) {
            long n;
            if (buf.isNative()) {
                n = Libc.read(rxCapture, fd, buf, buf.byteSize());
            } else if (Libc.readIntoHeapReady()) {
                n = Libc.readIntoHeap(rxCapture, fd, buf, buf.byteSize());
            } else {
                n = readBounced(buf);
            }
            if (n >= 0) return (int) n;
            int e = Libc.errno(rxCapture);
            if (e == Libc.EAGAIN) return 0;
            if (e != Libc.EINTR) return closed ? -1 : 0;
        }
        return -1;
    }

    /** 1..15 of {@code A-Z a-z 0-9 _ . : -}: what we accept as a Linux interface name (checked without a regex at boot). */
    static boolean isInterfaceName(String name) {
        if (name == null || name.isEmpty() || name.length() > 15) return false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == ':' || c == '-')) return false;
        }
        return true;
    }

    /**
     * At boot, until the zero-copy read is linked: reads into native memory and copies. A method
     * of its own, so that C1 does not inline this copy into {@link #read} (whose compilation
     * already comes near the launcher's cap on compiler memory).
     */
    private long readBounced(MemorySegment buf) {
        if (rxBounce == null || rxBounce.byteSize() < buf.byteSize()) rxBounce = arena.allocate(buf.byteSize(), 64);
        long n = Libc.read(rxCapture, fd, rxBounce, buf.byteSize());
        if (n > 0) MemorySegment.copy(rxBounce, 0, buf, 0, n);
        return n;
    }

    /** What {@link #awaitReadable} saw: a frame, nothing yet, our own close, or the interface deleted. */
    public enum Wait { READABLE, TIMEOUT, CLOSED, GONE }

    /**
     * Blocks until a frame can be read, the device is closed, or {@code timeoutMillis} pass
     * (negative: no limit). Call from the reader thread only.
     */
    public Wait awaitReadable(int timeoutMillis) {
        while (!closed) {
            int n = Libc.poll(rxCapture, pollFds, 2, timeoutMillis);
            if (closed) return Wait.CLOSED;
            if (n == 0) return Wait.TIMEOUT;
            short revents = pollFds.get(ValueLayout.JAVA_SHORT, 6);
            if (n > 0 && (revents & Libc.POLLIN) != 0) return Wait.READABLE;
            if (n > 0 && (revents & (Libc.POLLERR | Libc.POLLHUP | Libc.POLLNVAL)) != 0) return Wait.GONE;
            if (n < 0 && Libc.errno(rxCapture) != Libc.EINTR) return Wait.CLOSED;
        }
        return Wait.CLOSED;
    }

    /**
     * Writes one frame from native memory, its {@link #vnetHeaderLength()} bytes of header
     * included. Returns false when the kernel queue is full or the interface is down (the frame is
     * dropped, as a NIC would), the kernel refused the frame, or the device is closed.
     */
    public boolean write(MemorySegment frame, int length) {
        if (closed) return false;
        while (true) {
            long n = Libc.write(txCapture, fd, frame, length);
            if (n == length) return true;
            if (n >= 0 || Libc.errno(txCapture) != Libc.EINTR) return false;
        }
    }

    /**
     * Writes a {@link VirtioNetHeader} and the frame after it, both native memory, in one
     * {@code writev(2)} (no copy to join them). Same results as {@link #write}. Writer thread only.
     */
    public boolean write(MemorySegment header, MemorySegment frame, int length) {
        if (closed) return false;
        if (!header.isNative() || !frame.isNative()) throw new IllegalArgumentException("writev needs native memory");
        // Addresses as plain longs: cheaper for C1 to inline than ADDRESS stores of segments.
        txIov.set(ValueLayout.JAVA_LONG, 0, header.address());
        txIov.set(ValueLayout.JAVA_LONG, 8, VirtioNetHeader.LENGTH);
        txIov.set(ValueLayout.JAVA_LONG, 16, frame.address());
        txIov.set(ValueLayout.JAVA_LONG, 24, length);
        while (true) {
            long n = Libc.writev(txCapture, fd, txIov, 2);
            if (n == VirtioNetHeader.LENGTH + length) return true;
            if (n >= 0 || Libc.errno(txCapture) != Libc.EINTR) return false;
        }
    }

    /** Wakes the reader; {@link #release} frees the descriptors once the reader has left. */
    @Override public void close() {
        if (closed) return;
        closed = true;
        try (Arena a = Arena.ofConfined()) {
            Libc.write(a.allocate(Libc.CAPTURE_LAYOUT), wakeFd, one, 8);
        }
    }

    /** Closes the descriptors (after {@link #close} and after the reader thread has stopped). */
    public void release() {
        close();
        Libc.close(fd);
        Libc.close(controlSocket);
        Libc.close(wakeFd);
    }
}

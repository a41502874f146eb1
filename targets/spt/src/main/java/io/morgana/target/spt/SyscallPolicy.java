package io.morgana.target.spt;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a sealed appliance may still ask of the kernel: one table, one reason per system call.
 *
 * <p>The principle: after boot every device the appliance declared is an open file descriptor
 * (the TAP device, listening sockets on {@code unix}, block files, the jars and the runtime image
 * the JVM reads classes from). A sealed process may use descriptors it holds — read, write, poll,
 * map — and may do what a JVM does to itself (memory, threads, signals, clocks), but it may not
 * name anything new on the host: no path is opened, no socket created or connected, no program
 * executed, no other process touched. Anything not in {@link #RULES} is answered {@code EPERM}, so
 * the JVM sees an ordinary error rather than dying on a probe it can do without.
 *
 * <p>Syscall numbers are those of x86_64 ({@code asm/unistd_64.h}) and aarch64 (the generic table,
 * {@code asm-generic/unistd.h}); {@link #NONE} marks a call the architecture does not have.
 */
public final class SyscallPolicy {
    private SyscallPolicy() {}

    /** No such system call on this architecture. */
    public static final int NONE = -1;

    public static final int EPERM = 1;
    public static final int ENOSYS = 38;

    /** The Linux architectures the filter knows, with their audit identifiers. */
    public enum Arch {
        X86_64(0xC000003E, 317, 28), AARCH64(0xC00000B7, 277, 233);

        /** {@code AUDIT_ARCH_*}: what the kernel reports in {@code seccomp_data.arch}. */
        public final int audit;
        /** The number of {@code seccomp(2)} itself. */
        public final int seccompNr;
        /** The number of {@code madvise(2)}, which the {@link Trim} calls. */
        public final int madviseNr;

        Arch(int audit, int seccompNr, int madviseNr) { this.audit = audit; this.seccompNr = seccompNr; this.madviseNr = madviseNr; }

        /** The architecture this JVM runs on, or null when the filter does not know it. */
        public static Arch current() {
            return switch (System.getProperty("os.arch", "").toLowerCase(Locale.ROOT)) {
                case "amd64", "x86_64" -> X86_64;
                case "aarch64", "arm64" -> AARCH64;
                default -> null;
            };
        }
    }

    /** When a listed call is allowed; otherwise it fails with {@code EPERM}. */
    public sealed interface Condition {
        /** Always. */
        record Always() implements Condition {
            @Override public String toString() { return "always"; }
        }

        /** When some bit of {@code mask} is set in the low 32 bits of argument {@code arg}. */
        record AnyBit(int arg, int mask, String what) implements Condition {
            @Override public String toString() { return "if " + what; }
        }

        /** When argument {@code arg} (low 32 bits) is one of {@code values}. */
        record OneOf(int arg, List<Integer> values, String what) implements Condition {
            @Override public String toString() { return "if " + what; }
        }

        /** When argument {@code arg} (low 32 bits) is this process's id, known when the seal is made. */
        record ThisProcess(int arg) implements Condition {
            @Override public String toString() { return "if aimed at this process"; }
        }
    }

    /** What happens to a call that matches a rule. */
    public enum Verdict { ALLOW, ENOSYS, DENY }

    /** One line of the table. */
    public record Rule(String name, int x86_64, int aarch64, Verdict verdict, Condition when, String reason) {
        public int number(Arch arch) { return arch == Arch.X86_64 ? x86_64 : aarch64; }
    }

    private static final Condition ALWAYS = new Condition.Always();

    private static Rule allow(String name, int x86, int arm, String reason) {
        return new Rule(name, x86, arm, Verdict.ALLOW, ALWAYS, reason);
    }

    private static Rule allowIf(String name, int x86, int arm, Condition when, String reason) {
        return new Rule(name, x86, arm, Verdict.ALLOW, when, reason);
    }

    private static Rule deny(String name, int x86, int arm, String reason) {
        return new Rule(name, x86, arm, Verdict.DENY, ALWAYS, reason);
    }

    // clone(2) flags and friends (linux/sched.h, fcntl.h, prctl.h, asm-generic/ioctls.h).
    static final int CLONE_THREAD = 0x00010000;
    static final int AT_EMPTY_PATH = 0x1000;
    static final int PR_SET_NAME = 15, PR_GET_NAME = 16, PR_GET_DUMPABLE = 3, PR_SET_VMA = 0x53564d41;
    static final int FIONREAD = 0x541B, FIONBIO = 0x5421, FIOCLEX = 0x5451, FIONCLEX = 0x5450, TCGETS = 0x5401;

    /**
     * The table, most frequent calls first (the filter tests them in this order). Calls marked
     * {@link Verdict#DENY} would be denied anyway; they are listed so that {@code describe} says so.
     */
    public static final List<Rule> RULES = List.of(
            // --- the hot path: waiting, reading and writing on descriptors held since boot
            allow("futex", 202, 98, "every JVM lock, park/unpark and monitor wait"),
            allow("read", 0, 63, "reads on descriptors opened at boot (TAP device, sockets, jars, block files, /dev/urandom)"),
            allow("write", 1, 64, "writes on descriptors opened at boot (TAP device, sockets, stdout/stderr logs)"),
            allow("epoll_pwait", 281, 22, "NIO selectors waiting for readiness (glibc's epoll_wait on aarch64)"),
            allow("epoll_wait", 232, NONE, "NIO selectors waiting for readiness"),
            allow("epoll_ctl", 233, 21, "NIO selectors (de)registering descriptors they already hold"),
            allow("ppoll", 271, 73, "blocking I/O with a timeout, poll(2) on aarch64"),
            allow("poll", 7, NONE, "blocking I/O with a timeout on socket and TAP descriptors"),
            allow("recvfrom", 45, 207, "receiving on sockets acquired at boot or accepted since (unix target)"),
            allow("sendto", 44, 206, "sending on sockets acquired at boot or accepted since; UDP replies"),
            allow("recvmsg", 47, 212, "datagram receive with source address (NIO DatagramChannel)"),
            allow("sendmsg", 46, 211, "datagram send (NIO DatagramChannel)"),
            allow("accept", 43, 202, "new connections on listening sockets opened at boot (unix target)"),
            allow("accept4", 288, 242, "new connections on listening sockets opened at boot (unix target)"),
            allow("readv", 19, 65, "scattering reads on held descriptors (NIO)"),
            allow("writev", 20, 66, "gathering writes on held descriptors (NIO)"),
            allow("pread64", 17, 67, "class loading: reads the already-open jars and runtime image at an offset; block reads"),
            allow("pwrite64", 18, 68, "block device writes at an offset"),
            allow("preadv", 295, 69, "positioned vector reads (FileChannel)"),
            allow("pwritev", 296, 70, "positioned vector writes (FileChannel)"),
            allow("lseek", 8, 62, "class loading from the already-open jars (RandomAccessFile seek)"),
            allow("clock_gettime", 228, 113, "clocks when the vDSO falls back to the kernel"),
            allow("clock_getres", 229, 114, "clock resolution (System.nanoTime set-up)"),
            allow("gettimeofday", 96, 169, "wall clock when the vDSO falls back to the kernel"),
            allow("clock_nanosleep", 230, 115, "Thread.sleep and timed parks"),
            allow("nanosleep", 35, 101, "Thread.sleep and the JVM's own short sleeps"),
            allow("sched_yield", 24, 124, "spin-then-yield in JVM locks and safepoints"),
            // --- memory: the heap, GC, JIT code cache, thread stacks
            allow("mmap", 9, 222, "heap, GC, JIT code cache, thread stacks, mapping already-open files"),
            allow("munmap", 11, 215, "releasing what mmap mapped (thread stacks, GC)"),
            allow("mprotect", 10, 226, "JIT code cache (W^X flips), stack guard pages, safepoint polling page"),
            allow("madvise", 28, 233, "GC returning memory to the kernel (MADV_DONTNEED), transparent huge pages;"
                    + " the trim after boot (MADV_RANDOM, MADV_PAGEOUT)"),
            allow("mremap", 25, 216, "malloc growing large blocks"),
            allow("brk", 12, 214, "malloc's heap"),
            allow("mincore", 27, 232, "JVM probing whether stack pages are mapped"),
            allow("msync", 26, 227, "flushing mapped block files"),
            allow("membarrier", 324, 283, "JIT code patching and GC handshakes across CPUs"),
            // --- threads
            allowIf("clone", 56, 220, new Condition.AnyBit(0, CLONE_THREAD, "CLONE_THREAD is set (a thread, never a process)"),
                    "new JVM threads after the seal: GC, JIT compilers, virtual-thread carriers; fork/vfork/posix_spawn are refused"),
            new Rule("clone3", 435, 435, Verdict.ENOSYS, ALWAYS,
                    "answered ENOSYS (not EPERM) so that glibc falls back to clone(2), whose flags the filter can see"),
            allow("set_robust_list", 273, 99, "glibc registers each new thread's robust futex list"),
            allow("rseq", 334, 293, "glibc registers each new thread's restartable sequence area"),
            allow("set_tid_address", 218, 96, "thread start-up in glibc"),
            allow("exit", 60, 93, "a thread ends"),
            allow("exit_group", 231, 94, "the appliance ends (System.exit, last non-daemon thread)"),
            allow("gettid", 186, 178, "the JVM names and tracks its threads"),
            allow("getpid", 39, 172, "process id for logs and signals to self"),
            allow("sched_getaffinity", 204, 123, "Runtime.availableProcessors, sizing thread pools"),
            allow("sched_getparam", 143, 121, "thread priorities (read only)"),
            allow("sched_getscheduler", 145, 120, "thread priorities (read only)"),
            allowIf("prctl", 157, 167, new Condition.OneOf(0, List.of(PR_SET_NAME, PR_GET_NAME, PR_GET_DUMPABLE, PR_SET_VMA),
                    "PR_SET_NAME, PR_GET_NAME, PR_GET_DUMPABLE or PR_SET_VMA"),
                    "naming threads and memory areas; nothing else (no new filters, no capability changes)"),
            // --- signals: the JVM uses SIGSEGV for null checks and safepoints, and signals itself
            allow("rt_sigreturn", 15, 139, "returning from every signal handler (implicit null checks, safepoint polls)"),
            allow("rt_sigaction", 13, 134, "installing signal handlers (new threads, shutdown hooks)"),
            allow("rt_sigprocmask", 14, 135, "signal masks of new threads"),
            allow("sigaltstack", 131, 132, "alternate signal stacks of new threads"),
            allow("rt_sigtimedwait", 128, 137, "waiting for signals"),
            allowIf("tgkill", 234, 131, new Condition.ThisProcess(0), "signals between the JVM's own threads (thread dumps, abort)"),
            allowIf("kill", 62, 129, new Condition.ThisProcess(0), "the JVM raising a signal to itself (e.g. re-raising SIGTERM)"),
            allow("restart_syscall", 219, 128, "resuming a call interrupted by a signal"),
            // --- descriptors the process already holds
            allow("close", 3, 57, "closing descriptors (finished connections, temporary pipes)"),
            allow("fstat", 5, 80, "size and type of held descriptors"),
            allowIf("newfstatat", 262, 79, new Condition.AnyBit(3, AT_EMPTY_PATH, "AT_EMPTY_PATH is set"),
                    "glibc implements fstat(fd) as newfstatat(fd, \"\", AT_EMPTY_PATH); this reveals a path's metadata (not its contents) if given one"),
            allowIf("statx", 332, 291, new Condition.AnyBit(2, AT_EMPTY_PATH, "AT_EMPTY_PATH is set"),
                    "the JDK's fstat on held descriptors; as above, metadata only"),
            allow("fcntl", 72, 25, "non-blocking mode and close-on-exec of held descriptors"),
            allow("dup", 32, 23, "duplicating a held descriptor (NIO's pre-close)"),
            allow("dup2", 33, NONE, "NIO closes sockets by dup2-ing a pre-opened descriptor onto them"),
            allow("dup3", 292, 24, "as dup2"),
            allowIf("ioctl", 16, 29, new Condition.OneOf(1, List.of(FIONREAD, FIONBIO, FIOCLEX, FIONCLEX, TCGETS),
                    "FIONREAD, FIONBIO, FIOCLEX, FIONCLEX or TCGETS"),
                    "bytes available, blocking mode, isatty; never TUNSETIFF or any other device reconfiguration"),
            allow("shutdown", 48, 210, "half-closing held connections"),
            allow("getsockname", 51, 204, "local address of held sockets"),
            allow("getpeername", 52, 205, "remote address of held sockets"),
            allow("getsockopt", 55, 209, "options of held sockets"),
            allow("setsockopt", 54, 208, "options of held sockets (TCP_NODELAY, buffer sizes on accepted connections)"),
            allow("epoll_create1", 291, 20, "a new NIO selector (an anonymous descriptor that names nothing on the host)"),
            allow("epoll_create", 213, NONE, "as epoll_create1"),
            allow("eventfd2", 290, 19, "NIO selector wake-up (anonymous)"),
            allow("pipe2", 293, 59, "NIO selector wake-up on older paths (anonymous)"),
            allow("pipe", 22, NONE, "as pipe2"),
            allow("ftruncate", 77, 46, "block files held since boot"),
            allow("fsync", 74, 82, "flushing block files held since boot"),
            allow("fdatasync", 75, 83, "flushing block files held since boot"),
            // --- harmless questions about the process itself
            allow("getrandom", 318, 278, "SecureRandom and hash seeds; needs no file"),
            allow("getuid", 102, 174, "user id (read only)"),
            allow("geteuid", 107, 175, "user id (read only)"),
            allow("getgid", 104, 176, "group id (read only)"),
            allow("getegid", 108, 177, "group id (read only)"),
            allow("uname", 63, 160, "kernel name and version (read only)"),
            allow("sysinfo", 99, 179, "memory and uptime figures for the JVM's ergonomics"),
            allow("getrusage", 98, 165, "CPU time of threads (management, GC logging)"),
            allow("times", 100, 153, "CPU time (JVM elapsed-time counters)"),
            allow("getrlimit", 97, 163, "resource limits (read)"),
            allow("prlimit64", 302, 261, "resource limits: the JVM reads stack and descriptor limits"),
            // --- what the seal exists to refuse (would be refused anyway; listed for describe)
            deny("open", 2, NONE, "no file may be opened after boot"),
            deny("openat", 257, 56, "no file may be opened after boot"),
            deny("openat2", 437, 437, "no file may be opened after boot"),
            deny("creat", 85, NONE, "no file may be created"),
            deny("socket", 41, 198, "no new socket: the stack is the device acquired at boot"),
            deny("socketpair", 53, 199, "no new socket"),
            deny("connect", 42, 203, "no connection through the host's stack"),
            deny("bind", 49, 200, "no new listening address"),
            deny("listen", 50, 201, "no new listening socket"),
            deny("execve", 59, 221, "no program may be executed"),
            deny("execveat", 322, 281, "no program may be executed"),
            deny("fork", 57, NONE, "no new process"),
            deny("vfork", 58, NONE, "no new process"),
            deny("ptrace", 101, 117, "no tracing of any process"),
            deny("process_vm_readv", 310, 270, "no access to another process's memory"),
            deny("process_vm_writev", 311, 271, "no access to another process's memory"),
            deny("mount", 165, 40, "no file system changes"),
            deny("umount2", 166, 39, "no file system changes"),
            deny("unshare", 272, 97, "no new namespaces"),
            deny("setns", 308, 268, "no entering other namespaces"),
            deny("bpf", 321, 280, "no kernel programs"),
            deny("io_uring_setup", 425, 425, "io_uring would bypass this filter"),
            deny("memfd_create", 319, 279, "no new executable memory files"),
            deny("unlinkat", 263, 35, "no file system changes"),
            deny("renameat2", 316, 276, "no file system changes"),
            deny("mkdirat", 258, 34, "no file system changes"),
            deny("pidfd_open", 434, 434, "no handles on other processes"),
            deny("pidfd_getfd", 438, 438, "no stealing descriptors from other processes"));

    /** The table as {@code morgana describe} shows it. */
    public static String describe() {
        int w = RULES.stream().mapToInt(r -> r.name().length()).max().orElse(10);
        StringBuilder sb = new StringBuilder();
        sb.append("spt seal (seccomp, after boot; --no-seal turns it off). Unlisted calls fail with EPERM.\n");
        for (Verdict v : Verdict.values()) {
            List<Rule> rs = RULES.stream().filter(r -> r.verdict() == v).toList();
            sb.append(switch (v) {
                case ALLOW -> "allowed:\n";
                case ENOSYS -> "answered ENOSYS:\n";
                case DENY -> "denied (EPERM):\n";
            });
            for (Rule r : rs) {
                String cond = r.when() instanceof Condition.Always ? "" : " [" + r.when() + "]";
                sb.append(String.format(Locale.ROOT, "  %-" + w + "s  %s%s%n", r.name(), r.reason(), cond));
            }
        }
        return sb.toString();
    }

    /** Names of the allowed calls, for messages and tests. */
    public static String allowedNames() {
        return RULES.stream().filter(r -> r.verdict() == Verdict.ALLOW).map(Rule::name).collect(Collectors.joining(" "));
    }
}

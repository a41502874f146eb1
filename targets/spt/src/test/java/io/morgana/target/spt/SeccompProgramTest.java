package io.morgana.target.spt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.target.spt.SeccompProgram.Insn;
import io.morgana.target.spt.SyscallPolicy.Arch;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The compiled filter, run on the BPF semantics the kernel applies, for both architectures. */
class SeccompProgramTest {

    static final int PID = 4242;
    static final int ALLOW = SeccompProgram.RET_ALLOW;
    static final int EPERM = SeccompProgram.RET_ERRNO | 1;
    static final int ENOSYS = SeccompProgram.RET_ERRNO | 38;
    static final int KILL = SeccompProgram.RET_KILL_PROCESS;

    static int verdict(Arch arch, String call, long... args) {
        List<Insn> p = SeccompProgram.compile(SyscallPolicy.RULES, arch, PID);
        SyscallPolicy.Rule r = SyscallPolicy.RULES.stream().filter(x -> x.name().equals(call)).findFirst().orElseThrow();
        return SeccompProgram.evaluate(p, arch.audit, r.number(arch), args);
    }

    @Test void deniesOpeningSocketsConnectingAndExecutingOnBothArchitectures() {
        for (Arch a : Arch.values()) {
            for (String call : List.of("openat", "socket", "connect", "bind", "execve", "execveat", "ptrace", "mount")) {
                assertEquals(EPERM, verdict(a, call), a + " " + call);
            }
        }
        assertEquals(EPERM, verdict(Arch.X86_64, "open"));
        assertEquals(EPERM, verdict(Arch.X86_64, "fork"));
    }

    @Test void allowsWhatARunningJvmNeeds() {
        for (String call : List.of("read", "write", "futex", "mmap", "mprotect", "munmap", "madvise", "rt_sigreturn",
                "epoll_pwait", "accept4", "close", "exit_group", "getrandom", "clock_nanosleep")) {
            assertEquals(ALLOW, verdict(Arch.X86_64, call), call);
            assertEquals(ALLOW, verdict(Arch.AARCH64, call), call);
        }
    }

    @Test void threadsButNoProcesses() {
        long threadFlags = 0x3d0f00; // what glibc's pthread_create passes: CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|...
        assertEquals(ALLOW, verdict(Arch.X86_64, "clone", threadFlags));
        assertEquals(EPERM, verdict(Arch.X86_64, "clone", 0x4111L)); // CLONE_VM|CLONE_VFORK|SIGCHLD: posix_spawn
        assertEquals(EPERM, verdict(Arch.AARCH64, "clone", 0x11L));  // SIGCHLD: fork
        assertEquals(ENOSYS, verdict(Arch.X86_64, "clone3"), "clone3 must say ENOSYS so glibc falls back to clone");
        assertEquals(ENOSYS, verdict(Arch.AARCH64, "clone3"));
    }

    @Test void argumentConditions() {
        assertEquals(ALLOW, verdict(Arch.X86_64, "newfstatat", 3, 0, 0, SyscallPolicy.AT_EMPTY_PATH));
        assertEquals(EPERM, verdict(Arch.X86_64, "newfstatat", -100, 0, 0, 0), "stat of a path");
        assertEquals(ALLOW, verdict(Arch.X86_64, "ioctl", 5, SyscallPolicy.FIONREAD));
        assertEquals(EPERM, verdict(Arch.X86_64, "ioctl", 5, 0x400454caL), "TUNSETIFF");
        assertEquals(ALLOW, verdict(Arch.X86_64, "tgkill", PID, 7, 3));
        assertEquals(EPERM, verdict(Arch.X86_64, "kill", 1, 9), "signal to another process");
        assertEquals(ALLOW, verdict(Arch.X86_64, "prctl", SyscallPolicy.PR_SET_NAME));
        assertEquals(EPERM, verdict(Arch.X86_64, "prctl", 22), "PR_SET_SECCOMP");
    }

    @Test void killsOtherArchitecturesAndX32() {
        List<Insn> p = SeccompProgram.compile(SyscallPolicy.RULES, Arch.X86_64, PID);
        assertEquals(KILL, SeccompProgram.evaluate(p, 0x40000003 /* AUDIT_ARCH_I386 */, 0));
        assertEquals(KILL, SeccompProgram.evaluate(p, Arch.X86_64.audit, 0x40000000)); // x32 read
        assertEquals(EPERM, SeccompProgram.evaluate(p, Arch.X86_64.audit, 999), "unlisted call");
    }

    @Test void tableIsConsistent() {
        Set<String> names = new HashSet<>();
        for (Arch a : Arch.values()) {
            Set<Integer> numbers = new HashSet<>();
            for (SyscallPolicy.Rule r : SyscallPolicy.RULES) {
                int n = r.number(a);
                if (n != SyscallPolicy.NONE) assertTrue(numbers.add(n), a + ": number " + n + " twice (" + r.name() + ")");
            }
        }
        for (SyscallPolicy.Rule r : SyscallPolicy.RULES) {
            assertTrue(names.add(r.name()), "listed twice: " + r.name());
            assertTrue(!r.reason().isBlank(), "no reason for " + r.name());
        }
        String d = SyscallPolicy.describe();
        assertTrue(d.contains("openat") && d.contains("clone3") && d.contains("CLONE_THREAD"), d);
    }
}

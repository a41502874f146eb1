package io.morgana.target.spt;

import io.morgana.target.spt.SyscallPolicy.Arch;
import io.morgana.target.spt.SyscallPolicy.Condition;
import io.morgana.target.spt.SyscallPolicy.Rule;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles {@link SyscallPolicy} into a classic BPF program for {@code SECCOMP_SET_MODE_FILTER}.
 *
 * <p>Shape: a process of another architecture (or the x32 ABI on x86_64) is killed — its numbers
 * would mean other calls; then each rule is one {@code jeq} on the call number followed by its
 * verdict, or by a short block testing one argument that ends in a return either way; the last
 * instruction answers {@code EPERM}. Jumps are all forward and short, so offsets fit in a byte.
 * Arguments are compared on their low 32 bits (all the flags and ids the rules look at live there).
 */
public final class SeccompProgram {
    private SeccompProgram() {}

    // linux/bpf_common.h
    static final int BPF_LD_W_ABS = 0x20, BPF_JEQ_K = 0x15, BPF_JGE_K = 0x35, BPF_JSET_K = 0x45, BPF_RET_K = 0x06;
    // linux/seccomp.h
    static final int RET_KILL_PROCESS = 0x80000000, RET_ERRNO = 0x00050000, RET_ALLOW = 0x7fff0000;
    // struct seccomp_data { int nr; u32 arch; u64 instruction_pointer; u64 args[6]; }
    static final int OFF_NR = 0, OFF_ARCH = 4, OFF_ARGS = 16;
    static final int X32_SYSCALL_BIT = 0x40000000;

    /** One {@code struct sock_filter}. */
    public record Insn(int code, int jt, int jf, int k) {
        public Insn {
            if (jt < 0 || jt > 255 || jf < 0 || jf > 255) throw new IllegalArgumentException("jump too far: " + jt + "/" + jf);
        }
    }

    /** The program for {@code arch}, with {@code pid} as "this process" for signal rules. */
    public static List<Insn> compile(List<Rule> rules, Arch arch, int pid) {
        List<Insn> p = new ArrayList<>();
        p.add(new Insn(BPF_LD_W_ABS, 0, 0, OFF_ARCH));
        p.add(new Insn(BPF_JEQ_K, 1, 0, arch.audit));
        p.add(new Insn(BPF_RET_K, 0, 0, RET_KILL_PROCESS));
        p.add(new Insn(BPF_LD_W_ABS, 0, 0, OFF_NR));
        if (arch == Arch.X86_64) {
            p.add(new Insn(BPF_JGE_K, 0, 1, X32_SYSCALL_BIT));
            p.add(new Insn(BPF_RET_K, 0, 0, RET_KILL_PROCESS));
        }
        for (Rule r : rules) {
            int nr = r.number(arch);
            if (nr == SyscallPolicy.NONE) continue;
            List<Insn> body = body(r, pid);
            p.add(new Insn(BPF_JEQ_K, 0, body.size(), nr));
            p.addAll(body);
        }
        p.add(new Insn(BPF_RET_K, 0, 0, RET_ERRNO | SyscallPolicy.EPERM));
        if (p.size() > 4096) throw new IllegalStateException("seccomp program too long: " + p.size());
        return p;
    }

    /** Instructions after a matching number; every path ends in a return (so no reload of nr is needed). */
    private static List<Insn> body(Rule r, int pid) {
        int verdict = switch (r.verdict()) {
            case ALLOW -> RET_ALLOW;
            case ENOSYS -> RET_ERRNO | SyscallPolicy.ENOSYS;
            case DENY -> RET_ERRNO | SyscallPolicy.EPERM;
        };
        int eperm = RET_ERRNO | SyscallPolicy.EPERM;
        // instanceof rather than a pattern switch: its bootstrap costs start time for nothing here
        Condition c = r.when();
        if (c instanceof Condition.AnyBit a) {
            return List.of(loadArg(a.arg()), new Insn(BPF_JSET_K, 1, 0, a.mask()),
                    new Insn(BPF_RET_K, 0, 0, eperm), new Insn(BPF_RET_K, 0, 0, verdict));
        }
        if (c instanceof Condition.OneOf o) return oneOf(o.arg(), o.values(), verdict, eperm);
        if (c instanceof Condition.ThisProcess t) return oneOf(t.arg(), List.of(pid), verdict, eperm);
        return List.of(new Insn(BPF_RET_K, 0, 0, verdict));
    }

    private static List<Insn> oneOf(int arg, List<Integer> values, int verdict, int otherwise) {
        List<Insn> b = new ArrayList<>();
        b.add(loadArg(arg));
        int n = values.size();
        for (int j = 0; j < n; j++) b.add(new Insn(BPF_JEQ_K, n - j, 0, values.get(j)));
        b.add(new Insn(BPF_RET_K, 0, 0, otherwise));
        b.add(new Insn(BPF_RET_K, 0, 0, verdict));
        return b;
    }

    /** Low 32 bits of argument {@code i} (both supported architectures are little-endian). */
    private static Insn loadArg(int i) { return new Insn(BPF_LD_W_ABS, 0, 0, OFF_ARGS + 8 * i); }

    /** The size of one encoded instruction, a {@code struct sock_filter}. */
    public static final int INSN_BYTES = 8;

    /** The program as the kernel reads it: an array of {@code struct sock_filter} in native order. */
    public static byte[] encode(List<Insn> program) {
        ByteBuffer b = ByteBuffer.allocate(program.size() * INSN_BYTES).order(ByteOrder.nativeOrder());
        for (Insn i : program) {
            b.putShort((short) i.code()).put((byte) i.jt()).put((byte) i.jf()).putInt(i.k());
        }
        return b.array();
    }

    /**
     * Runs the program on one call, as the kernel would: the verdict for ({@code arch}, {@code nr},
     * {@code args}). Lets tests check the compiled program without installing it.
     */
    public static int evaluate(List<Insn> program, int archAudit, int nr, long... args) {
        int acc = 0;
        int pc = 0;
        while (pc < program.size()) {
            Insn i = program.get(pc);
            switch (i.code()) {
                case BPF_LD_W_ABS -> {
                    int off = i.k();
                    if (off == OFF_NR) acc = nr;
                    else if (off == OFF_ARCH) acc = archAudit;
                    else {
                        int a = (off - OFF_ARGS) / 8;
                        long v = a < args.length ? args[a] : 0;
                        acc = (off - OFF_ARGS) % 8 == 0 ? (int) v : (int) (v >>> 32);
                    }
                    pc++;
                }
                case BPF_JEQ_K -> pc += 1 + (acc == i.k() ? i.jt() : i.jf());
                case BPF_JGE_K -> pc += 1 + (Integer.compareUnsigned(acc, i.k()) >= 0 ? i.jt() : i.jf());
                case BPF_JSET_K -> pc += 1 + ((acc & i.k()) != 0 ? i.jt() : i.jf());
                case BPF_RET_K -> { return i.k(); }
                default -> throw new IllegalStateException("unknown opcode " + i.code());
            }
        }
        throw new IllegalStateException("program fell off its end");
    }
}

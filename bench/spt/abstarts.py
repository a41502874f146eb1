#!/usr/bin/env python3
"""Starts of two builds of one appliance, taking turns: the time to the first HTTP 200 and the CPU spent by then.

usage: abstarts.py RUNS NETNS HOST PORT CMD_A CMD_B   (root: it enters NETNS and makes a cgroup)
  CMD_A and CMD_B are command lines (split like a shell would) of the two builds, serving HOST:PORT
  inside network namespace NETNS (a name under /run/netns).
Prints one line per side: its wall time and CPU time to the first 200, as medians with quartiles.

Wall time is measure.py's: from just before fork/exec to the first 'HTTP/1.1 200' read, with a new
connection tried every 2 ms. CPU is that of all the process's threads up to that moment, exited
ones included, read from a cgroup the process is started in (cgroup v2 'cpu.stat', or v1
'cpuacct.usage'). On a machine of few cores start is bound by CPU, and CPU varies less than wall
time from run to run, so it tells small changes apart that wall time alone does not.
"""
import ctypes, os, shlex, statistics, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from measure import first_200, stop  # noqa: E402

CLONE_NEWNET = 0x40000000


class CpuGroup:
    """A cgroup the starts run in; usage() is its CPU time in ms (None where no cgroup can be made)."""

    def __init__(self):
        self.path, self.usage_fd, self.procs_fd, self.v2 = None, None, None, False
        for base, v2 in (("/sys/fs/cgroup", True), ("/sys/fs/cgroup/cpuacct", False)):
            if v2 and not os.path.exists(base + "/cgroup.controllers"):
                continue
            if not v2 and not os.path.isdir(base):
                continue
            path = "%s/s8-abstarts-%d" % (base, os.getpid())
            try:
                os.mkdir(path)
                self.usage_fd = os.open(path + ("/cpu.stat" if v2 else "/cpuacct.usage"), os.O_RDONLY)
                self.procs_fd = os.open(path + "/cgroup.procs", os.O_WRONLY)
            except OSError:
                continue
            self.path, self.v2 = path, v2
            return

    def enter(self):
        """In the child, before exec: join the group."""
        if self.procs_fd is not None:
            os.write(self.procs_fd, str(os.getpid()).encode())

    def usage(self):
        if self.usage_fd is None:
            return None
        text = os.pread(self.usage_fd, 4096, 0).decode()
        if self.v2:
            for line in text.splitlines():
                if line.startswith("usage_usec "):
                    return int(line.split()[1]) / 1000
            return None
        return int(text) / 1e6

    def remove(self):
        for fd in (self.usage_fd, self.procs_fd):
            if fd is not None:
                os.close(fd)
        if self.path:
            try:
                os.rmdir(self.path)
            except OSError:
                pass


def quartiles(values):
    q = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    return "%.1f (%.1f-%.1f)" % (statistics.median(values), q[0], q[2])


def main():
    if len(sys.argv) != 7:
        raise SystemExit(__doc__)
    runs, netns, host, port = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
    cmds = {"A": shlex.split(sys.argv[5]), "B": shlex.split(sys.argv[6])}
    group = CpuGroup()  # before entering the namespace: that hides the host's /sys
    libc = ctypes.CDLL(None, use_errno=True)
    ns = os.open("/run/netns/" + netns, os.O_RDONLY)
    if libc.setns(ns, CLONE_NEWNET) != 0:
        raise SystemExit("cannot enter network namespace %s: %s" % (netns, os.strerror(ctypes.get_errno())))
    os.close(ns)
    walls, cpus = {"A": [], "B": []}, {"A": [], "B": []}
    try:
        for _ in range(runs):
            for side in "AB":
                before = group.usage()
                t0 = time.perf_counter()
                p = subprocess.Popen(cmds[side], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=group.enter)
                t1 = first_200(host, port, t0 + 60, p)
                after = group.usage()
                walls[side].append((t1 - t0) * 1000)
                if before is not None and after is not None:
                    cpus[side].append(after - before)
                stop(p)
    finally:
        group.remove()
    for side in "AB":
        cpu = quartiles(cpus[side]) + " ms" if cpus[side] else "- (no cgroup)"
        print("%s  first 200: median %s ms   CPU by then: median %s   n=%d" % (side, quartiles(walls[side]), cpu, runs), flush=True)


if __name__ == "__main__":
    main()

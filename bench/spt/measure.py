#!/usr/bin/env python3
"""Start-to-first-200 (median of N runs) and resident memory after R requests, for one or more commands.

usage: measure.py RUNS REQUESTS SIDE [SIDE...]
  SIDE is 'LABEL HOST PORT CMD...' in one argument (split like a shell would); CMD may contain {port}.
  PORT 0 picks a free loopback port per start.
The sides take turns, run by run, so that a change in the machine's load hits them alike.
Prints one line per side: LABEL median_ms p10_ms p90_ms rss_kib requests_per_s rss_anon_kib
(RssAnon: the part of VmRSS that is the process's own memory, not pages of files such as libjvm.so)

First 200: from just before fork/exec to the first 'HTTP/1.1 200' read. The client does not wait on a
connect timeout between tries: it opens a new non-blocking connection every 2 ms while earlier ones
are still pending (up to 64), and the first one that connects sends the request. So a SYN lost while
the appliance is still booting (a TAP interface with no reader drops it, where loopback refuses at
once) costs at most the 2 ms until the next SYN, not a retransmission timeout.
"""
import os, selectors, shlex, signal, socket, statistics, subprocess, sys, time

REQ = b"GET / HTTP/1.1\r\nHost: bench\r\n\r\n"
EVERY = 0.002
PENDING = 64


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_200(host, port, deadline, p):
    sel = selectors.DefaultSelector()
    pending = []  # in order of creation
    next_try = 0.0
    try:
        while True:
            now = time.perf_counter()
            if now > deadline:
                raise SystemExit("no HTTP 200 within the deadline")
            if p.poll() is not None:
                raise SystemExit("the appliance exited (status %d) before answering on port %d" % (p.returncode, port))
            if now >= next_try:
                if len(pending) >= PENDING:
                    old = pending.pop(0)
                    sel.unregister(old)
                    old.close()
                s = socket.socket()
                s.setblocking(False)
                s.connect_ex((host, port))
                sel.register(s, selectors.EVENT_WRITE, "connecting")
                pending.append(s)
                next_try = now + EVERY
            for key, _ in sel.select(timeout=EVERY / 2):
                s = key.fileobj
                if key.data == "connecting":
                    if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) != 0:
                        sel.unregister(s)
                        pending.remove(s)
                        s.close()
                        continue
                    s.sendall(REQ)
                    sel.modify(s, selectors.EVENT_READ, "reading")
                else:
                    try:
                        data = s.recv(64)
                    except OSError:
                        data = b""
                    if data.startswith(b"HTTP/1.1 200"):
                        return time.perf_counter()
                    sel.unregister(s)
                    pending.remove(s)
                    s.close()
    finally:
        for s in pending:
            s.close()
        sel.close()


def stop(p):
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def read_response(s, buf):
    # one response: headers then Content-Length bytes
    while b"\r\n\r\n" not in buf:
        chunk = s.recv(65536)
        if not chunk:
            raise SystemExit("connection closed")
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    while len(rest) < length:
        rest += s.recv(65536)
    if not head.startswith(b"HTTP/1.1 200"):
        raise SystemExit("not a 200: %r" % head[:40])
    return rest[length:]


class Side:
    def __init__(self, spec):
        words = shlex.split(spec)
        self.label, self.host, self.port, self.cmd = words[0], words[1], int(words[2]), words[3:]
        self.times = []

    def start(self):
        port = self.port or free_port()
        argv = [a.replace("{port}", str(port)) for a in self.cmd]
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return p, port, t0


# Seconds between the first 200 and the memory phase's requests (environment SETTLE, default 0).
# With SETTLE=3 the spt side's trim (1 s after the seal) comes before the requests, as when an
# appliance is started and its traffic comes later; with 0 it comes during them.
SETTLE = float(os.environ.get("SETTLE", "0"))


def memory(side, requests):
    p, port, t0 = side.start()
    first_200(side.host, port, t0 + 60, p)
    time.sleep(SETTLE)
    done = 0
    t = time.perf_counter()
    while done < requests:  # keep-alive connections in turn, a new one every 1000 requests
        with socket.create_connection((side.host, port), timeout=10) as s:
            buf = b""
            for _ in range(min(1000, requests - done)):
                s.sendall(REQ)
                buf = read_response(s, buf)
                done += 1
    rate = requests / (time.perf_counter() - t)
    time.sleep(0.5)
    rss = anon = 0
    with open("/proc/%d/status" % p.pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("RssAnon:"):
                anon = int(line.split()[1])
    stop(p)
    return rss, rate, anon


def main():
    runs, requests = int(sys.argv[1]), int(sys.argv[2])
    sides = [Side(a) for a in sys.argv[3:]]
    for _ in range(runs):
        for side in sides:
            p, port, t0 = side.start()
            t1 = first_200(side.host, port, t0 + 60, p)
            side.times.append((t1 - t0) * 1000)
            stop(p)
    for side in sides:
        rss, rate, anon = memory(side, requests)
        times = sorted(side.times)
        q = statistics.quantiles(times, n=10) if len(times) > 1 else [times[0], times[0]]
        print("%s %.1f %.1f %.1f %d %.0f %d" % (side.label, statistics.median(times), q[0], q[-1], rss, rate, anon), flush=True)


if __name__ == "__main__":
    main()

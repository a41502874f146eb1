#!/usr/bin/env python3
"""Start-to-first-200 (median of N runs) and resident memory after R requests, for one command.

usage: measure.py LABEL RUNS REQUESTS BASEPORT CMD... (CMD may contain {port}; BASEPORT unused: free ports are picked)
Prints one line: LABEL median_ms p10_ms p90_ms rss_kib
"""
import os, signal, socket, statistics, subprocess, sys, time

REQ = b"GET / HTTP/1.1\r\nHost: bench\r\n\r\n"
HOST = os.environ.get("HOST", "127.0.0.1")

def free_port():
    if os.environ.get("PORT"):
        return int(os.environ["PORT"])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def first_200(port, deadline, p=None):
    while time.perf_counter() < deadline:
        if p is not None and p.poll() is not None:
            raise SystemExit("the appliance exited (status %d) before answering on port %d" % (p.returncode, port))
        try:
            with socket.create_connection((HOST, port), timeout=0.2) as s:
                s.settimeout(5)
                s.sendall(REQ)
                data = s.recv(64)
                if data.startswith(b"HTTP/1.1 200"):
                    return time.perf_counter()
        except OSError:
            time.sleep(0.001)
    raise SystemExit("no HTTP 200 within the deadline")

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

def main():
    label, runs, requests, base = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    cmd = sys.argv[5:]
    times = []
    for i in range(runs):
        port = free_port()
        argv = [a.replace("{port}", str(port)) for a in cmd]
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        t1 = first_200(port, t0 + 60, p)
        times.append((t1 - t0) * 1000)
        stop(p)
    port = free_port()
    argv = [a.replace("{port}", str(port)) for a in cmd]
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    first_200(port, time.perf_counter() + 60, p)
    done = 0
    while done < requests:  # 10 keep-alive connections in turn, a new one every 1000 requests
        with socket.create_connection((HOST, port), timeout=10) as s:
            buf = b""
            for _ in range(min(1000, requests - done)):
                s.sendall(REQ)
                buf = read_response(s, buf)
                done += 1
    time.sleep(0.5)
    rss = 0
    with open("/proc/%d/status" % p.pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    stop(p)
    times.sort()
    q = statistics.quantiles(times, n=10)
    print("%s %.1f %.1f %.1f %d" % (label, statistics.median(times), q[0], q[-1], rss))

main()

#!/usr/bin/env python3
"""Server CPU at a fixed request rate over one keep-alive connection.

    rate.py PID HOST PORT PATH RATE SECONDS [WARMUP]

Sends WARMUP (default 20000) requests back to back (so the JIT has done its work), then RATE
requests per second (0: none, the idle cost) for SECONDS, one at a time, and prints the CPU time
the server process PID used per second and per request (utime + stime from /proc/PID/stat).
Run it where HOST is reachable (e.g. under 'ip netns exec'). Used by bench/http/README.md to price
the stack loop's spin (--loop-spin).
"""
import os
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "spt"))
from measure import read_response  # noqa: E402  one keep-alive response, read as the spt benchmark reads it


def main():
    if len(sys.argv) not in (7, 8):
        sys.exit(__doc__)
    pid, host, port, path = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
    rate, secs = float(sys.argv[5]), float(sys.argv[6])
    warmup = int(sys.argv[7]) if len(sys.argv) == 8 else 20000
    request = ("GET %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (path, host)).encode()
    tick = os.sysconf('SC_CLK_TCK')

    def cpu_ms():
        fields = open('/proc/%d/stat' % pid).read().rsplit(')', 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / tick

    s = socket.create_connection((host, port))
    s.settimeout(5)
    pending = b""

    def one():
        nonlocal pending
        s.sendall(request)
        pending = read_response(s, pending)

    for _ in range(warmup):
        one()
    c0, t0, n = cpu_ms(), time.monotonic(), 0
    while time.monotonic() - t0 < secs:
        if rate <= 0:
            time.sleep(0.1)
            continue
        one()
        n += 1
        delay = t0 + n / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    used, elapsed = cpu_ms() - c0, time.monotonic() - t0
    per = " %.0f us/request" % (used * 1000 / n) if n else ""
    print("rate %g/s: %d requests in %.1f s, server CPU %.1f ms/s%s" % (rate, n, elapsed, used / elapsed, per))


main()

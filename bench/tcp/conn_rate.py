#!/usr/bin/env python3
"""conn_rate.py HOST PORT SECONDS: connect, wait for the server's close, close; prints "conns/s=N".
   conn_rate.py serve ADDRESS PORT: accept and close at once (the Linux side)."""
import socket, sys, time
if sys.argv[1] == "serve":
    l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind((sys.argv[2], int(sys.argv[3]))); l.listen(1024)
    while True:
        c, _ = l.accept(); c.close()
host, port, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
n, end = 0, time.time() + secs
while time.time() < end:
    s = socket.create_connection((host, port), timeout=5)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    s.recv(1); s.close(); n += 1
print("conns/s=%d" % (n / secs))

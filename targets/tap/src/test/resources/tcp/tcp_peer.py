#!/usr/bin/env python3
"""Linux-side TCP peers for Morgana's interop tests (stdlib only).

  concurrent HOST PORT N BYTES      N parallel connections to an echo server, each sends BYTES
                                    random bytes, half-closes, reads the echo back; "ok N" if all match
  slowread HOST PORT STALL CHUNK    connect, read nothing for STALL seconds (the window closes),
                                    then read in CHUNK-byte pieces to EOF; prints "BYTES SHA256"
  halfclose-client HOST PORT BYTES  send BYTES, shutdown(SHUT_WR), print what comes back
  halfclose-server PORT             accept one, read to EOF, reply "eof after N bytes", close
"""
import hashlib, os, socket, sys, threading, time

def concurrent(host, port, n, size):
    results = [None] * n
    def one(i):
        try:
            data = os.urandom(size)
            s = socket.create_connection((host, port), timeout=60)
            def send():
                s.sendall(data)
                s.shutdown(socket.SHUT_WR)
            t = threading.Thread(target=send); t.start()
            got = bytearray()
            while True:
                b = s.recv(65536)
                if not b: break
                got += b
            t.join(); s.close()
            results[i] = bytes(got) == data or "mismatch %d/%d" % (len(got), size)
        except Exception as e:
            results[i] = repr(e)
    ts = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in ts: t.start()
    for t in ts: t.join()
    bad = [r for r in results if r is not True]
    print("ok %d" % n if not bad else "failed %d: %s" % (len(bad), bad[:5]))

def slowread(host, port, stall, chunk):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    s.connect((host, port))
    time.sleep(stall)
    h, total = hashlib.sha256(), 0
    while True:
        b = s.recv(chunk)
        if not b: break
        h.update(b); total += len(b)
    print(total, h.hexdigest())

def halfclose_client(host, port, size):
    s = socket.create_connection((host, port), timeout=30)
    s.sendall(b"x" * size)
    s.shutdown(socket.SHUT_WR)
    got = bytearray()
    while True:
        b = s.recv(65536)
        if not b: break
        got += b
    print(got.decode())

def halfclose_server(port):
    l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind(("0.0.0.0", port)); l.listen(1)
    print("listening", flush=True)
    c, _ = l.accept()
    n = 0
    while True:
        b = c.recv(65536)
        if not b: break
        n += len(b)
    c.sendall(("eof after %d bytes" % n).encode())
    c.close()
    print("served", n, flush=True)

if __name__ == "__main__":
    a = sys.argv[1:]
    if a[0] == "concurrent": concurrent(a[1], int(a[2]), int(a[3]), int(a[4]))
    elif a[0] == "slowread": slowread(a[1], int(a[2]), float(a[3]), int(a[4]))
    elif a[0] == "halfclose-client": halfclose_client(a[1], int(a[2]), int(a[3]))
    elif a[0] == "halfclose-server": halfclose_server(int(a[1]))
    else: sys.exit("unknown mode " + a[0])

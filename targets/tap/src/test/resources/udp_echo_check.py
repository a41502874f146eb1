"""Sends COUNT datagrams of sizes cycling 1..MAX to HOST:PORT, one at a time, and checks that each
echo is byte-identical. Retries a datagram up to 5 times on timeout (UDP may drop; the check is
integrity, not loss). Prints 'ok N' or the first mismatch, and exits non-zero on failure."""
import os, socket, sys

host, port, count, maxsize = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1.0)
s.connect((host, port))
retries = 0
for i in range(count):
    size = 1 + (i * 7919) % maxsize  # a spread over 1..maxsize, not just ascending
    if i < maxsize and i % 997 == 0:
        size = maxsize - i % maxsize
    payload = os.urandom(size)
    for attempt in range(5):
        s.send(payload)
        try:
            while True:
                got = s.recv(65536)
                if got == payload:
                    break
                # a late echo of an earlier datagram after a retry: skip it
        except socket.timeout:
            retries += 1
            continue
        break
    else:
        print("no echo for datagram %d of %d bytes after 5 tries" % (i, size))
        sys.exit(1)
print("ok %d retries %d" % (count, retries))

"""Sends raw Ethernet frames out of interface IFNAME (so they arrive on the TAP's file descriptor):
frames come from FILE as a sequence of (4-byte big-endian length, bytes). Frames shorter than an
Ethernet header cannot be sent this way and are skipped. Prints 'sent N skipped M'."""
import socket, struct, sys

ifname, path = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((ifname, 0))
sent = skipped = 0
with open(path, "rb") as f:
    data = f.read()
i = 0
while i < len(data):
    (n,) = struct.unpack(">I", data[i:i + 4])
    frame = data[i + 4:i + 4 + n]
    i += 4 + n
    if n < 14:
        skipped += 1
        continue
    while True:
        try:
            s.send(frame)
            break
        except BlockingIOError:
            pass
        except OSError as e:
            if e.errno == 105:  # ENOBUFS: the TAP queue is full; retry
                continue
            raise
    sent += 1
print("sent %d skipped %d" % (sent, skipped))

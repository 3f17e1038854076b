#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A minimal stateless STAMP reflector in userspace, for testing the sender
on the host (where the module cannot load): IPv4 10.0.0.2 and IPv6 fd00::2,
port 862, NTP timestamps, S bit set. With --tos-log FILE it also records
the TOS / Traffic Class of every request (IP_RECVTOS / IPV6_RECVTCLASS)."""
import select
import socket
import struct
import sys
import time


def ntp():
    now = time.time_ns()
    return ((now // 10**9 + 2208988800) << 32) | ((now % 10**9) << 32) // 10**9


def main():
    log = None
    if len(sys.argv) > 2 and sys.argv[1] == "--tos-log":
        log = open(sys.argv[2], "a", buffering=1)
    socks = []
    for fam, addr in ((socket.AF_INET, "10.0.0.2"), (socket.AF_INET6, "fd00::2")):
        s = socket.socket(fam, socket.SOCK_DGRAM)
        if fam == socket.AF_INET:
            s.setsockopt(socket.IPPROTO_IP, socket.IP_RECVTOS, 1)
        else:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVTCLASS, 1)
        s.bind((addr, 862))
        socks.append(s)
    while True:
        for s in select.select(socks, [], [], 60)[0]:
            d, anc, _, a = s.recvmsg(2000, 256)
            t2 = ntp()
            if len(d) < 14:
                continue
            if log:
                for level, kind, data in anc:
                    if kind in (socket.IP_TOS, socket.IPV6_TCLASS):
                        log.write("%d\n" % (data[0] if len(data) == 1 else
                                            struct.unpack("i", data[:4])[0]))
            seq, ts, err = struct.unpack("!IQH", d[:14])
            r = struct.pack("!IQHHQIQHHB3s", seq, 0, 0x8001, 0, t2, seq, ts,
                            err, 0, 64, b"")
            r = r[:4] + struct.pack("!Q", ntp()) + r[12:]
            s.sendto(r + d[44:], a)


main()

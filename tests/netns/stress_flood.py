#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Flood a reflector with a mix of good and bad STAMP requests.

For the stress test: requests from many source ports (so a stateful
reflector learns and forgets many sessions), with several SSIDs, round
robin over kinds that each end differently at the reflector: plain
44-octet requests, authenticated ones with the right and with a wrong key,
runts (drop_short), a zero Error Estimate multiplier (answered and counted
as errest_zero, or drop_errest with errest-zero discard), and
oversized ones. Several targets (IPv4 and IPv6, say) share one process:
under TCG a Python process costs more than the packets it sends. Replies
are read and thrown away. Runs until SIGTERM or for --seconds, then prints
one JSON line: what it sent of each kind.
"""
import argparse
import hashlib
import hmac
import json
import select
import signal
import socket
import struct
import time

AUTH_LEN = 112


def read_key(path):
    with open(path) as f:
        return bytes.fromhex("".join(f.read().split()))


def plain(seq, ssid, errest=0x0101, length=44):
    ts = int(time.time()) + 2208988800 << 32
    pkt = struct.pack("!IQHH", seq, ts, errest, ssid)
    return pkt + bytes(length - len(pkt))


def auth(seq, ssid, key):
    ts = int(time.time()) + 2208988800 << 32
    pkt = struct.pack("!I12xQHH68x", seq, ts, 0x0101, ssid)
    return pkt + hmac.new(key, pkt, hashlib.sha256).digest()[:16]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("targets", nargs="+")
    ap.add_argument("--port", type=int, default=862)
    ap.add_argument("--sockets", type=int, default=64,
                    help="source ports per target")
    ap.add_argument("--seconds", type=float, default=0)
    ap.add_argument("--rate", type=float, default=2000,
                    help="requests per second, all kinds together")
    ap.add_argument("--key-file", required=True)
    a = ap.parse_args()
    key = read_key(a.key_file)
    wrong = bytes(b ^ 0x5a for b in key)
    socks = []
    for target in a.targets:
        fam = socket.AF_INET6 if ":" in target else socket.AF_INET
        for _ in range(a.sockets):
            s = socket.socket(fam, socket.SOCK_DGRAM)
            s.setblocking(False)
            s.bind(("", 0))
            socks.append((s, target))
    kinds = ("plain", "auth", "wrong_key", "short", "zero_errest", "large")
    sent = {k: 0 for k in kinds}
    end = time.monotonic() + a.seconds if a.seconds else None
    seq = 0
    start = time.monotonic()
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    try:
        while not stop and (end is None or time.monotonic() < end):
            for i, (s, target) in enumerate(socks):
                kind = kinds[seq % len(kinds)]
                ssid = i % 4
                if kind == "plain":
                    pkt = plain(seq, ssid)
                elif kind == "auth":
                    pkt = auth(seq, ssid, key)
                elif kind == "wrong_key":
                    pkt = auth(seq, ssid, wrong)
                elif kind == "short":
                    pkt = plain(seq, ssid)[:10]
                elif kind == "zero_errest":
                    pkt = plain(seq, ssid, errest=0x0100)
                else:
                    pkt = plain(seq, ssid, length=1400)
                try:
                    s.sendto(pkt, (target, a.port))
                    sent[kind] += 1
                except (BlockingIOError, ConnectionRefusedError, OSError):
                    pass
                seq += 1
            # paced: a flood that saturates the VM would starve the churn.
            # Replies end a select() early: wait out the whole gap, or the
            # flood runs unpaced while the reflector answers, and then
            # falls silent for as long as it ran ahead once it does not.
            due = start + seq / a.rate
            while not stop:
                left = due - time.monotonic()
                ready = select.select([s for s, _ in socks], [], [],
                                      max(left, 0))[0]
                for s in ready:
                    try:
                        while True:
                            s.recv(2048)
                    except OSError:
                        pass
                if left <= 0:
                    break
    except KeyboardInterrupt:
        pass
    print(json.dumps(sent), flush=True)


if __name__ == "__main__":
    main()

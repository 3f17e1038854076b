#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send STAMP requests from a fixed port and report the reflector's answers.

Independent of stampnl and lib/wire*.c: the authenticated layout (RFC 8762
sections 4.2.2 and 4.3.2) and HMAC-SHA-256/128 over the first 96 octets
(section 4.4) come from Python's hmac module. Prints one JSON line:
sent, replies, bad_hmac (replies whose HMAC did not verify), bad_layout,
and the reflector's sequence numbers in the order received.
"""
import argparse
import hashlib
import hmac
import json
import socket
import struct
import sys
import time

AUTH_LEN = 112


def read_key(path):
    with open(path) as f:
        return bytes.fromhex("".join(f.read().split()))


def request(seq, ssid, key, length):
    ts = int(time.time()) + 2208988800 << 32
    if key is None:
        pkt = struct.pack("!IQHH", seq, ts, 0x0101, ssid)
        return pkt + bytes(max(length, 44) - len(pkt))
    pkt = struct.pack("!I12xQHH68x", seq, ts, 0x0101, ssid)
    assert len(pkt) == 96
    pkt += hmac.new(key, pkt, hashlib.sha256).digest()[:16]
    return pkt + bytes(max(length, AUTH_LEN) - AUTH_LEN)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("target")
    ap.add_argument("--port", type=int, default=862)
    ap.add_argument("--sport", type=int, default=0)
    ap.add_argument("--count", type=int, default=5)
    ap.add_argument("--first-seq", type=int, default=0)
    ap.add_argument("--ssid", type=int, default=0)
    ap.add_argument("--length", type=int, default=0)
    ap.add_argument("--key-file", help="authenticated mode: the HMAC key")
    ap.add_argument("--reply-key-file",
                    help="check replies with this key (default --key-file)")
    ap.add_argument("--timeout", type=float, default=0.5)
    ap.add_argument("--ports", type=int, default=1,
                    help="as many source ports (sessions), --count each")
    a = ap.parse_args()
    key = read_key(a.key_file) if a.key_file else None
    rkey = read_key(a.reply_key_file) if a.reply_key_file else key
    fam = socket.AF_INET6 if ":" in a.target else socket.AF_INET
    out = {"sent": 0, "replies": 0, "bad_hmac": 0, "bad_layout": 0,
           "refl_seqs": []}
    # every socket stays open until the end, so no port is used twice
    socks = []
    for _ in range(a.ports):
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", a.sport))
        s.settimeout(a.timeout)
        socks.append(s)
        probe(s, a, key, rkey, out)
    print(json.dumps(out))
    return 0


def probe(s, a, key, rkey, out):
    for i in range(a.count):
        seq = a.first_seq + i
        s.sendto(request(seq, a.ssid, key, a.length), (a.target, a.port))
        out["sent"] += 1
        try:
            rep = s.recv(4096)
        except socket.timeout:
            continue
        out["replies"] += 1
        if key is None:
            rseq, sseq = struct.unpack_from("!I", rep)[0], \
                struct.unpack_from("!I", rep, 24)[0]
            ok = len(rep) == max(a.length, 44) and sseq == seq
        else:
            rseq, sseq = struct.unpack_from("!I", rep)[0], \
                struct.unpack_from("!I", rep, 48)[0]
            ok = (len(rep) == max(a.length, AUTH_LEN) and sseq == seq and
                  struct.unpack_from("!H", rep, 26)[0] == a.ssid and
                  rep[80] == 64)
            mac = hmac.new(rkey, rep[:96], hashlib.sha256).digest()[:16]
            if not hmac.compare_digest(mac, rep[96:112]):
                out["bad_hmac"] += 1
        if not ok:
            out["bad_layout"] += 1
        out["refl_seqs"].append(rseq)
        # the reply's Timestamp (T3), as the session must remember it; a
        # string of digits, as stampnl writes it, since jq 1.6 would round
        # a 64-bit number and two different values could compare equal
        out["last_t3"] = str(struct.unpack_from("!Q", rep, 16 if key else 4)[0])


if __name__ == "__main__":
    sys.exit(main())

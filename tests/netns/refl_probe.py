#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check a STAMP reflector field by field with hand-made requests.

Independent of stampnl and of lib/wire*.c on purpose: the expected reply is
derived here from RFC 8762 section 4.3.1, so a bug shared by the codec and
its users cannot hide. Sends requests of the given sizes (and random ones),
checks every reply, and prints one JSON line with what it sent and saw so
the caller can compare it with the reflector's counters.

Exit status: 0 if every check passed, 1 otherwise.
"""
import argparse
import json
import os
import random
import select
import socket
import struct
import sys
import time

NTP_UNIX = 2208988800
BASE = 44
MIN_REQ = 14
IP_RECVTTL = 12
IP_TTL = 2
IPV6_RECVHOPLIMIT = 51
IPV6_HOPLIMIT = 52


class Probe:
    def __init__(self, target, port, timeout, quiet_ms, ptp, synced):
        self.ptp = ptp
        self.synced = synced
        self.target = target
        self.port = port
        self.timeout = timeout
        self.quiet = quiet_ms / 1000.0
        self.v6 = ":" in target
        fam = socket.AF_INET6 if self.v6 else socket.AF_INET
        self.sock = socket.socket(fam, socket.SOCK_DGRAM)
        if self.v6:
            self.sock.setsockopt(socket.IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1)
        else:
            self.sock.setsockopt(socket.IPPROTO_IP, IP_RECVTTL, 1)
        self.sock.bind(("::" if self.v6 else "0.0.0.0", 0))
        self.sport = self.sock.getsockname()[1]
        # a raw socket sees the reply's UDP header: IPv4 accepts a zero
        # checksum, so the kernel's acceptance alone proves nothing there
        self.raw = None
        if not self.v6:
            self.raw = socket.socket(socket.AF_INET, socket.SOCK_RAW,
                                     socket.IPPROTO_UDP)
        self.failures = []
        # zero_errest: dropped for a zero multiplier (errest-zero discard);
        # zero_errest_answered: answered anyway (reflect, the default)
        self.counts = {"sent": 0, "replies": 0, "short": 0,
                       "zero_errest": 0, "zero_errest_answered": 0,
                       "fragment": 0, "checks": 0}

    def fail(self, what):
        self.failures.append(what)

    def check(self, cond, what):
        self.counts["checks"] += 1
        if not cond:
            self.fail(what)

    def recv_reply(self, wait):
        r, _, _ = select.select([self.sock], [], [], wait)
        if not r:
            return None, None, None
        data, anc, _, _ = self.sock.recvmsg(65535, 256)
        t4 = time.time_ns()
        ttl = None
        for level, kind, val in anc:
            if (level, kind) in ((socket.IPPROTO_IP, IP_TTL),
                                 (socket.IPPROTO_IPV6, IPV6_HOPLIMIT)):
                ttl = struct.unpack("i" if len(val) == 4 else "B", val)[0]
        return data, ttl, t4

    def raw_checksum_ok(self, reply_len):
        """Find our reply on the raw socket and verify its UDP checksum."""
        deadline = time.time() + 1.0
        while time.time() < deadline:
            r, _, _ = select.select([self.raw], [], [], 0.2)
            if not r:
                continue
            pkt = self.raw.recv(65535)
            ihl = (pkt[0] & 0x0F) * 4
            sport, dport, ulen, csum = struct.unpack("!HHHH", pkt[ihl:ihl + 8])
            if sport != self.port or dport != self.sport:
                continue
            if ulen != reply_len + 8:
                continue
            if csum == 0:
                return False
            src, dst = pkt[12:16], pkt[16:20]
            pseudo = src + dst + struct.pack("!BBH", 0, 17, ulen)
            return inet_csum(pseudo + pkt[ihl:ihl + ulen]) == 0
        return False

    def request(self, payload, expect):
        """Send one request; expect is 'reply' or a drop reason."""
        plen = len(payload)
        self.counts["sent"] += 1
        t1 = time.time_ns()
        self.sock.sendto(payload, (self.target, self.port))
        data, ttl, t4 = self.recv_reply(self.timeout if expect == "reply"
                                        else self.quiet)
        if expect != "reply":
            self.counts[expect] += 1
            self.check(data is None,
                       f"len {plen}: expected a drop ({expect}), got a reply")
            return
        if data is None:
            self.fail(f"len {plen}: no reply")
            return
        self.counts["replies"] += 1
        want_len = max(plen, BASE)
        self.check(len(data) == want_len,
                   f"len {plen}: reply {len(data)} octets, want {want_len}")
        self.check(len(data) <= max(plen, BASE), f"len {plen}: amplification")
        if len(data) < BASE:
            return
        req = payload + bytes(max(0, BASE - plen))
        seq, ts3, err, ssid, ts2, sseq, sts, serr, mbz1, sttl, mbz2 = \
            struct.unpack("!IQHHQIQHHB3s", data[:BASE])
        rseq, rts, rerr = struct.unpack("!IQH", req[:MIN_REQ])
        # octets 14-15 are an SSID only when the request carries both and
        # its MBZ octets (16 to 43, as far as sent) are zero, RFC 8762
        # 4.2.1; otherwise they are a TWAMP-Light sender's padding and the
        # reply has 0 there (README, "TWAMP-Light senders")
        rssid = (struct.unpack("!H", req[14:16])[0]
                 if plen >= 16 and not any(payload[16:BASE]) else 0)
        self.check(seq == rseq, f"len {plen}: Seq {seq} != sender's {rseq}")
        self.check(sseq == rseq, f"len {plen}: Sender Seq {sseq} != {rseq}")
        self.check(sts == rts, f"len {plen}: Sender Timestamp not echoed")
        self.check(serr == rerr, f"len {plen}: Sender Error Estimate {serr:#x} != {rerr:#x}")
        self.check(ssid == rssid, f"len {plen}: SSID {ssid} != {rssid}")
        self.check(mbz1 == 0 and mbz2 == b"\0\0\0", f"len {plen}: MBZ not zero")
        self.check(sttl == 64, f"len {plen}: Sender TTL {sttl}, want 64")
        self.check(ttl == 255, f"len {plen}: reply TTL {ttl}, want 255")
        self.check(err & 0xFF != 0, f"len {plen}: reflector multiplier 0")
        self.check(bool(err & 0x8000) == self.synced,
                   f"len {plen}: S bit {bool(err & 0x8000)}, want {self.synced}")
        self.check(bool(err & 0x4000) == self.ptp,
                   f"len {plen}: Z bit {bool(err & 0x4000)}, want {self.ptp}")
        self.check(data[BASE:] == payload[BASE:],
                   f"len {plen}: octets past 44 not copied")
        z = bool(err & 0x4000)
        t2, t3 = ts_ns(ts2, z), ts_ns(ts3, z)
        if z:  # PTP is TAI: bring it to UTC as the kernel knows the offset
            off = tai_offset_ns()
            t2, t3 = t2 - off, t3 - off
        # same clock on both ends: the four must be in order (NTP's 2^-32 s
        # resolution gets 1 ns of slack)
        self.check(t1 <= t2 + 1 and t2 <= t3 + 1 and t3 <= t4 + 1,
                   f"len {plen}: T1..T4 out of order {t1} {t2} {t3} {t4}")
        if self.raw:
            self.check(self.raw_checksum_ok(len(data)),
                       f"len {plen}: bad or zero UDP checksum")


def inet_csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return 0xFFFF - s if s != 0xFFFF else 0


def ts_ns(v, ptp):
    sec, low = v >> 32, v & 0xFFFFFFFF
    if ptp:
        return sec * 10**9 + low
    if not sec & 0x80000000:
        sec += 1 << 32
    return (sec - NTP_UNIX) * 10**9 + (low * 10**9 + (1 << 31) >> 32)


def tai_offset_ns():
    return round((time.clock_gettime_ns(time.CLOCK_TAI) - time.time_ns())
                 / 1e9) * 10**9


def make_request(plen, rng, errest=None):
    now = time.time_ns()
    sec, ns = divmod(now, 10**9)
    t1 = (sec + NTP_UNIX) << 32 | (ns << 32) // 10**9
    if errest is None:
        errest = rng.randrange(0, 0x40) << 8 | rng.randrange(1, 256)
    base = struct.pack("!IQHH", rng.randrange(1 << 32), t1, errest,
                       rng.randrange(1 << 16))
    # garbage where the sender's MBZ and padding go: the reflector must
    # overwrite the one and copy the other
    body = base + bytes(rng.randrange(256) for _ in range(max(0, plen - 16)))
    return body[:plen]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("target")
    ap.add_argument("--port", type=int, default=862)
    ap.add_argument("--sizes", default="0-2000",
                    help="request payload sizes, e.g. 0-2000 or 44,100")
    ap.add_argument("--random", type=int, default=0,
                    help="also send N requests of random size and contents")
    ap.add_argument("--mtu", type=int, default=1500)
    ap.add_argument("--format", choices=("ntp", "ptp"), default="ntp",
                    help="the timestamp format the reflector must use")
    ap.add_argument("--synced", action="store_true",
                    help="the reflector must report a synchronized clock")
    ap.add_argument("--errest-zero", choices=("reflect", "discard"),
                    default="reflect",
                    help="what the reflector does with multiplier 0")
    ap.add_argument("--timeout", type=float, default=2.0)
    ap.add_argument("--quiet-ms", type=float, default=100)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("SEED", "1")))
    args = ap.parse_args()

    rng = random.Random(args.seed)
    p = Probe(args.target, args.port, args.timeout, args.quiet_ms,
              args.format == "ptp", args.synced)
    sizes = []
    for part in args.sizes.split(","):
        lo, _, hi = part.partition("-")
        sizes += range(int(lo), int(hi or lo) + 1)

    def expect_for(payload):
        plen = len(payload)
        # the reflector's order: the hook sees a fragment (IPv6 reassembles
        # after LOCAL_IN) before anything looks at the payload
        if p.v6 and plen + 8 + 40 > args.mtu:
            return "fragment"
        if plen < MIN_REQ:
            return "short"
        if payload[13] == 0:
            if args.errest_zero == "discard":
                return "zero_errest"
            p.counts["zero_errest_answered"] += 1
        return "reply"

    for plen in sizes:
        payload = make_request(plen, rng)
        p.request(payload, expect_for(payload))
    # a zero multiplier: RFC 4656 section 4.1.2's "SHOULD discard" is the
    # reflector's errest-zero discard; by default it is answered
    for plen in (14, 44, 100):
        payload = make_request(plen, rng, errest=0x0100)
        p.request(payload, expect_for(payload))
    for _ in range(args.random):
        plen = rng.randrange(0, 2001)
        payload = bytes(rng.randrange(256) for _ in range(plen))
        p.request(payload, expect_for(payload))

    for f in p.failures[:30]:
        print("FAIL:", f, file=sys.stderr)
    p.counts["failures"] = len(p.failures)
    print(json.dumps(p.counts))
    return 1 if p.failures else 0


if __name__ == "__main__":
    sys.exit(main())

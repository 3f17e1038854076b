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
ETH_P_IP = 0x0800
SOL_PACKET = 263
PACKET_AUXDATA = 8
TP_STATUS_CSUMNOTREADY = 1 << 3


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
        # checksum, so the kernel's acceptance alone proves nothing there.
        # A packet socket's auxdata tells a checksum left to the device
        # (the fast path's CHECKSUM_PARTIAL reply, which veth hands over
        # unfinished); the raw socket has a fragmented reply reassembled
        self.raw = self.pkt = None
        if not self.v6:
            self.raw = socket.socket(socket.AF_INET, socket.SOCK_RAW,
                                     socket.IPPROTO_UDP)
            self.pkt = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM,
                                     socket.htons(ETH_P_IP))
            self.pkt.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
        self.failures = []
        # zero_errest: dropped for a zero multiplier (errest-zero discard);
        # zero_errest_answered: answered anyway (reflect, the default)
        self.counts = {"sent": 0, "replies": 0, "short": 0,
                       "zero_errest": 0, "zero_errest_answered": 0,
                       "fragment": 0, "checks": 0, "csum_partial": 0}

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

    def udp_checksum_ok(self, pkt, ihl, ulen, partial):
        src, dst = pkt[12:16], pkt[16:20]
        pseudo = src + dst + struct.pack("!BBH", 0, 17, ulen)
        udp = pkt[ihl:ihl + ulen]
        if partial:
            # the field holds the pseudo-header's sum: complete it as the
            # device would (skb_checksum_help()), then check it
            self.counts["csum_partial"] += 1
            done = inet_csum(udp) or 0xFFFF
            udp = udp[:6] + struct.pack("!H", done) + udp[8:]
        return inet_csum(pseudo + udp) == 0

    def find_reply(self, sock, reply_len):
        """Our reply's packet from @sock: (packet, ihl, auxdata status)."""
        deadline = time.time() + 1.0
        while time.time() < deadline:
            r, _, _ = select.select([sock], [], [], 0.2)
            if not r:
                continue
            pkt, anc, _, addr = sock.recvmsg(65535, 64)
            if sock is self.pkt and addr[2] == socket.PACKET_OUTGOING:
                continue
            status = 0
            for level, kind, val in anc:
                if (level, kind) == (SOL_PACKET, PACKET_AUXDATA):
                    status = struct.unpack_from("I", val)[0]
            ihl = (pkt[0] & 0x0F) * 4
            # a later fragment has no UDP header
            if len(pkt) < ihl + 8 or struct.unpack("!H", pkt[6:8])[0] & 0x1FFF:
                continue
            sport, dport, ulen = struct.unpack("!HHH", pkt[ihl:ihl + 6])
            if sport != self.port or dport != self.sport:
                continue
            if ulen != reply_len + 8:
                continue
            return pkt, ihl, status
        return None, 0, 0

    def raw_checksum_ok(self, reply_len):
        """Find our reply and verify its UDP checksum."""
        pkt, ihl, status = self.find_reply(self.pkt, reply_len)
        if pkt is None:
            return False
        if struct.unpack("!H", pkt[6:8])[0] & 0x2000:
            # a first fragment: the raw socket has the whole datagram
            pkt, ihl, status = self.find_reply(self.raw, reply_len)
            if pkt is None:
                return False
        else:
            # every reply reached the raw socket before our UDP socket:
            # what it holds is done with
            while select.select([self.raw], [], [], 0)[0]:
                self.raw.recv(65535)
        ulen = reply_len + 8
        if struct.unpack("!H", pkt[ihl + 6:ihl + 8])[0] == 0:
            return False
        return self.udp_checksum_ok(pkt, ihl, ulen,
                                    status & TP_STATUS_CSUMNOTREADY)

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

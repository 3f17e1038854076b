#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A minimal STAMP reflector in userspace, for testing the sender on the
host (where the module cannot load): IPv4 10.0.0.2 and IPv6 fd00::2, port
862, NTP timestamps, S bit set.

  --port N              listen on port N instead
  --unsynced [LIST]     S bit clear in the replies' Error Estimate (a
                        reflector whose clock is not synchronized): in all
                        of them, or in the replies to the sender Seqs listed
  --clock-offset S      T2 and T3 off by S seconds (a clock that is wrong,
                        e.g. -1: one second behind)
  --ptp                 T2 and T3 in PTPv2 format from CLOCK_TAI, Z bit set
                        (with the kernel's TAI offset, whatever it is)
  --tai-in-ntp          T2 and T3 in NTP format but TAI, as a reflector that
                        reads CLOCK_TAI for NTP fields does: UTC + 37 s
                        (TAI - UTC since 2017), whatever this kernel's offset
  --twampy              replies of 38 octets, as Nokia's twampy answers a
                        44-octet request: everything up to the Session-Sender
                        Error Estimate, no Sender TTL, no TLVs
  --reply-len N         replies cut to N octets (unauthenticated mode)
  --ts-info SYNC        answer Timestamp Information TLVs (unauthenticated
                        mode): U cleared, sync source SYNC (ntp or ptp) for
                        T2 and T3, method software
  --tos-log FILE        record the TOS / Traffic Class of every request
  --auth-key-file FILE  authenticated mode (RFC 8762 4.2.2, 4.3.2, 4.4):
                        requests are checked with the key in FILE (hex) and
                        dropped, with a line on stderr, when the HMAC is
                        wrong; replies are signed with it
  --reply-key-file FILE sign replies with this key instead (a reflector
                        whose replies the sender must refuse)
  --stateful            Seq is a counter per (address, port, SSID) from 0,
                        one more per reflected packet; else the sender's
  --drop-requests LIST  sender Seqs dropped on arrival, before counting
  --drop-replies LIST   sender Seqs dropped after counting, not sent back
  --req-log FILE        record every request, in hex, one a line
  --micro-session ID    answer Micro-session ID TLVs (RFC 9534; unauthenticated
                        mode): U cleared, Reflector Micro-session ID set to ID
  --ms-bad-sender LIST  sender Seqs whose reply carries a Sender Micro-session
                        ID not the request's (a reply the sender must discard)
  --delay MS:LIST       hold the requests of these sender Seqs MS ms before
                        stamping T2, as a path delay on the way there would
                        (RTT and forward delay grow by MS; no netem here);
                        may be given more than once
LIST is comma-separated numbers and ranges: 3,5-7."""
import argparse
import hashlib
import hmac
import select
import socket
import struct
import sys
import time

AUTH_LEN = 112
HMAC_OFF = 96


# set from the options: the clock the replies' T2 and T3 come from
OFFSET_NS = 0
PTP = False
TAI_IN_NTP_NS = 37 * 10**9
SYNC_CODES = {"ntp": 1, "ptp": 2}
S_BIT = 0x8000
Z_BIT = 0x4000


def refl_ts():
    """T2/T3 now, in the format and with the error the options ask for."""
    if PTP:
        now = time.clock_gettime_ns(time.CLOCK_TAI) + OFFSET_NS
        return ((now // 10**9) << 32) | (now % 10**9)
    now = time.time_ns() + OFFSET_NS
    return ((now // 10**9 + 2208988800) << 32) | ((now % 10**9) << 32) // 10**9


def seq_list(text):
    out = set()
    for part in filter(None, text.split(",")):
        lo, _, hi = part.partition("-")
        out.update(range(int(lo), int(hi or lo) + 1))
    return out


def delay_spec(text):
    ms, _, seqs = text.partition(":")
    return float(ms) / 1000, seq_list(seqs)


def read_key(path):
    with open(path) as f:
        return bytes.fromhex("".join(f.read().split()))


def mac(key, pkt):
    return hmac.new(key, pkt[:HMAC_OFF], hashlib.sha256).digest()[:16]


def reply_unauth(d, seq, t2, errest):
    sseq, ts, err = struct.unpack("!IQH", d[:14])
    r = struct.pack("!IQHHQIQHHB3s", seq, 0, errest, 0, t2, sseq, ts,
                    err, 0, 64, b"")
    r = r[:4] + struct.pack("!Q", refl_ts()) + r[12:]
    return r + d[44:]


def answer_ms(r, refl_id, bad_sender):
    """The Micro-session ID TLVs of an unauthenticated reply, answered."""
    r, off = bytearray(r), 44
    while off + 4 <= len(r):
        typ, n = r[off + 1], struct.unpack("!H", r[off + 2:off + 4])[0]
        if typ == 11 and n == 4 and off + 8 <= len(r):
            r[off] = 0
            sender = struct.unpack("!H", r[off + 4:off + 6])[0]
            r[off + 4:off + 8] = struct.pack(
                "!HH", sender ^ 1 if bad_sender else sender, refl_id)
        off += 4 + n
    return bytes(r)


def answer_ts_info(r, sync):
    """The Timestamp Information TLVs of an unauthenticated reply, answered."""
    r, off = bytearray(r), 44
    while off + 4 <= len(r):
        typ, n = r[off + 1], struct.unpack("!H", r[off + 2:off + 4])[0]
        if typ == 3 and n == 4 and off + 8 <= len(r):
            r[off] = 0
            r[off + 4:off + 8] = bytes([sync, 2, sync, 2])
        off += 4 + n
    return bytes(r)


def reply_auth(d, seq, t2, key, errest):
    sseq = struct.unpack("!I", d[:4])[0]
    ts, err, ssid = struct.unpack("!QHH", d[16:28])
    # section 4.3.2: Seq, MBZ(12), Timestamp, ErrEst, SSID, MBZ(4), Receive
    # Timestamp, MBZ(8), Sender Seq, MBZ(12), Sender Timestamp, Sender
    # ErrEst, MBZ(6), Sender TTL, MBZ(15), HMAC
    r = struct.pack("!I12xQHH4xQ8xI12xQH6xB15x", seq, refl_ts(), errest, ssid,
                    t2, sseq, ts, err, 64)
    return r + mac(key, r) + d[AUTH_LEN:]


def main():
    global OFFSET_NS, PTP
    ap = argparse.ArgumentParser()
    # no LIST: every reply
    ap.add_argument("--unsynced", type=seq_list, nargs="?", const=True)
    ap.add_argument("--clock-offset", type=float, default=0)
    ap.add_argument("--ptp", action="store_true")
    ap.add_argument("--tai-in-ntp", action="store_true")
    ap.add_argument("--twampy", action="store_true")
    ap.add_argument("--reply-len", type=int)
    ap.add_argument("--ts-info", choices=sorted(SYNC_CODES))
    ap.add_argument("--port", type=int, default=862)
    ap.add_argument("--tos-log")
    ap.add_argument("--auth-key-file")
    ap.add_argument("--reply-key-file")
    ap.add_argument("--stateful", action="store_true")
    ap.add_argument("--drop-requests", type=seq_list, default=set())
    ap.add_argument("--drop-replies", type=seq_list, default=set())
    ap.add_argument("--req-log")
    ap.add_argument("--micro-session", type=int)
    ap.add_argument("--ms-bad-sender", type=seq_list, default=set())
    ap.add_argument("--delay", type=delay_spec, action="append", default=[])
    a = ap.parse_args()
    OFFSET_NS = round(a.clock_offset * 10**9)
    if a.tai_in_ntp:
        OFFSET_NS += TAI_IN_NTP_NS
    if a.twampy:
        a.reply_len = 38
    PTP = a.ptp
    req_log = open(a.req_log, "a", buffering=1) if a.req_log else None
    log = open(a.tos_log, "a", buffering=1) if a.tos_log else None
    key = read_key(a.auth_key_file) if a.auth_key_file else None
    rkey = read_key(a.reply_key_file) if a.reply_key_file else key
    counters = {}
    socks = []
    for fam, addr in ((socket.AF_INET, "10.0.0.2"), (socket.AF_INET6, "fd00::2")):
        s = socket.socket(fam, socket.SOCK_DGRAM)
        if fam == socket.AF_INET:
            s.setsockopt(socket.IPPROTO_IP, socket.IP_RECVTOS, 1)
        else:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVTCLASS, 1)
        s.bind((addr, a.port))
        socks.append(s)
    while True:
        for s in select.select(socks, [], [], 60)[0]:
            d, anc, _, peer = s.recvmsg(10000, 256)
            if len(d) >= 4:
                for hold, seqs in a.delay:
                    if struct.unpack("!I", d[:4])[0] in seqs:
                        time.sleep(hold)
            t2 = refl_ts()
            if req_log:
                req_log.write(d.hex() + "\n")
            if len(d) < (AUTH_LEN if key else 14):
                continue
            if key and not hmac.compare_digest(mac(key, d), d[HMAC_OFF:AUTH_LEN]):
                print("userspace_refl: HMAC failure from %s port %d, seq %d"
                      % (peer[0], peer[1], struct.unpack("!I", d[:4])[0]),
                      file=sys.stderr, flush=True)
                continue
            if log:
                for level, kind, data in anc:
                    if kind in (socket.IP_TOS, socket.IPV6_TCLASS):
                        log.write("%d\n" % (data[0] if len(data) == 1 else
                                            struct.unpack("i", data[:4])[0]))
            sseq = struct.unpack("!I", d[:4])[0]
            if sseq in a.drop_requests:
                continue
            seq = sseq
            if a.stateful:
                off = 26 if key else 14
                ssid = struct.unpack("!H", d[off:off + 2])[0] if len(d) >= off + 2 else 0
                k = (peer[0], peer[1], ssid)
                seq = counters.get(k, 0)
                counters[k] = seq + 1
            if sseq in a.drop_replies:
                continue
            # Scale 0, Multiplier 1: 2^-32 s (a Multiplier of 0 is invalid)
            errest = (Z_BIT if PTP else 0) | 1
            if not (a.unsynced is True or sseq in (a.unsynced or ())):
                errest |= S_BIT
            r = (reply_auth(d, seq, t2, rkey, errest) if key else
                 reply_unauth(d, seq, t2, errest))
            if a.micro_session is not None and not key:
                r = answer_ms(r, a.micro_session, sseq in a.ms_bad_sender)
            if a.ts_info and not key:
                r = answer_ts_info(r, SYNC_CODES[a.ts_info])
            if a.reply_len is not None and not key:
                r = r[:a.reply_len]
            s.sendto(r, peer)


main()

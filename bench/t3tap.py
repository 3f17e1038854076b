#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Where T2 and T3 sit against the wire: a packet tap on the reflector's device.

An AF_PACKET socket on DEV (in the reflector's namespace) with the kernel's
receive stamps (SO_TIMESTAMPNS, CLOCK_REALTIME): an incoming request is
stamped as the device hands it to the stack (the taps' point in
__netif_receive_skb), an outgoing reply as the device's queue hands it to
the driver (dev_queue_xmit_nit(), after the qdisc). The reply carries T2
and T3 (unauthenticated layout, RFC 8762 section 4.3.1); its Sender
Sequence Number and the request's Sequence Number, with the sender's port,
pair a reply with its request. Prints one JSON object: for T3 the
distribution of wire-out - T3, for T2 of T2 - wire-in, in microseconds.

NTP timestamps are UTC like the tap's CLOCK_REALTIME; PTPv2 ones (Z bit in
the reply's Error Estimate) are TAI, turned into UTC with the kernel's
TAI - UTC offset.

    t3tap.py --port 862 --stop FILE [--seconds S] [--ready FILE]
                                             (run inside the namespace)

It taps until FILE exists, then takes what the socket still holds: the
driver creates FILE once its sender has finished, so the window covers the
whole measurement however slowly the sender starts on a busy host. S, a
bound for a driver that never creates FILE, defaults to an hour.
"""
import argparse
import json
import os
import select
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
SO_TIMESTAMPNS = 35
PACKET_OUTGOING = 4
NTP_EPOCH = 2208988800
CLOCK_TAI = getattr(time, "CLOCK_TAI", 11)


def ntp_ns(v):
    return ((v >> 32) - NTP_EPOCH) * 10**9 + ((v & 0xffffffff) * 10**9 >> 32)


def ptp_ns(v, tai_off):
    return (v >> 32) * 10**9 + (v & 0xffffffff) - tai_off


def pct(xs, p):
    if not xs:
        return None
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))]


def summary(xs):
    us = [round(x / 1000, 1) for x in xs]
    return {"n": len(us),
            "p50_us": pct(us, 50), "p99_us": pct(us, 99),
            "min_us": min(us) if us else None,
            "max_us": max(us) if us else None}


def udp_of(frame):
    """(src port, dst port, payload) of an IPv4/IPv6 UDP frame, or None."""
    if len(frame) < 14:
        return None
    et = struct.unpack_from("!H", frame, 12)[0]
    if et == 0x0800 and len(frame) >= 34:
        ihl = (frame[14] & 0xf) * 4
        if frame[23] != 17:
            return None
        off = 14 + ihl
    elif et == 0x86dd and len(frame) >= 62:
        if frame[20] != 17:
            return None
        off = 54
    else:
        return None
    if len(frame) < off + 8:
        return None
    sp, dp = struct.unpack_from("!HH", frame, off)
    return sp, dp, frame[off + 8:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-i", "--dev", default="veth0")
    ap.add_argument("-p", "--port", type=int, default=862)
    ap.add_argument("--stop", required=True)
    ap.add_argument("--seconds", type=float, default=3600)
    ap.add_argument("--ready")
    a = ap.parse_args()

    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((a.dev, ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    tai_off = time.clock_gettime_ns(CLOCK_TAI) - time.time_ns()
    if a.ready:
        open(a.ready, "w").close()
    rx = {}           # (sender port, seq) -> wire-in ns
    t3d, t2d, unpaired, replies = [], [], 0, 0
    end = time.monotonic() + a.seconds
    stopping = False
    while time.monotonic() < end:
        if not select.select([s], [], [], 0.1)[0]:
            # queued frames are all read: stop if asked to, else wait on
            if stopping:
                break
            stopping = os.path.exists(a.stop)
            continue
        data, anc, _, addr = s.recvmsg(2048, socket.CMSG_SPACE(16))
        ts = None
        for lvl, typ, val in anc:
            if lvl == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS:
                sec, nsec = struct.unpack("qq", val[:16])
                ts = sec * 10**9 + nsec
        u = udp_of(data)
        if ts is None or not u:
            continue
        sp, dp, pl = u
        if addr[2] == PACKET_OUTGOING:
            if sp != a.port or len(pl) < 44:
                continue
            replies += 1
            v3, errest, v2, sseq = struct.unpack_from("!QH2xQI", pl, 4)
            ptp = errest & 0x4000
            t3 = ptp_ns(v3, tai_off) if ptp else ntp_ns(v3)
            t2 = ptp_ns(v2, tai_off) if ptp else ntp_ns(v2)
            t3d.append(ts - t3)
            win = rx.pop((dp, sseq), None)
            if win is None:
                unpaired += 1
            else:
                t2d.append(t2 - win)
        elif dp == a.port and len(pl) >= 4:
            rx[(sp, struct.unpack_from("!I", pl, 0)[0])] = ts
            if len(rx) > 100000:
                rx.clear()
    print(json.dumps({"replies": replies, "unpaired": unpaired,
                      "wire_out_minus_t3": summary(t3d),
                      "t2_minus_wire_in": summary(t2d)}))


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send one STAMP request with TLVs written here and print what came back.

Independent of stampnl and of lib/tlv*.c: the base packet (RFC 8762), the
TLV header (RFC 8972 section 4) and the HMAC TLV (HMAC-SHA-256/128 over
Seq and the TLVs before it, RFC 8972 section 4.8, with Python's hmac) are
built and parsed here. TLVs are given as TYPE:HEX[:FLAGS] (flags default
0x80, the sender's U); "raw:HEX" appends octets as they are. Prints one
JSON object: the request and reply in hex, the reply's DS field, the
kernel's receive stamp of the reply (rx_ns, CLOCK_REALTIME), and the
reply's TLVs as parsed here (flags, type, length, value in hex).

--batch FILE runs one probe per line of FILE (each line the arguments of
one run, TARGET first) and prints one JSON object a line, in order: under
TCG every python3 start costs more than a second, a probe a few ms.
"""
import argparse
import hashlib
import hmac
import json
import shlex
import socket
import struct
import sys
import time

BASE = 44
AUTH_BASE = 112
SO_TIMESTAMPNS = 35     # SCM_TIMESTAMPNS too (asm-generic/socket.h)


def tlv(typ, value, flags=0x80):
    return struct.pack("!BBH", flags, typ, len(value)) + value


def parse_tlvs(data, start):
    """The TLVs from start: a list of dicts, and 'rest' if the walk broke."""
    out, off = [], start
    while off < len(data):
        if not any(data[off:]):
            break
        if len(data) - off < 4:
            return out, data[off:].hex()
        flags, typ, length = struct.unpack("!BBH", data[off:off + 4])
        if off + 4 + length > len(data):
            out.append({"flags": flags, "type": typ, "len": length,
                        "overrun": True})
            return out, data[off + 4:].hex()
        out.append({"flags": flags, "type": typ, "len": length,
                    "value": data[off + 4:off + 4 + length].hex()})
        off += 4 + length
    return out, ""


def parser():
    ap = argparse.ArgumentParser()
    ap.add_argument("target")
    ap.add_argument("--port", type=int, default=862)
    ap.add_argument("--sport", type=int, default=0)
    ap.add_argument("--seq", type=int, default=7)
    ap.add_argument("--ssid", type=int, default=0)
    ap.add_argument("--tlv", action="append", default=[],
                    help="TYPE:HEX[:FLAGS] or raw:HEX")
    ap.add_argument("--key-file", help="authenticated mode")
    ap.add_argument("--hmac-tlv", action="store_true",
                    help="append an HMAC TLV computed here")
    ap.add_argument("--bad-hmac", action="store_true",
                    help="and get it wrong")
    ap.add_argument("--after-hmac", action="append", default=[],
                    help="TYPE:HEX[:FLAGS], a TLV after the HMAC TLV")
    ap.add_argument("--mbz", help="HEX: the base's MBZ octets 16-43 "
                    "(a TWAMP-Light sender's padding), zeros by default")
    ap.add_argument("--trunc", type=int, help="send only the first N octets")
    ap.add_argument("--tos", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=1.0)
    return ap


def tlv_specs(specs):
    body = b""
    for spec in specs:
        parts = spec.split(":")
        if parts[0] == "raw":
            body += bytes.fromhex(parts[1])
            continue
        flags = int(parts[2], 0) if len(parts) > 2 else 0x80
        body += tlv(int(parts[0]), bytes.fromhex(parts[1]), flags)
    return body


def probe(a):
    key = None
    if a.key_file:
        with open(a.key_file) as f:
            key = bytes.fromhex("".join(f.read().split()))
    ts = (int(time.time()) + 2208988800) << 32
    if key:
        base = struct.pack("!I12xQHH68x", a.seq, ts, 0x0101, a.ssid)
    else:
        base = struct.pack("!IQHH28x", a.seq, ts, 0x0101, a.ssid)
    if a.mbz and not key:
        base = base[:16] + bytes.fromhex(a.mbz).ljust(28, b"\0")[:28]
    body = tlv_specs(a.tlv)
    if a.hmac_tlv:
        digest = hmac.new(key, base[:4] + body, hashlib.sha256).digest()[:16]
        if a.bad_hmac:
            digest = bytes([digest[0] ^ 1]) + digest[1:]
        body += tlv(8, digest)
    body += tlv_specs(a.after_hmac)
    if key:
        base += hmac.new(key, base, hashlib.sha256).digest()[:16]
    pkt = base + body
    if a.trunc:
        pkt = pkt[:a.trunc]
    start = AUTH_BASE if key else BASE

    fam = socket.AF_INET6 if ":" in a.target else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", a.sport))
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_TCLASS, a.tos)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVTCLASS, 1)
    else:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, a.tos)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_RECVTOS, 1)
    # the reply's kernel receive stamp (CLOCK_REALTIME), for "rx_ns"
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.settimeout(a.timeout)
    s.sendto(pkt, (a.target, a.port))
    out = {"request": pkt.hex(), "start": start, "reply": None, "ds": None}
    try:
        data, anc, _, _ = s.recvmsg(9000, 256)
    except socket.timeout:
        return out
    finally:
        s.close()
    for level, typ, cdata in anc:
        if level == socket.IPPROTO_IP and typ == socket.IP_TOS:
            out["ds"] = cdata[0]
        if level == socket.IPPROTO_IPV6 and typ == socket.IPV6_TCLASS:
            out["ds"] = struct.unpack("i", cdata[:4])[0]
        if level == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS:
            sec, nsec = struct.unpack("qq", cdata[:16])
            out["rx_ns"] = sec * 10**9 + nsec
    out["reply"] = data.hex()
    out["tlvs"], out["rest"] = parse_tlvs(data, start)
    if a.hmac_tlv:
        # the reply's HMAC TLV: over the reply's Seq and its TLVs before it
        off, ok = start, None
        for t in out["tlvs"]:
            if t["type"] == 8 and "value" in t:
                want = hmac.new(key, data[:4] + data[start:off],
                                hashlib.sha256).digest()[:16]
                ok = want.hex() == t["value"]
                break
            off += 4 + t["len"]
        out["reply_hmac_ok"] = ok
    return out


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--batch":
        with open(sys.argv[2]) as f:
            for line in f:
                if line.strip():
                    print(json.dumps(probe(parser().parse_args(
                        shlex.split(line)))), flush=True)
        return 0
    print(json.dumps(probe(parser().parse_args())))
    return 0


sys.exit(main())

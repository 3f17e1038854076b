#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the fuzzer's seed corpus: valid packets of every kind."""
import os
import struct
import sys

out = sys.argv[1]
t1 = (3972000000 << 32) | 0x80000000


def req(length, auth=False):
    if auth:
        p = struct.pack("!I12xQHH", 1, t1, 0x0001, 5).ljust(length, b"\0")
    else:
        p = struct.pack("!IQHH", 1, t1, 0x0001, 5).ljust(length, b"\0")
    return p[:length]


seeds = {
    "unauth44": b"\x00" + req(44),
    "twamp_light14": b"\x00" + req(14),
    "padded100": b"\x04" + req(100),
    "short13": b"\x00" + req(13),
    "auth112": b"\x01" + req(112, True),
    "auth_cap_short": b"\x03" + req(150, True),
    "reply44": b"\x80" + struct.pack("!IQHHQIQHHB3s", 1, t1, 0x4001, 5, t1,
                                     1, t1, 1, 0, 64, b""),
}


def tlv(typ, value, flags=0x80):
    return struct.pack("!BBH", flags, typ, len(value)) + value


def sub(typ, length):
    return struct.pack("!BBH", 0x80, typ, length) + bytes(length)


tlvs = {
    "padding": tlv(1, b"\xa5" * 20),
    "location": tlv(2, bytes(4) + sub(1, 8) + sub(4, 16) + sub(7, 16)),
    "tsinfo": tlv(3, bytes(4)),
    "cos": tlv(4, struct.pack("!HH", 46 << 10, 0)),
    "dm": tlv(5, struct.pack("!III", 5, 0, 0)),
    "access": tlv(6, b"\x10\x01\x00\x00"),
    "followup": tlv(7, bytes(16)),
    "hmac": tlv(3, bytes(4)) + tlv(8, bytes(16)) + tlv(1, bytes(4)),
    "destnode": tlv(9, b"\xc0\x00\x02\x02"),
    "retpath": tlv(10, sub(1, 4)[:4] + b"\x00\x00\x00\x01" + sub(2, 4)),
    "micro": tlv(11, b"\x00\x01\x00\x07"),
    "unknown": tlv(240, b"xyz") + tlv(3, bytes(4)),
    "zerolen": tlv(4, b"") + tlv(3, bytes(4)),
    "overrun": tlv(3, bytes(4)) + struct.pack("!BBH", 0x80, 1, 300),
    "hmac_not_last": tlv(8, bytes(16)) + tlv(4, bytes(4)),
    "rp_twice": tlv(10, sub(1, 4)) + tlv(10, sub(1, 4)),
    "trunc_sub": tlv(2, bytes(4) + b"\x80\x01"),
}
for name, body in tlvs.items():
    seeds["tlv_" + name] = b"\x7e" + req(44) + body
    seeds["tlv_auth_" + name] = b"\x7f" + req(112, True) + body
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)

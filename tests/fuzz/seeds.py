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
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)

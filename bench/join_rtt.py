#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Join stampnl's per-packet RTT (sender -j) with the wire RTT the
observer saw on the sender's device (benchobs --dump: "SEQ WIRE_RTT_NS"),
and print one JSON object: the percentiles of each and of their
difference (stampnl minus wire), packet by packet."""
import json
import math
import sys


def pct(values, p):
    """Nearest rank, as bench/bench_stats.c does."""
    if not values:
        return None
    v = sorted(values)
    rank = math.ceil(p / 100 * len(v))
    return v[max(rank, 1) - 1]


def series(values):
    return {"n": len(values), "p50_ns": pct(values, 50),
            "p99_ns": pct(values, 99)}


def main():
    with open(sys.argv[1]) as f:
        try:
            doc = json.load(f)
        except ValueError:
            doc = {}
    wire = {}
    with open(sys.argv[2]) as f:
        for line in f:
            seq, rtt = line.split()
            wire[int(seq)] = int(rtt)
    mine, seen, diff = [], [], []
    for p in doc.get("packets", []):
        w = wire.get(p["seq"])
        if w is None:
            continue
        mine.append(p["rtt_ns"])
        seen.append(w)
        diff.append(p["rtt_ns"] - w)
    print(json.dumps({
        "timestamping": doc.get("timestamping"),
        "sent": doc.get("sent"), "received": doc.get("received"),
        "t1_fallbacks": doc.get("t1_fallbacks"),
        "t4_fallbacks": doc.get("t4_fallbacks"),
        "stampnl_rtt": series(mine), "wire_rtt": series(seen),
        "stampnl_minus_wire": series(diff)}, separators=(",", ":")))


if __name__ == "__main__":
    main()

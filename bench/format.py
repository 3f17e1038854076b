#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The benchmark's table: bench/driver.sh's raw JSON lines (one file per
VM run) in, a text table and a JSON document out, with every figure, the
ratios computed from them, and how each was measured.

    bench/format.py --out PREFIX RAW...   (writes PREFIX.txt, PREFIX.json)
    bench/format.py --again PREFIX [--out OUT] [--note TEXT]

--again renders PREFIX's table again from the raw lines it was made from
(meta.raw, next to PREFIX) with the run's own date, git description,
command and host: the same figures, through this formatter. Without --out
it rewrites PREFIX.txt and PREFIX.json; --note adds a remark.
"""
import argparse
import json
import os
import statistics
import sys

KINDS = ("kernel", "user", "icmp", "drop")
KIND_NAMES = {
    "kernel": "stamp_refl",
    "user": "userspace mmsg reflector",
    "icmp": "ICMP echo (kernel)",
    "drop": "STAMP dropped at the hook",
}

METHOD = {
    "topology": "two network namespaces on one veth pair in a QEMU TCG VM; "
                "benchgen writes prebuilt frames (86 octets: 44-octet STAMP "
                "or ICMP echo with 44 octets of data) into A's veth with "
                "sendmmsg() on a packet socket, pinned to CPU 0; B reflects; "
                "replies are counted and dropped by a TC program on A's "
                "ingress (benchobs --sink), the same for every reflector",
    "capacity": "offered-rate ladder (doubling, then bisection), each step "
                "{dur} s; capacity is the highest achieved rate that lost at "
                "most {loss:.1%}; 'generator max' is benchgen unpaced; when "
                "capacity reaches it, the generator was the limit "
                "(generator_bound) and the reflector's own limit is higher; "
                "so a capacity ratio over a generator-bound capacity is a "
                "bound: '>=' when the numerator's is generator-bound, '<=' "
                "when the denominator's is, n/a when both are",
    "drop": "'drop': stamp_refl's allow-list excludes the generator, so the "
            "request is dropped at stamp_refl's LOCAL_IN hook: the kernel's "
            "receive path without a reply; its 'replies' are the module's "
            "drop_not_allowed count",
    "cost_all_cpus": "busy CPU time of every CPU (/proc/stat, user+nice+"
                     "system+irq+softirq+steal, USER_HZ ticks, read by "
                     "benchgen around its sending and 100 ms after) during a "
                     "{cost_dur} s run at one rate every reflector holds, per "
                     "packet sent; 'added' subtracts the 'drop' run's figure "
                     "(generator and receive path), leaving the reflection; "
                     "a difference that comes out negative is below what "
                     "tick sampling resolves and is given as n/a",
    "cost_flat": "unpaced generator on CPU 0: in-kernel reflection runs in "
                 "softirq on the sending CPU, so 1e6/achieved rate is the "
                 "whole per-packet cost on that CPU (generate, receive, "
                 "reflect, take the reply); 'added' subtracts 'drop'",
    "refl_cpu": "reflection CPU per packet: for stamp_refl and ICMP echo the "
                "unpaced 'added' figure; for the userspace reflector its own "
                "CPU time (getrusage: its system calls and the softirq work "
                "done in them) per packet it reflected over its ladder; the "
                "CPU ratios use this figure. The all-CPU busy figures at one "
                "rate are tick samples (USER_HZ) and noisy under TCG",
    "fidelity": "a TC program on the reflector's veth stamps each request at "
                "ingress and each reply at egress (CLOCK_TAI), and reads the "
                "T2 and T3 the reply carries; differences per packet, "
                "nearest-rank percentiles",
    "sender": "stampnl sender -i 0.002 with --timestamping bpf or user; the "
              "observer on the sender's veth stamps each request at egress "
              "and its reply at ingress; wire RTT = (reply in - request out) "
              "- (T3 - T2); compared packet by packet with stampnl's RTT",
    "sessions": "stateful mode, sessions learned from benchgen flows (2 "
                "source addresses x source ports), then an unpaced run over "
                "all flows; lookup cost = 1e6/rate(N sessions) - "
                "1e6/rate(stateless), each first taken relative to the "
                "hook-drop run right after it (lookup_cost_paired; HMAC "
                "and TLV costs likewise), so that TCG's drift between runs "
                "cancels (a paired cost that still comes out negative is "
                "below that noise: n/a); memory = the growth of "
                "/proc/meminfo Slab while the sessions were learned, per "
                "session, beside what the same learning run once more "
                "(learning none) moved it; n/a when the growth is within "
                "twice that",
    "tlvs": "stateless, tlv process; benchgen --tlvs {tlvs} (each as a "
            "Session-Sender sends it), against requests of the same length "
            "zero-padded (padding is no TLV); TLV cost = the paired "
            "difference in us/pkt, as for sessions; measured only when "
            "stamp_refl's TLV counters show it processed every TLV sent",
    "turnaround": "unpaced benchgen on CPU 0, {dur} s per run, the same "
                  "44-octet flood to port 862 for every row, rounds "
                  "interleaved (TC drop, TC turnaround, then per module: "
                  "reflected, fast path, not allowed, wrong key), "
                  "medians over the "
                  "rounds; us/pkt = 1e6/achieved rate: everything CPU 0 "
                  "does per packet (generate, receive, answer or drop, "
                  "take the reply), since veth runs the receiver's "
                  "softirq on the sending CPU; 'added' subtracts the 'TC "
                  "drop' row (bench/tcrefl.bpf.c built to drop the request "
                  "at B's TC ingress: generator, devices and TC), leaving "
                  "what answering or refusing costs; 'TC turnaround' is "
                  "bench/tcrefl.bpf.c: swap MACs, addresses and ports, T2 "
                  "and T3, checksums, bpf_redirect() out of the ingress "
                  "device; 'fast path': stampnl reflector set fast-path "
                  "veth0 on B, the same flood answered at B's netdev "
                  "ingress (kmod/fastpath.c), with the share of its "
                  "replies that the module's reflected_fast counter "
                  "claims; 'not allowed': stamp_refl's allow-list excludes "
                  "the generator; 'wrong key': authenticated mode, "
                  "112-octet requests under another key; 'handled' = "
                  "replies (sink) or the module's drop counter for the "
                  "reason, over requests sent; 'base': another build of "
                  "the module (BENCH_BASE_KO, the one before a change) "
                  "loaded in the same boot; the generator is the limit of "
                  "every row (each runs unpaced on one CPU with all the "
                  "receive work), so the rates compare per-packet CPU, not "
                  "capacity",
    "cpus": "one unpaced generator per CPU, each pinned; aggregate = "
            "stamp_refl's reflected count / run time; gen-bound when it "
            "answered all but {loss:.1%} of what the generators sent: the "
            "reflector's own limit is then higher",
}
# Only in tables that have the row: older ones render as they were made.
METHOD_TURN_AUTH = (
    "'authenticated' (turnaround): authenticated mode, 112-octet requests "
    "under the module's default key, answered: the request's HMAC checked "
    "and the reply's signed (by the device's egress hook, over its own T3, "
    "where the module signs once; else before output, then checked and "
    "signed again there); its 'added' is against the 44-octet 'TC drop' "
    "row, so it includes the longer frame's copy and checksums")


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                rows.append(json.loads(line))
    return rows


def rnd(x, nd=2):
    return None if x is None else round(x, nd)


# Why a cost is n/a: a difference of two measurements that comes out
# negative is noise, not a cost, and is never printed as one.
NA_TICKS = ("the difference came out negative, below the resolution of "
            "tick sampling")
NA_RATES = ("the difference came out negative, below the run-to-run noise "
            "of unpaced rates")
NA_PAIRED = ("the paired difference came out negative, below the run-to-run "
             "noise the pairing leaves")


def set_cost(obj, key, raw, why, nd=3):
    """obj[key] = raw, rounded; a negative one is None, with why and what
    the difference was in obj["not_available"][key]."""
    if raw is not None and raw < 0:
        obj[key] = None
        obj.setdefault("not_available", {})[key] = {
            "reason": why, "difference_us_per_pkt": round(raw, nd)}
    else:
        obj[key] = rnd(raw, nd)


def ratio(a, b, a_bound=False, b_bound=False, a_name="", b_name=""):
    """a/b with what it is worth. A generator-bound capacity is only a
    lower bound of the reflector's: over one, the ratio is a lower bound;
    under one, an upper bound; with both, nothing."""
    if a is None or b is None or b == 0:
        return {"value": None, "bound": "none", "reason": "a figure is n/a"}
    if a_bound and b_bound:
        return {"value": None, "bound": "none",
                "reason": "both generator-bound"}
    v = round(a / b, 2)
    if a_bound:
        return {"value": v, "bound": "lower",
                "reason": f"{a_name} generator-bound"}
    if b_bound:
        return {"value": v, "bound": "upper",
                "reason": f"{b_name} generator-bound"}
    return {"value": v, "bound": "exact"}


def counter(stats, name):
    return stats.get(name, 0) if isinstance(stats, dict) else 0


def answered(row):
    """Replies for a run: the sink's count, or for 'drop' the hook's."""
    if row.get("kind") == "drop":
        return (counter(row["refl_after"], "drop_not_allowed") -
                counter(row["refl_before"], "drop_not_allowed"))
    return row["gen"]["replies"]


def loss_free(row, loss_max):
    sent = row["gen"]["sent"]
    r = answered(row)
    return sent > 0 and r is not None and r >= sent * (1 - loss_max)


def busy_us_per_pkt(row, hz, cpus=None):
    busy = row["gen"]["cpu_ticks"]["busy"]
    if cpus is not None:
        busy = [busy[i] for i in cpus]
    sent = row["gen"]["sent"]
    return sum(busy) * 1e6 / hz / sent if sent else None


# stampnl stats -j "tlv" counters that count TLVs by type
TLV_TYPE_KEYS = ("unknown", "extra_padding", "location", "timestamp_info",
                 "cos", "direct_measurement", "access_report", "follow_up",
                 "hmac", "dest_node_addr", "return_path", "micro_session")


def tlv_figures(tlv, rows, refs, paired):
    """Several TLVs against zero padding of the same length. Measured only
    when the module counted the TLVs it was sent: else n/a, and why."""
    out = {"supported": False, "note": tlv["note"],
           "tlvs": tlv.get("tlvs", "")}
    if not tlv["supported"]:
        return out
    var = {r["variant"]: r for r in rows if r["case"] == "flat" and
           r.get("variant") in ("tlv", "tlv_pad")}
    t, pad = var.get("tlv"), var.get("tlv_pad")
    if not t or not pad:
        out["note"] = "the TLV runs are missing from the raw lines"
        return out
    b = t["refl_before"].get("tlv", {})
    a = t["refl_after"].get("tlv", {})
    counted = sum(a.get(k, 0) - b.get(k, 0) for k in TLV_TYPE_KEYS)
    malformed = a.get("malformed", 0) - b.get("malformed", 0)
    refl = (counter(t["refl_after"], "reflected") -
            counter(t["refl_before"], "reflected"))
    rx = counter(t["refl_after"], "rx") - counter(t["refl_before"], "rx")
    ntlv = t["gen"]["tlvs"]
    per_req = counted / rx if rx else 0
    out.update({"count": ntlv, "length": t["gen"]["length"],
                "tlv_octets": t["gen"]["tlv_octets"],
                "counted_per_request": rnd(per_req, 3),
                "malformed": malformed})
    if per_req < 0.99 * ntlv or malformed:
        out["note"] = (f"stamp_refl counted {per_req:.2f} of the {ntlv} "
                       f"TLVs per request ({malformed} malformed): not "
                       "processed, so not measured")
        return out
    tp = t["gen"]["achieved_pps"]
    pp = pad["gen"]["achieved_pps"]
    ok = "tlv" in refs and "tlv_pad" in refs
    raw = (paired(tp, refs["tlv"], pp, refs["tlv_pad"]) if ok
           else 1e6 / tp - 1e6 / pp)
    out.update({
        "supported": True,
        "tlv_pps": rnd(tp, 0), "padded_pps": rnd(pp, 0),
        "tlv_loss_pct": rnd(100 * (1 - answered(t) / t["gen"]["sent"]), 3)})
    set_cost(out, "tlv_cost_us_per_pkt", raw, NA_PAIRED if ok else NA_RATES)
    set_cost(out, "tlv_cost_us_per_tlv", raw / ntlv,
         NA_PAIRED if ok else NA_RATES)
    out.update({
        "tlv_cost_paired": ok,
        "ref_tlv_pps": rnd(refs.get("tlv"), 0),
        "ref_padded_pps": rnd(refs.get("tlv_pad"), 0)})
    return out


TURN_ORDER = (("none", "tcdrop"), ("none", "tcrefl"),
              ("base", "reflected"), ("current", "reflected"),
              ("base", "fast"), ("current", "fast"),
              ("base", "auth"), ("current", "auth"),
              ("base", "not_allowed"), ("current", "not_allowed"),
              ("base", "wrong_key"), ("current", "wrong_key"))
TURN_NAMES = {"tcdrop": "TC drop (baseline)", "tcrefl": "TC turnaround",
              "reflected": "stamp_refl reflected",
              "fast": "stamp_refl fast path",
              "auth": "stamp_refl authenticated",
              "not_allowed": "stamp_refl: not allowed",
              "wrong_key": "stamp_refl: wrong key"}
TURN_COUNTER = {"not_allowed": "drop_not_allowed", "wrong_key": "drop_auth"}


def turn_handled(r):
    """What a turnaround run answered or dropped for its own reason."""
    c = TURN_COUNTER.get(r["variant"])
    if c:
        return counter(r["refl_after"], c) - counter(r["refl_before"], c)
    if r["variant"] == "tcdrop":
        return r["gen"]["sent"]
    return r["gen"]["replies"] or 0


def fast_pct(rs):
    """Of the replies of runs with the fast path on, the share its own
    counter (reflected_fast) says it answered: the rest went the default
    way (a fallback)."""
    got = sum(counter(r["refl_after"], "reflected") -
              counter(r["refl_before"], "reflected") for r in rs)
    fast = sum(counter(r["refl_after"], "reflected_fast") -
               counter(r["refl_before"], "reflected_fast") for r in rs)
    return rnd(100 * fast / got, 2) if got else None


def turnaround(rows):
    """stamp_refl against the TC BPF turnaround; None when not measured."""
    runs = [r for r in rows if r["case"] == "turn"]
    if not runs:
        return None
    groups = {}
    for r in runs:
        groups.setdefault((r["module"], r["variant"]), []).append(r)
    out = []
    for key in TURN_ORDER:
        rs = groups.get(key)
        if not rs:
            continue
        sent = sum(r["gen"]["sent"] for r in rs)
        out.append({
            "module": key[0], "variant": key[1], "runs": len(rs),
            "us_per_pkt": rnd(statistics.median(
                1e6 / r["gen"]["achieved_pps"] for r in rs), 3),
            "pps": rnd(statistics.median(
                r["gen"]["achieved_pps"] for r in rs), 0),
            "handled_pct": rnd(100 * sum(turn_handled(r) for r in rs) /
                               sent if sent else 0, 2)})
        if key[1] == "fast":
            out[-1]["fast_pct"] = fast_pct(rs)
    by = {(e["module"], e["variant"]): e for e in out}
    base = by.get(("none", "tcdrop"))
    for e in out:
        if base and e is not base:
            set_cost(e, "added_us_per_pkt",
                     e["us_per_pkt"] - base["us_per_pkt"], NA_RATES)
    ratios = {}
    tc = by.get(("none", "tcrefl"), {}).get("added_us_per_pkt")
    for m, v in (("base", "reflected"), ("current", "reflected"),
                 ("base", "fast"), ("current", "fast")):
        a = by.get((m, v), {}).get("added_us_per_pkt")
        if a and tc:
            ratios[f"{m}_{v}_over_tc"] = rnd(a / tc, 2)
    for v in ("reflected", "fast", "auth", "not_allowed", "wrong_key"):
        b = by.get(("base", v), {}).get("added_us_per_pkt")
        c = by.get(("current", v), {}).get("added_us_per_pkt")
        if b and c:
            ratios[f"{v}_base_over_current"] = rnd(b / c, 2)
    pg = {}
    for r in rows:
        if r["case"] == "turn_pg" and r["sent"] and r["usec"]:
            pg.setdefault((r["module"], r["variant"]), []).append(r)
    pg_out = []
    for key in TURN_ORDER:
        rs = pg.get(key)
        if not rs:
            continue
        sent = sum(r["sent"] for r in rs)
        got = sum(r["replies"] for r in rs)
        e = {"module": key[0], "variant": key[1], "runs": len(rs),
             "sent": sent,
             "us_per_pkt": rnd(statistics.median(
                 r["usec"] / r["sent"] for r in rs), 3),
             "pps": rnd(statistics.median(
                 r["sent"] * 1e6 / r["usec"] for r in rs), 0)}
        if key[1] != "tcdrop":
            e["replies"] = got
            e["loss_pct"] = rnd(100 * (1 - got / sent), 3)
        if key[1] == "fast":
            e["fast_pct"] = fast_pct(rs)
        pg_out.append(e)
    pgb = next((e for e in pg_out if e["variant"] == "tcdrop"), None)
    for e in pg_out:
        if pgb and e is not pgb:
            set_cost(e, "added_us_per_pkt",
                     e["us_per_pkt"] - pgb["us_per_pkt"], NA_RATES)
    pgtc = next((e.get("added_us_per_pkt") for e in pg_out
                 if e["variant"] == "tcrefl"), None)
    for e in pg_out:
        if e["variant"] in ("reflected", "fast") and \
                e.get("added_us_per_pkt") and pgtc:
            ratios[f"pktgen_{e['module']}_{e['variant']}_over_tc"] = rnd(
                e["added_us_per_pkt"] / pgtc, 2)
    meta = next((r for r in rows if r["case"] == "turn_meta"), {})
    return {"rows": out, "pktgen": pg_out, "ratios": ratios,
            "fast": meta.get("fast", False)}


def one_run(rows):
    meta = next(r for r in rows if r["case"] == "meta")
    host = next((r for r in rows if r["case"] == "host"), {})
    hz = meta["user_hz"]
    loss_max = meta["loss_max"]
    run = {"kernel": meta["kernel"], "vcpus": meta["cpus"],
           "cpu_model": meta["cpu_model"], "quick": bool(meta["quick"]),
           "sections": meta.get("sections", "").split(","),
           "loss_max": loss_max, "host": host}

    cap = {}
    for kind in KINDS:
        steps = [r for r in rows if r["case"] in ("ladder", "flat") and
                 r.get("kind") == kind and "variant" not in r]
        if not steps:
            continue
        flat = next(r for r in steps if r["case"] == "flat")
        good = [r for r in steps if loss_free(r, loss_max)]
        best = max(good, key=lambda r: r["gen"]["achieved_pps"],
                   default=None)
        cap_pps = best["gen"]["achieved_pps"] if best else 0.0
        gmax = flat["gen"]["achieved_pps"]
        cost = next((r for r in rows if r["case"] == "cost" and
                     r.get("kind") == kind), None)
        cap[kind] = {
            "capacity_pps": rnd(cap_pps, 0),
            "capacity_offered_pps": best["offered"] if best else 0,
            "generator_max_pps": rnd(gmax, 0),
            "generator_bound": bool(best) and cap_pps >= 0.95 * gmax,
            "flat_loss_pct": rnd(100 * (1 - answered(flat) /
                                        flat["gen"]["sent"]), 3),
            "flat_us_per_pkt": rnd(1e6 / gmax if gmax else None, 3),
            "flat_gen_cpu_us_per_pkt": rnd(
                flat["gen"]["gen_cpu_s"] * 1e6 / flat["gen"]["sent"], 3),
            "steps": [{"offered_pps": r["offered"],
                       "achieved_pps": rnd(r["gen"]["achieved_pps"], 0),
                       "sent": r["gen"]["sent"], "answered": answered(r)}
                      for r in steps],
        }
        if cost:
            cap[kind]["cost_rate_pps"] = cost["offered"]
            cap[kind]["cost_achieved_pps"] = rnd(
                cost["gen"]["achieved_pps"], 0)
            cap[kind]["cost_loss_pct"] = rnd(100 * (
                1 - answered(cost) / cost["gen"]["sent"]), 3)
            cap[kind]["cpu_us_per_pkt"] = rnd(busy_us_per_pkt(cost, hz), 3)
    for kind in cap:
        if "drop" in cap and kind != "drop":
            d = cap["drop"]
            c = cap[kind]
            if "cpu_us_per_pkt" in c and "cpu_us_per_pkt" in d:
                set_cost(c, "added_cpu_us_per_pkt",
                     c["cpu_us_per_pkt"] - d["cpu_us_per_pkt"], NA_TICKS)
            set_cost(c, "added_flat_us_per_pkt",
                 c["flat_us_per_pkt"] - d["flat_us_per_pkt"], NA_RATES)
            set_cost(c, "refl_cpu_us_per_pkt",
                 c["flat_us_per_pkt"] - d["flat_us_per_pkt"], NA_RATES)
    # the userspace reflector's own CPU time (its system calls and the
    # softirq work they do) per packet it reflected, over its ladder
    uc = next((r for r in rows if r["case"] == "user_counters"), None)
    if "user" in cap and uc:
        c = cap["user"]
        c["refl_cpu_us_per_pkt"] = rnd(
            uc["refl"]["cpu_s"] * 1e6 / uc["refl"]["reflected"]
            if uc["refl"]["reflected"] else None, 3)
        # not a difference: nothing of the flat figure's n/a applies
        na = c.get("not_available", {})
        na.pop("refl_cpu_us_per_pkt", None)
        if not na:
            c.pop("not_available", None)
    run["capacity"] = cap

    # the CPU a reflection costs is what separates the reflectors: first
    k, u, i = cap.get("kernel"), cap.get("user"), cap.get("icmp")
    ratios = {}
    if k and u:
        ratios["refl_cpu_user_vs_kernel"] = ratio(
            u.get("refl_cpu_us_per_pkt"), k.get("refl_cpu_us_per_pkt"))
    if k and i:
        ratios["refl_cpu_kernel_vs_icmp"] = ratio(
            k.get("refl_cpu_us_per_pkt"), i.get("refl_cpu_us_per_pkt"))
    if k and u:
        ratios["capacity_kernel_vs_user"] = ratio(
            k["capacity_pps"], u["capacity_pps"], k["generator_bound"],
            u["generator_bound"], "stamp_refl", "userspace")
    if k and i:
        ratios["capacity_kernel_vs_icmp"] = ratio(
            k["capacity_pps"], i["capacity_pps"], k["generator_bound"],
            i["generator_bound"], "stamp_refl", "ICMP")
    run["ratios"] = ratios

    fid = {}
    for r in rows:
        if r["case"] != "fidelity":
            continue
        o = r["obs"]
        fid[r["kind"]] = {"rate_pps": r["offered"]}
        for key in ("t2_minus_wire_in", "wire_out_minus_t3", "t3_minus_t2",
                    "wire_residence"):
            fid[r["kind"]][key] = {"n": o[key]["n"],
                                   "p50_us": us(o[key]["p50_ns"]),
                                   "p99_us": us(o[key]["p99_ns"])}
    if fid:
        run["fidelity"] = fid

    snd = {}
    for r in rows:
        if r["case"] != "sender":
            continue
        j = r["join"]
        snd[r["timestamping"]] = {
            "count": r["count"], "received": j["received"],
            "timestamping_used": j["timestamping"],
            **{key: {"n": j[key]["n"], "p50_us": us(j[key]["p50_ns"]),
                     "p99_us": us(j[key]["p99_ns"])}
               for key in ("stampnl_rtt", "wire_rtt", "stampnl_minus_wire")}}
    if snd:
        run["sender"] = snd

    scal = {}
    flat_k = cap.get("kernel", {}).get("generator_max_pps")
    refs = {r["variant"][4:]: r["gen"]["achieved_pps"] for r in rows
            if r["case"] == "flat" and r.get("kind") == "drop" and
            r.get("variant", "").startswith("ref_")}
    base = next((r["gen"]["achieved_pps"] for r in rows
                 if r["case"] == "flat" and r.get("variant") == "stateless"),
                None)

    def paired(pps, ref, base_pps, base_ref):
        """us/pkt over its neighbouring hook-drop run, minus the same for
        the baseline: the host's drift between runs cancels."""
        return (1e6 / pps - 1e6 / ref) - (1e6 / base_pps - 1e6 / base_ref)
    var = {r["variant"]: r for r in rows
           if r["case"] == "flat" and r.get("variant") in
           ("unauth112", "auth")}
    if "auth" in var and "unauth112" in var:
        a = var["auth"]["gen"]["achieved_pps"]
        u112 = var["unauth112"]["gen"]["achieved_pps"]
        ok = "auth" in refs and "unauth112" in refs
        scal["auth"] = {
            "unauth_44_pps": flat_k, "unauth_112_pps": rnd(u112, 0),
            "auth_112_pps": rnd(a, 0),
            "auth_loss_pct": rnd(100 * (1 - answered(var["auth"]) /
                                        var["auth"]["gen"]["sent"]), 3)}
        set_cost(scal["auth"], "auth_cost_us_per_pkt",
             paired(a, refs["auth"], u112, refs["unauth112"]) if ok
             else 1e6 / a - 1e6 / u112, NA_PAIRED if ok else NA_RATES)
        scal["auth"].update({
            "auth_cost_paired": ok,
            "ref_unauth_112_pps": rnd(refs.get("unauth112"), 0),
            "ref_auth_112_pps": rnd(refs.get("auth"), 0)})
    if base and "stateless" in refs:
        scal["baseline"] = {"stateless_pps": rnd(base, 0),
                            "ref_stateless_pps": rnd(refs["stateless"], 0)}
    tlv = next((r for r in rows if r["case"] == "tlv"), None)
    if tlv:
        scal["tlvs"] = tlv_figures(tlv, rows, refs, paired)
    sess = [r for r in rows if r["case"] == "flat" and
            r.get("variant") == "stateful"]
    learned = {r["flows"]: r for r in rows if r["case"] == "sessions_learned"}
    if sess:
        lst = []
        for r in sess:
            n = r["gen"]["flows"]
            pps = r["gen"]["achieved_pps"]
            lr = learned.get(n, {})
            ok = bool(base and f"stateful{n}" in refs and
                      "stateless" in refs)
            s = {"flows": n, "sessions": r["sessions"],
                 "pps": rnd(pps, 0),
                 "loss_pct": rnd(100 * (1 - answered(r) /
                                        r["gen"]["sent"]), 3),
                 "us_per_pkt": rnd(1e6 / pps, 3)}
            set_cost(s, "lookup_cost_us",
                 paired(pps, refs[f"stateful{n}"], base, refs["stateless"])
                 if ok else 1e6 / pps - 1e6 / flat_k if flat_k else None,
                 NA_PAIRED if ok else NA_RATES)
            s.update({"lookup_cost_paired": ok,
                      "ref_pps": rnd(refs.get(f"stateful{n}"), 0),
                      "learned": lr.get("sessions_after", 0) -
                      lr.get("sessions_before", 0)})
            lst.append(s)
        scal["sessions"] = lst
        big = max(learned.values(), key=lambda r: r["flows"])
        scal["memory"] = memory_figures(big)
    allc = next((r for r in rows if r["case"] == "all_cpus"), None)
    if allc:
        refl = (counter(allc["refl_after"], "reflected") -
                counter(allc["refl_before"], "reflected"))
        sent = sum(g["sent"] for g in allc["gens"])
        secs = max(g["seconds"] for g in allc["gens"])
        scal["all_cpus"] = {
            "generators": allc["generators"],
            "aggregate_pps": rnd(refl / secs if secs else None, 0),
            "generators_pps": rnd(sent / secs if secs else None, 0),
            "loss_pct": rnd(100 * (1 - refl / sent) if sent else None, 3),
            # every generator's request answered: the reflector kept up,
            # so its own limit is higher than this aggregate
            "generator_bound": bool(sent and refl >= sent * (1 - loss_max))}
    if scal:
        run["scaling"] = scal
    turn = turnaround(rows)
    if turn:
        run["turnaround"] = turn
    tap = [{k: r[k] for k in ("rate", "count", "egress_t3", "t3_point", "tap")}
           for r in rows if r["case"] == "t3tap"]
    for e, r in zip(tap, (r for r in rows if r["case"] == "t3tap")):
        # T3 taken by the fast path itself, right before its transmit
        if r.get("fast"):
            e["t3_point"] = "fast"
            e["fast_pct"] = fast_pct([r])
    if tap:
        run["t3tap"] = tap
    return run


def us(ns):
    return None if ns is None else round(ns / 1000, 2)


def memory_figures(r):
    """Slab growth per session learned, beside the slab's churn over the
    same run once more, which learns nothing; a growth within that churn
    is n/a, as is one where the second run learned sessions after all."""
    grew = r["sessions_after"] - r["sessions_before"]
    d = r["slab_kb_after"] - r["slab_kb_before"]
    m = {"sessions_learned": grew, "slab_growth_kb": d}
    if "slab_kb_again" not in r:
        m["slab_bytes_per_session"] = rnd(d * 1024 / grew if grew else None,
                                          0)
        return m
    noise = r["slab_kb_again"] - r["slab_kb_after"]
    m.update({"slab_noise_kb": noise,
              "sessions_learned_again": r["sessions_again"] -
              r["sessions_after"]})
    why = None
    if grew <= 0:
        why = "no session was learned"
    elif m["sessions_learned_again"]:
        why = "the run that should learn nothing learned sessions"
    elif d <= 2 * abs(noise):
        why = ("the slab grew by no more than twice what the same run, "
               "learning nothing, moved it")
    m["slab_bytes_per_session"] = None if why else rnd(d * 1024 / grew, 0)
    if why:
        m["not_available"] = {"slab_bytes_per_session": {"reason": why}}
    return m


def slab_change(kb):
    """In words: a shrinking slab is a measurement, not a negative cost."""
    return f"{'shrank' if kb < 0 else 'grew'} {abs(kb)} kB"


def fmt(v, unit=""):
    if v is None:
        return "n/a"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float) and v.is_integer() and abs(v) >= 100:
        v = int(v)
    return f"{v}{unit}"


def fmt_ratio(r):
    """0.97x; >= 0.97x (why); <= 0.97x (why); n/a (why)"""
    if not r:
        return "n/a"
    if r["value"] is None:
        return f"n/a ({r['reason']})"
    pre = {"lower": ">= ", "upper": "<= "}.get(r["bound"], "")
    why = f" ({r['reason']})" if r.get("reason") else ""
    return f"{pre}{fmt(r['value'])}x{why}"


class Footnotes:
    """A cost that is n/a for a reason gets a mark (*, **, ...) and the
    reason once, below its table."""

    def __init__(self):
        self.marks = {}

    def cell(self, obj, key, pre="", unit=""):
        v = obj.get(key)
        if v is not None:
            return f"{pre}{fmt(v)}{unit}"
        na = obj.get("not_available", {}).get(key)
        if not na:
            return "n/a"
        return "n/a" + self.marks.setdefault(na["reason"],
                                             "*" * (len(self.marks) + 1))

    def lines(self):
        return [f"  {m} n/a: {why}" for why, m in self.marks.items()]


def text(doc):
    out = []
    w = out.append
    m = doc["meta"]
    w(f"kstamp benchmark  {m['date']}  {m['git']}")
    w(f"command: {m['command']}")
    w(f"host: {m['host_cpus']} CPUs ({m['host_cpu_model']}); other QEMU "
      f"VMs seen during the runs: {m['other_vms_max']}"
      f"{' (machine NOT quiet: figures disturbed)' if m['other_vms_max'] else ' (quiet)'}")
    for n in m.get("notes", []):
        w(f"note: {n}")
    for run in doc["runs"]:
        w("")
        w(f"== kernel {run['kernel']}, {run['vcpus']} vCPU(s) (QEMU TCG, "
          f"{run['cpu_model']}){' QUICK' if run['quick'] else ''}")
        cap = run.get("capacity", {})
        if cap:
            w("")
            w("Reflection capacity and CPU cost per packet")
            w(f"{'':28}{'capacity':>10}{'gen max':>10}{'gen-bound':>10}"
              f"{'us/pkt':>9}{'added':>9}{'refl cpu':>9}{'cpu us':>10}"
              f"{'added':>10}{'@pps':>7}")
            fn = Footnotes()
            for kind in KINDS:
                c = cap.get(kind)
                if not c:
                    continue
                w(f"{KIND_NAMES[kind]:28}{fmt(c['capacity_pps']):>10}"
                  f"{fmt(c['generator_max_pps']):>10}"
                  f"{fmt(c['generator_bound']):>10}"
                  f"{fmt(c['flat_us_per_pkt']):>9}"
                  f"{fn.cell(c, 'added_flat_us_per_pkt'):>9}"
                  f"{fn.cell(c, 'refl_cpu_us_per_pkt'):>9}"
                  f"{fmt(c.get('cpu_us_per_pkt')):>10}"
                  f"{fn.cell(c, 'added_cpu_us_per_pkt'):>10}"
                  f"{fmt(c.get('cost_rate_pps')):>7}")
            w("  capacity/gen max: packets/s; us/pkt: 1e6/gen max (unpaced, "
              "CPU 0); refl cpu: reflection CPU us per packet (see method); "
              "cpu us: all CPUs' busy time per packet at @pps (tick "
              "samples); added: minus the 'dropped at the hook' row")
            for line in fn.lines():
                w(line)
            r = run["ratios"]
            w("ratios: reflection CPU userspace/stamp_refl "
              f"{fmt_ratio(r.get('refl_cpu_user_vs_kernel'))}, "
              f"stamp_refl/ICMP {fmt_ratio(r.get('refl_cpu_kernel_vs_icmp'))}"
              "; capacity stamp_refl/userspace "
              f"{fmt_ratio(r.get('capacity_kernel_vs_user'))}, "
              f"stamp_refl/ICMP {fmt_ratio(r.get('capacity_kernel_vs_icmp'))}")
        fid = run.get("fidelity")
        if fid:
            w("")
            w("Timestamp fidelity (us; observer = TC on the reflector's "
              "device; p50 / p99)")
            w(f"{'':28}{'T2-wire in':>19}{'wire out-T3':>19}{'T3-T2':>19}"
              f"{'wire residence':>19}{'n':>7}")
            for kind in ("kernel", "user"):
                f = fid.get(kind)
                if not f:
                    continue
                cells = "".join(
                    f"{fmt(f[k]['p50_us']) + ' / ' + fmt(f[k]['p99_us']):>19}"
                    for k in ("t2_minus_wire_in", "wire_out_minus_t3",
                              "t3_minus_t2", "wire_residence"))
                w(f"{KIND_NAMES[kind]:28}{cells}"
                  f"{f['t3_minus_t2']['n']:>7}")
            w(f"  at {next(iter(fid.values()))['rate_pps']} packets/s")
        snd = run.get("sender")
        if snd:
            w("")
            w("Sender fidelity (us; observer = TC on the sender's device; "
              "p50 / p99)")
            w(f"{'':28}{'stampnl RTT':>19}{'wire RTT':>19}"
              f"{'stampnl-wire':>19}{'n':>7}")
            for tsm in ("bpf", "user"):
                s = snd.get(tsm)
                if not s:
                    continue
                cells = "".join(
                    f"{fmt(s[k]['p50_us']) + ' / ' + fmt(s[k]['p99_us']):>19}"
                    for k in ("stampnl_rtt", "wire_rtt",
                              "stampnl_minus_wire"))
                w(f"{'stampnl --timestamping ' + tsm:28}{cells}"
                  f"{s['stampnl_minus_wire']['n']:>7}")
        sc = run.get("scaling")
        if sc:
            w("")
            w("Scaling (stamp_refl, unpaced generator on CPU 0)")
            fn = Footnotes()
            for s in sc.get("sessions", []):
                w(f"  stateful, {s['flows']:>6} flows ({s['sessions']} "
                  f"sessions): {fmt(s['pps'])} pps, {fmt(s['us_per_pkt'])} "
                  f"us/pkt, lookup {fn.cell(s, 'lookup_cost_us', '+', ' us')}"
                  f", loss {fmt(s['loss_pct'])} %")
            m = sc.get("memory")
            if m:
                na = m.get("not_available", {}).get("slab_bytes_per_session")
                per = (f"n/a ({na['reason']})" if na else
                       f"{fmt(m['slab_bytes_per_session'])} bytes of slab")
                noise = (f"; the same run learning none: "
                         f"{slab_change(m['slab_noise_kb'])}"
                         if "slab_noise_kb" in m else "")
                w(f"  memory: {per} per session ({m['sessions_learned']} "
                  f"learned, slab {slab_change(m['slab_growth_kb'])}"
                  f"{noise})")
            a = sc.get("auth")
            if a:
                w(f"  unauthenticated 44 octets {fmt(a['unauth_44_pps'])} pps;"
                  f" 112 octets {fmt(a['unauth_112_pps'])} pps; "
                  f"authenticated 112 {fmt(a['auth_112_pps'])} pps (HMAC "
                  f"{fn.cell(a, 'auth_cost_us_per_pkt', '+', ' us/pkt')}, "
                  f"loss {fmt(a['auth_loss_pct'])} %)")
            t = sc.get("tlvs")
            if t and t["supported"]:
                w(f"  {t['count']} TLVs ({t['tlvs']}; {t['length']} octets, "
                  f"{t['counted_per_request']} counted per request): "
                  f"{fmt(t['tlv_pps'])} pps; zero-padded to the same length "
                  f"{fmt(t['padded_pps'])} pps (TLVs "
                  f"{fn.cell(t, 'tlv_cost_us_per_pkt', '+', ' us/pkt')}, "
                  f"{fn.cell(t, 'tlv_cost_us_per_tlv', '+', ' us/TLV')}, "
                  f"loss {fmt(t['tlv_loss_pct'])} %)")
            elif t:
                w(f"  several TLVs: n/a ({t['note']})")
            c = sc.get("all_cpus")
            if c:
                w(f"  {c['generators']} generator(s), one per CPU: "
                  f"{fmt(c['aggregate_pps'])} replies/s (generators "
                  f"{fmt(c['generators_pps'])} pps, loss "
                  f"{fmt(c['loss_pct'])} %, gen-bound "
                  f"{fmt(c['generator_bound'])})")
            for line in fn.lines():
                w(line)
        t = run.get("turnaround")
        if t:
            w("")
            w("Turnaround: stamp_refl against a TC BPF turnaround, and the "
              "floods it drops (unpaced generator on CPU 0)")
            w(f"{'':34}{'module':>9}{'us/pkt':>9}{'added':>9}{'pps':>9}"
              f"{'handled %':>11}{'runs':>6}")
            for e in t["rows"]:
                w(f"{TURN_NAMES[e['variant']]:34}{e['module']:>9}"
                  f"{fmt(e['us_per_pkt']):>9}"
                  f"{fmt(e.get('added_us_per_pkt', '-')):>9}"
                  f"{fmt(e['pps']):>9}{fmt(e['handled_pct']):>11}"
                  f"{e['runs']:>6}" + (
                      f"  ({fmt(e['fast_pct'])} % by the fast path)"
                      if "fast_pct" in e else ""))
            if t.get("pktgen"):
                w("  the same with pktgen (the kernel's generator, one "
                  "kthread on CPU 0, unpaced):")
                for e in t["pktgen"]:
                    loss = (f"{fmt(e['loss_pct'])} % of {e['sent']}"
                            if "loss_pct" in e else "-")
                    w(f"{TURN_NAMES[e['variant']]:34}{e['module']:>9}"
                      f"{fmt(e['us_per_pkt']):>9}"
                      f"{fmt(e.get('added_us_per_pkt', '-')):>9}"
                      f"{fmt(e['pps']):>9}  loss {loss}" + (
                          f" ({fmt(e['fast_pct'])} % by the fast path)"
                          if "fast_pct" in e else ""))
            if t["ratios"]:
                w("ratios (added us/pkt): " + ", ".join(
                    f"{k} {v}x" for k, v in t["ratios"].items()))
        tap = run.get("t3tap")
        if tap:
            w("")
            w("T3 against the wire: an AF_PACKET tap on the reflector's "
              "device (kernel stamps), stampnl sender")
            w(f"{'':4}{'rate/s':>7}{'T3 at':>8}{'replies':>9}"
              f"{'wire-T3 p50':>13}{'p99':>9}{'T2-wire p50':>13}{'p99':>9}  us")
            for e in tap:
                o, i = e["tap"]["wire_out_minus_t3"], e["tap"]["t2_minus_wire_in"]
                w(f"{'':4}{e['rate']:>7}{e['t3_point']:>8}"
                  f"{e['tap']['replies']:>9}{fmt(o['p50_us']):>13}"
                  f"{fmt(o['p99_us']):>9}{fmt(i['p50_us']):>13}"
                  f"{fmt(i['p99_us']):>9}")
    cpus = doc.get("cpu_scaling")
    if cpus:
        w("")
        w("CPU count (same kernel, one VM boot each)")
        for c in cpus:
            w(f"  {c['kernel']} {c['vcpus']} vCPU: stamp_refl capacity "
              f"{fmt(c['kernel_capacity_pps'])} pps (gen-bound "
              f"{fmt(c['kernel_generator_bound'])}), all CPUs "
              f"{fmt(c['all_cpus_pps'])} pps (gen-bound "
              f"{fmt(c['all_cpus_generator_bound'])}); userspace "
              f"{fmt(c['user_capacity_pps'])} pps")
    w("")
    w("Method:")
    for k, v in doc["meta"]["method"].items():
        w(f"  {k}: {v}")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out")
    ap.add_argument("--again", metavar="PREFIX")
    ap.add_argument("--git", default="")
    ap.add_argument("--command", default="make bench")
    ap.add_argument("--date", default="")
    ap.add_argument("--host-cpus", type=int, default=0)
    ap.add_argument("--host-cpu-model", default="")
    ap.add_argument("--note", action="append", default=[],
                    help="a remark printed with the table (repeatable)")
    ap.add_argument("raw", nargs="*")
    a = ap.parse_args()
    if a.again:
        with open(a.again + ".json") as f:
            prev = json.load(f)["meta"]
        a.out = a.out or a.again
        a.git, a.command, a.date = prev["git"], prev["command"], prev["date"]
        a.host_cpus = prev["host_cpus"]
        a.host_cpu_model = prev["host_cpu_model"]
        a.note = prev["notes"] + [n for n in a.note if n not in prev["notes"]]
        # tables older than meta.raw name their raw lines on the command line
        if not a.raw:
            if "raw" not in prev:
                ap.error(f"{a.again}.json does not name its raw lines: "
                         "give them")
            a.raw = [os.path.join(os.path.dirname(a.again), n)
                     for n in prev["raw"]]
    if not a.out or not a.raw:
        ap.error("--out PREFIX and the raw lines, or --again PREFIX")
    runs = [one_run(load(p)) for p in a.raw]
    m0 = next(r for r in load(a.raw[0]) if r["case"] == "meta")
    doc = {"meta": {
        "date": a.date, "git": a.git, "command": a.command,
        "host_cpus": a.host_cpus, "host_cpu_model": a.host_cpu_model,
        "notes": a.note,
        "raw": [os.path.basename(p) for p in a.raw],
        "other_vms_max": max(r["host"].get("other_vms_max", 0)
                             for r in runs),
        "method": {k: v.format(dur=m0["dur_s"], cost_dur=m0["cost_dur_s"],
                               loss=m0["loss_max"],
                               tlvs=m0.get("tlvs", "?"))
                   for k, v in METHOD.items()}},
        "runs": runs}
    if any(e["variant"] == "auth" for r in runs
           for e in r.get("turnaround", {}).get("rows", [])):
        doc["meta"]["method"]["turnaround_auth"] = METHOD_TURN_AUTH
    doc["cpu_scaling"] = [{
        "kernel": r["kernel"], "vcpus": r["vcpus"],
        "kernel_capacity_pps": r["capacity"]["kernel"]["capacity_pps"],
        "kernel_generator_bound": r["capacity"]["kernel"]["generator_bound"],
        "all_cpus_pps": r.get("scaling", {}).get("all_cpus", {}).get(
            "aggregate_pps"),
        "all_cpus_generator_bound": r.get("scaling", {}).get(
            "all_cpus", {}).get("generator_bound"),
        "user_capacity_pps": r["capacity"].get("user", {}).get(
            "capacity_pps")}
        for r in runs if "kernel" in r.get("capacity", {})]
    with open(a.out + ".json", "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    with open(a.out + ".txt", "w") as f:
        f.write(text(doc))
    sys.stdout.write(text(doc))


if __name__ == "__main__":
    main()

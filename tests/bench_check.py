#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check the benchmark's JSON table (bench/format.py) is well formed and
complete: every figure present and a number, every ratio the one its
figures give. Never a time: whatever the figures are, they pass.

    tests/bench_check.py TABLE.json [--sections capacity,fidelity,...]
                         [--expect-tlvs yes|no] [--current]

--expect-tlvs yes: the several-TLV case must have been measured (the
module has TLVs); no: it must be n/a with a reason. --current: the table
was made by this tree's driver, so figures older tables lack (the slab's
churn beside the memory per session) must be there.

A ratio carries its bound: over a generator-bound capacity it is a lower
bound, under one an upper bound, between two nothing (n/a); the bound must
be the one the gen-bound flags give. A cost (a difference of two figures)
is never negative: where its figures give less than zero it must be n/a
with a reason. Each run is checked for the sections it ran (a 1-vCPU run
has capacity and cpus only), and the CPU-count block against the runs.
When TABLE.txt lies beside TABLE.json, it must be the JSON's rendering,
and print no negative cost.

Prints "ok: ..." / "FAIL: ..." per check, then "N passed, N failed"."""
import argparse
import importlib.util
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PASSED = 0
FAILED = 0


def check(ok, what):
    global PASSED, FAILED
    if ok:
        PASSED += 1
        print(f"ok: {what}")
    else:
        FAILED += 1
        print(f"FAIL: {what}")


def num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def numbers(obj, path, keys):
    for k in keys:
        v = obj.get(k) if isinstance(obj, dict) else None
        check(num(v), f"{path}.{k} is a number ({v!r})")


def ratio_ok(r, a, b):
    return num(r) and num(a) and num(b) and b != 0 and \
        abs(r - round(a / b, 2)) < 0.006


def cost_ok(obj, key, want, what, slack):
    """obj[key] is the cost its figures give (want, within slack for
    their rounding), or n/a with a reason where want is below zero:
    never a negative number."""
    v = obj.get(key) if isinstance(obj, dict) else None
    na = obj.get("not_available", {}).get(key) if isinstance(obj, dict) \
        else None
    if v is None:
        check(num(want) and want < slack and
              bool(isinstance(na, dict) and na.get("reason")),
              f"{what}: n/a ({na and na.get('reason')}), its figures give "
              f"{want}")
    else:
        check(num(v) and v >= 0 and num(want) and abs(v - want) < slack and
              not na, f"{what} {v}: its figures give {want}")


def memory_figures_ok(mem, path):
    """Slab per session: the growth over the sessions learned, or n/a with
    a reason when the growth is within twice the slab's churn over the same
    run learning nothing (or nothing was learned)."""
    grew, d = mem.get("sessions_learned"), mem.get("slab_growth_kb")
    noise, again = mem.get("slab_noise_kb"), mem.get("sessions_learned_again")
    v = mem.get("slab_bytes_per_session")
    na = mem.get("not_available", {}).get("slab_bytes_per_session")
    if not all(num(x) for x in (grew, d, noise, again)):
        check(False, f"{path}: figures missing ({mem})")
        return
    usable = grew > 0 and again == 0 and d > 2 * abs(noise)
    if usable:
        want = round(d * 1024 / grew)
        check(num(v) and v > 0 and abs(v - want) <= 1 and not na,
              f"{path}.slab_bytes_per_session {v}: {d} kB over {grew} "
              f"sessions gives {want}")
    else:
        check(v is None and bool(isinstance(na, dict) and na.get("reason")),
              f"{path}.slab_bytes_per_session: n/a "
              f"({na and na.get('reason')}): slab {d:+} kB against the "
              f"churn {noise:+} kB, {grew} learned, {again} again")


def memory_ok(mem, path, current):
    """The memory figure; tables older than the churn reference (not
    --current) carry the bare growth per session."""
    numbers(mem, path, ("sessions_learned",))
    if current or "slab_noise_kb" in mem:
        numbers(mem, path, ("slab_growth_kb", "slab_noise_kb",
                            "sessions_learned_again"))
        memory_figures_ok(mem, path)
    else:
        numbers(mem, path, ("slab_bytes_per_session",))


def paired_want(pps, ref, base, base_ref):
    """What a paired cost's four rates give, or None."""
    if not all(num(v) and v > 0 for v in (pps, ref, base, base_ref)):
        return None
    return (1e6 / pps - 1e6 / ref) - (1e6 / base - 1e6 / base_ref)


def bound_ratio_ok(r, a, b, a_bound, b_bound, what):
    """A ratio object: its value the one its figures give, and its bound
    the one the generator-bound flags give."""
    if not (num(a) and num(b) and b != 0) or (a_bound and b_bound):
        bound = "none"
    else:
        bound = "lower" if a_bound else "upper" if b_bound else "exact"
    ok = isinstance(r, dict) and r.get("bound") == bound
    if ok and bound == "none":
        ok = r.get("value") is None and bool(r.get("reason"))
    elif ok:
        ok = ratio_ok(r.get("value"), a, b) and \
            (bound == "exact" or bool(r.get("reason")))
    check(ok, f"{what} {r!r}: figures {a} / {b}, gen-bound {a_bound} / "
          f"{b_bound}, so bound {bound}")


def costs_not_negative(obj, path):
    """Anywhere in the table: no cost, added or reflection CPU figure
    below zero (what n/a keeps of a negative difference is under
    not_available)."""
    if isinstance(obj, list):
        for i, v in enumerate(obj):
            costs_not_negative(v, f"{path}[{i}]")
    elif isinstance(obj, dict):
        for k, v in obj.items():
            if k == "not_available":
                continue
            if num(v) and k.endswith(("_us", "_per_pkt", "_per_tlv")) and \
                    ("cost" in k or k.startswith(("added_", "refl_cpu"))):
                check(v >= 0, f"{path}.{k} {v} is not negative")
            costs_not_negative(v, f"{path}.{k}")


def text_ok(doc, path):
    """PATH is bench/format.py's rendering of doc, and prints no negative
    figure outside the fidelity tables (where differences of clocks may
    be negative)."""
    spec = importlib.util.spec_from_file_location(
        "bench_format", os.path.join(ROOT, "bench/format.py"))
    fmt = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fmt)
    text = open(path).read()
    why = ""
    try:
        rendered = fmt.text(doc)
    except Exception as e:  # a malformed table is a failed check
        rendered, why = None, f": bench/format.py cannot render it: {e!r}"
    check(text == rendered,
          f"{os.path.basename(path)} is the rendering of the JSON{why}")
    bad, fid = [], False
    for line in text.splitlines():
        if line.startswith(("Timestamp fidelity", "Sender fidelity",
                                "T3 against the wire")):
            fid = True
        elif not line.strip():
            fid = False
        elif not fid and re.search(r"(?<![\w/.])-\d", line):
            bad.append(line.strip())
    check(not bad, f"{os.path.basename(path)} prints no negative cost "
          f"{bad}")


def pct(obj, path):
    numbers(obj, path, ("n", "p50_us", "p99_us"))
    check(num(obj.get("n")) and obj["n"] > 0, f"{path}.n > 0")


def cpu_scaling(doc):
    """The CPU-count block: one line per run with a stamp_refl capacity,
    each the figures of its run."""
    runs = [r for r in doc.get("runs", [])
            if "kernel" in r.get("capacity", {})]
    cs = doc.get("cpu_scaling")
    check(isinstance(cs, list) and len(cs) == len(runs),
          f"cpu_scaling: a line per run ({len(cs or [])} for {len(runs)})")
    for j, (c, r) in enumerate(zip(cs or [], runs)):
        cap = r["capacity"]
        want = {"kernel": r.get("kernel"), "vcpus": r.get("vcpus"),
                "kernel_capacity_pps": cap["kernel"].get("capacity_pps"),
                "kernel_generator_bound": cap["kernel"].get(
                    "generator_bound"),
                "all_cpus_pps": r.get("scaling", {}).get(
                    "all_cpus", {}).get("aggregate_pps"),
                "all_cpus_generator_bound": r.get("scaling", {}).get(
                    "all_cpus", {}).get("generator_bound"),
                "user_capacity_pps": cap.get("user", {}).get(
                    "capacity_pps")}
        check(c == want, f"cpu_scaling[{j}] {c} is its run's {want}")
        check(num(c.get("kernel_capacity_pps")) and
              isinstance(c.get("kernel_generator_bound"), bool),
              f"cpu_scaling[{j}]: stamp_refl's capacity and gen-bound flag")
        if "cpus" in (r.get("sections") or ["cpus"]):
            check(num(c.get("all_cpus_pps")),
                  f"cpu_scaling[{j}].all_cpus_pps is a number "
                  f"({c.get('all_cpus_pps')!r})")


def turnaround_ok(t, path, current=False):
    """The turnaround section: every row measured, each flood dropped for
    the reason it is named after, added costs and ratios from the rows."""
    rows = {(e.get("module"), e.get("variant")): e
            for e in t.get("rows", [])}
    for key in (("none", "tcdrop"), ("none", "tcrefl"),
                ("current", "reflected"), ("current", "not_allowed"),
                ("current", "wrong_key")):
        e = rows.get(key, {})
        w = f"{path}.{key[0]}.{key[1]}"
        numbers(e, w, ("us_per_pkt", "pps", "handled_pct", "runs"))
        if key[1] in ("not_allowed", "wrong_key"):
            check(num(e.get("handled_pct")) and e["handled_pct"] >= 99,
                  f"{w}: the flood was dropped as {key[1]} "
                  f"({e.get('handled_pct')} %)")
    base = rows.get(("none", "tcdrop"), {})
    for key, e in rows.items():
        if e is base or not num(base.get("us_per_pkt")):
            continue
        cost_ok(e, "added_us_per_pkt",
                e["us_per_pkt"] - base["us_per_pkt"],
                f"{path}.{key[0]}.{key[1]}: added = us/pkt - TC drop's",
                0.002)
    tc = rows.get(("none", "tcrefl"), {}).get("added_us_per_pkt")
    for v in ("reflected", "fast"):
        cur = rows.get(("current", v), {}).get("added_us_per_pkt")
        r = t.get("ratios", {}).get(f"current_{v}_over_tc")
        if num(tc) and num(cur) and tc > 0 and cur > 0:
            check(num(r) and abs(r - cur / tc) <= 0.01,
                  f"{path}: stamp_refl {v}/TC ratio {r} is {cur}/{tc}")
    # authenticated requests answered: a figure, in tables made since the
    # row was added
    e = rows.get(("current", "auth"))
    if e is not None:
        numbers(e, f"{path}.current.auth", ("us_per_pkt", "pps",
                                             "handled_pct", "runs"))
    # beside another build, every row's base/current ratio is the one its
    # figures give (bench/format.py's turnaround())
    for v in ("reflected", "fast", "auth", "not_allowed", "wrong_key"):
        b = rows.get(("base", v), {}).get("added_us_per_pkt")
        c = rows.get(("current", v), {}).get("added_us_per_pkt")
        r = t.get("ratios", {}).get(f"{v}_base_over_current")
        if num(b) and num(c) and b > 0 and c > 0:
            check(num(r) and abs(r - b / c) <= 0.01,
                  f"{path}: {v} base/current ratio {r} is {b}/{c}")
    if current:
        check(t.get("fast") is True,
              f"{path}: the fast path was measured ({t.get('fast')!r})")
    if t.get("fast"):
        fast_ok(t, rows, path)


def fast_ok(t, rows, path):
    """The fast path's rows: the flood answered, by the fast path itself
    (its own counter), and with pktgen, loss and its ratio to TC's."""
    e = rows.get(("current", "fast"), {})
    numbers(e, f"{path}.current.fast", ("us_per_pkt", "pps", "handled_pct",
                                        "runs", "fast_pct"))
    check(num(e.get("fast_pct")) and e["fast_pct"] >= 99,
          f"{path}.current.fast: the fast path answered the replies "
          f"({e.get('fast_pct')} % by reflected_fast)")
    pg = {(x.get("module"), x.get("variant")): x for x in t.get("pktgen", [])}
    if not pg:
        return
    f = pg.get(("current", "fast"), {})
    w = f"{path}.pktgen.current.fast"
    numbers(f, w, ("us_per_pkt", "pps", "sent", "replies", "loss_pct",
                   "fast_pct"))
    if num(f.get("sent")) and num(f.get("replies")) and f["sent"]:
        check(abs(f.get("loss_pct", -1) -
                  100 * (1 - f["replies"] / f["sent"])) <= 0.001,
              f"{w}: loss {f.get('loss_pct')} % is 1 - {f['replies']}/"
              f"{f['sent']}")
    tc = pg.get(("none", "tcrefl"), {}).get("added_us_per_pkt")
    a = f.get("added_us_per_pkt")
    r = t.get("ratios", {}).get("pktgen_current_fast_over_tc")
    if num(tc) and num(a) and tc > 0 and a > 0:
        check(num(r) and abs(r - a / tc) <= 0.01,
              f"{w}: fast path/TC ratio {r} is {a}/{tc}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("table")
    ap.add_argument("--sections",
                    default="capacity,fidelity,sender,scaling,cpus,"
                    "turnaround")
    ap.add_argument("--expect-tlvs", choices=("yes", "no"))
    ap.add_argument("--current", action="store_true",
                    help="made by this tree's bench/driver.sh: figures "
                    "older tables lack must be there")
    args = ap.parse_args()
    doc = json.load(open(args.table))
    sections = set(args.sections.split(","))
    m = doc.get("meta", {})
    for k in ("date", "git", "command", "method"):
        check(bool(m.get(k)), f"meta.{k} present")
    numbers(m, "meta", ("host_cpus", "other_vms_max"))
    check(bool(doc.get("runs")), "at least one run")
    for i, run in enumerate(doc.get("runs", [])):
        p = f"runs[{i}]"
        check(bool(run.get("kernel")), f"{p}.kernel present")
        numbers(run, p, ("vcpus", "loss_max"))
        # the sections this run was asked for (older tables: all)
        ran = set(run.get("sections") or sections) & sections
        if "capacity" in ran:
            cap = run.get("capacity", {})
            for kind in ("kernel", "user", "icmp", "drop"):
                c = cap.get(kind, {})
                numbers(c, f"{p}.capacity.{kind}", (
                    "capacity_pps", "generator_max_pps", "flat_us_per_pkt",
                    "flat_gen_cpu_us_per_pkt", "flat_loss_pct",
                    "cost_rate_pps", "cost_achieved_pps", "cpu_us_per_pkt"))
                gb = c.get("generator_bound")
                check(isinstance(gb, bool),
                      f"{p}.capacity.{kind}.generator_bound is a boolean")
                cp, gm = c.get("capacity_pps"), c.get("generator_max_pps")
                if num(cp) and num(gm) and abs(cp - 0.95 * gm) > 1:
                    check(gb == (cp >= 0.95 * gm),
                          f"{p}.capacity.{kind}: gen-bound {gb}: capacity "
                          f"{cp} against 95 % of the generator's {gm}")
                if kind != "drop":
                    d = cap.get("drop", {})
                    w = f"{p}.capacity.{kind}"
                    cost_ok(c, "added_cpu_us_per_pkt",
                            c["cpu_us_per_pkt"] - d["cpu_us_per_pkt"]
                            if num(c.get("cpu_us_per_pkt")) and
                            num(d.get("cpu_us_per_pkt")) else None,
                            f"{w}: added CPU = its CPU - drop's", 0.002)
                    flat = (c["flat_us_per_pkt"] - d["flat_us_per_pkt"]
                            if num(c.get("flat_us_per_pkt")) and
                            num(d.get("flat_us_per_pkt")) else None)
                    cost_ok(c, "added_flat_us_per_pkt", flat,
                            f"{w}: added us/pkt = its us/pkt - drop's",
                            0.002)
                    if kind == "user":
                        numbers(c, w, ("refl_cpu_us_per_pkt",))
                    else:
                        cost_ok(c, "refl_cpu_us_per_pkt", flat,
                                f"{w}: reflection CPU = its added us/pkt",
                                0.002)
            k, u, ic = (cap.get(x, {}) for x in ("kernel", "user", "icmp"))
            r = run.get("ratios", {})
            bound_ratio_ok(r.get("refl_cpu_user_vs_kernel"),
                           u.get("refl_cpu_us_per_pkt"),
                           k.get("refl_cpu_us_per_pkt"), False, False,
                           f"{p}: reflection CPU ratio userspace/stamp_refl")
            bound_ratio_ok(r.get("refl_cpu_kernel_vs_icmp"),
                           k.get("refl_cpu_us_per_pkt"),
                           ic.get("refl_cpu_us_per_pkt"), False, False,
                           f"{p}: reflection CPU ratio stamp_refl/ICMP")
            bound_ratio_ok(r.get("capacity_kernel_vs_user"),
                           k.get("capacity_pps"), u.get("capacity_pps"),
                           k.get("generator_bound"),
                           u.get("generator_bound"),
                           f"{p}: capacity ratio stamp_refl/userspace")
            bound_ratio_ok(r.get("capacity_kernel_vs_icmp"),
                           k.get("capacity_pps"), ic.get("capacity_pps"),
                           k.get("generator_bound"),
                           ic.get("generator_bound"),
                           f"{p}: capacity ratio stamp_refl/ICMP")
        if "fidelity" in ran:
            for kind in ("kernel", "user"):
                f = run.get("fidelity", {}).get(kind, {})
                numbers(f, f"{p}.fidelity.{kind}", ("rate_pps",))
                for key in ("t2_minus_wire_in", "wire_out_minus_t3",
                            "t3_minus_t2", "wire_residence"):
                    pct(f.get(key, {}), f"{p}.fidelity.{kind}.{key}")
        if "sender" in ran:
            for tsm in ("bpf", "user"):
                s = run.get("sender", {}).get(tsm, {})
                check(s.get("timestamping_used") == tsm,
                      f"{p}.sender.{tsm}: stampnl used {tsm} "
                      f"({s.get('timestamping_used')})")
                for key in ("stampnl_rtt", "wire_rtt", "stampnl_minus_wire"):
                    pct(s.get(key, {}), f"{p}.sender.{tsm}.{key}")
        if "turnaround" in ran and (args.current or "turnaround" in run):
            turnaround_ok(run.get("turnaround", {}), f"{p}.turnaround",
                          args.current)
        if "scaling" in ran:
            sc = run.get("scaling", {})
            sess = sc.get("sessions", [])
            check(len(sess) == 3, f"{p}: three session counts ({len(sess)})")
            for j, s in enumerate(sess):
                numbers(s, f"{p}.scaling.sessions[{j}]", (
                    "flows", "sessions", "pps", "us_per_pkt", "loss_pct",
                    "learned"))
                check(s.get("sessions", 0) >= s.get("flows", 1),
                      f"{p}.scaling.sessions[{j}]: a session per flow")
            memory_ok(sc.get("memory", {}), f"{p}.scaling.memory",
                      args.current)
            numbers(sc.get("auth", {}), f"{p}.scaling.auth", (
                "unauth_44_pps", "unauth_112_pps", "auth_112_pps",
                "auth_loss_pct"))
            base = sc.get("baseline", {})
            for j, s in enumerate(sess):
                check(s.get("lookup_cost_paired") is True,
                      f"{p}.scaling.sessions[{j}]: lookup cost paired with "
                      "hook-drop runs")
                cost_ok(s, "lookup_cost_us",
                        paired_want(s.get("pps"), s.get("ref_pps"),
                                    base.get("stateless_pps"),
                                    base.get("ref_stateless_pps")),
                        f"{p}.scaling.sessions[{j}]: lookup cost from its "
                        "paired runs", 0.01)
            a = sc.get("auth", {})
            check(a.get("auth_cost_paired") is True,
                  f"{p}.scaling.auth: HMAC cost paired with hook-drop runs")
            cost_ok(a, "auth_cost_us_per_pkt",
                    paired_want(a.get("auth_112_pps"),
                                a.get("ref_auth_112_pps"),
                                a.get("unauth_112_pps"),
                                a.get("ref_unauth_112_pps")),
                    f"{p}.scaling.auth: HMAC cost from its paired runs",
                    0.01)
            t = sc.get("tlvs", {})
            check(isinstance(t.get("supported"), bool) and
                  bool(t.get("note")),
                  f"{p}.scaling.tlvs: measured or n/a with a reason "
                  f"({t.get('note')})")
            if args.expect_tlvs:
                check(t.get("supported") is (args.expect_tlvs == "yes"),
                      f"{p}.scaling.tlvs: measured is {t.get('supported')}"
                      f", expected {args.expect_tlvs == 'yes'}")
            if t.get("supported"):
                numbers(t, f"{p}.scaling.tlvs", (
                    "count", "length", "counted_per_request", "tlv_pps",
                    "padded_pps", "tlv_loss_pct"))
                check(num(t.get("count")) and t["count"] > 1 and
                      num(t.get("counted_per_request")) and
                      t["counted_per_request"] >= 0.99 * t["count"] and
                      t.get("malformed") == 0,
                      f"{p}.scaling.tlvs: several TLVs, each counted by "
                      f"stamp_refl ({t.get('counted_per_request')} per "
                      f"request of {t.get('count')}, {t.get('malformed')} "
                      "malformed)")
                check(t.get("tlv_cost_paired") is True,
                      f"{p}.scaling.tlvs: TLV cost paired with hook-drop "
                      "runs")
                want = paired_want(t.get("tlv_pps"), t.get("ref_tlv_pps"),
                                   t.get("padded_pps"),
                                   t.get("ref_padded_pps"))
                cost_ok(t, "tlv_cost_us_per_pkt", want,
                        f"{p}.scaling.tlvs: TLV cost from its paired runs",
                        0.01)
                cost_ok(t, "tlv_cost_us_per_tlv",
                        want / t["count"] if num(want) and
                        num(t.get("count")) and t["count"] else None,
                        f"{p}.scaling.tlvs: cost per TLV = cost / count",
                        0.01)
        if "cpus" in ran:
            a = run.get("scaling", {}).get("all_cpus", {})
            numbers(a, f"{p}.scaling.all_cpus", (
                "generators", "aggregate_pps", "generators_pps",
                "loss_pct"))
            lm = run.get("loss_max")
            if num(lm) and num(a.get("loss_pct")) and \
                    abs(a["loss_pct"] - 100 * lm) > 0.001:
                check(a.get("generator_bound") is
                      (a["loss_pct"] <= 100 * lm),
                      f"{p}.scaling.all_cpus: gen-bound "
                      f"{a.get('generator_bound')!r} at loss "
                      f"{a['loss_pct']} %")
    if "capacity" in sections:
        cpu_scaling(doc)
    costs_not_negative(doc, "table")
    txt = re.sub(r"\.json$", ".txt", args.table)
    if txt != args.table and os.path.exists(txt):
        text_ok(doc, txt)
    print(f"{PASSED} passed, {FAILED} failed")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check the benchmark's JSON table (bench/format.py) is well formed and
complete: every figure present and a number, every ratio the one its
figures give. Never a time: whatever the figures are, they pass.

    tests/bench_check.py TABLE.json [--sections capacity,fidelity,...]
                         [--expect-tlvs yes|no]

--expect-tlvs yes: the several-TLV case must have been measured (the
module has TLVs); no: it must be n/a with a reason.

Prints "ok: ..." / "FAIL: ..." per check, then "N passed, N failed"."""
import argparse
import json
import sys

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


def paired_ok(cost, pps, ref, base, base_ref):
    """A paired cost is the one its four rates give (rounded rates: a
    few ns of slack)."""
    if not all(num(v) and v > 0 for v in (pps, ref, base, base_ref)):
        return False
    want = (1e6 / pps - 1e6 / ref) - (1e6 / base - 1e6 / base_ref)
    return num(cost) and abs(cost - want) < 0.01


def pct(obj, path):
    numbers(obj, path, ("n", "p50_us", "p99_us"))
    check(num(obj.get("n")) and obj["n"] > 0, f"{path}.n > 0")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("table")
    ap.add_argument("--sections",
                    default="capacity,fidelity,sender,scaling,cpus")
    ap.add_argument("--expect-tlvs", choices=("yes", "no"))
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
        numbers(run, p, ("vcpus",))
        if "capacity" in sections:
            cap = run.get("capacity", {})
            for kind in ("kernel", "user", "icmp", "drop"):
                c = cap.get(kind, {})
                numbers(c, f"{p}.capacity.{kind}", (
                    "capacity_pps", "generator_max_pps", "flat_us_per_pkt",
                    "flat_gen_cpu_us_per_pkt", "flat_loss_pct",
                    "cost_rate_pps", "cost_achieved_pps", "cpu_us_per_pkt"))
                check(isinstance(c.get("generator_bound"), bool),
                      f"{p}.capacity.{kind}.generator_bound is a boolean")
                if kind != "drop":
                    numbers(c, f"{p}.capacity.{kind}", (
                        "added_cpu_us_per_pkt", "added_flat_us_per_pkt",
                        "refl_cpu_us_per_pkt"))
                    d = cap.get("drop", {})
                    check(num(c.get("added_cpu_us_per_pkt")) and
                          abs(c["added_cpu_us_per_pkt"] -
                              (c["cpu_us_per_pkt"] - d["cpu_us_per_pkt"]))
                          < 0.002, f"{p}.{kind}: added CPU = its CPU - drop's")
            k, u, ic = (cap.get(x, {}) for x in ("kernel", "user", "icmp"))
            r = run.get("ratios", {})
            check(ratio_ok(r.get("capacity_kernel_vs_user"),
                           k.get("capacity_pps"), u.get("capacity_pps")),
                  f"{p}: capacity ratio stamp_refl/userspace "
                  f"{r.get('capacity_kernel_vs_user')} from its figures")
            check(ratio_ok(r.get("capacity_kernel_vs_icmp"),
                           k.get("capacity_pps"), ic.get("capacity_pps")),
                  f"{p}: capacity ratio stamp_refl/ICMP "
                  f"{r.get('capacity_kernel_vs_icmp')} from its figures")
            check(ratio_ok(r.get("refl_cpu_user_vs_kernel"),
                           u.get("refl_cpu_us_per_pkt"),
                           k.get("refl_cpu_us_per_pkt")),
                  f"{p}: reflection CPU ratio userspace/stamp_refl "
                  f"{r.get('refl_cpu_user_vs_kernel')} from its figures")
            check(ratio_ok(r.get("refl_cpu_kernel_vs_icmp"),
                           k.get("refl_cpu_us_per_pkt"),
                           ic.get("refl_cpu_us_per_pkt")),
                  f"{p}: reflection CPU ratio stamp_refl/ICMP "
                  f"{r.get('refl_cpu_kernel_vs_icmp')} from its figures")
        if "fidelity" in sections:
            for kind in ("kernel", "user"):
                f = run.get("fidelity", {}).get(kind, {})
                numbers(f, f"{p}.fidelity.{kind}", ("rate_pps",))
                for key in ("t2_minus_wire_in", "wire_out_minus_t3",
                            "t3_minus_t2", "wire_residence"):
                    pct(f.get(key, {}), f"{p}.fidelity.{kind}.{key}")
        if "sender" in sections:
            for tsm in ("bpf", "user"):
                s = run.get("sender", {}).get(tsm, {})
                check(s.get("timestamping_used") == tsm,
                      f"{p}.sender.{tsm}: stampnl used {tsm} "
                      f"({s.get('timestamping_used')})")
                for key in ("stampnl_rtt", "wire_rtt", "stampnl_minus_wire"):
                    pct(s.get(key, {}), f"{p}.sender.{tsm}.{key}")
        if "scaling" in sections:
            sc = run.get("scaling", {})
            sess = sc.get("sessions", [])
            check(len(sess) == 3, f"{p}: three session counts ({len(sess)})")
            for j, s in enumerate(sess):
                numbers(s, f"{p}.scaling.sessions[{j}]", (
                    "flows", "sessions", "pps", "us_per_pkt",
                    "lookup_cost_us", "loss_pct", "learned"))
                check(s.get("sessions", 0) >= s.get("flows", 1),
                      f"{p}.scaling.sessions[{j}]: a session per flow")
            numbers(sc.get("memory", {}), f"{p}.scaling.memory",
                    ("sessions_learned", "slab_bytes_per_session"))
            numbers(sc.get("auth", {}), f"{p}.scaling.auth", (
                "unauth_44_pps", "unauth_112_pps", "auth_112_pps",
                "auth_cost_us_per_pkt", "auth_loss_pct"))
            base = sc.get("baseline", {})
            for j, s in enumerate(sess):
                check(s.get("lookup_cost_paired") is True,
                      f"{p}.scaling.sessions[{j}]: lookup cost paired with "
                      "hook-drop runs")
                check(paired_ok(s.get("lookup_cost_us"), s.get("pps"),
                                s.get("ref_pps"),
                                base.get("stateless_pps"),
                                base.get("ref_stateless_pps")),
                      f"{p}.scaling.sessions[{j}]: lookup cost "
                      f"{s.get('lookup_cost_us')} from its paired runs")
            a = sc.get("auth", {})
            check(a.get("auth_cost_paired") is True,
                  f"{p}.scaling.auth: HMAC cost paired with hook-drop runs")
            check(paired_ok(a.get("auth_cost_us_per_pkt"),
                            a.get("auth_112_pps"), a.get("ref_auth_112_pps"),
                            a.get("unauth_112_pps"),
                            a.get("ref_unauth_112_pps")),
                  f"{p}.scaling.auth: HMAC cost "
                  f"{a.get('auth_cost_us_per_pkt')} from its paired runs")
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
                    "padded_pps", "tlv_loss_pct", "tlv_cost_us_per_pkt",
                    "tlv_cost_us_per_tlv"))
                check(num(t.get("count")) and t["count"] > 1 and
                      num(t.get("counted_per_request")) and
                      t["counted_per_request"] >= 0.99 * t["count"] and
                      t.get("malformed") == 0,
                      f"{p}.scaling.tlvs: several TLVs, each counted by "
                      f"stamp_refl ({t.get('counted_per_request')} per "
                      f"request of {t.get('count')}, {t.get('malformed')} "
                      "malformed)")
                check(num(t.get("tlv_cost_us_per_tlv")) and
                      abs(t["tlv_cost_us_per_tlv"] -
                          t["tlv_cost_us_per_pkt"] / t["count"]) < 0.002,
                      f"{p}.scaling.tlvs: cost per TLV = cost / count")
                check(t.get("tlv_cost_paired") is True and
                      paired_ok(t.get("tlv_cost_us_per_pkt"),
                                t.get("tlv_pps"), t.get("ref_tlv_pps"),
                                t.get("padded_pps"), t.get("ref_padded_pps")),
                      f"{p}.scaling.tlvs: TLV cost "
                      f"{t.get('tlv_cost_us_per_pkt')} from its paired runs")
        if "cpus" in sections:
            numbers(run.get("scaling", {}).get("all_cpus", {}),
                    f"{p}.scaling.all_cpus", (
                        "generators", "aggregate_pps", "generators_pps",
                        "loss_pct"))
    print(f"{PASSED} passed, {FAILED} failed")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""ynl_cmp.py WHAT YNL_JSON STAMPNL_JSON: the kernel's YNL client
(cli.py --output-json) and stampnl -j must say the same thing.

  cfg       refl-get                    vs  stampnl reflector show -j
  session   session-get (do)            vs  stampnl session show -j
  sessions  session-get (dump)          vs  stampnl session list -j
  stats     stats-get                   vs  stampnl stats -j

Two independent decoders of one kernel answer: YNL decodes by the YAML
spec, stampnl by the UAPI header. Prints every field it compared; exits 1
on any difference, on a field one side has and the other lacks, and on
an empty comparison. YNL's answer must be the older one: a session's
idle time may only have grown by the time stampnl asks."""
import ipaddress
import json
import sys

bad = 0
compared = 0


def same(what, ynl, nl):
    global bad, compared
    compared += 1
    ok = ynl == nl
    bad += not ok
    print("%s %s: ynl %r, stampnl %r" % ("ok" if ok else "DIFF", what, ynl, nl))


def addr(hexstr):
    return str(ipaddress.ip_address(bytes.fromhex(hexstr)))


def cfg(y, s):
    same("ports", y.get("port"), s["ports"])
    same("timestamp format", y.get("ts-format"), s["timestamp_format"])
    same("clock synced", bool(y.get("clock-synced")), s["clock_synced"])
    same("clock error", y.get("clock-error"), s["clock_error_ns"])
    same("clock validity", y.get("clock-validity"), s["clock_validity_s"])
    same("mode", y.get("mode"), s["mode"])
    same("session-create", bool(y.get("session-create")), s["session_create"])
    same("auth", bool(y.get("auth")), s["auth"])
    same("default key set", bool(y.get("has-default-key")), s["default_key"])
    same("rate limit", y.get("rate-limit"), s["rate_limit"])
    same("rate burst", y.get("rate-burst"), s["rate_burst"])
    same("max sessions", y.get("max-sessions"), s["max_sessions"])
    same("session idle", y.get("session-idle"), s["session_idle_s"])
    same("allow-list", ["%s/%d" % (addr(p["addr"]), p["len"])
                        for p in y.get("allow", [])], s["allow"])
    same("tlv mode", y.get("tlv-mode"), s["tlv"])
    same("cos-remark", bool(y.get("cos-remark")), s["cos_remark"])
    same("return-address", bool(y.get("return-addr")), s["return_addr"])
    same("member id", y.get("member-id"), s["member_id"])
    same("errest-zero", ["reflect", "discard"][y.get("errest-zero-discard", 0)],
         s["errest_zero"])
    sync = ["?", "ntp", "ptp", "ssu", "gnss", "local"]
    same("sync source", sync[y.get("sync-source", 0)], s["sync_source"])


def session(y, s):
    y = y["session"]
    who = "%s:%s ssid %s: " % (s["peer"], s["peer_port"], s["ssid"])
    same(who + "peer", addr(y["peer-addr"]), s["peer"])
    same(who + "peer port", y.get("peer-port"), s["peer_port"])
    same(who + "local", addr(y["local-addr"]) if "local-addr" in y else None,
         s["local"])
    same(who + "port", y.get("local-port"), s["port"])
    same(who + "ssid", y.get("ssid"), s["ssid"])
    same(who + "provisioned", bool(y.get("provisioned")), s["provisioned"])
    same(who + "own key", bool(y.get("has-key")), s["has_key"])
    same(who + "next seq", y.get("seq"), s["seq"])
    for k in ("rx", "reflected", "drop-auth"):
        same(who + k, y.get(k), s[k.replace("-", "_")])
    for k in ("access-id", "access-code"):
        same(who + k, y.get(k), s.get(k.replace("-", "_")))
    # a 64-bit timestamp: stampnl writes it as a string of digits
    t3 = s.get("last_t3")
    same(who + "last-t3", y.get("last-t3"), None if t3 is None else int(t3))
    # YNL asked first (the caller's order), with no traffic in between
    idle = y.get("idle-ms")
    same(who + "idle (YNL's, asked first, no more)",
         idle is not None and idle <= s["idle_ms"], True)


def key(s):
    return (s["peer"], s["peer_port"], s["local"], s["port"], s["ssid"])


def sessions(y, s):
    same("number of sessions", len(y), len(s))
    ys = {}
    for m in y:
        d = m["session"]
        ys[(addr(d["peer-addr"]), d.get("peer-port"),
            addr(d["local-addr"]) if "local-addr" in d else None,
            d.get("local-port"), d.get("ssid"))] = m
    for x in s:
        if key(x) not in ys:
            same("session %r in YNL's dump" % (key(x),), False, True)
            continue
        session(ys[key(x)], x)


def stats(y, s):
    st = y.get("stats", {})
    names = {k.replace("-", "_") for k in st}
    same("counter names", sorted(names),
         sorted(k for k in s if k not in ("sessions", "tlv")))
    for k, v in st.items():
        same(k, v, s.get(k.replace("-", "_")))
    same("sessions", y.get("session-count"), s["sessions"])
    tl = y.get("tlv-stats", {})
    same("TLV counter names", sorted(k.replace("-", "_") for k in tl),
         sorted(s.get("tlv", {})))
    for k, v in tl.items():
        same("tlv " + k, v, s["tlv"].get(k.replace("-", "_")))


def main():
    what, yt, st = sys.argv[1:4]
    {"cfg": cfg, "session": session, "sessions": sessions,
     "stats": stats}[what](json.loads(yt), json.loads(st))
    if not compared:
        print("DIFF nothing compared")
        sys.exit(1)
    sys.exit(1 if bad else 0)


main()

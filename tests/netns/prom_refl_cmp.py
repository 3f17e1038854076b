#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""prom_refl_cmp.py FILE STATS_JSON SESSIONS_JSON NETNS: every sample of
`stampnl stats --prometheus` against `stampnl stats -j` and `stampnl
session list -j` taken after it (with no traffic in between): each
counter, each drop and fast-path fallback reason, the session count, the TLV counters, and each session's
counters by its labels. Every JSON value must have its sample and every
sample its JSON value. Prints each comparison; exits 1 on any mismatch."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "helpers"))
from prom_check import parse  # noqa: E402

P = "stamp_reflector_"
bad = 0


def cmp(what, got, want):
    global bad
    ok = got == want
    bad += not ok
    print("%s %s: textfile %r, netlink %r" % ("ok" if ok else "DIFF", what,
                                              got, want))


def main():
    series = parse(open(sys.argv[1]).read())
    st, sl, ns = json.loads(sys.argv[2]), json.loads(sys.argv[3]), sys.argv[4]
    got = {(n, labels): v for n, labels, v in series}
    used = set()

    def sample(name, **labels):
        key = (P + name, tuple(sorted(dict(labels, netns=ns).items())))
        used.add(key)
        return got.get(key)

    cmp("rx", sample("packets_received_total"), st["rx"])
    cmp("reflected", sample("packets_reflected_total"), st["reflected"])
    for k, v in st.items():
        if k.startswith("drop_"):
            cmp(k, sample("packets_dropped_total", reason=k[5:]), v)
    cmp("peer_replies", sample("peer_replies_total"), st["peer_replies"])
    cmp("errest_zero", sample("errest_zero_total"), st["errest_zero"])
    cmp("reflected_fast", sample("packets_reflected_fast_total"),
        st["reflected_fast"])
    for k, v in st.items():
        if k.startswith("fast_fallback_"):
            cmp(k, sample("fast_path_fallbacks_total",
                          reason=k[len("fast_fallback_"):]), v)
    cmp("sessions", sample("sessions"), st["sessions"])
    # the TLV counters' three families, as stats_prom.c splits them
    fams = (("tlv_requests_total", "result", ("malformed",
                                              "integrity_failed")),
            ("tlv_replies_total", "action", ("stripped", "return_addr",
                                             "same_link", "cos_remarked",
                                             "dm_uncounted")))
    for k, v in st.get("tlv", {}).items():
        fam, lab = "tlvs_received_total", "type"
        for f, la, keys in fams:
            if k in keys:
                fam, lab = f, la
        cmp("tlv " + k, sample(fam, **{lab: k}), v)
    for s in sl:
        lab = dict(peer=s["peer"], peer_port=str(s["peer_port"]),
                   local=s["local"] or "any", port=str(s["port"]),
                   ssid=str(s["ssid"]))
        who = "session %s:%s ssid %s " % (s["peer"], s["peer_port"], s["ssid"])
        cmp(who + "rx", sample("session_packets_received_total", **lab),
            s["rx"])
        cmp(who + "reflected",
            sample("session_packets_reflected_total", **lab), s["reflected"])
        cmp(who + "drop_auth",
            sample("session_packets_dropped_total", reason="auth", **lab),
            s["drop_auth"])
        cmp(who + "next seq", sample("session_next_seq", **lab), s["seq"])
        cmp(who + "provisioned", sample("session_provisioned", **lab),
            int(s["provisioned"]))
        idle = sample("session_idle_seconds", **lab)
        # the textfile came first: no more idle than netlink said later
        cmp(who + "idle <= later netlink idle",
            idle is not None and idle <= s["idle_ms"] / 1e3 + 0.0005, True)
    cmp("samples without a netlink value", sorted(set(got) - used), [])
    sys.exit(1 if bad else 0)


main()

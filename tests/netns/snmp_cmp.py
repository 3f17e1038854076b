#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Compare an snmpwalk of KSTAMP-MIB (numeric OIDs, -On) with stampnl's own
JSON: `stats -j`, `session list -j` and `reflector show -j`.

    snmp_cmp.py MIB WALK STATS SESSIONS SHOW

Object names come from the MIB's text, never from the subagent: every key
stampnl prints must have its object in the MIB (kstamp + the key in
CamelCase; kstampTlv + ... for the TLV counters), so a counter added to
stampnl and forgotten in the MIB fails here. Prints one "ok:" or "FAIL:"
line per check.
"""
import json
import re
import socket
import sys

# the arcs KSTAMP-MIB hangs from (SNMPv2-SMI)
ROOTS = {"experimental": "1.3.6.1.3", "enterprises": "1.3.6.1.4.1"}

passed = failed = 0


def ok(msg):
    global passed
    passed += 1
    print("ok: " + msg)


def bad(msg):
    global failed
    failed += 1
    print("FAIL: " + msg)


def check(what, want, got):
    if want == got:
        ok(f"{what}: {got}")
    else:
        bad(f"{what}: stampnl says {want!r}, SNMP {got!r}")


def mib_oids(path):
    text = re.sub(r"--[^\n]*", "", open(path).read())
    parent = {}
    for m in re.finditer(r"\b([a-z]\w*)\s+(?:OBJECT-TYPE|OBJECT IDENTIFIER|"
                         r"MODULE-IDENTITY|OBJECT-GROUP|MODULE-COMPLIANCE)"
                         r"\b.*?::=\s*\{\s*(\w+)\s+(\d+)\s*\}", text, re.S):
        parent[m.group(1)] = (m.group(2), m.group(3))
    oids = {}

    def resolve(n):
        if n in ROOTS:
            return ROOTS[n]
        if n not in oids:
            p, sub = parent[n]
            oids[n] = resolve(p) + "." + sub
        return oids[n]
    for n in parent:
        resolve(n)
    return oids


def parse_walk(path):
    vals = {}
    for line in open(path):
        m = re.match(r"^\.?([\d.]+) = (?:([\w-]+): )?(.*)$", line.rstrip("\n"))
        if not m:
            continue
        oid, typ, v = m.groups()
        if typ in ("Hex-STRING", "STRING") or (typ is None and v == '""'):
            if typ == "STRING":
                v = v.strip('"').encode().hex()
            else:
                v = v.replace(" ", "").strip('"').lower()
        elif typ == "Timeticks":
            v = int(re.search(r"(\d+)", v.split(")")[0]).group(1))
        else:
            v = int(v)
        vals[oid] = v
    return vals


def camel(k):
    return "".join(w.capitalize() for w in k.split("_"))


def addr_index(a):
    """KstampAddress in an index: length, then octets; '' is any."""
    import ipaddress
    if a is None:
        return "0", ""
    b = ipaddress.ip_address(a).packed
    return ".".join([str(len(b))] + [str(x) for x in b]), b.hex()


def main():
    mib, walk, stats, sessions, show = sys.argv[1:6]
    oids = mib_oids(mib)
    w = parse_walk(walk)
    st = json.load(open(stats))
    sl = json.load(open(sessions))
    cfg = json.load(open(show))

    def get(name, idx="0"):
        if name not in oids:
            return "<no object %s in the MIB>" % name
        return w.get(oids[name] + "." + idx, "<not in the walk>")

    check("kstampReflectorStatus", 1, get("kstampReflectorStatus"))
    # every counter stampnl prints
    for k, v in st.items():
        if k == "tlv":
            for tk, tv in v.items():
                check(f"tlv.{tk} = kstampTlv{camel(tk)}", tv,
                      get("kstampTlv" + camel(tk)))
        elif k == "sessions":
            check("sessions = kstampSessionCount", v, get("kstampSessionCount"))
        else:
            check(f"{k} = kstamp{camel(k)}", v, get("kstamp" + camel(k)))

    # the configuration
    tv = lambda b: 1 if b else 2
    enums = {
        "timestamp_format": ("kstampTimestampFormat", {"ntp": 1, "ptp": 2}),
        "mode": ("kstampMode", {"stateless": 1, "stateful": 2}),
        "tlv": ("kstampTlvMode", {"process": 1, "copy": 2, "strip": 3}),
        "errest_zero": ("kstampErrestZeroMode", {"reflect": 1, "discard": 2}),
        "t3_point": ("kstampT3Point", {"output": 1, "egress": 2}),
        "sync_source": ("kstampSyncSource",
                        {"ntp": 1, "ptp": 2, "ssu": 3, "gnss": 4, "local": 5}),
    }
    renamed = {"clock_error_ns": "kstampClockError",
               "clock_validity_s": "kstampClockValidity",
               "session_idle_s": "kstampSessionIdle",
               "return_addr": "kstampReturnAddr"}
    for k, v in cfg.items():
        if k == "ports":
            for i, p in enumerate(v):
                check(f"ports[{i}]", p, get("kstampPortNumber", str(i + 1)))
            check("no more ports", "<not in the walk>",
                  get("kstampPortNumber", str(len(v) + 1)))
        elif k == "allow":
            import ipaddress
            for i, pfx in enumerate(v):
                n = ipaddress.ip_network(pfx, strict=False)
                a, plen = pfx.split("/")
                check(f"allow[{i}] family", n.version // 2 - 1,
                      get("kstampAllowFamily", str(i + 1)))
                check(f"allow[{i}] address", ipaddress.ip_address(a).packed.hex(),
                      get("kstampAllowAddress", str(i + 1)))
                check(f"allow[{i}] length", int(plen),
                      get("kstampAllowPrefixLength", str(i + 1)))
        elif k == "links":
            for i, l in enumerate(v):
                check(f"links[{i}] ifindex", l["ifindex"],
                      get("kstampLinkIfIndex", str(i + 1)))
                check(f"links[{i}] member id", l["member_id"],
                      get("kstampLinkMemberId", str(i + 1)))
            check("no more links", "<not in the walk>",
                  get("kstampLinkIfIndex", str(len(v) + 1)))
        elif k == "fast_path":
            # names in stampnl's output, ifindexes in the MIB; this runs
            # in the reflector's namespace, where the names mean the same
            for i, name in enumerate(v):
                check(f"fast_path[{i}] ifindex", socket.if_nametoindex(name),
                      get("kstampFastPathIfIndex", str(i + 1)))
            check("no more fast-path devices", "<not in the walk>",
                  get("kstampFastPathIfIndex", str(len(v) + 1)))
        elif k in enums:
            name, m = enums[k]
            check(f"{k} = {name}", m.get(v, v), get(name))
        else:
            name = renamed.get(k, "kstamp" + camel(k))
            check(f"{k} = {name}", tv(v) if isinstance(v, bool) else v,
                  get(name))

    # the sessions: one row each, every column
    entry = oids["kstampSessionEntry"] + "."
    rows = {o[len(entry):].split(".", 1)[1]
            for o in w if o.startswith(entry)}
    check("session rows", len(sl), len(rows))
    known = {"peer", "peer_port", "local", "port", "ssid", "provisioned",
             "has_key", "seq", "rx", "reflected", "drop_auth", "idle_ms",
             "access_id", "access_code", "last_t3"}
    for s in sl:
        p, _ = addr_index(s["peer"])
        l, _ = addr_index(s["local"])
        idx = f"{p}.{s['peer_port']}.{l}.{s['port']}.{s['ssid']}"
        who = f"session {s['peer']}:{s['peer_port']} ssid {s['ssid']}"
        for k in sorted(set(s) - known):
            bad(f"{who}: {k} has no column in KSTAMP-MIB")
        check(f"{who} provisioned", tv(s["provisioned"]),
              get("kstampSessionProvisioned", idx))
        check(f"{who} has_key", tv(s["has_key"]),
              get("kstampSessionHasKey", idx))
        check(f"{who} seq", s["seq"], get("kstampSessionNextSeq", idx))
        for k in ("rx", "reflected", "drop_auth"):
            check(f"{who} {k}", s[k], get("kstampSession" + camel(k), idx))
        t3 = s["last_t3"]  # a string of digits: 64 bits, above 2^53
        check(f"{who} last_t3", "" if t3 is None else "%016x" % int(t3),
              get("kstampSessionLastT3", idx))
        check(f"{who} access_id", s.get("access_id", -1),
              get("kstampSessionAccessId", idx))
        check(f"{who} access_code", s.get("access_code", -1),
              get("kstampSessionAccessCode", idx))
        # read at two moments: the snapshot and the walk a moment later
        idle = get("kstampSessionIdleTime", idx)
        if isinstance(idle, int) and 0 <= idle - s["idle_ms"] <= 30000:
            ok(f"{who} idle_ms {s['idle_ms']}, SNMP {idle} a moment later")
        else:
            bad(f"{who} idle_ms {s['idle_ms']}, SNMP {idle}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

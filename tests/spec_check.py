#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The generic netlink family's YAML spec is the single source of
include/uapi/linux/stamp.h and kmod/netlink-gen.[ch], and of the counter
tables kmod/counters-gen.h and tools/reflector/counters-gen.[ch]: first
they are regenerated with the kernel's ynl-gen-c.py and
scripts/counters-gen.py (scripts/ynl-gen.sh --check) and must not differ
from what is committed; no other file defines the counter enums or
tables. Then, what generation does
not prove: every attribute set, command, enum and constant of
Documentation/netlink/specs/stamp.yaml, with the values the spec gives
(implicit ones counted the way YNL does), against the header's enums; the
kernel's own YNL library (from linux-source-6.12, extracted by
scripts/ynl.sh) loads the spec against the schema its protocol names and
numbers every attribute and operation as the header does; the admin check
is the one pre_doit, on exactly the mutating operations; and the module's
counter enum follows the spec's stats attributes. Prints one line per
check and the usual "N passed, N failed"."""
import os
import re
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
passed = failed = 0


def check(what, want, got):
    global passed, failed
    if want == got:
        passed += 1
        print("ok: %s" % what)
    else:
        failed += 1
        print("FAIL: %s:\n  spec:   %s\n  header: %s" % (what, want, got))


def c_name(prefix, name):
    return prefix + name.upper().replace("-", "_")


def header_enums(text):
    """Every enum of the header as {first-name: {name: value}}."""
    enums = []
    for body in re.findall(r"enum(?:\s+\w+)?\s*\{(.*?)\};", text, re.S):
        body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
        vals, nxt = {}, 0
        for item in body.split(","):
            item = item.strip()
            if not item:
                continue
            m = re.match(r"(\w+)\s*(?:=\s*(.+))?$", item)
            name, expr = m[1], m[2]
            if expr is not None:
                expr = expr.strip().strip("()")
                nxt = vals[expr] if expr in vals else int(expr.split()[0], 0) \
                    if re.match(r"^\d", expr) else vals[expr.split()[0]] - 1
            vals[name] = nxt
            nxt += 1
        enums.append(vals)
    return enums


def find(enums, name):
    for e in enums:
        if name in e:
            return e
    return {}


def main():
    p = subprocess.run(["bash", os.path.join(ROOT, "scripts/ynl-gen.sh"), "--check"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    check("include/uapi/linux/stamp.h, kmod/netlink-gen.[ch], kmod/counters-gen.h "
          "and tools/reflector/counters-gen.[ch] are what ynl-gen-c.py and "
          "counters-gen.py make of the spec (scripts/ynl-gen.sh --check)", "", p.stdout)
    spec = yaml.safe_load(open(os.path.join(
        ROOT, "Documentation/netlink/specs/stamp.yaml")))
    text = open(os.path.join(ROOT, "include/uapi/linux/stamp.h")).read()
    enums = header_enums(text)
    check("family name", '"%s"' % spec["name"],
          re.search(r"#define STAMP_GENL_NAME\s+(\S+)", text)[1])

    for d in spec.get("definitions", []):
        if d["type"] == "const":
            m = re.search(r"#define %s\s+(\d+)" % c_name("STAMP_", d["name"]),
                          text)
            check("const %s" % d["name"], d["value"], m and int(m[1]))
        elif d["type"] == "enum":
            prefix = "STAMP_" + {"ts-format": "TS"}.get(
                d["name"], d["name"].upper().replace("-", "_")) + "_"
            want = {c_name(prefix, e if isinstance(e, str) else e["name"]): i
                    for i, e in enumerate(d["entries"])}
            got = find(enums, next(iter(want)))
            check("enum %s" % d["name"], want, got)

    for aset in spec["attribute-sets"]:
        prefix = "STAMP_A_" if aset["name"] == "stamp" else \
            c_name("STAMP_", aset["name"]) + "_A_"
        want, nxt = {}, 1
        for a in aset["attributes"]:
            nxt = a.get("value", nxt)
            want[c_name(prefix, a["name"])] = nxt
            nxt += 1
        want["__" + prefix + "MAX"] = nxt
        want[prefix + "MAX"] = nxt - 1
        check("attribute set %s" % aset["name"], want,
              find(enums, prefix + "MAX"))

    want, nxt = {}, 1
    for op in spec["operations"]["list"]:
        nxt = op.get("value", nxt)
        want[c_name("STAMP_CMD_", op["name"])] = nxt
        nxt += 1
    want["__STAMP_CMD_MAX"] = nxt
    want["STAMP_CMD_MAX"] = nxt - 1
    check("operations", want, find(enums, "STAMP_CMD_MAX"))

    # the admin check: one pre_doit, named by the spec on every operation
    # that changes something (and only those), and no other capability
    # test in the handlers
    for op in spec["operations"]["list"]:
        mutating = op["name"].endswith(("-set", "-new", "-del"))
        pre = op.get("do", {}).get("pre")
        check("%s: the admin pre_doit %s" % (op["name"], "named" if mutating else "not named"),
              "stamp-nl-pre-doit-admin" if mutating else None, pre)
        check("%s: no flags beside the pre_doit" % op["name"], [], op.get("flags", []))
    src = open(os.path.join(ROOT, "kmod/netlink.c")).read()
    users = re.findall(r"^\w.*?(\w+)\([^;]*?\n\{\n(?:(?!^\}).*\n)*?.*capable\(", src, re.M)
    check("kmod/netlink.c tests a capability only in stamp_nl_pre_doit_admin()",
          ["stamp_nl_pre_doit_admin"], users)

    # the counters are the spec's stats and tlv-stats attributes, in
    # order, in the generated files and nowhere else
    gen = open(os.path.join(ROOT, "kmod/counters-gen.h")).read()
    for enum, cnt, aname in (("stamp_counter", "STAMP_CNT_", "stats"),
                             ("stamp_tlv_counter", "STAMP_TLVC_", "tlv-stats")):
        body = re.search(r"enum %s \{(.*?)\};" % enum, gen, re.S)[1]
        got = re.findall(cnt + r"(\w+)", body)
        aset = next(a for a in spec["attribute-sets"] if a["name"] == aname)
        check("enum %s (kmod/counters-gen.h) follows the spec's %s" % (enum, aname),
              [a["name"].upper().replace("-", "_") for a in aset["attributes"]
               if a["type"] != "pad"] + ["MAX"],
              [n for n in got if not n.startswith(("STATS_A", "TLV_STATS_A"))])
    defs = []
    for d in ("kmod", "lib", "tools/lib", "tools/reflector", "tools/sender",
              "tools/stampnl", "tools/monitor", "snmp"):
        for f in sorted(os.listdir(os.path.join(ROOT, d))):
            if f.endswith((".c", ".h")) and "-gen." not in f:
                t = open(os.path.join(ROOT, d, f)).read()
                if re.search(r"enum stamp_(tlv_)?counter \{|"
                             r"struct stamp_counter stamp_\w+\[\] =", t):
                    defs.append("%s/%s" % (d, f))
    check("the counter enums and tables are defined only in the *-gen files",
          [], defs)

    ynl_check(spec, enums)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def ynl_check(spec, enums):
    """The spec as the kernel's YNL library sees it (no kernel needed)."""
    global failed
    p = subprocess.run(["bash", os.path.join(ROOT, "scripts/ynl.sh"), "--dir"],
                       stdout=subprocess.PIPE, text=True)
    ynl = p.stdout.strip()
    if p.returncode or not ynl:
        failed += 1
        print("FAIL: YNL not found (run scripts/ynl.sh, or scripts/deps.sh)")
        return
    sys.path.insert(0, os.path.join(ynl, "tools/net/ynl"))
    from lib.nlspec import SpecFamily
    schema = os.path.join(ynl, "Documentation/netlink/%s.yaml" %
                          spec["protocol"])
    try:
        fam = SpecFamily(os.path.join(
            ROOT, "Documentation/netlink/specs/stamp.yaml"), schema)
        err = None
    except Exception as e:  # jsonschema's ValidationError, or YNL's own
        fam, err = None, "%s: %s" % (type(e).__name__, str(e).split("\n")[0])
    check("YNL (%s) loads the spec against %s" % (os.path.basename(ynl),
                                                  os.path.basename(schema)),
          None, err)
    if not fam:
        return
    for name, aset in fam.attr_sets.items():
        prefix = "STAMP_A_" if name == "stamp" else \
            c_name("STAMP_", name) + "_A_"
        got = find(enums, prefix + "MAX")
        check("YNL's numbering of attribute set %s" % name,
              {c_name(prefix, a): v.value for a, v in aset.items()},
              {k: v for k, v in got.items() if k not in
               (prefix + "MAX", "__" + prefix + "MAX")})
    got = find(enums, "STAMP_CMD_MAX")
    check("YNL's numbering of the operations",
          {c_name("STAMP_CMD_", n): op.req_value for n, op in fam.ops.items()},
          {k: v for k, v in got.items() if k not in
           ("STAMP_CMD_MAX", "__STAMP_CMD_MAX")})


sys.exit(main())

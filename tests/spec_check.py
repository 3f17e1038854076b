#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The generic netlink family's YAML spec and its UAPI header must agree:
every attribute set, command, enum and constant of
Documentation/netlink/specs/stamp.yaml, with the values the spec gives
(implicit ones counted the way YNL does), against the enums of
include/uapi/linux/stamp.h. Then the kernel's own YNL library (from
linux-source-6.12, extracted by scripts/ynl.sh) loads the spec: it must
validate against the schema its protocol names, and YNL's numbering of
every attribute and operation must be the header's. Prints one line per
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
                expr = expr.strip()
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
        want, nxt = {prefix + "UNSPEC": 0}, 1
        for a in aset["attributes"]:
            nxt = a.get("value", nxt)
            want[c_name(prefix, a["name"])] = nxt
            nxt += 1
        want["__" + prefix + "MAX"] = nxt
        want[prefix + "MAX"] = nxt - 1
        check("attribute set %s" % aset["name"], want,
              find(enums, prefix + "UNSPEC"))

    want, nxt = {"STAMP_CMD_UNSPEC": 0}, 1
    for op in spec["operations"]["list"]:
        nxt = op.get("value", nxt)
        want[c_name("STAMP_CMD_", op["name"])] = nxt
        nxt += 1
    want["__STAMP_CMD_MAX"] = nxt
    want["STAMP_CMD_MAX"] = nxt - 1
    check("operations", want, find(enums, "STAMP_CMD_UNSPEC"))

    # the kernel side: every mutating op needs admin in its namespace,
    # either by the genetlink flag or by its doit checking it first thing
    # (stamp_nl_admin(), which says why it refuses)
    src = open(os.path.join(ROOT, "kmod/netlink.c")).read()
    for op in spec["operations"]["list"]:
        cmd = c_name("STAMP_CMD_", op["name"])
        m = re.search(r"\.cmd\s*=\s*%s,(.*?)\}" % cmd, src, re.S)
        admin = bool(m and "GENL_UNS_ADMIN_PERM" in m[1])
        doit = m and re.search(r"\.doit\s*=\s*(\w+)", m[1])
        if doit:
            body = re.search(r"^static int %s\(.*?\n\{\n(.*?)\n\}" %
                             doit[1], src, re.S | re.M)
            first = body and re.search(r"^\t(?!struct |const |int |u\d+ |"
                                       r"bool |void )\S.*$", body[1], re.M)
            admin |= bool(first and
                          first[0].strip() == "err = stamp_nl_admin(skb, info);")
        check("%s: admin-perm in the spec and the kernel agree" % op["name"],
              "uns-admin-perm" in op.get("flags", []), admin)

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
        got = find(enums, prefix + "UNSPEC")
        check("YNL's numbering of attribute set %s" % name,
              {c_name(prefix, a): v.value for a, v in aset.items()},
              {k: v for k, v in got.items() if k not in
               (prefix + "UNSPEC", prefix + "MAX", "__" + prefix + "MAX")})
    got = find(enums, "STAMP_CMD_UNSPEC")
    check("YNL's numbering of the operations",
          {c_name("STAMP_CMD_", n): op.req_value for n, op in fam.ops.items()},
          {k: v for k, v in got.items() if k not in
           ("STAMP_CMD_UNSPEC", "STAMP_CMD_MAX", "__STAMP_CMD_MAX")})


sys.exit(main())

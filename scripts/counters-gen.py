#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The counter tables from Documentation/netlink/specs/stamp.yaml, the one
list of the reflector's counters: the attributes of its stats and
tlv-stats sets, in order. Each such attribute's doc ends with a line
"Label: TEXT", the text `stampnl stats` prints beside the value (YNL's
schema has no room for keys of our own, and ynl-gen-c.py does not put
attribute docs into the UAPI header, so these lines change nothing
else), then "Prometheus: NAME" or "Prometheus: NAME{LABELS}", the metric
stats_prom.c writes it as, and on the first counter of each metric
family "Prometheus help: TEXT", the family's HELP (a family's counters
need not be neighbours: the attributes are append-only, so a drop reason
added later comes after the other families, and stats_prom.c gathers each
family's samples under its HELP). The JSON key is the
attribute's name with '_' for '-'; the SNMP agent names its objects from
those keys. Writes:

  kmod/counters-gen.h            enum stamp_counter, enum stamp_tlv_counter:
                                 the module's per-CPU counter indexes, each
                                 defined by its UAPI attribute
  tools/reflector/counters-gen.h STAMP_NCOUNTERS, STAMP_NTLV_COUNTERS
  tools/reflector/counters-gen.c stamp_counters[], stamp_tlv_counters[]

  scripts/counters-gen.py [--out DIR]   write under DIR (default: the tree)
"""
import os
import re
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = "Documentation/netlink/specs/stamp.yaml"
BANNER = ("/* Do not edit directly, auto-generated from: */\n"
          "/*\t%s */\n/* by scripts/counters-gen.py (make regen) */\n" % SPEC)


TAIL = re.compile(r"^Label: (?P<label>.+)\n"
                  r"Prometheus: (?P<prom>\w+)(?:\{(?P<plabels>[^}]+)\})?"
                  r"(?:\nPrometheus help: (?P<phelp>.+))?\Z", re.M)


def cstr(s):
    return "NULL" if s is None else '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')


def counters(spec, name):
    """[(NAME, key, {label, prom, plabels, phelp})] of the attribute set
    @name, pad left out."""
    aset = next(a for a in spec["attribute-sets"] if a["name"] == name)
    out = []
    families = set()
    for a in aset["attributes"]:
        if a["type"] == "pad":
            continue
        m = TAIL.search(a.get("doc", "").rstrip())
        if not m:
            sys.exit("counters-gen.py: %s attribute %s: its doc must end with "
                     "the lines 'Label: TEXT', 'Prometheus: NAME[{LABELS}]' "
                     "and, first in a metric family, 'Prometheus help: TEXT'"
                     % (name, a["name"]))
        new = m["prom"] not in families
        families.add(m["prom"])
        if (m["phelp"] is None) == new:
            sys.exit("counters-gen.py: %s: 'Prometheus help:' on the first "
                     "counter of each metric family, and only there"
                     % a["name"])
        out.append((a["name"].upper().replace("-", "_"),
                    a["name"].replace("-", "_"), m.groupdict()))
    return out


def kernel_enum(name, cnt, attr_prefix, rows):
    first = attr_prefix + rows[0][0]
    s = "enum %s {\n" % name
    for n, _, _ in rows:
        line = "\t%s%s = %s%s - %s,\n" % (cnt, n, attr_prefix, n, first)
        if len(line.expandtabs()) > 81:     # kernel style: 80 columns
            line = "\t%s%s =\n\t\t%s%s - %s,\n" % (cnt, n, attr_prefix, n, first)
        s += line
    return s + "\t%sMAX\n};\n" % cnt


def main():
    out = ROOT
    if len(sys.argv) == 3 and sys.argv[1] == "--out":
        out = sys.argv[2]
    elif len(sys.argv) != 1:
        sys.exit(__doc__)
    spec = yaml.safe_load(open(os.path.join(ROOT, SPEC)))
    stats = counters(spec, "stats")
    tlv = counters(spec, "tlv-stats")

    h = ("/* SPDX-License-Identifier: GPL-2.0 */\n" + BANNER + "\n"
         "#ifndef _STAMP_COUNTERS_GEN_H\n#define _STAMP_COUNTERS_GEN_H\n\n"
         "#include <uapi/linux/stamp.h>\n\n"
         "/* the per-CPU counters, one per stats attribute */\n" +
         kernel_enum("stamp_counter", "STAMP_CNT_", "STAMP_STATS_A_", stats) +
         "\n/*\n * the TLV counters, one per tlv-stats attribute: the first "
         "STAMP_TLV_NCOUNT\n * are TLVs by type (0: unknown)\n */\n" +
         kernel_enum("stamp_tlv_counter", "STAMP_TLVC_", "STAMP_TLV_STATS_A_",
                     tlv) +
         "\n#endif /* _STAMP_COUNTERS_GEN_H */\n")

    c = ("// SPDX-License-Identifier: GPL-2.0\n" + BANNER + "\n"
         "#include <uapi/linux/stamp.h>\n\n#include \"counters.h\"\n"
         "#include \"util.h\"\n")
    for var, prefix, rows in (("stamp_counters", "STAMP_STATS_A_", stats),
                              ("stamp_tlv_counters", "STAMP_TLV_STATS_A_", tlv)):
        c += "\nconst struct stamp_counter %s[] = {\n" % var
        for n, key, f in rows:
            c += '\t{ %s%s, "%s", %s,\n\t  "%s", %s,\n\t  %s },\n' % (
                prefix, n, key, cstr(f["label"]), f["prom"],
                cstr(f["plabels"]), cstr(f["phelp"]))
        n = "stamp_n" + var[len("stamp_"):]
        c += "};\n\nconst size_t %s = ARRAY_SIZE(%s);\n" % (n, var)
    # the lengths as constants, for arrays sized by them
    th = ("/* SPDX-License-Identifier: GPL-2.0 */\n" + BANNER + "\n"
          "#ifndef _STAMPNL_COUNTERS_GEN_H\n#define _STAMPNL_COUNTERS_GEN_H\n\n"
          "#define STAMP_NCOUNTERS %d\n#define STAMP_NTLV_COUNTERS %d\n\n"
          "#endif /* _STAMPNL_COUNTERS_GEN_H */\n" % (len(stats), len(tlv)))

    for path, text in (("kmod/counters-gen.h", h),
                       ("tools/reflector/counters-gen.h", th),
                       ("tools/reflector/counters-gen.c", c)):
        os.makedirs(os.path.dirname(os.path.join(out, path)), exist_ok=True)
        with open(os.path.join(out, path), "w") as f:
            f.write(text)


main()

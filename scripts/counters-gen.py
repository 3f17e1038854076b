#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The counter tables from Documentation/netlink/specs/stamp.yaml, the one
list of the reflector's counters: the attributes of its stats and
tlv-stats sets, in order. Each such attribute's doc ends with a line
"Label: TEXT", the text `stampnl stats` prints beside the value (YNL's
schema has no room for keys of our own, and ynl-gen-c.py does not put
attribute docs into the UAPI header, so the line changes nothing else).
The JSON key is the attribute's name with '_' for '-'; stats_prom.c and
the SNMP agent name their metrics and objects from those keys. Writes:

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


def counters(spec, name):
    """[(NAME, key, label)] of the attribute set @name, pad left out."""
    aset = next(a for a in spec["attribute-sets"] if a["name"] == name)
    out = []
    for a in aset["attributes"]:
        if a["type"] == "pad":
            continue
        m = re.search(r"^Label: (.+)$", a.get("doc", "").rstrip(), re.M)
        if not m or m.end() != len(a["doc"].rstrip()):
            sys.exit("counters-gen.py: %s attribute %s: its doc must end "
                     "with a line 'Label: TEXT'" % (name, a["name"]))
        if '"' in m[1] or "\\" in m[1]:
            sys.exit("counters-gen.py: %s: no quotes or backslashes in a "
                     "label" % a["name"])
        out.append((a["name"].upper().replace("-", "_"),
                    a["name"].replace("-", "_"), m[1]))
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
        for n, key, label in rows:
            c += '\t{ %s%s, "%s", "%s" },\n' % (prefix, n, key, label)
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

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""prom_check.py FILE [NAME[:LABEL]=VALUE ...]: check that FILE is valid
Prometheus text exposition (every sample has a TYPE, label values are
quoted and escaped, values parse) and that the named samples have the given
values. NAME:LABEL picks the sample whose quantile/side/direction label is
LABEL; VALUE may be a number or "pos" (greater than 0). Prints the samples
it checked; exits 1 on the first mismatch."""
import re
import sys

LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def main():
    text = open(sys.argv[1]).read()
    types, samples = {}, {}
    for line in text.splitlines():
        m = re.match(r"# TYPE (\w+) (counter|gauge|summary|histogram)$", line)
        if m:
            types[m[1]] = m[2]
            continue
        if line.startswith("# HELP "):
            continue
        m = re.match(r"(\w+)\{(.*)\} (\S+)$", line)
        assert m, "bad line: %r" % line
        labels = dict(LABEL.findall(m[2]))
        assert ",".join('%s="%s"' % kv for kv in labels.items()) == m[2], \
            "bad labels: %r" % m[2]
        base = re.sub(r"_(sum|count|bucket)$", "", m[1])
        assert m[1] in types or base in types, "no TYPE for " + m[1]
        sel = labels.get("quantile") or labels.get("side") or \
            labels.get("direction")
        samples[m[1] + (":" + sel if sel else "")] = float(m[3])
    for want in sys.argv[2:]:
        key, val = want.split("=")
        assert key in samples, "missing %s (have %s)" % (key, sorted(samples))
        got = samples[key]
        ok = got > 0 if val == "pos" else got == float(val)
        assert ok, "%s = %s, want %s" % (key, got, val)
        print("%s = %s" % (key, got))


main()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""prom_check.py FILE [CHECK ...]: check that FILE is valid Prometheus text
exposition and that the named samples have the given values.

Valid means: every sample has a TYPE, declared once, before it; a family's
samples are together (node_exporter refuses a family split in two); no
series appears twice; label values are quoted and escaped; values parse;
counter names end in _total. A CHECK is one of
  NAME[:LABEL]=VALUE      NAME:LABEL picks the sample whose quantile, side,
                          direction or reason label is LABEL
  NAME{K=V,...}=VALUE     the one sample of NAME with those labels (among
                          others); it must exist and be the only one
  count:NAME=N            NAME has N samples
VALUE is a number or "pos" (greater than 0). Prints the samples it
checked; exits 1 on the first mismatch."""
import re
import sys

LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def parse(text):
    types, series, done, cur = {}, [], set(), None
    for line in text.splitlines():
        m = re.match(r"# TYPE (\w+) (counter|gauge|summary|histogram|untyped)$",
                     line)
        if m:
            assert m[1] not in types, "second TYPE for " + m[1]
            types[m[1]] = m[2]
            if m[2] == "counter":
                assert m[1].endswith("_total"), \
                    "counter %s does not end in _total" % m[1]
            continue
        if line.startswith("# HELP "):
            continue
        m = re.match(r"([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$", line)
        assert m, "bad line: %r" % line
        labels = dict(LABEL.findall(m[2] or ""))
        assert ",".join('%s="%s"' % kv for kv in labels.items()) == \
            (m[2] or ""), "bad labels: %r" % m[2]
        base = re.sub(r"_(sum|count|bucket)$", "", m[1])
        fam = m[1] if m[1] in types else base
        assert fam in types, "no TYPE for " + m[1]
        if fam != cur:
            assert fam not in done, "family %s split in two" % fam
            done.add(fam)
            cur = fam
        key = (m[1], tuple(sorted(labels.items())))
        assert key not in [s[:2] for s in series], "series twice: %r" % (key,)
        series.append((m[1], key[1], float(m[3])))
    return series


def main():
    text = sys.stdin.read() if sys.argv[1] == '-' else open(sys.argv[1]).read()
    series = parse(text)
    for want in sys.argv[2:]:
        key, val = want.rsplit("=", 1)
        if key.startswith("count:"):
            got = sum(1 for s in series if s[0] == key[6:])
            assert got == int(val), "%s = %d, want %s" % (key, got, val)
            print("%s = %d" % (key, got))
            continue
        m = re.match(r"(\w+)(?::(.*)|\{(.*)\})?$", key)
        name, sel = m[1], {}
        if m[3]:
            sel = dict(kv.split("=", 1) for kv in m[3].split(","))
        hits = []
        for n, labels, v in series:
            ld = dict(labels)
            if n != name:
                continue
            if m[2] is not None:
                picked = ld.get("quantile") or ld.get("side") or \
                    ld.get("direction") or ld.get("reason")
                if picked != m[2]:
                    continue
            if any(ld.get(k) != v2 for k, v2 in sel.items()):
                continue
            hits.append(v)
        assert hits, "missing %s (have %s)" % (
            key, sorted(set(s[0] for s in series)))
        assert len(hits) == 1, "%s matches %d samples" % (key, len(hits))
        got = hits[0]
        ok = got > 0 if val == "pos" else got == float(val)
        assert ok, "%s = %s, want %s" % (key, got, val)
        print("%s = %s" % (key, got))


if __name__ == "__main__":
    main()

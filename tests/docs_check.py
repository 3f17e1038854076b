#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The documentation against the code it documents.

- man/stampnl.8 and man/stamp_refl.4 render without a groff or man warning;
- every command, subcommand, setting, option and choice that stampnl's own
  usage text prints (`stampnl help`, `stampnl CMD --help`), and every long
  option in a getopt table under tools/, is in stampnl.8;
- completion/stampnl offers each of those in its place (run in bash);
- every command and attribute of include/uapi/linux/stamp.h, and every
  parameter of the built module (modinfo), is in stamp_refl.4;
- the benchmark table README.md quotes is bench/results/latest.txt's,
  latest.txt and latest.json are what bench/format.py makes of the raw
  lines beside them (format.py --again), and latest.json passes
  tests/bench_check.py. These need no stampnl and run without it.

The words are found in the usage text here with regexes of its own, not
the completion's, so a parsing bug there cannot hide behind itself. Ends
with "N passed, N failed"; exits 77 when stampnl is not built and nothing
else failed.
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STAMPNL = os.path.join(ROOT, "build/tools/stampnl")
MAN8 = os.path.join(ROOT, "man/stampnl.8")
MAN4 = os.path.join(ROOT, "man/stamp_refl.4")
COMPLETION = os.path.join(ROOT, "completion/stampnl")
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
        print("ok: " + what)
    else:
        failed += 1
        print("FAIL: " + what)


def run(*argv):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    return p.stdout


def man_text(path):
    """The page's source with font escapes and \\- undone: what a reader sees."""
    s = open(path).read()
    s = re.sub(r"\\f[BIRP]|\\c|\\&", "", s)
    return s.replace("\\-", "-")


def has_word(text, word):
    return re.search(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])", text)


def complete(words):
    """What completion/stampnl offers for the words; the last is the cursor's."""
    script = ('PATH=%s:$PATH; . %s; COMP_WORDS=("$@"); '
              'COMP_CWORD=$(($# - 1)); _stampnl; printf "%%s\\n" "${COMPREPLY[@]}"'
              % (os.path.dirname(STAMPNL), COMPLETION))
    out = subprocess.run(["bash", "-c", script, "bash"] + words,
                         stdout=subprocess.PIPE, text=True).stdout
    return set(out.split())


def bench_table():
    """README's quoted table against bench/results, and bench/results
    against its raw lines."""
    prefix = os.path.join(ROOT, "bench/results/latest")
    latest = open(prefix + ".txt").read()
    # the table: everything before the method, which README leaves out
    table = latest.split("\nMethod:\n")[0].rstrip("\n") + "\n"
    readme = open(os.path.join(ROOT, "README.md")).read()
    m = re.search(r"^## Benchmarks$.*?^```\n(kstamp benchmark .*?)^```$",
                  readme, re.M | re.S)
    quoted = m.group(1) if m else ""
    diff = [f"line {i + 1}: README {a!r}, latest.txt {b!r}"
            for i, (a, b) in enumerate(zip(quoted.splitlines(),
                                           table.splitlines())) if a != b]
    check(quoted == table,
          "README.md quotes bench/results/latest.txt's table%s" %
          (" (%d lines against %d; %s)" % (len(quoted.splitlines()),
                                           len(table.splitlines()),
                                           "; ".join(diff[:3]))
           if quoted != table else ""))
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "again")
        p = subprocess.run([sys.executable,
                            os.path.join(ROOT, "bench/format.py"),
                            "--again", prefix, "--out", out],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True)
        for ext in (".txt", ".json"):
            same = p.returncode == 0 and \
                open(out + ext).read() == open(prefix + ext).read()
            check(same, "bench/results/latest%s is bench/format.py --again "
                  "of its raw lines%s" % (ext, p.stderr and ": " + p.stderr))
    p = subprocess.run([sys.executable,
                        os.path.join(ROOT, "tests/bench_check.py"),
                        prefix + ".json", "--expect-tlvs", "yes"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    fails = [line for line in p.stdout.splitlines()
             if not line.startswith("ok: ")]
    check(p.returncode == 0, "tests/bench_check.py bench/results/latest.json"
          ": %s" % "; ".join(fails[-4:]))


# --- the benchmark table --------------------------------------------------
bench_table()
if not os.access(STAMPNL, os.X_OK):
    print("SKIP: stampnl not built (make tools)")
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 77)

# --- the pages render cleanly ---------------------------------------------
for page in (MAN8, MAN4):
    name = os.path.basename(page)
    out = subprocess.run(["groff", "-ww", "-man", "-Tutf8", "-z", page],
                         stderr=subprocess.PIPE, text=True).stderr
    check(out == "", "%s: groff -ww -man is silent%s" % (name, out and ": " + out))
    env = dict(os.environ, MANWIDTH="80", MAN_KEEP_FORMATTING="0")
    p = subprocess.run(["man", "--warnings", "-l", page], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True)
    check(p.returncode == 0 and p.stderr == "",
          "%s: man --warnings -l is silent (exit %d)%s" %
          (name, p.returncode, p.stderr and ": " + p.stderr))

# --- stampnl's usage text: stampnl.8 and the completion -------------------
man8 = man_text(MAN8)
commands = re.findall(r"^  ([a-z][a-z0-9-]*) ", run(STAMPNL, "help"), re.M)
check(len(commands) >= 3, "stampnl help lists commands: %s" % " ".join(commands))
offered = complete(["stampnl", ""])
for c in commands:
    check(has_word(man8, c), "stampnl.8 documents the command %s" % c)
    check(c in offered, "completion offers the command %s" % c)

for c in commands:
    usage = run(STAMPNL, c, "--help")
    longs = sorted(set(re.findall(r"(?<![\w-])(--[a-z0-9][a-z0-9-]*)", usage)))
    shorts = sorted(set(re.findall(r"(?<![\w-])(-[A-Za-z0-9])(?![\w-])", usage)))
    subs = sorted(set(re.findall(r"stampnl %s ([a-z][a-z0-9-]*)" % c, usage)))
    check(longs or shorts or subs,
          "stampnl %s --help has options or subcommands" % c)
    offered = complete(["stampnl", c, "-"])
    for o in longs + shorts:
        check(has_word(man8, o), "stampnl.8 documents %s %s" % (c, o))
        check(o in offered, "completion offers %s %s" % (c, o))
    offered = complete(["stampnl", c, ""])
    for s in subs:
        check(has_word(man8, s), "stampnl.8 documents %s %s" % (c, s))
        check(s in offered, "completion offers %s %s" % (c, s))
    # a block is a "stampnl CMD SUB" line and the lines that continue it
    blocks, sub = {}, None
    for line in usage.splitlines():
        m = re.search(r"stampnl %s ([a-z][a-z0-9-]*)" % c, line)
        if m:
            sub = m.group(1)
        elif "stampnl " in line:
            sub = None
        blocks.setdefault(sub, []).append(line)
    for sub, lines in blocks.items():
        text = "\n".join(lines)
        ctx = ["stampnl", c, sub or "192.0.2.1"]
        settings = sorted(set(re.findall(r"\[([a-z][a-z0-9-]*) ", text)))
        offered = complete(ctx + [""]) if sub else set()
        for k in settings:
            check(has_word(man8, k), "stampnl.8 documents %s %s %s" % (c, sub, k))
            check(k in offered, "completion offers %s %s %s" % (c, sub, k))
        for key, alts in re.findall(
                r"(?<![\w-])(--?[a-z0-9][a-z0-9-]*|[a-z][a-z0-9-]*) "
                r"([a-z0-9]+(?:\|[a-z0-9]+)+)", text):
            offered = complete(ctx + [key, ""])
            for v in alts.split("|"):
                check(has_word(man8, v), "stampnl.8 documents %s %s %s" % (c, key, v))
                check(v in offered, "completion offers %s %s %s" % (c, key, v))

# options the usage text does not print still belong in the manual
for src in sorted(glob.glob(os.path.join(ROOT, "tools/*/*.c"))):
    for name in re.findall(r'\{\s*"([a-z][a-z0-9-]*)",\s*(?:no|required|optional)_argument',
                           open(src).read()):
        check(has_word(man8, "--" + name), "stampnl.8 documents --%s (getopt table in %s)"
              % (name, os.path.relpath(src, ROOT)))

# --- stamp_refl.4: the netlink ABI and the module's parameters ------------
man4 = man_text(MAN4)
uapi = open(os.path.join(ROOT, "include/uapi/linux/stamp.h")).read()
m = re.search(r'#define STAMP_GENL_NAME\s+"(\w+)"', uapi)
check(m and has_word(man4, m.group(1)), "stamp_refl.4 names the family %s" % (m and m.group(1)))
names = [n for n in re.findall(r"^\s+(STAMP_(?:CMD|A|STATS_A)_\w+)(?: = \d+)?,", uapi, re.M)
         if not re.search(r"_(UNSPEC|PAD)$", n)]
check(len(names) >= 10, "stamp.h enumerates %d commands and attributes" % len(names))
for n in names:
    check(has_word(man4, n), "stamp_refl.4 documents %s" % n)
kos = sorted(glob.glob(os.path.join(ROOT, "build/kmod-*/kmod/stamp_refl.ko")))
check(kos, "a built module to read the parameters from (make modules-all)")
params = set()
for ko in kos:
    params |= {l.split(":")[0] for l in run("modinfo", "-F", "parmtype", ko).split()}
check(params, "the module has parameters: %s" % " ".join(sorted(params)))
for p in sorted(params):
    check(re.search(r"(?<![\w-])%s=" % re.escape(p), man4),
          "stamp_refl.4 documents the parameter %s=" % p)

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)

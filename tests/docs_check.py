#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The documentation against the code it documents.

- man/stampnl.8 and man/stamp_refl.4 render without a groff or man warning;
- every command, subcommand, keyword, option and choice of stampnl's
  grammar (`stampnl __list`, made from the tables in tools/ that the usage
  text and the completion are made from too) is in stampnl.8 and in the
  command's --help, and completion/stampnl offers it in its place (run in
  bash); every name in those tables, read from the sources, is in __list;
- every command and attribute of include/uapi/linux/stamp.h, and every
  parameter of the built module (modinfo), is in stamp_refl.4;
- the benchmark table README.md quotes is bench/results/latest.txt's,
  latest.txt and latest.json are what bench/format.py makes of the raw
  lines beside them (format.py --again), and latest.json passes
  tests/bench_check.py; the same of bench/results/turnaround (the opt-in
  turnaround section, its fast-path rows included, which the CI's smoke
  run does not measure). These need no stampnl and run without it.

Ends
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


def turnaround_table():
    """bench/results/turnaround (BENCH_SECTIONS=...,turnaround,t3tap), which
    the smoke run's --quick table lacks: format.py must still render it
    from its raw lines, every turnaround row (the fast path's too) whole."""
    prefix = os.path.join(ROOT, "bench/results/turnaround")
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
            check(same, "bench/results/turnaround%s is bench/format.py "
                  "--again of its raw lines%s" % (ext, p.stderr and
                                                  ": " + p.stderr))
    p = subprocess.run([sys.executable,
                        os.path.join(ROOT, "tests/bench_check.py"),
                        prefix + ".json", "--current",
                        "--sections", "capacity,turnaround"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    fails = [line for line in p.stdout.splitlines()
             if not line.startswith("ok: ")]
    check(p.returncode == 0, "tests/bench_check.py bench/results/"
          "turnaround.json: %s" % "; ".join(fails[-4:]))


# --- the benchmark table --------------------------------------------------
bench_table()
turnaround_table()
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

# --- stampnl's grammar: stampnl.8, the usage text and the completion -----
# `stampnl __list` prints the tables every one of these is made from
# (tools/lib/cli.h): a line per command, option, subcommand, keyword, flag
# and choice
man8 = man_text(MAN8)
grammar = [line.split("\t") for line in run(STAMPNL, "__list").splitlines()]
commands = [g[1] for g in grammar if g[0] == "command"]
check(len(commands) >= 4, "stampnl __list lists commands: %s" % " ".join(commands))
main_help = run(STAMPNL, "help")
offered = complete(["stampnl", ""])
for c in commands:
    check(has_word(main_help, c), "stampnl help lists the command %s" % c)
    check(has_word(man8, c), "stampnl.8 documents the command %s" % c)
    check(c in offered, "completion offers the command %s" % c)
usage = {c: run(STAMPNL, c, "--help") for c in commands}


def documented(word, where, ctx):
    """In stampnl.8, in the command's --help, and offered by completion
    after the words CTX."""
    c = where.split()[0]
    check(has_word(man8, word), "stampnl.8 documents %s %s" % (where, word))
    check(has_word(usage[c], word), "stampnl %s --help shows %s" % (c, word))
    check(word in complete(ctx), "completion offers %s %s (after %s)"
          % (where, word, " ".join(ctx[1:-1]) or "the command"))


for g in grammar:
    kind, rest = g[0], g[1:]
    if kind == "option":
        c, o = rest
        documented(o, c, ["stampnl", c, o[:1] if len(o) == 2 else "--"])
    elif kind == "sub":
        c, sub = rest
        documented(sub, c, ["stampnl", c, ""])
    elif kind in ("keyword", "flag"):
        c, sub, k = rest
        documented(k, c + " " + sub, ["stampnl", c, sub, ""])
    elif kind == "choice":
        where, key, v = rest
        documented(v, where + " " + key, ["stampnl"] + where.split() + [key, ""])

# the tables as the sources spell them, read without stampnl: every long
# option and keyword there is in __list, so a bug in __list hides nothing
listed = {(g[1], g[2]) for g in grammar if g[0] == "option"} | \
    {(g[1], g[3]) for g in grammar if g[0] == "keyword"}
listed_words = {w for _, w in listed}
tables = 0
for src in sorted(glob.glob(os.path.join(ROOT, "tools/*/*.c"))):
    text = open(src).read()
    for kind, body in re.findall(r"static const struct cli_(opt|kw) \w+\[\] = \{(.*?)\n\};",
                                 text, re.S):
        tables += 1
        # an entry written out, or through one of cli.h's entry macros
        # (CLI_OPT_FLAG("poisson", ...), CLI_KW_ONOFF("auth", ...))
        for name in re.findall(r'^\t(?:\{ |CLI_(?:OPT|KW)_\w+\()"([a-z][a-z0-9-]*)"',
                               body, re.M):
            word = "--" + name if kind == "opt" else name
            check(word in listed_words, "%s: %s is in stampnl __list"
                  % (os.path.relpath(src, ROOT), word))
check(tables >= 5, "option and keyword tables found in tools/: %d" % tables)

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

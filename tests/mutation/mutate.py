#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Operator-replacement mutation testing of the code the cmocka tests cover.

Usage (from the top of the tree; `make mutation` runs the first line):

  python3 tests/mutation/mutate.py                      # default files, all mutants
  python3 tests/mutation/mutate.py tools/sender/loss_split.c   # one file (several allowed)
  python3 tests/mutation/mutate.py --max 40 --seed 2    # a reproducible sample per file
  python3 tests/mutation/mutate.py -j2 --out /tmp/m.txt # two builds at once, results elsewhere
  python3 tests/mutation/mutate.py --list FILE          # print the mutants, build nothing
  python3 tests/mutation/mutate.py --self-test          # the driver's own checks (seconds)

For each source file, the test binaries that link it are read from
tests/unit/Makefile (every TEST_SRCS list naming the file). One mutant at a
time is written to a copy of the file in a temporary directory (the working
tree is never touched), compiled with the other sources of each such test
(built once, unmutated) into the test binary, under ASan and UBSan as
`make -C tests/unit run` builds them (--san '' for a plain -O1 build), and
run with a timeout. A mutant is killed when a test binary fails, crashes
or times out, survived when all pass, not compiled when the compiler
refuses it (left out of the score). Score = killed / (killed + survived),
the mutants listed as equivalent left out.

Mutants (ids are FILE:LINE:COL:OP, stable as long as the line is):
  ror_lt ror_le ror_gt ror_ge ror_eq ror_ne  a relational operator replaced
  aor_add aor_sub aor_mul aor_div            + - * / replaced by one another
  aor_addeq aor_subeq                        += <-> -=
  lor_and lor_or                             && <-> ||
  cinc czero                                 an integer constant +1, or 0
  notdel                                     a logical ! removed
  ret0                                       return X -> return 0
  sdel                                       one statement replaced by ;
Comments, strings, character constants, preprocessor lines, array sizes
in declarations and declarations themselves are not mutated.

Equivalent mutants (no behaviour change, so no test can kill them) are
listed in tests/mutation/equivalent/*.txt, one a line: the id, then why.
An id there that no longer names a mutant is reported as stale.
"""

import argparse
import concurrent.futures
import os
import random
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
UNIT = os.path.join(TOP, "tests", "unit")
EQUIV_DIR = os.path.join(TOP, "tests", "mutation", "equivalent")
DEFAULT_FILES = ["kmod/wire.c", "kmod/tlv.c", "tools/sender/sender_metrics.c", "tools/sender/loss_split.c",
                 "tools/lib/hist.c", "tools/lib/winstats.c"]
DEFAULT_OUT = os.path.join(TOP, "bench", "results", "mutation.txt")
CFLAGS = ["-std=gnu11", "-O1", "-g0", "-w", "-I../../include", "-I../../kmod", "-I../../tools/lib", "-I../../tools/sender"]
SAN = "address,undefined"
LDLIBS = ["-lcmocka", "-lm"]
LDFLAGS = {}     # per test, from tests/unit/Makefile

# ---------------------------------------------------------------- lexing

TOKEN_RE = re.compile(r"""
    (?P<ws>[ \t\r\f\v]+|\n)
  | (?P<comment>/\*.*?\*/|//[^\n]*)
  | (?P<string>"(?:\\.|[^"\\\n])*")
  | (?P<char>'(?:\\.|[^'\\\n])+')
  | (?P<num>(?:0[xX][0-9a-fA-F]+|\d+)(?:\.\d*)?(?:[eE][+-]?\d+)?[uUlLfF]*)
  | (?P<ident>[A-Za-z_]\w*)
  | (?P<op><<=|>>=|\.\.\.|->|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^]=|[-+*/%<>=!~&|^?:;,.(){}\[\]])
  | (?P<other>.)
""", re.X | re.S)

TYPE_WORDS = set("""void char short int long float double signed unsigned bool _Bool
    const volatile static extern register inline auto struct union enum typedef
    size_t ssize_t ptrdiff_t uintptr_t intptr_t
    u8 u16 u32 u64 s8 s16 s32 s64 __u8 __u16 __u32 __u64 __s8 __s16 __s32 __s64
    __be16 __be32 __be64 __le16 __le32 __le64 __sum16 __wsum""".split())
CONTROL = {"if", "for", "while", "switch"}
NOT_DECL_PREV = {"return", "sizeof", "case", "goto", "else", "do"}


def is_type_word(t):
    return t in TYPE_WORDS or bool(re.fullmatch(r"u?int(8|16|32|64|max|ptr)?_t", t))


class Tok:
    __slots__ = ("kind", "text", "pos", "line", "col", "skip")

    def __init__(self, kind, text, pos, line, col):
        self.kind, self.text, self.pos, self.line, self.col = kind, text, pos, line, col
        self.skip = False

    def __repr__(self):
        return "%s:%d:%d:%r" % (self.kind, self.line, self.col, self.text)


def lex(src):
    """Significant tokens of src, preprocessor lines left out."""
    toks = []
    line, line_start = 1, 0
    at_bol = True
    in_pp = False
    for m in TOKEN_RE.finditer(src):
        kind, text, pos = m.lastgroup, m.group(), m.start()
        col = pos - line_start + 1
        nl = text.count("\n")
        if kind == "ws" and text == "\n":
            # a preprocessor line ends at a newline not escaped by '\'
            if in_pp and not src[line_start:pos].rstrip(" \t\r").endswith("\\"):
                in_pp = False
            line += 1
            line_start = pos + 1
            at_bol = True
            continue
        if kind in ("ws",):
            continue
        if kind == "comment":
            if nl:
                line += nl
                line_start = pos + text.rfind("\n") + 1
            continue
        if at_bol and text == "#":
            in_pp = True
        at_bol = False
        if in_pp:
            continue
        toks.append(Tok(kind, text, pos, line, col))
    return toks


# ------------------------------------------------------- mutant generation

class Mutant:
    __slots__ = ("file", "line", "col", "op", "start", "end", "repl", "orig")

    def __init__(self, file, tok, op, start, end, repl, orig):
        self.file, self.line, self.col, self.op = file, tok.line, tok.col, op
        self.start, self.end, self.repl, self.orig = start, end, repl, orig

    @property
    def id(self):
        return "%s:%d:%d:%s" % (self.file, self.line, self.col, self.op)

    def apply(self, src):
        return src[:self.start] + self.repl + src[self.end:]


ROR = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge", "==": "eq", "!=": "ne"}
AOR = {"+": "add", "-": "sub", "*": "mul", "/": "div"}
AOR_EQ = {"+=": "subeq", "-=": "addeq"}
AOR_EQ_REPL = {"+=": "-=", "-=": "+="}


def mark_context(toks):
    """Structure the mutators need: which tokens are unary, inside
    declaration brackets, and where statements start and end."""
    n = len(toks)
    # matching parens/brackets/braces
    match = [None] * n
    stack = []
    for i, t in enumerate(toks):
        if t.text in "([{" and t.kind == "op":
            stack.append(i)
        elif t.text in ")]}" and t.kind == "op" and stack:
            j = stack.pop()
            match[i], match[j] = j, i
    # array sizes in declarations: 'type name[...]', 'type *name[...]'
    for i, t in enumerate(toks):
        if t.text == "[" and i >= 2 and toks[i - 1].kind == "ident" and match[i]:
            p = toks[i - 2]
            if (p.kind == "ident" and p.text not in NOT_DECL_PREV) or p.text == "*" or p.text == ",":
                # ',' only when this is a declaration list: look for a type word before
                if p.text == ",":
                    k = i - 2
                    while k >= 0 and toks[k].text not in (";", "{", "}", "("):
                        k -= 1
                    if not (k + 1 < n and (is_type_word(toks[k + 1].text))):
                        continue
                for k in range(i, match[i] + 1):
                    toks[k].skip = True
    return match


def binary_context(toks, i):
    """The operator at i has an operand on its left (binary, not unary)."""
    if i == 0:
        return False
    p = toks[i - 1]
    if p.kind in ("num", "string", "char"):
        return True
    if p.kind == "ident":
        return not is_type_word(p.text) and p.text not in ("return", "case", "sizeof")
    return p.text in (")", "]")


def statements(toks, match):
    """(first, last) token indexes of statements inside function bodies,
    last being their ';'. Declarations and control statements are left out."""
    out = []
    n = len(toks)
    header_end = set()   # ')' closing an if/for/while/switch header
    for i, t in enumerate(toks):
        if t.text in CONTROL and i + 1 < n and toks[i + 1].text == "(" and match[i + 1]:
            header_end.add(match[i + 1])
    block = set()        # '{' opening a block (not an initializer)
    depth = 0
    for i, t in enumerate(toks):
        if t.text == "{":
            p = toks[i - 1].text if i else ";"
            if (i - 1) in header_end or p in (";", "{", "}", "else", "do", ":") or (depth == 0 and p == ")"):
                block.add(i)
                depth += 1
        elif t.text == "}" and match[i] in block:
            depth -= 1
    # walk: a statement starts after ; { } (blocks), else/do, a header's ')'
    start = None
    depth = 0
    skip_to = -1
    for i, t in enumerate(toks):
        if i <= skip_to:
            continue
        if t.text == "{" and i in block:
            depth += 1
            start = i + 1
            continue
        if t.text == "}" and match[i] in block:
            depth -= 1
            start = i + 1
            continue
        if depth == 0:
            continue
        if t.text in ("(", "[") or (t.text == "{" and i not in block):
            if start == i and t.text == "(":
                pass
            skip_to = match[i] if match[i] else i
            if skip_to in header_end:
                start = skip_to + 1
            continue
        if t.text in ("else", "do"):
            start = i + 1
            continue
        if t.text == ":" and start is not None and i - start <= 2 and \
                (toks[start].text in ("case", "default") or i - start == 1):
            start = i + 1
            continue
        if t.text == ";":
            if start is not None and start < i:
                first = toks[start]
                decl = is_type_word(first.text) or (
                    first.kind == "ident" and start + 1 < i and (
                        toks[start + 1].kind == "ident" or
                        (toks[start + 1].text == "*" and start + 2 < i and toks[start + 2].kind == "ident"
                         and toks[start + 3].text in ("=", ";", ",", "["))))
                if not decl and first.text not in ("return",) + tuple(CONTROL):
                    out.append((start, i))
            start = i + 1
    return out


def generate(path, rel):
    """Every mutant of the file at path, named by rel."""
    with open(path) as f:
        src = f.read()
    toks = lex(src)
    match = mark_context(toks)
    out = []
    for i, t in enumerate(toks):
        if t.skip:
            continue
        s, e = t.pos, t.pos + len(t.text)
        if t.kind == "op":
            if t.text in ROR:
                for new, name in ROR.items():
                    if new != t.text:
                        out.append(Mutant(rel, t, "ror_" + name, s, e, new, t.text))
            elif t.text in AOR and binary_context(toks, i):
                # '*' between a type-ish name and a name is a declarator
                if t.text == "*" and ((i + 1 < len(toks) and toks[i + 1].text == ")") or
                                      (i >= 2 and toks[i - 2].text in ("struct", "union", "enum"))):
                    continue
                for new, name in AOR.items():
                    if new != t.text:
                        out.append(Mutant(rel, t, "aor_" + name, s, e, new, t.text))
            elif t.text in AOR and t.text == "-":
                # unary minus: drop it
                out.append(Mutant(rel, t, "aor_neg", s, e, "", t.text))
            elif t.text in AOR_EQ:
                out.append(Mutant(rel, t, "aor_" + AOR_EQ[t.text], s, e, AOR_EQ_REPL[t.text], t.text))
            elif t.text == "&&":
                out.append(Mutant(rel, t, "lor_or", s, e, "||", t.text))
            elif t.text == "||":
                out.append(Mutant(rel, t, "lor_and", s, e, "&&", t.text))
            elif t.text == "!":
                out.append(Mutant(rel, t, "notdel", s, e, "", t.text))
        elif t.kind == "num":
            m = re.fullmatch(r"(0[xX][0-9a-fA-F]+|\d+)([uUlL]*)", t.text)
            if not m:
                continue
            if i and toks[i - 1].text == "case":
                continue
            body, suf = m.groups()
            val = int(body, 0)
            inc = (hex(val + 1) if body[:2] in ("0x", "0X") else str(val + 1)) + suf
            out.append(Mutant(rel, t, "cinc", s, e, inc, t.text))
            if val:
                out.append(Mutant(rel, t, "czero", s, e, "0" + suf, t.text))
        elif t.kind == "ident" and t.text == "return":
            j = i + 1
            while j < len(toks) and toks[j].text != ";":
                j = match[j] if toks[j].text in "([{" and match[j] else j
                j += 1
            if j == i + 1 or j >= len(toks):
                continue
            if j == i + 2 and toks[i + 1].text == "0":
                continue
            es, ee = toks[i + 1].pos, toks[j].pos
            out.append(Mutant(rel, t, "ret0", es, ee, "0", src[es:ee]))
    for first, last in statements(toks, match):
        if any(toks[k].skip for k in range(first, last + 1)):
            continue
        t = toks[first]
        s, e = t.pos, toks[last].pos + 1
        out.append(Mutant(rel, t, "sdel", s, e, ";", src[s:e]))
    out.sort(key=lambda m: (m.line, m.col, m.op))
    return src, out


# ------------------------------------------------------------ the tests

def unit_tests():
    """{test name: [sources, relative to tests/unit]} from its Makefile."""
    with open(os.path.join(UNIT, "Makefile")) as f:
        text = f.read().replace("\\\n", " ")
    tests = {}
    for m in re.finditer(r"^(\w+)_SRCS\s*:?=\s*(.*)$", text, re.M):
        tests[m.group(1)] = m.group(2).split()
    return tests


def unit_ldflags():
    """{test name: [its own link flags]}, e.g. -Wl,--wrap=calloc."""
    with open(os.path.join(UNIT, "Makefile")) as f:
        text = f.read().replace("\\\n", " ")
    return {m.group(1): m.group(2).split()
            for m in re.finditer(r"^(\w+)_LDFLAGS\s*:?=\s*(.*)$", text, re.M)}


def tests_linking(rel, tests):
    want = os.path.normpath(os.path.join(TOP, rel))
    return sorted(t for t, srcs in tests.items()
                  if any(os.path.normpath(os.path.join(UNIT, s)) == want for s in srcs))


def load_equivalent():
    eq = {}
    if not os.path.isdir(EQUIV_DIR):
        return eq
    for name in sorted(os.listdir(EQUIV_DIR)):
        if not name.endswith(".txt"):
            continue
        with open(os.path.join(EQUIV_DIR, name)) as f:
            for ln in f:
                ln = ln.strip()
                if not ln or ln.startswith("#"):
                    continue
                mid, _, why = ln.partition(" ")
                eq[mid] = why.strip()
    return eq


class Builder:
    """Builds and runs the tests linking one file, with a mutant in place."""

    def __init__(self, rel, tests, san, timeout, work):
        self.rel, self.tests, self.work = rel, tests, work
        self.flags = CFLAGS + (["-fsanitize=" + san, "-fno-sanitize-recover=all",
                                "-fno-omit-frame-pointer"] if san else [])
        self.ldflags = (["-fsanitize=" + san] if san else []) + LDLIBS
        self.src_abs = os.path.normpath(os.path.join(TOP, rel))
        self.objs = {}
        self.timeout = timeout
        self.env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:abort_on_error=0",
                        UBSAN_OPTIONS="print_stacktrace=0")

    def cc(self, args, cwd=UNIT):
        return subprocess.run(["cc"] + args, cwd=cwd, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)

    def prepare(self, all_srcs):
        """Compile every source but the mutated one, once."""
        objdir = os.path.join(self.work, "objs")
        os.makedirs(objdir, exist_ok=True)
        for t in self.tests:
            for s in all_srcs[t]:
                a = os.path.normpath(os.path.join(UNIT, s))
                if a == self.src_abs or a in self.objs:
                    continue
                o = os.path.join(objdir, "%d_%s.o" % (len(self.objs), os.path.basename(s)))
                r = self.cc(self.flags + ["-c", s, "-o", o])
                if r.returncode:
                    raise SystemExit("mutate: cannot build %s:\n%s" % (s, r.stdout))
                self.objs[a] = o
        self.all_srcs = all_srcs

    def build_and_run(self, src_text, slot):
        """'killed', 'survived' or 'not compiled', and the first failing output."""
        d = os.path.join(self.work, "slot%d" % slot)
        os.makedirs(d, exist_ok=True)
        c = os.path.join(d, os.path.basename(self.rel))
        with open(c, "w") as f:
            f.write(src_text)
        o = c[:-2] + ".o"
        # quote includes resolve against the original file's directory
        r = self.cc(self.flags + ["-iquote", os.path.dirname(self.src_abs), "-c", c, "-o", o])
        if r.returncode:
            return "not compiled", r.stdout
        for t in self.tests:
            objs = [o if os.path.normpath(os.path.join(UNIT, s)) == self.src_abs
                    else self.objs[os.path.normpath(os.path.join(UNIT, s))]
                    for s in self.all_srcs[t]]
            b = os.path.join(d, t)
            r = self.cc(self.flags + ["-o", b] + objs + LDFLAGS.get(t, []) + self.ldflags)
            if r.returncode:
                return "not compiled", r.stdout
            try:
                r = subprocess.run([b], cwd=UNIT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   timeout=self.timeout, env=self.env, stdin=subprocess.DEVNULL)
            except subprocess.TimeoutExpired:
                return "killed", "%s: timed out" % t
            if r.returncode:
                return "killed", "%s: exit %d" % (t, r.returncode)
        return "survived", ""


def line_of(src, lineno):
    return src.splitlines()[lineno - 1].strip()


def show(m, src):
    orig = line_of(src, m.line)
    mutated = line_of(m.apply(src), m.line) if m.op != "sdel" else "(deleted)"
    if m.op == "sdel":
        return "%s:%d: %s -> (statement deleted) [%s]" % (m.file, m.line, orig, m.op)
    return "%s:%d: %s -> %s [%s]" % (m.file, m.line, orig, mutated, m.op)


def run_file(rel, args, all_tests, equiv, log):
    path = os.path.join(TOP, rel)
    src, muts = generate(path, rel)
    tests = tests_linking(rel, all_tests)
    if not tests:
        raise SystemExit("mutate: no test in tests/unit/Makefile links %s" % rel)
    if args.max and len(muts) > args.max:
        rnd = random.Random("%s:%d" % (rel, args.seed))
        muts = sorted(rnd.sample(muts, args.max), key=lambda m: (m.line, m.col, m.op))
    work = tempfile.mkdtemp(prefix="kstamp-mut-")
    try:
        b = Builder(rel, tests, args.san, args.timeout, work)
        b.prepare(all_tests)
        t0 = time.time()
        st, out = b.build_and_run(src, 0)
        if st != "survived":
            raise SystemExit("mutate: %s: the unmutated tests do not pass (%s):\n%s" % (rel, st, out))
        log("%s: %d mutants, tests %s (baseline %.1f s)" % (rel, len(muts), " ".join(tests), time.time() - t0))
        todo = [m for m in muts if m.id not in equiv]
        res = {}
        slots = list(range(1, args.jobs + 1))

        def one(m):
            slot = slots.pop()
            try:
                return m, b.build_and_run(m.apply(src), slot)
            finally:
                slots.append(slot)

        done = 0
        ex = concurrent.futures.ThreadPoolExecutor(args.jobs)
        try:
            for m, (st, out) in ex.map(one, todo):
                res[m.id] = (m, st)
                done += 1
                if args.verbose:
                    log("  %s %s" % (st, show(m, src)))
                elif done % 50 == 0:
                    log("  %d/%d" % (done, len(todo)))
        finally:
            # on ^C, drop the queued mutants rather than build them all
            ex.shutdown(wait=True, cancel_futures=True)
        elapsed = time.time() - t0
    finally:
        shutil.rmtree(work, ignore_errors=True)
    killed = sum(1 for m, st in res.values() if st == "killed")
    surv = [m for m, st in res.values() if st == "survived"]
    notc = sum(1 for m, st in res.values() if st == "not compiled")
    neq = sum(1 for m in muts if m.id in equiv)
    score = 100.0 * killed / (killed + len(surv)) if killed + len(surv) else 100.0
    return dict(file=rel, tests=tests, total=len(muts), killed=killed, survived=surv,
                notc=notc, equiv=neq, score=score, src=src, secs=elapsed,
                ids={m.id for m in generate(path, rel)[1]})


def self_test():
    """The lexer and generator on a snippet, then one file end to end."""
    snippet = r'''#include <stdio.h>
#define X(a) ((a) < 2 && !(a))
/* a < b in a comment */
static const int tab[4] = { 1, 2 };
static int f(int a, int *p)
{
	char s[] = "a < b";
	int x = a + 1;

	if (!p || a <= 3)
		return -1;
	x += *p * 2;
	*p = x;
	return x;
}
'''
    d = tempfile.mkdtemp(prefix="kstamp-mut-st-")
    try:
        p = os.path.join(d, "s.c")
        with open(p, "w") as f:
            f.write(snippet)
        _, muts = generate(p, "s.c")
    finally:
        shutil.rmtree(d)
    ids = {m.id for m in muts}
    want = {"s.c:10:6:notdel", "s.c:10:9:lor_and", "s.c:10:14:ror_lt", "s.c:10:17:cinc",
            "s.c:10:17:czero", "s.c:11:10:aor_neg", "s.c:11:3:ret0", "s.c:12:4:aor_subeq",
            "s.c:12:10:aor_div", "s.c:13:2:sdel", "s.c:12:2:sdel", "s.c:14:2:ret0",
            "s.c:8:12:aor_sub", "s.c:4:29:cinc"}
    never = [i for i in ids if i.startswith(("s.c:1:", "s.c:2:", "s.c:3:", "s.c:7:"))
             or i.startswith("s.c:4:23") or i.startswith("s.c:12:7:")
             or i in ("s.c:8:2:sdel", "s.c:13:2:aor_mul")]
    passed = failed = 0
    if want - ids or never:
        print("FAIL: missing mutants: %s; mutants that must not exist: %s; generated: %s"
              % (sorted(want - ids), sorted(never), sorted(ids)))
        failed += 1
    else:
        print("ok: %d mutants of the snippet as expected" % len(muts))
        passed += 1

    # end to end: the unmutated loss_split.c survives its test, and a
    # -EINVAL made 0 is killed (so a build of the wrong file would show)
    rel = "tools/sender/loss_split.c"
    src, muts = generate(os.path.join(TOP, rel), rel)
    killer = next(m for m in muts if m.op == "ret0" and m.orig == "-EINVAL")
    LDFLAGS.update(unit_ldflags())
    all_tests = unit_tests()
    work = tempfile.mkdtemp(prefix="kstamp-mut-st-")
    try:
        b = Builder(rel, tests_linking(rel, all_tests), SAN, 20.0, work)
        b.prepare(all_tests)
        for what, text, want_st in (("unmutated", src, "survived"),
                                    (killer.id, killer.apply(src), "killed")):
            st, out = b.build_and_run(text, 0)
            if st == want_st:
                print("ok: %s %s" % (what, st))
                passed += 1
            else:
                print("FAIL: %s %s, not %s: %s" % (what, st, want_st, out[-2000:]))
                failed += 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", help="sources relative to the top (default: %s)" % " ".join(DEFAULT_FILES))
    ap.add_argument("--max", type=int, default=0, help="at most N mutants per file, sampled")
    ap.add_argument("--seed", type=int, default=1, help="the sample's seed (default 1)")
    ap.add_argument("-j", "--jobs", type=int, default=1, help="builds at once (default 1)")
    ap.add_argument("--san", default=SAN, help="-fsanitize= list, '' for none (default %s)" % SAN)
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds per test run (default 20)")
    ap.add_argument("--out", help="results file (default %s for a full default run, else build/mutation/results.txt)"
                    % os.path.relpath(DEFAULT_OUT, TOP))
    ap.add_argument("--list", action="store_true", help="print the mutants and exit")
    ap.add_argument("--self-test", action="store_true", help="check the driver itself")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every mutant's fate")
    args = ap.parse_args()
    # a kill (or ^C) ends the run with its temporary directories removed
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if args.self_test:
        return self_test()
    files = args.files or DEFAULT_FILES
    if args.list:
        for rel in files:
            src, muts = generate(os.path.join(TOP, rel), rel)
            for m in muts:
                print("%s  %s" % (m.id, show(m, src)))
        return 0
    out = args.out or (DEFAULT_OUT if not args.files and not args.max
                       else os.path.join(TOP, "build", "mutation", "results.txt"))
    all_tests = unit_tests()
    LDFLAGS.update(unit_ldflags())
    equiv = load_equivalent()

    def log(s):
        print(s, flush=True)

    t0 = time.time()
    results = [run_file(rel, args, all_tests, equiv, log) for rel in files]
    lines = []
    lines.append("# make mutation (tests/mutation/mutate.py%s): operator-replacement mutants,"
                 % ("" if not sys.argv[1:] else " " + " ".join(shlex.quote(a) for a in sys.argv[1:])))
    lines.append("# each built into the unit tests linking the file (-O1, -fsanitize=%s) and run;"
                 % (args.san or "none"))
    lines.append("# score = killed / (killed + survived); equivalent mutants (tests/mutation/equivalent/)")
    lines.append("# and mutants that do not compile are left out. %.0f s with -j%d."
                 % (time.time() - t0, args.jobs))
    lines.append("")
    lines.append("%-24s %8s %8s %8s %8s %8s %7s" % ("file", "mutants", "killed", "survived",
                                                    "equiv", "no-build", "score"))
    for r in results:
        lines.append("%-24s %8d %8d %8d %8d %8d %6.1f%%" % (r["file"], r["total"], r["killed"],
                                                           len(r["survived"]), r["equiv"], r["notc"],
                                                           r["score"]))
    stale = sorted(i for i in equiv
                   if any(i.startswith(r["file"] + ":") for r in results)
                   and not any(i in r["ids"] for r in results))
    for r in results:
        if r["survived"]:
            lines.append("")
            lines.append("surviving in %s:" % r["file"])
            for m in sorted(r["survived"], key=lambda m: (m.line, m.col, m.op)):
                lines.append("  %s  %s" % (m.id, show(m, r["src"])))
    if stale:
        lines.append("")
        lines.append("stale equivalence entries (no such mutant now):")
        lines.extend("  " + i for i in stale)
    text = "\n".join(lines) + "\n"
    print()
    print(text, end="")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        f.write(text)
    shown = os.path.relpath(out, TOP)
    print("mutate: results in %s" % (out if shown.startswith("..") else shown))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The benchmark at a tiny scale (bench/run.sh --quick: one VM, 2 vCPUs,
# fractions of a second per figure): it must run to the end, and its
# JSON table must be complete, every figure a number and every ratio the
# one its figures give (tests/bench_check.py). No time is asserted.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
KVER=${BENCH_KERNELS:-6.1}
[ -n "$(bash tests/vm/run.sh --list-kernels | grep "^$KVER")" ] ||
	skip "no kernel $KVER to boot"
OUTD=$(mktemp -d /tmp/kstamp-bench-smoke.XXXXXX)
trap 'rm -rf "$OUTD"' EXIT

check_ok "make bench-build" make --no-print-directory -s bench-build
if BENCH_KERNELS=$KVER BENCH_VCPUS=2 bash bench/run.sh --quick \
	--out "$OUTD/quick" > "$OUTD/log" 2>&1; then
	pass "bench/run.sh --quick ran to the end"
else
	fail "bench/run.sh --quick failed"
	cat "$OUTD/log"
fi
check_ok "the text table was written" test -s "$OUTD/quick.txt"
[ -s "$OUTD/quick.txt" ] && cat "$OUTD/quick.txt"
if [ -s "$OUTD/quick.json" ]; then
	python3 tests/bench_check.py "$OUTD/quick.json" > "$OUTD/check" || true
	grep -E '^(ok|FAIL):' "$OUTD/check" | grep -v '^ok:' || true
	PASSED=$((PASSED + $(grep -c '^ok:' "$OUTD/check" || true)))
	FAILED=$((FAILED + $(grep -c '^FAIL:' "$OUTD/check" || true)))
	echo "table checks: $(tail -n 1 "$OUTD/check")"
else
	fail "no JSON table"
fi
finish

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The benchmark at a tiny scale (bench/run.sh --quick --test: one VM,
# 2 vCPUs, fractions of a second per figure): it must run to the end, and
# its JSON table must be complete, every figure a number and every ratio
# and paired cost the one its figures give (tests/bench_check.py). When
# this tree has TLVs (lib/tlv*.c), the several-TLV case must be measured,
# else reported n/a with a reason. No time is asserted.
#
# It takes no VM lock itself (tests/run.sh runs it as one of its VM
# sections); by hand: flock /tmp/kstamp-vm.lock bash tests/bench_smoke.sh
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
KVER=${BENCH_KERNELS:-6.1}
[ -n "$(bash tests/vm/run.sh --list-kernels | grep "^$KVER")" ] ||
	skip "no kernel $KVER to boot"
OUTD=$(mktemp -d /tmp/kstamp-bench-smoke.XXXXXX)
trap 'rm -rf "$OUTD"' EXIT
TLVS=no
[ -e lib/tlv.c ] && TLVS=yes

check_ok "make bench-build" make --no-print-directory -s bench-build
start=$(date +%s)
if BENCH_KERNELS=$KVER BENCH_VCPUS=2 bash bench/run.sh --quick --test \
	--out "$OUTD/quick" > "$OUTD/log" 2>&1; then
	pass "bench/run.sh --quick ran to the end ($(($(date +%s) - start)) s)"
else
	fail "bench/run.sh --quick failed"
	cat "$OUTD/log"
fi
check_ok "the text table was written" test -s "$OUTD/quick.txt"
[ -s "$OUTD/quick.txt" ] && cat "$OUTD/quick.txt"
if [ -s "$OUTD/quick.json" ]; then
	rc=0
	python3 tests/bench_check.py "$OUTD/quick.json" --expect-tlvs "$TLVS" \
		--current > "$OUTD/check" 2>&1 || rc=$?
	grep '^FAIL:' "$OUTD/check" || true
	PASSED=$((PASSED + $(grep -c '^ok:' "$OUTD/check" || true)))
	FAILED=$((FAILED + $(grep -c '^FAIL:' "$OUTD/check" || true)))
	echo "table checks: $(tail -n 1 "$OUTD/check")"
	if [ "$rc" != 0 ] && ! grep -q '^FAIL:' "$OUTD/check"; then
		fail "tests/bench_check.py exited $rc without a verdict"
		cat "$OUTD/check"
	fi
else
	fail "no JSON table"
fi
finish

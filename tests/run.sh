#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The whole kstamp test suite: coding style, userspace unit tests, host
# network-namespace tests, and the module end to end in a VM on every
# Debian kernel installed (6.1 and 6.12). Each part prints its own
# "N passed, N failed"; this adds them up and ends with the total.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# the quick start runs this on a fresh machine: bring what it needs
if ! bash scripts/deps.sh; then
	echo "FAIL: installing dependencies (scripts/deps.sh)"
	echo "suite: 0 passed, 1 failed"
	exit 1
fi
LOGDIR=$ROOT/build/test-logs
mkdir -p "$LOGDIR"
TOTAL_PASS=0
TOTAL_FAIL=0
TOTAL_SKIP=0
# each section's wall time, for the table at the end: CI's 90 minutes are
# a budget, and this is where it goes
SUITE_T0=$SECONDS
SECT_TIMES=()

mmss() { printf '%d:%02d' $(($1 / 60)) $(($1 % 60)); }

# section NAME COMMAND...: run, show the output, add up its results
section() {
	local name=$1 log=$LOGDIR/$1.log p=0 f=0 rc line t0=$SECONDS took
	shift
	echo "=== $name: $* (at $(date -u +%T))"
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	took=$((SECONDS - t0))
	SECT_TIMES+=("$name $took")
	# a shell test's own summary is its last line of this form (the
	# output may quote other summaries before it)
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
	if [ -n "$line" ]; then
		p=${line%% passed*}
		f=${line#*passed, }
		f=${f%% failed*}
	fi
	# cmocka: "[  PASSED  ] N test(s)." / "[  FAILED  ] N test(s)"
	while read -r line; do
		p=$((p + $(echo "$line" | grep -oE '[0-9]+' | head -n 1)))
	done < <(grep -E '^\[  PASSED  \] [0-9]+ test' "$log")
	while read -r line; do
		f=$((f + $(echo "$line" | grep -oE '[0-9]+' | head -n 1)))
	done < <(grep -E '^\[  FAILED  \] [0-9]+ test' "$log")
	if [ "$rc" = 77 ]; then
		TOTAL_SKIP=$((TOTAL_SKIP + 1))
		echo "=== $name: skipped ($(mmss $took))"
		return
	fi
	# a crash or a failure nobody counted still fails the suite
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		f=1
		echo "FAIL: $name exited $rc"
	fi
	echo "=== $name: $p passed, $f failed (exit $rc) in $(mmss $took)"
	TOTAL_PASS=$((TOTAL_PASS + p))
	TOTAL_FAIL=$((TOTAL_FAIL + f))
}

build() {
	make --no-print-directory modules-all tools &&
		make --no-print-directory -C tests/bpf &&
		make --no-print-directory -C tests/unit
}

section build build
section checkpatch bash tests/checkpatch.sh
# W=1, sparse and kernel-doc over the module, as netdev's CI (about 40 s)
section kernel-checks bash tests/kernel_checks.sh
section spec python3 tests/spec_check.py
section docs python3 tests/docs_check.py
section install bash tests/install.sh
# KSTAMP-MIB under smilint, its counters against stampnl's, the subagent
# under valgrind against snmpd (no module: absent); the values with the
# module are tests/netns/snmp.sh, in the 6.1 suite below
section snmp bash tests/snmp_host.sh
section unit make --no-print-directory -C tests/unit run
section unit-valgrind make --no-print-directory -C tests/unit valgrind
# the mutation driver's own checks (seconds); `make mutation` is not in CI
section mutation-selftest python3 tests/mutation/mutate.py --self-test
section fuzz make --no-print-directory -C tests/fuzz run FUZZ_SECONDS="${FUZZ_SECONDS:-30}"
for t in tests/netns/host_*.sh tests/netns/sender_*.sh; do
	[ -e "$t" ] && section "host-$(basename "$t" .sh)" bash "$t"
done
# the monitor: many sessions, reload, states, /metrics, the unit (~40 s)
section host-monitor bash tests/netns/monitor.sh
# every end-to-end test on 6.1; on the other kernels (6.12) the module's
# own paths, reflection and the control plane, which is where kernel
# versions differ (netem.sh measures the sender, and tlv.sh's TLV code is
# the same on both): CI's 90 minutes do not hold the whole suite twice
for k in $(bash tests/vm/run.sh --list-kernels); do
	case "$k" in
	6.1.*) tests= ;;
	*) tests="reflector.sh sessions.sh" ;;
	esac
	section "vm-$k" bash tests/vm/run.sh -k "$k" -t 1500 -- \
		bash tests/netns/vm_suite.sh $tests
done
# floods, netlink and namespace churn, rmmod/insmod under traffic (about
# 2 min on 6.1 under TCG; the debug kernel runs it again under KASAN)
section vm-stress bash tests/vm/run.sh -k 6.1 -t 600 -- bash tests/netns/vm_suite.sh stress.sh
# the kernel's YNL client drives the module as an independent client: it
# comes from linux-source-6.12, so 6.12 is where it runs (about 5 min under
# TCG: every YNL call starts Python and parses the spec)
section vm-ynl bash tests/vm/run.sh -k 6.12 -t 1200 -- bash tests/netns/vm_suite.sh ynl.sh
# DKMS on the host, the DKMS-installed module in a VM (changes
# /lib/modules for its duration, and removes what it installed)
section dkms bash tests/dkms.sh
# the Debian packages: make deb, lintian, apt-get install on the host (DKMS
# builds for both kernels), the next version over it, one VM on 6.1, purge.
# After dkms: both install the module "kstamp" in DKMS, and each skips when
# the other's is there; this one purges its packages on any exit
section deb bash tests/deb.sh
# Wireshark's decoder against stampnl's numbers (tshark is slow under TCG:
# one kernel is enough for a check of the wire format)
section vm-tshark bash tests/vm/run.sh -k 6.1 -- bash tests/netns/tshark.sh
# the benchmark at a tiny scale (one VM on 6.1, about a minute): it runs
# to the end and its table is complete and consistent; no time asserted
section vm-bench bash tests/bench_smoke.sh
# the proving ground: KUnit, then the stress run under KASAN, lockdep and
# kmemleak (the debug kernel is built once per machine, then cached;
# make proving-ground runs every VM test there)
section vm-debug bash tests/debug_kernel.sh ci

echo
echo "section times (min:s):"
for st in "${SECT_TIMES[@]}"; do
	printf '  %-28s %7s\n' "${st% *}" "$(mmss "${st##* }")"
done
printf '  %-28s %7s\n' total "$(mmss $((SECONDS - SUITE_T0)))"
echo
echo "suite: $TOTAL_PASS passed, $TOTAL_FAIL failed, $TOTAL_SKIP skipped"
[ "$TOTAL_FAIL" = 0 ]

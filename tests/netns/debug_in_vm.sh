#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run inside the test VM on the debug kernel (tests/debug_kernel.sh): the
# module's KUnit suites (they run when it loads), then the end-to-end
# tests and a short stress run (or, given "stress", a longer stress run
# alone) under KASAN and lockdep, then a kmemleak scan. The VM
# harness fails the run on any BUG, WARNING, KASAN or lockdep report in
# the kernel log; this script fails on any KTAP "not ok", a missing suite,
# and a leak whose allocation trace is in the module.
. "$(dirname "$0")/../lib.sh"

LEAKS=/sys/kernel/debug/kmemleak
SUITES="stamp_wire stamp_stats stamp_cfg stamp_reflect stamp_session stamp_auth stamp_ratelimit"

[ -r "$KO" ] || skip "no module built for $(uname -r)"
mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug
[ -w "$LEAKS" ] && echo clear > "$LEAKS"

# --- KUnit ------------------------------------------------------------------
dmesg -C
check_ok "insmod (KUnit suites run)" insmod "$KO"
check_ok "rmmod" rmmod stamp_refl
dmesg > /tmp/ktap
# every result line of the KTAP output: suites, cases, parameters (a file,
# not <(...): the VM's /dev has no /dev/fd)
sed -nE 's/^\[[ 0-9.]+\] *//; s/^ *//; /^(not )?ok [0-9]+ /p' /tmp/ktap > /tmp/ktap.results
while read -r line; do
	case "$line" in
	"not ok "*) fail "KTAP: $line" ;;
	"ok "*) pass "KTAP: $line" ;;
	esac
done < /tmp/ktap.results
for s in $SUITES; do
	check_ok "KTAP: suite $s reported" grep -qE "ok [0-9]+ $s\$" /tmp/ktap
done

# --- end to end, under KASAN and lockdep ------------------------------------
# suite [ENV=VALUE...] [TEST...]: tests/vm/suite.sh, streamed so that a hang
# shows where it is, its checks added to ours
suite() {
	local a vars=() tests=()

	for a in "$@"; do
		case "$a" in
		*=*) vars+=("$a") ;;
		*) tests+=("$a") ;;
		esac
	done
	env "${vars[@]}" bash "$ROOT/tests/vm/suite.sh" "${tests[@]}" 2>&1 |
		tee /tmp/vm_suite.log || true
	add_summary /tmp/vm_suite.log 0 "suite.sh $*" ||
		fail "suite.sh $*: ended without a summary: $(tail -n 1 /tmp/vm_suite.log)"
}
# The stress test under KASAN, lockdep and kmemleak: the floods at a tenth
# of their rate (KASAN slows the kernel about tenfold, and faster floods
# starve the churn they race with); a namespace set up, flooded and
# deleted takes about a minute.
#   full (make proving-ground): every end-to-end test, then a short stress
#     run: about 55 minutes;
#   ci (tests/run.sh): the short stress run alone, about 15 minutes, what
#     CI's 90 have left (tlv.sh's TLV walk is the codec that the fuzzers
#     run under ASan and KUnit here, and tlv.sh itself runs on 6.1);
#   stress (make stress-debug): the same stress run alone, by hand.
# A namespace round takes minutes here (every process costs seconds,
# Python about ten), so the churn loops get 5 minutes to end theirs.
STRESS_SHORT="STRESS_RATE=100 STRESS_SECONDS=120 STRESS_REINSERT=2
	STRESS_NETNS_ROUNDS=1 STRESS_REAP=300"
case "${1:-full}" in
stress | ci)
	suite $STRESS_SHORT stress.sh
	;;
*)
	suite
	suite $STRESS_SHORT stress.sh
	;;
esac

# --- kmemleak ---------------------------------------------------------------
if [ -w "$LEAKS" ]; then
	# an object is reported once unreferenced for a while and two scans
	sleep 6
	echo scan > "$LEAKS"
	echo scan > "$LEAKS"
	cat "$LEAKS" > /tmp/leaks
	n=$(grep -c '^unreferenced object' /tmp/leaks || true)
	if grep -q 'stamp_refl\|\[stamp' /tmp/leaks; then
		fail "kmemleak: leaks allocated by the module"
		cat /tmp/leaks
	else
		pass "kmemleak: none allocated by the module ($n elsewhere in the kernel)"
	fi
	# others are the kernel's business, not a failure of ours: shown only
	[ "$n" = 0 ] || head -n 40 /tmp/leaks
	echo clear > "$LEAKS"
else
	fail "kmemleak: $LEAKS not available"
fi

# --- lockdep still watching -------------------------------------------------
# Lockdep turns itself off after its first report, and whenever the kernel
# is tainted by any BUG (a KASAN report at boot did that once, silently):
# a run it stopped watching proves nothing about locking.
locks=$(sed -n 's/^ *debug_locks: *//p' /proc/lockdep_stats 2>/dev/null)
check_eq "lockdep was on to the end (debug_locks)" 1 "${locks:-none}"
finish

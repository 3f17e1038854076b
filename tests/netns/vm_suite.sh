#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The end-to-end tests that need the module, run one after the other in a
# single VM boot (tests/vm/run.sh): each prints its checks and its own
# "N passed, N failed"; this adds them up into one such line.
. "$(dirname "$0")/../lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
[ $# -gt 0 ] || set -- reflector.sh sessions.sh netem.sh tlv.sh snmp.sh

# netfilter's LOCAL_IN hooks held by another user all along, so that the
# tests' rmmod and insmod under traffic never rewrite the kernel's code
# under a running vCPU (nf_keep.py says why); modules on Debian's
# kernels, built into the debug kernel
KEEP=kstamp-nfkeep
modprobe iptable_filter 2>/dev/null || true
modprobe ip6table_filter 2>/dev/null || true
ip netns del "$KEEP" 2>/dev/null || true
check_ok "netfilter's LOCAL_IN hooks held in namespace $KEEP" \
	sh -c "ip netns add $KEEP && ip netns exec $KEEP python3 $HERE/nf_keep.py"

for t in "$@"; do
	t0=$(date +%s)
	echo "=== $t (at $(date +%T))"
	# streamed, so that the console shows a test that stalls as it does
	bash "$HERE/$t" 2>&1 | tee /tmp/vm_suite.out
	rc=${PIPESTATUS[0]}
	summary=$(tail -n 1 /tmp/vm_suite.out)
	if [[ "$summary" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		PASSED=$((PASSED + BASH_REMATCH[1]))
		FAILED=$((FAILED + BASH_REMATCH[2]))
		[ "$rc" = 0 ] || [ "${BASH_REMATCH[2]}" != 0 ] ||
			fail "$t: exit $rc with no failed check"
	elif [ "$rc" = "$SKIP_CODE" ]; then
		echo "$t: skipped"
	else
		fail "$t: ended (exit $rc) without a summary"
	fi
	echo "=== $t took $(($(date +%s) - t0)) s"
done
rm -f /tmp/vm_suite.out
ip netns del "$KEEP"
finish

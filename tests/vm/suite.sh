#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The end-to-end tests that need the module, run one after the other in a
# single VM boot (tests/vm/run.sh): each prints its checks and its own
# "N passed, N failed"; this adds them up into one such line. The names
# are of tests/netns/ (the module's tests): bash tests/vm/suite.sh tlv.sh
. "$(dirname "$0")/../lib.sh"
NETNS=$ROOT/tests/netns
[ $# -gt 0 ] || set -- reflector.sh sessions.sh netem.sh tlv.sh snmp.sh

# netfilter's LOCAL_IN hooks held by another user all along, so that the
# tests' rmmod and insmod under traffic never rewrite the kernel's code
# under a running vCPU (nf_keep.py says why); modules on Debian's
# kernels, built into the debug kernel
KEEP=kstamp-nfkeep
modprobe iptable_filter 2>/dev/null || true
modprobe ip6table_filter 2>/dev/null || true
# and netdev ingress, for the fast path's hooks (nf_keep.py)
modprobe nf_tables 2>/dev/null || true
ip netns del "$KEEP" 2>/dev/null || true
defer ip netns del "$KEEP"
defer rm -f /tmp/vm_suite.out
check_ok "netfilter's LOCAL_IN hooks held in namespace $KEEP" \
	sh -c "ip netns add $KEEP && ip netns exec $KEEP python3 $HERE/nf_keep.py"

for t in "$@"; do
	t0=$(date +%s)
	echo "=== $t (at $(date +%T))"
	# streamed, so that the console shows a test that stalls as it does
	bash "$NETNS/$t" 2>&1 | tee /tmp/vm_suite.out
	rc=${PIPESTATUS[0]}
	add_summary /tmp/vm_suite.out "$rc" "$t" ||
		if [ "$rc" = "$SKIP_CODE" ]; then
			echo "$t: skipped"
		else
			fail "$t: ended (exit $rc) without a summary"
		fi
	echo "=== $t took $(($(date +%s) - t0)) s"
done
finish

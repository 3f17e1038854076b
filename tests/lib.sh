# shellcheck shell=bash
# Shared by the shell tests: checks that print what they compared, a
# summary line, and two hosts in network namespaces joined by veth.
#
#   . "$(dirname "$0")/../lib.sh"
#   netns_pair            # creates $NS_A (10.0.0.1, fd00::1) and $NS_B (.2, ::2)
#   check_eq "what" "$expected" "$actual"
#   finish                # prints "N passed, N failed", exits non-zero on failure
set -eu

SKIP_CODE=77
PASSED=0
FAILED=0
NS_A="stampA$$"
NS_B="stampB$$"
ADDR4_A=10.0.0.1
ADDR4_B=10.0.0.2
ADDR6_A=fd00::1
ADDR6_B=fd00::2

pass() {
	PASSED=$((PASSED + 1))
	echo "ok: $*"
}

fail() {
	FAILED=$((FAILED + 1))
	echo "FAIL: $*"
}

skip() {
	echo "SKIP: $*"
	exit $SKIP_CODE
}

# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1: $3"
	else
		fail "$1: expected '$2', got '$3'"
	fi
}

# check_cmp DESCRIPTION A OP B   (integer comparison: -eq -le -lt -ge -gt -ne)
check_cmp() {
	if [ "$2" "$3" "$4" ] 2>/dev/null; then
		pass "$1: $2 $3 $4"
	else
		fail "$1: not $2 $3 $4"
	fi
}

# check_ok DESCRIPTION COMMAND...   (the command must succeed)
check_ok() {
	local what=$1
	shift
	if "$@"; then
		pass "$what"
	else
		fail "$what (exit $?: $*)"
	fi
}

# wait_for OID VALUE SECONDS: poll the caller's `value OID` every half
# second until it prints VALUE; fails after SECONDS
wait_for() {
	local i
	for ((i = 0; i < $3 * 2; i++)); do
		[ "$(value "$1")" = "$2" ] && return 0
		sleep 0.5
	done
	return 1
}

# add_vm_summary LOG RC DESC: count the "N passed, N failed" that ends a
# VM run's LOG into this test's totals; a run without one, or one that
# failed without a failed check, fails
add_vm_summary() {
	local summary
	summary=$(tail -n 1 "$1")
	if [[ "$summary" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		PASSED=$((PASSED + BASH_REMATCH[1]))
		FAILED=$((FAILED + BASH_REMATCH[2]))
		[ "$2" = 0 ] || [ "${BASH_REMATCH[2]}" != 0 ] ||
			fail "$3: exit $2 with no failed check"
	else
		fail "$3: ended (exit $2) without a summary"
	fi
}

finish() {
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ]
}

netns_cleanup() {
	ip netns del "$NS_A" 2>/dev/null || true
	ip netns del "$NS_B" 2>/dev/null || true
}

# Two hosts, A and B, on one veth link with IPv4 and IPv6 (no DAD delay).
netns_pair() {
	# no module autoloading in the VM's chroot: what the tests use, by hand
	# (built in, or already loaded, on the host)
	modprobe -a veth sch_ingress cls_bpf 2>/dev/null || true
	ip netns add "$NS_A"
	ip netns add "$NS_B"
	trap netns_cleanup EXIT
	ip -n "$NS_A" link add veth0 type veth peer name veth0 netns "$NS_B"
	for ns in "$NS_A" "$NS_B"; do
		ip -n "$ns" link set lo up
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.veth0.accept_dad=0
	done
	ip -n "$NS_A" addr add $ADDR4_A/24 dev veth0
	ip -n "$NS_B" addr add $ADDR4_B/24 dev veth0
	ip -n "$NS_A" addr add $ADDR6_A/64 dev veth0 nodad
	ip -n "$NS_B" addr add $ADDR6_B/64 dev veth0 nodad
	ip -n "$NS_A" link set veth0 up
	ip -n "$NS_B" link set veth0 up
}

# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# The shell tests' library: project paths, skips, checks that print what
# they compared, a deferred-cleanup stack, stages, and two hosts in network
# namespaces joined by veth. A test is a list of stages over it:
#
#   . "$(dirname "$0")/../lib.sh"
#   requires root stampnl module jq   # skip (exit 77) with the reason
#   netns_pair            # $NS_A (10.0.0.1, fd00::1) and $NS_B (.2, ::2)
#   tmpdir TMP            # a directory removed at the end, in $TMP
#
#   stage_basic() {
#       check_eq "mode" stateless "$(inB "$STAMPNL" reflector show -j |
#           jfield mode)"
#       check_jq "5 answered" "$out" '.received == 5 and .lost == 0'
#   }
#   stage_tlv() { ...uses $A and $B... }
#   family() { ...sets A and B for IPv$1... }
#   variants family "4 6" tlv         # stage tlv runs once for each
#   run_stages                        # every stage_*, in the file's order
#   finish                            # runs the deferred commands, then
#                                     # prints "N passed, N failed"
#
# Paths: ROOT (the checkout), BUILD, STAMPNL, KO (the module for the running
# kernel; $KSTAMP_KO overrides it), HERE (the test's own folder), HELPERS
# (Python helpers shared by host and VM tests).
# Folders: tests/host/ runs on the host (no module), tests/netns/ inside the
# VM (tests/vm/suite.sh NAME.sh), tests/vm/ is the QEMU harness.
#
# TESTS="basic tlv" bash tests/netns/tlv.sh runs those stages only (and
# "tlv/6" one variant of one); the checks outside stages (setup, the final
# kernel log check) always run.
#
# `in_ns NS CMD...` runs CMD in namespace NS and echoes it (to the test's
# stderr, so that a caller's $(...) captures only CMD's output); `in` is a
# bash keyword, hence the name. `inA CMD...` and `inB CMD...` are in_ns on
# $NS_A and $NS_B.
# `defer CMD...` pushes CMD; the stack runs in reverse order from finish,
# or from the one EXIT trap this library sets (a skip, a `set -e` exit,
# a signal), each command once, its failure ignored. Scripts set no trap.
# Host tests: `start_refl ARGS...` runs tests/host/userspace_refl.py in B
# (stopped at the end, or by the next start_refl).
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

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$ROOT/build
STAMPNL=$BUILD/tools/stampnl
KO=${KSTAMP_KO:-$BUILD/kmod-$(uname -r)/kmod/stamp_refl.ko}
HERE=$(cd "$(dirname "$0")" && pwd)
HELPERS=$ROOT/tests/helpers

# the commands `in` echoes go where the test's stderr went at the start
exec {_LIB_TRACE}>&2

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

# requires WHAT...: root, stampnl, module, or a command's name; the first
# one missing skips the test with its reason
requires() {
	local r
	for r; do
		case "$r" in
		root) [ "$(id -u)" = 0 ] || skip "needs root (network namespaces)" ;;
		stampnl) [ -x "$STAMPNL" ] || skip "stampnl not built (make tools)" ;;
		module) [ -r "$KO" ] || skip "no module built for $(uname -r) (make modules-all)" ;;
		*) command -v "$r" >/dev/null || skip "$r not installed" ;;
		esac
	done
}

# --- deferred cleanup ---------------------------------------------------
_DEFERRED=()
# defer CMD...: run CMD when the test ends (last deferred, first run)
defer() {
	local q
	printf -v q ' %q' "$@"
	_DEFERRED+=("$q")
}

# tmpdir VAR: a new directory in /tmp named for the test, in VAR, removed
# when the test ends
tmpdir() {
	local d
	d=$(mktemp -d "/tmp/$(basename "$0" .sh).XXXXXX")
	defer rm -rf "$d"
	printf -v "$1" %s "$d"
}

# run_deferred: the stack, newest first, emptied as it goes
run_deferred() {
	local i
	for ((i = ${#_DEFERRED[@]} - 1; i >= 0; i--)); do
		local c=${_DEFERRED[i]}
		unset '_DEFERRED[i]'
		eval "$c" >&$_LIB_TRACE 2>&1 || true
	done
	_DEFERRED=()
}
trap run_deferred EXIT
trap 'exit 1' INT TERM HUP

# in_ns NS CMD...: CMD in namespace NS, echoed first
in_ns() {
	local ns=$1
	shift
	echo "+ [$ns]$(printf ' %q' "$@")" >&$_LIB_TRACE
	ip netns exec "$ns" "$@"
}

# inA CMD... / inB CMD...: in_ns on host A or B of netns_pair (and of
# the tests that name their own $NS_A and $NS_B)
inA() { in_ns "$NS_A" "$@"; }
inB() { in_ns "$NS_B" "$@"; }

# --- checks ---------------------------------------------------------------
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

# check_jq DESCRIPTION JSON FILTER [jq options...]: FILTER must give true
# for JSON (jq -e); on failure the JSON is printed, compacted
check_jq() {
	local what=$1 json=$2 filter=$3
	shift 3
	if jq -e "$@" "$filter" <<<"$json" >/dev/null 2>&1; then
		pass "$what"
	else
		fail "$what: not $filter in $(jq -c . <<<"$json" 2>/dev/null || echo "'$json'")"
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

# add_summary LOG RC DESC: count the "N passed, N failed" that ends LOG
# (another test's, or a VM run's) into this test's totals; a run without
# one, or one that failed without a failed check, fails. Returns 1 when LOG
# has no summary.
add_summary() {
	local summary
	summary=$(tail -n 1 "$1")
	if [[ "$summary" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		PASSED=$((PASSED + BASH_REMATCH[1]))
		FAILED=$((FAILED + BASH_REMATCH[2]))
		[ "$2" = 0 ] || [ "${BASH_REMATCH[2]}" != 0 ] ||
			fail "$3: exit $2 with no failed check"
	else
		return 1
	fi
}

# add_vm_summary LOG RC DESC: add_summary, and a run without a summary
# fails
add_vm_summary() {
	add_summary "$@" || fail "$3: ended (exit $2) without a summary"
}

# finish: the deferred commands, then "N passed, N failed" as the last
# line (tests/run.sh and tests/vm/suite.sh read it); non-zero on failure
finish() {
	run_deferred
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ]
}

# --- stages ----------------------------------------------------------------
declare -A _VARIANTS=() _VARIANT_FN=()
# variants FUNCTION "V1 V2..." STAGE...: each STAGE runs once per value,
# after `FUNCTION VALUE` has set the variant up
variants() {
	local fn=$1 vals=$2 s
	shift 2
	for s; do
		_VARIANTS[$s]=$vals
		_VARIANT_FN[$s]=$fn
	done
}

# _selected NAME [VARIANT]: whether $TESTS (empty: all) names it
_selected() {
	local t
	[ -n "${TESTS:-}" ] || return 0
	for t in $TESTS; do
		[ "$t" = "$1" ] || [ "$t" = "$1/${2:-}" ] && return 0
	done
	return 1
}

# run_stages: every stage_NAME function of the test, in the order the file
# declares them, each of its variants in turn; only those $TESTS names
run_stages() {
	local stages s v t found
	stages=$(sed -n 's/^stage_\([A-Za-z0-9_]*\)[[:space:]]*()[[:space:]]*{.*/\1/p' "$0")
	for t in ${TESTS:-}; do
		found=
		for s in $stages; do
			[ "${t%%/*}" = "$s" ] && found=1
		done
		[ -n "$found" ] || fail "TESTS names no stage of $(basename "$0"): $t (stages: $(echo $stages))"
	done
	for s in $stages; do
		if [ -n "${_VARIANTS[$s]:-}" ]; then
			for v in ${_VARIANTS[$s]}; do
				_selected "$s" "$v" || continue
				_stage_run "$s/$v" "${_VARIANT_FN[$s]}" "$v"
			done
		elif _selected "$s"; then
			_stage_run "$s" true
		fi
	done
}

# _stage_run LABEL SETUP...: one stage, timed, so that a CI log tells which
# stage of a slow script the time went to
_stage_run() {
	local label=$1 t0=$SECONDS
	shift
	echo "## stage $label"
	"$@"
	"stage_${label%%/*}"
	echo "## stage $label took $((SECONDS - t0)) s"
}

# --- namespaces --------------------------------------------------------
netns_cleanup() {
	ip netns del "$NS_A" 2>/dev/null || true
	ip netns del "$NS_B" 2>/dev/null || true
}

# Two hosts, A and B, on one veth link with IPv4 and IPv6 (no DAD delay).
netns_pair() {
	# no module autoloading in the VM's chroot: what the tests use, by hand
	# (built in, or already loaded, on the host)
	modprobe -a veth sch_ingress cls_bpf 2>/dev/null || true
	defer netns_cleanup
	ip netns add "$NS_A"
	ip netns add "$NS_B"
	ip -n "$NS_A" link set lo up
	ip -n "$NS_B" link set lo up
	netns_link
}

# netns_link: the A-B veth link with its addresses, up (netns_pair's, and
# a test's that deleted it and needs it back)
netns_link() {
	ip -n "$NS_A" link add veth0 type veth peer name veth0 netns "$NS_B"
	ip netns exec "$NS_A" sysctl -qw net.ipv6.conf.veth0.accept_dad=0
	ip netns exec "$NS_B" sysctl -qw net.ipv6.conf.veth0.accept_dad=0
	ip -n "$NS_A" addr add $ADDR4_A/24 dev veth0
	ip -n "$NS_B" addr add $ADDR4_B/24 dev veth0
	ip -n "$NS_A" addr add $ADDR6_A/64 dev veth0 nodad
	ip -n "$NS_B" addr add $ADDR6_B/64 dev veth0 nodad
	ip -n "$NS_A" link set veth0 up
	ip -n "$NS_B" link set veth0 up
}

# wait_udp NS PORT: until something listens on UDP PORT in NS (5 s at most;
# then a message on stderr and status 1)
wait_udp() {
	local _
	for _ in $(seq 50); do
		ip netns exec "$1" ss -Hlun "sport = :$2" | grep -q . && return
		sleep 0.1
	done
	echo "nothing listens on UDP port $2 in $1" >&2
	return 1
}

# --- the userspace reflector (host tests) ----------------------------------
REFL= _REFL_DEFERRED=
stop_refl() {
	if [ -n "$REFL" ]; then
		kill "$REFL" 2>/dev/null || true
		wait "$REFL" 2>/dev/null || true
	fi
	REFL=
}

# start_refl ARGS...: tests/host/userspace_refl.py ARGS in B (its stdout
# and stderr as the caller's), running when this returns: its sockets on
# 10.0.0.2:862 and [fd00::2]:862 are bound (an authenticating reflector answers no plain
# probe, so the socket is what is waited for)
start_refl() {
	local _
	stop_refl
	[ -n "$_REFL_DEFERRED" ] || defer stop_refl
	_REFL_DEFERRED=1
	ip netns exec "$NS_B" python3 "$ROOT/tests/host/userspace_refl.py" "$@" &
	REFL=$!
	for _ in $(seq 50); do
		[ "$(ip netns exec "$NS_B" ss -Huln 'sport = :862' |
			grep -c '10\.0\.0\.2:862\|\[fd00::2\]:862')" = 2 ] && return
		sleep 0.1
	done
	fail "userspace reflector did not start"
}

# jfield KEY: one key of the JSON object on stdin, arrays on one line and
# strings without quotes (nothing when it has no such key)
jfield() {
	jq -cr --arg k "$1" 'if has($k) then .[$k] else empty end'
}

# --- snmpd and kstamp-agentx (tests/host/snmp.sh, tests/netns/snmp.sh) -------
# snmp_conf DIR PORT: snmpd's configuration in DIR/snmpd.conf (AgentX on
# the Unix socket DIR/agentx, SNMP on 127.0.0.1:PORT, community public),
# more lines from stdin; and snmp_cleanup deferred. Then SNMP_RUN (an
# array, e.g. (ip netns exec NS)) says where snmpd runs.
SNMP_RUN=()
SNMPD_PID=
AGENT_PID=
snmp_conf() {
	SNMP_DIR=$1
	{
		printf '%s\n' "master agentx" "agentXSocket $1/agentx" \
			"agentaddress udp:127.0.0.1:$2" "rocommunity public 127.0.0.1"
		cat
	} > "$1/snmpd.conf"
	defer snmp_cleanup
}

# start_snmpd: in the foreground, logging to SNMP_DIR; through env's exec,
# $SNMPD_PID is snmpd itself
start_snmpd() {
	"${SNMP_RUN[@]}" env SNMP_PERSISTENT_DIR="$SNMP_DIR/persist" \
		snmpd -f -Lf "$SNMP_DIR/snmpd.log" -C -c "$SNMP_DIR/snmpd.conf" \
		-m '' > "$SNMP_DIR/snmpd.out" 2>&1 &
	SNMPD_PID=$!
}

# restart_snmpd: snmpd goes away and comes back (the subagent must notice)
restart_snmpd() {
	kill "$SNMPD_PID"
	wait "$SNMPD_PID" 2>/dev/null || true
	start_snmpd
}

# stop_agent WHAT: SIGTERM ends $AGENT_PID with status 0 (WHAT names the
# check), and its log SNMP_DIR/agent.log shows that it reconnected
stop_agent() {
	local rc=0
	check_ok "SIGTERM" kill -TERM "$AGENT_PID"
	wait "$AGENT_PID" || rc=$?
	AGENT_PID=
	check_eq "$1" 0 "$rc"
	grep -q "reconnect\|re-register" "$SNMP_DIR/agent.log" &&
		pass "the subagent's log shows the reconnection" ||
		fail "no reconnection in the subagent's log: $(cat "$SNMP_DIR/agent.log")"
}

# snmp_cleanup: both ended and waited for (they write into SNMP_DIR until
# they end)
snmp_cleanup() {
	[ -n "$AGENT_PID" ] && kill "$AGENT_PID" 2>/dev/null && { wait "$AGENT_PID" || true; }
	[ -n "$SNMPD_PID" ] && kill "$SNMPD_PID" 2>/dev/null && { wait "$SNMPD_PID" || true; }
	return 0
}

# check_refused DESC CMD...: CMD is refused: exit 2 and a message on
# standard error (the first line shown)
check_refused() {
	local what=$1 rc=0 err
	shift
	err=$("$@" 2>&1 >/dev/null) || rc=$?
	if [ "$rc" = 2 ] && [ -n "$err" ]; then
		pass "$what: refused: $(echo "$err" | head -n 1)"
	else
		fail "$what: exit $rc, message '$err'"
	fi
}

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The sender's authenticated mode (RFC 8762 4.4) on the host, against the
# userspace reflector: the right key, a reflector with another key (its
# requests fail there), a reflector signing its replies with another key
# (they fail here), the key from standard input, and key files and
# options refused before anything is sent.
. "$(dirname "$0")/../lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STAMPNL=$ROOT/build/tools/stampnl
[ -x "$STAMPNL" ] || skip "stampnl not built (make tools)"
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"

netns_pair
inA() { ip netns exec "$NS_A" "$@"; }
TMP=$(mktemp -d /tmp/sender_auth.XXXXXX)
REFL=
stop_refl() {
	if [ -n "$REFL" ]; then
		kill "$REFL" 2>/dev/null || true
		wait "$REFL" 2>/dev/null || true
	fi
	REFL=
}
trap 'stop_refl; rm -rf "$TMP"; netns_cleanup' EXIT
inA ping -c 1 -W 2 $ADDR4_B >/dev/null
inA ping -c 1 -W 2 $ADDR6_B >/dev/null

# start_refl ARGS...: the userspace reflector, its stderr in $TMP/refl.err
start_refl() {
	stop_refl
	: > "$TMP/refl.err"
	: > "$TMP/tos"
	ip netns exec "$NS_B" python3 "$ROOT/tests/netns/userspace_refl.py" \
		--tos-log "$TMP/tos" "$@" 2>"$TMP/refl.err" &
	REFL=$!
	# an authenticating reflector answers no plain probe: wait for its
	# socket instead
	for _ in $(seq 50); do
		ip netns exec "$NS_B" ss -uln | grep -q '10.0.0.2:862' && return
		sleep 0.1
	done
	fail "userspace reflector did not start"
}

# jcheck NAME JSON PYTHON-ASSERTIONS-ON-d
jcheck() {
	check_ok "$1" python3 -c "
import json, sys
d = json.load(sys.stdin)
$3" <<<"$2"
}

# keys: the sender's, another, and one for signing replies
KEY=$TMP/key OTHER=$TMP/other RKEY=$TMP/rkey
(umask 077
 echo "00112233445566778899aabbccddeeff 0123456789abcdef" > "$KEY"
 printf '%s\n%s\n' ffeeddccbbaa99887766554433221100 0123456789abcdef > "$OTHER"
 echo 0102030405060708090a0b0c0d0e0f10 > "$RKEY")

# --- the right key: every reply verified --------------------------------
start_refl --auth-key-file "$KEY"
rc=0
out=$(inA "$STAMPNL" sender $ADDR4_B -c 5 -i 0.05 -W 1 --auth-key-file "$KEY" -j) || rc=$?
check_eq "right key: exit status" 0 "$rc"
jcheck "right key: 5 of 5 answered, 0 auth failures, 112 octets" "$out" '
assert d["authenticated"] is True and d["auth_failures"] == 0, d
assert d["sent"] == 5 and d["received"] == 5 and d["lost"] == 0, d
assert d["length"] == 112 and all(p["length"] == 112 for p in d["packets"]), d
assert d["timestamping"] != "bpf", d'
check_eq "right key: the reflector logged no HMAC failure" 0 \
	"$(grep -c 'HMAC failure' "$TMP/refl.err" || true)"
out=$(inA "$STAMPNL" sender $ADDR6_B -c 3 -i 0.05 -W 1 -l 200 --auth-key-file "$KEY" -j)
jcheck "right key, IPv6, -l 200: all answered at 200 octets" "$out" '
assert d["received"] == 3 and d["auth_failures"] == 0, d
assert all(p["length"] == 200 for p in d["packets"]), d'
out=$(inA "$STAMPNL" sender $ADDR4_B -c 2 -i 0.05 --auth-key-file "$KEY" 2>"$TMP/err")
check_ok "right key, text: the summary says authenticated, 0 failures" \
	grep -q '^authenticated (HMAC-SHA-256): 0 replies failed' <<<"$out"
check_ok "--timestamping auto with a key: a note says why not bpf" \
	grep -q 'not with --auth-key-file (the HMAC covers T1' "$TMP/err"

# --- the key from standard input -----------------------------------------
rc=0
out=$(inA "$STAMPNL" sender $ADDR4_B -c 3 -i 0.05 --auth-key-file - -j < "$KEY") || rc=$?
check_eq "key from stdin: exit status" 0 "$rc"
jcheck "key from stdin: 3 of 3 answered" "$out" '
assert d["received"] == 3 and d["auth_failures"] == 0, d'
out=$(cat "$KEY" | inA "$STAMPNL" sender $ADDR4_B -c 2 -i 0.05 --auth-key-file - -j)
jcheck "key from a pipe: 2 of 2 answered" "$out" 'assert d["received"] == 2, d'

# --- --targets: one key for every target ---------------------------------
printf '%s\n%s\n' $ADDR4_B $ADDR6_B > "$TMP/targets"
out=$(inA "$STAMPNL" sender --targets "$TMP/targets" -c 2 -i 0.05 --auth-key-file - -j < "$KEY")
jcheck "--targets with a key from stdin: both targets verified" "$out" '
t = d["targets"]
assert [x["received"] for x in t] == [2, 2], t
assert all(x["authenticated"] and x["auth_failures"] == 0 for x in t), t'

# --- the reflector has another key: our requests fail there --------------
start_refl --auth-key-file "$OTHER"
rc=0
out=$(inA "$STAMPNL" sender $ADDR4_B -c 4 -i 0.05 -W 0.3 --auth-key-file "$KEY" -j) || rc=$?
check_eq "reflector with another key: exit 1 (no reply)" 1 "$rc"
jcheck "reflector with another key: 4 lost, no auth failure here" "$out" '
assert d["received"] == 0 and d["lost"] == 4 and d["auth_failures"] == 0, d'
check_eq "reflector with another key: it logged 4 HMAC failures" 4 \
	"$(grep -c 'HMAC failure' "$TMP/refl.err" || true)"
rc=0
inA "$STAMPNL" sender $ADDR4_B -c 2 -i 0.05 -W 0.3 -q >/dev/null || rc=$?
check_eq "authenticating reflector, unauthenticated sender: no reply" 1 "$rc"

# --- the reflector signs replies with another key: they fail here --------
start_refl --auth-key-file "$KEY" --reply-key-file "$RKEY"
rc=0
out=$(inA "$STAMPNL" sender $ADDR4_B -c 4 -i 0.05 -W 0.3 --auth-key-file "$KEY" -j) || rc=$?
check_eq "replies signed with another key: exit 1 (none believed)" 1 "$rc"
jcheck "replies signed with another key: 4 auth failures, 4 lost, no statistic" "$out" '
assert d["auth_failures"] == 4 and d["received"] == 0 and d["lost"] == 4, d
assert d["rtt"]["count"] == 0 and d["packets"] == [], d
assert d["malformed"] == 0 and d["duplicates"] == 0, d'
out=$(inA "$STAMPNL" sender $ADDR4_B -c 2 -i 0.05 -W 0.3 --auth-key-file "$KEY" --json-lines) || true
check_ok "replies signed with another key: --json-lines auth_failure events" python3 -c '
import json, sys
ev = [json.loads(l) for l in sys.stdin]
assert [e["type"] for e in ev].count("auth_failure") == 2, ev
assert all("seq" not in e for e in ev if e["type"] == "auth_failure"), ev
assert ev[-1]["type"] == "summary" and ev[-1]["auth_failures"] == 2, ev[-1]' <<<"$out"
inA "$STAMPNL" sender $ADDR4_B -c 3 -i 0.05 -W 0.3 --auth-key-file "$KEY" -q \
	--prometheus "$TMP/prom" >/dev/null || true
check_ok "replies signed with another key: --prometheus counts them" \
	python3 "$ROOT/tests/netns/prom_check.py" "$TMP/prom" \
	stamp_sender_packets_auth_failures_total=3 \
	stamp_sender_packets_received_total=0
out=$(inA "$STAMPNL" sender $ADDR4_B -c 2 -i 0.05 -W 0.3 --auth-key-file "$KEY") || true
check_ok "replies signed with another key: text summary counts them" \
	grep -q '^authenticated (HMAC-SHA-256): 2 replies failed authentication' <<<"$out"

# --- refused before anything is sent -------------------------------------
# the reflector has the right key: anything sent would show in its logs,
# as a request (TOS log) or as an HMAC failure
start_refl --auth-key-file "$KEY"
(umask 077
 echo 00112233445566778899aabbccddeef > "$TMP/odd"
 echo 00112233445566778899aabbccddeeXX > "$TMP/nonhex"
 echo 00112233445566778899aabbccddee > "$TMP/short"
 python3 -c 'print("ab" * 65)' > "$TMP/long"
 : > "$TMP/empty")
cp "$KEY" "$TMP/open"
chmod 644 "$TMP/open"
# refused KEYFILE ARGS MESSAGE...
refused() {
	local what=$1 msg=$2 rc=0 err
	shift 2
	err=$(inA "$STAMPNL" sender $ADDR4_B -c 2 -i 0.05 "$@" 2>&1 >"$TMP/out") || rc=$?
	if [ "$rc" = 2 ] && grep -q -- "$msg" <<<"$err" && [ ! -s "$TMP/out" ]; then
		pass "$what: exit 2, nothing printed on stdout: $(head -n 1 <<<"$err")"
	else
		fail "$what: exit $rc, stdout '$(cat "$TMP/out")', stderr '$err'"
	fi
}
refused "key file mode 644" "(mode 0644): chmod 600 it" --auth-key-file "$TMP/open"
refused "key file with an odd number of digits" "odd number of hex digits (31)" \
	--auth-key-file "$TMP/odd"
refused "key file with a non-hex character" "character 0x58 at offset 30 is not a hex digit" \
	--auth-key-file "$TMP/nonhex"
refused "key file too short" "the key is 15 octets, it must be 16 to 64" \
	--auth-key-file "$TMP/short"
refused "key file too long" "the key is 65 octets, it must be 16 to 64" \
	--auth-key-file "$TMP/long"
refused "empty key file" "is empty" --auth-key-file "$TMP/empty"
refused "missing key file" "key file $TMP/none: No such file" \
	--auth-key-file "$TMP/none"
refused "--timestamping bpf with a key" "bpf cannot authenticate" \
	--timestamping bpf --auth-key-file "$KEY"
refused "-l 44 with a key" "-l 44 is too short for an authenticated test packet" \
	-l 44 --auth-key-file "$KEY"
refused "-l 111 with a key (either order)" "-l 111 is too short" \
	--auth-key-file "$KEY" -l 111
sleep 0.3
check_eq "refused runs: the reflector received nothing" "0 0" \
	"$(wc -l < "$TMP/tos") $(grep -c 'HMAC failure' "$TMP/refl.err" || true)"
finish

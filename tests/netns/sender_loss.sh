#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Loss by direction on the host: the userspace reflector drops chosen
# requests (before its counter sees them: forward loss) and chosen replies
# (after: backward loss). A stateful reflector gives the exact split; a
# stateless one leaves it unknown; a reflector session older than the
# test (same source port twice) shows as a non-zero Seq base.
. "$(dirname "$0")/../lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STAMPNL=$ROOT/build/tools/stampnl
[ -x "$STAMPNL" ] || skip "stampnl not built (make tools)"
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"

netns_pair
inA() { ip netns exec "$NS_A" "$@"; }
TMP=$(mktemp -d /tmp/sender_loss.XXXXXX)
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

start_refl() {
	stop_refl
	ip netns exec "$NS_B" python3 "$ROOT/tests/netns/userspace_refl.py" "$@" &
	REFL=$!
	for _ in $(seq 50); do
		ip netns exec "$NS_B" ss -uln | grep -q '10.0.0.2:862' && return
		sleep 0.1
	done
	fail "userspace reflector did not start"
}

# split NAME JSON LOST FORWARD BACKWARD UNKNOWN STATEFUL BASE
# (FORWARD and BACKWARD "None" when the split is unknown)
split() {
	check_ok "$1: lost $3 = forward $4 + backward $5 + unknown $6, stateful $7, base $8" \
		python3 -c '
import json, sys
d = json.loads(sys.argv[1])
got = [d[k] for k in ("lost", "forward_lost", "backward_lost", "direction_unknown", "reflector_stateful", "reflector_seq_base")]
want = [int(sys.argv[2]), None if sys.argv[3] == "None" else int(sys.argv[3]),
        None if sys.argv[4] == "None" else int(sys.argv[4]), int(sys.argv[5]),
        sys.argv[6] == "true", int(sys.argv[7])]
assert got == want, (got, want)' "$2" "$3" "$4" "$5" "$6" "$7" "$8"
}

SEND="-c 12 -i 0.02 -W 0.3"

# --- stateful: the exact split ------------------------------------------
# requests 1, 2, 3 never counted; replies to 6 and 8 dropped; 11 dropped
# on the way in and 10's reply dropped: both after the last answer (9)
start_refl --stateful --drop-requests 1-3,11 --drop-replies 6,8,10
out=$(inA "$STAMPNL" sender $ADDR4_B $SEND -j) || true
split "stateful reflector" "$out" 7 3 2 2 true 0
out=$(inA "$STAMPNL" sender $ADDR4_B $SEND --json-lines) || true
split "stateful reflector, --json-lines summary" "$(tail -n 1 <<<"$out")" \
	7 3 2 2 true 0
out=$(inA "$STAMPNL" sender $ADDR4_B $SEND -q) || true
check_eq "stateful reflector, text" \
	"loss: forward 3, backward 2, unknown 2 (reflector stateful)" \
	"$(grep '^loss: ' <<<"$out")"
inA "$STAMPNL" sender $ADDR4_B $SEND -q --prometheus "$TMP/prom" >/dev/null || true
check_ok "stateful reflector, --prometheus gauges" \
	python3 "$ROOT/tests/netns/prom_check.py" "$TMP/prom" \
	stamp_sender_loss_direction_packets:forward=3 \
	stamp_sender_loss_direction_packets:backward=2 \
	stamp_sender_loss_direction_packets:unknown=2 \
	stamp_sender_reflector_stateful=1

# a session the reflector already knows: its counter goes on from 12 - 4
# reflected the first time (requests 1-3 and 11 dropped) = 8
out=$(inA "$STAMPNL" sender $ADDR4_B $SEND -s 40000 -j) || true
split "stateful reflector, first run from port 40000" "$out" 7 3 2 2 true 0
out=$(inA "$STAMPNL" sender $ADDR4_B $SEND -s 40000 -j) || true
split "stateful reflector, second run from port 40000: base 8" "$out" \
	7 3 2 2 true 8

# only backward loss: every Seq echoes ours, so nothing shows the
# reflector stateful; --stateful-reflector says it is
start_refl --stateful --drop-replies 4,5
out=$(inA "$STAMPNL" sender $ADDR4_B $SEND -j) || true
split "backward loss only, no evidence: unknown" "$out" 2 None None 2 false 0
out=$(inA "$STAMPNL" sender $ADDR4_B $SEND --stateful-reflector -j) || true
split "backward loss only, --stateful-reflector" "$out" 2 0 2 0 true 0

# --- stateless: the split is unknown, not guessed -----------------------
start_refl --drop-requests 1-3 --drop-replies 6,8
out=$(inA "$STAMPNL" sender $ADDR4_B $SEND -j) || true
split "stateless reflector" "$out" 5 None None 5 false 0
out=$(inA "$STAMPNL" sender $ADDR4_B $SEND -q) || true
check_ok "stateless reflector, text: forward ?, backward ?" \
	grep -q '^loss: forward ?, backward ?, unknown 5 (reflector looks stateless' <<<"$out"
inA "$STAMPNL" sender $ADDR4_B $SEND -q --prometheus "$TMP/prom" >/dev/null || true
check_ok "stateless reflector, --prometheus: all unknown" \
	python3 "$ROOT/tests/netns/prom_check.py" "$TMP/prom" \
	stamp_sender_loss_direction_packets:forward=0 \
	stamp_sender_loss_direction_packets:unknown=5 \
	stamp_sender_reflector_stateful=0

# --- no loss: no line, zeros --------------------------------------------
start_refl
out=$(inA "$STAMPNL" sender $ADDR4_B -c 4 -i 0.02 -j)
split "stateless reflector, no loss" "$out" 0 0 0 0 false 0
out=$(inA "$STAMPNL" sender $ADDR4_B -c 4 -i 0.02 -q)
check_eq "no loss, stateless: no loss line" 0 "$(grep -c '^loss: ' <<<"$out" || true)"

# authenticated and stateful: the split works on the 112-octet layout too
(umask 077; echo 000102030405060708090a0b0c0d0e0f > "$TMP/key")
start_refl --stateful --auth-key-file "$TMP/key" --drop-requests 2 --drop-replies 5
out=$(inA "$STAMPNL" sender $ADDR4_B $SEND --auth-key-file "$TMP/key" -j 2>/dev/null) || true
split "stateful authenticated reflector" "$out" 2 1 1 0 true 0
finish

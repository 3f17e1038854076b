#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Loss by direction on the host: the userspace reflector drops chosen
# requests (before its counter sees them: forward loss) and chosen replies
# (after: backward loss). A stateful reflector gives the exact split; a
# stateless one leaves it unknown; a reflector session older than the
# test (same source port twice) shows as a non-zero Seq base.
. "$(dirname "$0")/../lib.sh"
requires stampnl root jq

netns_pair
tmpdir TMP
inA ping -c 1 -W 2 $ADDR4_B >/dev/null

# split NAME JSON LOST FORWARD BACKWARD UNKNOWN STATEFUL BASE
# (FORWARD and BACKWARD "None" when the split is unknown)
split() {
	local f=${4/None/null} b=${5/None/null}
	check_jq "$1: lost $3 = forward $4 + backward $5 + unknown $6, stateful $7, base $8" "$2" \
		'[.lost, .forward_lost, .backward_lost, .direction_unknown,
		  .reflector_stateful, .reflector_seq_base] == $want' \
		--argjson want "[$3, $f, $b, $6, $7, $8]"
}

SEND="-c 12 -i 0.02 -W 0.3"

# --- stateful: the exact split ------------------------------------------
# requests 1, 2, 3 never counted; replies to 6 and 8 dropped; 11 dropped
# on the way in and 10's reply dropped: both after the last answer (9)
stage_stateful() {
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
		python3 "$HELPERS/prom_check.py" "$TMP/prom" \
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
}

# --- stateless: the split is unknown, not guessed -----------------------
stage_stateless() {
	start_refl --drop-requests 1-3 --drop-replies 6,8
	out=$(inA "$STAMPNL" sender $ADDR4_B $SEND -j) || true
	split "stateless reflector" "$out" 5 None None 5 false 0
	out=$(inA "$STAMPNL" sender $ADDR4_B $SEND -q) || true
	check_ok "stateless reflector, text: forward ?, backward ?" \
		grep -q '^loss: forward ?, backward ?, unknown 5 (reflector looks stateless' <<<"$out"
	inA "$STAMPNL" sender $ADDR4_B $SEND -q --prometheus "$TMP/prom" >/dev/null || true
	check_ok "stateless reflector, --prometheus: all unknown" \
		python3 "$HELPERS/prom_check.py" "$TMP/prom" \
		stamp_sender_loss_direction_packets:forward=0 \
		stamp_sender_loss_direction_packets:unknown=5 \
		stamp_sender_reflector_stateful=0
}

# --- no loss: no line, zeros --------------------------------------------
stage_no_loss() {
	start_refl
	out=$(inA "$STAMPNL" sender $ADDR4_B -c 4 -i 0.02 -j)
	split "stateless reflector, no loss" "$out" 0 0 0 0 false 0
	out=$(inA "$STAMPNL" sender $ADDR4_B -c 4 -i 0.02 -q)
	check_eq "no loss, stateless: no loss line" 0 "$(grep -c '^loss: ' <<<"$out" || true)"
}

# authenticated and stateful: the split works on the 112-octet layout too
stage_auth() {
	(umask 077; echo 000102030405060708090a0b0c0d0e0f > "$TMP/key")
	start_refl --stateful --auth-key-file "$TMP/key" --drop-requests 2 --drop-replies 5
	out=$(inA "$STAMPNL" sender $ADDR4_B $SEND --auth-key-file "$TMP/key" -j 2>/dev/null) || true
	split "stateful authenticated reflector" "$out" 2 1 1 0 true 0
}

run_stages
finish

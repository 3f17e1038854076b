#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The sender's authenticated mode (RFC 8762 4.4) on the host, against the
# userspace reflector: the right key, a reflector with another key (its
# requests fail there), a reflector signing its replies with another key
# (they fail here), the key from standard input, and key files and
# options refused before anything is sent.
. "$(dirname "$0")/../lib.sh"
requires stampnl root jq

netns_pair
tmpdir TMP
inA ping -c 1 -W 2 $ADDR4_B >/dev/null
inA ping -c 1 -W 2 $ADDR6_B >/dev/null

# refl ARGS...: the userspace reflector, its stderr in $TMP/refl.err
refl() {
	: > "$TMP/tos"
	start_refl --tos-log "$TMP/tos" "$@" 2>"$TMP/refl.err"
}

# keys: the sender's, another, and one for signing replies
KEY=$TMP/key OTHER=$TMP/other RKEY=$TMP/rkey
(umask 077
 echo "00112233445566778899aabbccddeeff 0123456789abcdef" > "$KEY"
 printf '%s\n%s\n' ffeeddccbbaa99887766554433221100 0123456789abcdef > "$OTHER"
 echo 0102030405060708090a0b0c0d0e0f10 > "$RKEY")

# --- the right key: every reply verified --------------------------------
stage_right_key() {
	refl --auth-key-file "$KEY"
	rc=0
	out=$(inA "$STAMPNL" sender $ADDR4_B -c 5 -i 0.05 -W 1 --auth-key-file "$KEY" -j) || rc=$?
	check_eq "right key: exit status" 0 "$rc"
	check_jq "right key: 5 of 5 answered, 0 auth failures, 112 octets" "$out" '
.authenticated == true and .auth_failures == 0 and
.sent == 5 and .received == 5 and .lost == 0 and
.length == 112 and all(.packets[]; .length == 112) and
.timestamping != "bpf"'
	check_eq "right key: the reflector logged no HMAC failure" 0 \
		"$(grep -c 'HMAC failure' "$TMP/refl.err" || true)"
	out=$(inA "$STAMPNL" sender $ADDR6_B -c 3 -i 0.05 -W 1 -l 200 --auth-key-file "$KEY" -j)
	check_jq "right key, IPv6, -l 200: all answered at 200 octets" "$out" '
.received == 3 and .auth_failures == 0 and all(.packets[]; .length == 200)'
	out=$(inA "$STAMPNL" sender $ADDR4_B -c 2 -i 0.05 --auth-key-file "$KEY" 2>"$TMP/err")
	check_ok "right key, text: the summary says authenticated, 0 failures" \
		grep -q '^authenticated (HMAC-SHA-256): 0 replies failed' <<<"$out"
	check_ok "--timestamping auto with a key: a note says why not bpf" \
		grep -q 'not with --auth-key-file (the HMAC covers T1' "$TMP/err"
}

# --- the key from standard input -----------------------------------------
stage_stdin_key() {
	refl --auth-key-file "$KEY"
	rc=0
	out=$(inA "$STAMPNL" sender $ADDR4_B -c 3 -i 0.05 --auth-key-file - -j < "$KEY") || rc=$?
	check_eq "key from stdin: exit status" 0 "$rc"
	check_jq "key from stdin: 3 of 3 answered" "$out" \
		'.received == 3 and .auth_failures == 0'
	out=$(cat "$KEY" | inA "$STAMPNL" sender $ADDR4_B -c 2 -i 0.05 --auth-key-file - -j)
	check_jq "key from a pipe: 2 of 2 answered" "$out" '.received == 2'
}

# --- --targets: one key for every target ---------------------------------
stage_targets() {
	refl --auth-key-file "$KEY"
	printf '%s\n%s\n' $ADDR4_B $ADDR6_B > "$TMP/targets"
	out=$(inA "$STAMPNL" sender --targets "$TMP/targets" -c 2 -i 0.05 --auth-key-file - -j < "$KEY")
	check_jq "--targets with a key from stdin: both targets verified" "$out" '
[.targets[].received] == [2, 2] and
all(.targets[]; .authenticated == true and .auth_failures == 0)'
}

# --- the reflector has another key: our requests fail there --------------
stage_other_key() {
	refl --auth-key-file "$OTHER"
	rc=0
	out=$(inA "$STAMPNL" sender $ADDR4_B -c 4 -i 0.05 -W 0.3 --auth-key-file "$KEY" -j) || rc=$?
	check_eq "reflector with another key: exit 1 (no reply)" 1 "$rc"
	check_jq "reflector with another key: 4 lost, no auth failure here" "$out" \
		'.received == 0 and .lost == 4 and .auth_failures == 0'
	check_eq "reflector with another key: it logged 4 HMAC failures" 4 \
		"$(grep -c 'HMAC failure' "$TMP/refl.err" || true)"
	rc=0
	inA "$STAMPNL" sender $ADDR4_B -c 2 -i 0.05 -W 0.3 -q >/dev/null || rc=$?
	check_eq "authenticating reflector, unauthenticated sender: no reply" 1 "$rc"
}

# --- the reflector signs replies with another key: they fail here --------
stage_reply_key() {
	refl --auth-key-file "$KEY" --reply-key-file "$RKEY"
	rc=0
	out=$(inA "$STAMPNL" sender $ADDR4_B -c 4 -i 0.05 -W 0.3 --auth-key-file "$KEY" -j) || rc=$?
	check_eq "replies signed with another key: exit 1 (none believed)" 1 "$rc"
	check_jq "replies signed with another key: 4 auth failures, 4 lost, no statistic" "$out" '
.auth_failures == 4 and .received == 0 and .lost == 4 and
.rtt.count == 0 and .packets == [] and .malformed == 0 and .duplicates == 0'
	out=$(inA "$STAMPNL" sender $ADDR4_B -c 2 -i 0.05 -W 0.3 --auth-key-file "$KEY" --json-lines) || true
	check_jq "replies signed with another key: --json-lines auth_failure events" "$out" '
[.[] | select(.type == "auth_failure")] as $f |
($f | length) == 2 and all($f[]; has("seq") | not) and
.[-1].type == "summary" and .[-1].auth_failures == 2' -s
	inA "$STAMPNL" sender $ADDR4_B -c 3 -i 0.05 -W 0.3 --auth-key-file "$KEY" -q \
		--prometheus "$TMP/prom" >/dev/null || true
	check_ok "replies signed with another key: --prometheus counts them" \
		python3 "$HELPERS/prom_check.py" "$TMP/prom" \
		stamp_sender_packets_auth_failures_total=3 \
		stamp_sender_packets_received_total=0
	out=$(inA "$STAMPNL" sender $ADDR4_B -c 2 -i 0.05 -W 0.3 --auth-key-file "$KEY") || true
	check_ok "replies signed with another key: text summary counts them" \
		grep -q '^authenticated (HMAC-SHA-256): 2 replies failed authentication' <<<"$out"
}

# --- refused before anything is sent -------------------------------------
# the reflector has the right key: anything sent would show in its logs,
# as a request (TOS log) or as an HMAC failure
stage_refused() {
	refl --auth-key-file "$KEY"
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
}

run_stages
finish

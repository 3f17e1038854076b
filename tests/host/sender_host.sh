#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# stampnl sender on the host, in network namespaces: argument errors, a
# target with no reflector, Ctrl-C, a misbehaving peer that sends
# duplicate, late and malformed replies, and the clocks: a reflector whose
# clock is not synchronized or is off, against --require-sync and the
# one-way validity the sender reports, one that writes TAI into NTP fields,
# --require-ptp (a local ptp4l, the reflector's Timestamp Information
# TLV), and twampy's 38-octet replies, measured with what they lack named
# (the real reflector is tested in the VM by reflector.sh).
. "$(dirname "$0")/../lib.sh"
ADJ=$HELPERS/adjtimex.py
requires stampnl jq

netns_pair
T=/tmp/sender_host.$$
REFL=
CLOCK_SAVED=
FAKE_PTP=
cleanup() {
	[ -z "$REFL" ] || kill "$REFL" 2>/dev/null || true
	[ -z "$FAKE_PTP" ] || kill "$FAKE_PTP" 2>/dev/null || true
	[ -z "$CLOCK_SAVED" ] || python3 "$ADJ" restore "$T.clock" || true
	rm -rf "$T".*
}
defer cleanup

# start_refl [options]: the userspace reflector, every request in $T.req
start_refl() {
	ip netns exec "$NS_B" python3 "$HERE/userspace_refl.py" \
		--req-log "$T.req" "$@" &
	REFL=$!
	wait_udp "$NS_B" 862
	: > "$T.req"
}
stop_refl() {
	kill "$REFL"
	wait "$REFL" 2>/dev/null || true
	REFL=
}
# jcheck NAME JSON PYTHON: the assertions, with the document as d
jcheck() {
	check_ok "$1" python3 -c "
import json, sys
d = json.loads(sys.argv[1])
$3" "$2"
}

# The host's own clock decides one_way_valid for a run against a good
# reflector; the host may well not be synchronized (no NTP daemon).
if python3 "$ADJ" synced; then HOST_SYNCED=True; else HOST_SYNCED=False; fi
HOST_SYNCED_JSON=$([ $HOST_SYNCED = True ] && echo true || echo false)
echo "host clock: $(python3 "$ADJ" show)"

# --- usage errors: exit 2, a message on stderr, nothing sent --------------
# a listener on the reflector's port counts what arrives
stage_usage() {
	ip netns exec "$NS_B" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.0.0.2", 862))
while True:
    s.recv(2000)
    print("got one", flush=True)
' > "$T.usage" &
	REFL=$!
	wait_udp "$NS_B" 862
	for args in "" "-c 5" "$ADDR4_B -c 0" "$ADDR4_B -c x" "$ADDR4_B -i -1" \
		    "$ADDR4_B -p 70000" "$ADDR4_B -l 43" "$ADDR4_B -W 0" \
		    "$ADDR4_B --bogus" "$ADDR4_B $ADDR6_B" "$ADDR4_B --ssid 0" \
		    "no-such-host.invalid -c 1" "$ADDR4_B -c 1 -i 0.1 --rate 10" \
		    "$ADDR4_B -c 1 --rate 10 -i 0.1"; do
		rc=0
		err=$(inA "$STAMPNL" sender $args 2>&1 >/dev/null) || rc=$?
		if [ "$rc" = 2 ] && [ -n "$err" ]; then
			pass "sender $args: exit 2: $(echo "$err" | head -n 1)"
		else
			fail "sender $args: exit $rc, message '$err'"
		fi
	done
	rc=0
	inA "$STAMPNL" sender $ADDR4_B -c 1 -i 0.1 --rate 10 2>"$T.err" || rc=$?
	check_ok "-i with --rate: the message names both" \
		grep -q -- '-i and --rate both set the schedule: give one' "$T.err"
	sleep 0.2
	check_eq "usage errors: nothing reached the reflector's port" 0 \
		"$(wc -l < "$T.usage")"
	# and the listener does count: one packet sent is one line
	inA "$STAMPNL" sender $ADDR4_B -c 1 -W 0.2 -q >/dev/null || true
	sleep 0.2
	check_eq "the port's listener counts a packet actually sent" 1 \
		"$(wc -l < "$T.usage")"
	kill "$REFL"
	wait "$REFL" 2>/dev/null || true
	REFL=
}

# --- nobody answers: all lost after the threshold, exit 1 -----------------
stage_no_answer() {
	start=$(date +%s%N)
	rc=0
	out=$(inA "$STAMPNL" sender $ADDR4_B -c 3 -i 0.1 -W 0.5 2>/tmp/sender_host.err.$$) || rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	check_eq "no reflector: exit status" 1 "$rc"
	check_ok "no reflector: says why (the port unreachable ICMP)" \
		grep -q "^stampnl sender: no reply from $ADDR4_B port 862: Connection refused (reported [1-9][0-9]* times)\$" \
		/tmp/sender_host.err.$$
	rm -f /tmp/sender_host.err.$$
	rc=0
	err=$(inA "$STAMPNL" sender 192.0.2.1 -c 2 -i 0.1 -W 0.3 2>&1 >/dev/null) || rc=$?
	check_eq "no route to the target: exit 2" 2 "$rc"
	check_eq "no route to the target: the reason" \
		"stampnl sender: 192.0.2.1: Network is unreachable" "$err"
	check_eq "no reflector: summary" \
		"3 packets transmitted, 0 received, 3 lost (100.0%), loss threshold 0.500 s" \
		"$(echo "$out" | grep 'packets transmitted')"
	check_cmp "no reflector: ends once the threshold passed (ms)" "$ms" -lt 3000
	rc=0
	out=$(inA "$STAMPNL" sender $ADDR6_B -c 2 -i 0.1 -W 0.3 -j) || rc=$?
	check_jq "no reflector: -j is valid JSON with 2 lost" "$out" '
.sent == 2 and .lost == 2 and .received == 0 and
.loss_threshold_s == 0.3 and .packets == []'
}

# --- Ctrl-C: summary so far, packets within the threshold are in flight ---
stage_ctrl_c() {
	out=$(inA timeout -s INT 1 "$STAMPNL" sender $ADDR4_B -i 0.2 -W 10) || true
	check_ok "Ctrl-C prints the summary" grep -q 'packets transmitted, 0 received, 0 lost' <<<"$out"
	check_ok "Ctrl-C: unanswered packets are in flight, not lost" \
		grep -qE '^[1-9][0-9]* still in flight when interrupted' <<<"$out"
}

# --- a peer that misbehaves -----------------------------------------------
# answers every request correctly, seq 1 twice, seq 2 only 0.7 s late (past
# the 0.5 s threshold, while the test is still running), and sends a
# 10-octet reply and one for a sequence number never sent
stage_misbehaving() {
	ip netns exec "$NS_B" python3 -c '
import socket, struct, threading, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.0.0.2", 862))
s.settimeout(10)
for _ in range(6):
    d, a = s.recvfrom(2000)
    seq, ts, err = struct.unpack("!IQH", d[:14])
    now = time.time_ns()
    ntp = ((now // 10**9 + 2208988800) << 32) | ((now % 10**9) << 32) // 10**9
    r = struct.pack("!IQHHQIQHHB3s", seq, ntp, 1, 0, ntp, seq, ts, err, 0, 64, b"")
    if seq == 2:
        threading.Timer(0.7, s.sendto, (r, a)).start()
        continue
    s.sendto(r, a)
    if seq == 1:
        s.sendto(r, a)
        s.sendto(b"x" * 10, a)
        s.sendto(struct.pack("!IQHHQIQHHB3s", 0, ntp, 1, 0, ntp, 999, ts, err, 0, 64, b""), a)
time.sleep(1)
' &
	PEER=$!
	sleep 0.5
	rc=0
	out=$(inA "$STAMPNL" sender $ADDR4_B -c 6 -i 0.3 -W 0.5 -j) || rc=$?
	wait "$PEER" || true
	check_eq "misbehaving peer: exit status (some replies)" 0 "$rc"
	check_jq "misbehaving peer: 5 received, 1 lost, 1 late, 1 duplicate, 2 malformed" "$out" '
{sent, received, lost, late, duplicates, malformed} ==
{sent: 6, received: 5, lost: 1, late: 1, duplicates: 1, malformed: 2} and
([.packets[].seq] | sort) == [0, 1, 3, 4, 5] and .rtt.count == 5'
}

# --- clocks: the reflector's S bit, and what one-way delays are worth -----
stage_clocks() {
	start_refl
	out=$(inA "$STAMPNL" sender $ADDR4_B -c 3 -i 0.05 -W 1 -j) || true
	check_jq "synchronized reflector: one_way_valid as the local clock ($HOST_SYNCED)" "$out" '
.received == 3 and .reflector_clock_synced == true and
.clock_synced == $synced and .one_way_valid == $synced and
.warnings == (if $synced then [] else ["local_clock_unsynchronized"] end)' \
		--argjson synced "$HOST_SYNCED_JSON"
	# the absolute timestamps are above 2^53: strings of digits, which jq
	# (numbers held in doubles) reads exactly; the differences are numbers
	check_jq "-j: T1..T4 are strings of digits, the delays numbers" "$out" '
[.packets[] | .t1_user_ns, .t1_ns, .t2_ns, .t3_ns, .t4_ns] |
length == 15 and all(type == "string" and test("^[0-9]{19}$"))'
	check_jq "-j: rtt_ns and forward_ns are numbers" "$out" \
		'all(.packets[]; (.rtt_ns | type) == "number" and (.forward_ns | type) == "number")'
	stop_refl

	# a reflector that says its clock is not synchronized
	start_refl --unsynced
	out=$(inA "$STAMPNL" sender $ADDR4_B -c 3 -i 0.05 -W 1 -j) || true
	check_jq "reflector unsynchronized: measured, but not valid, and why" "$out" '
.received == 3 and (.reflector_clock_synced | not) and (.one_way_valid | not) and
(.warnings | index("reflector_clock_unsynchronized")) != null and
(.warnings | index("negative_one_way_delays")) == null'
	out=$(inA "$STAMPNL" sender $ADDR4_B -c 2 -i 0.05 -W 1) || true
	check_ok "reflector unsynchronized: the text says so" grep -q \
		'^note: reflector clock not synchronized (S bit clear)' <<<"$out"
	out=$(inA "$STAMPNL" sender $ADDR4_B -c 2 -i 0.05 -W 1 --json-lines) || true
	check_jq "reflector unsynchronized: the --json-lines summary too" \
		"$(tail -n 1 <<<"$out")" '
.type == "summary" and (.one_way_valid | not) and
(.warnings | index("reflector_clock_unsynchronized")) != null'
	stop_refl

	# only the reply to seq 1 unsynchronized: the last one is fine, the test not
	start_refl --unsynced 1
	out=$(inA "$STAMPNL" sender $ADDR4_B -c 3 -i 0.05 -W 1 -j) || true
	check_jq "one reply of three unsynchronized: reflector_clock_synced false" "$out" '
.received == 3 and (.packets[-1].reflector_errest / 32768 | floor) % 2 == 1 and
(.reflector_clock_synced | not) and (.one_way_valid | not) and
(.warnings | index("reflector_clock_unsynchronized")) != null'
	stop_refl

	# a reflector whose clock is a second behind: negative forward delays
	start_refl --clock-offset -1
	out=$(inA "$STAMPNL" sender $ADDR4_B -c 3 -i 0.05 -W 1 -j) || true
	check_jq "reflector 1 s behind: negative forward delays, flagged" "$out" '
.received == 3 and .reflector_clock_synced == true and
all(.packets[]; -1.1e9 < .forward_ns and .forward_ns < -0.9e9 and
	0.9e9 < .backward_ns and .backward_ns < 1.1e9) and
(.one_way_valid | not) and
(.warnings | index("negative_one_way_delays")) != null'
	out=$(inA "$STAMPNL" sender $ADDR4_B -c 2 -i 0.05 -W 1) || true
	check_ok "reflector 1 s behind: the text warns" grep -q \
		'^warning: negative one-way delays' <<<"$out"
	stop_refl

	# a reflector that writes TAI into NTP fields: named as such, not as
	# clocks that disagree (its offset is TAI - UTC, 37 s); a reflector 20 s
	# ahead is not taken for one
	start_refl --tai-in-ntp
	out=$(inA "$STAMPNL" sender $ADDR4_B -c 3 -i 0.05 -W 1 -j) || true
	check_jq "reflector writing TAI into NTP fields: named in -j, not a generic warning" "$out" '
.received == 3 and
(.warnings | index("reflector_tai_in_ntp_timestamps")) != null and
(.warnings | index("negative_one_way_delays")) == null and
(.one_way_valid | not) and
36.5e9 < .reflector_offset_ns.min and
.reflector_offset_ns.min <= .reflector_offset_ns.max and
.reflector_offset_ns.max < 37.5e9'
	out=$(inA "$STAMPNL" sender $ADDR4_B -c 2 -i 0.05 -W 1 --prometheus "$T.prom") || true
	check_ok "reflector writing TAI into NTP fields: the text names it" grep -q \
		'^warning: the reflector writes TAI into NTP-format timestamps' <<<"$out"
	check_ok "reflector writing TAI into NTP fields: no generic warning in the text" \
		sh -c '! grep -q "negative one-way delays" "$1"' sh - <<<"$out"
	check_ok "reflector writing TAI into NTP fields: the Prometheus gauge is 1" grep -q \
		'^stamp_sender_reflector_tai_in_ntp{.*} 1$' "$T.prom"
	stop_refl
	start_refl --clock-offset 20
	out=$(inA "$STAMPNL" sender $ADDR4_B -c 3 -i 0.05 -W 1 -j) || true
	check_jq "reflector 20 s ahead: clocks disagree, not TAI in NTP fields" "$out" '
.received == 3 and
(.warnings | index("negative_one_way_delays")) != null and
(.warnings | index("reflector_tai_in_ntp_timestamps")) == null'
	stop_refl
}

# --- a short reply that carries the four timestamps is a measurement ------
# Nokia's twampy answers a 44-octet request with 38 octets, up to the
# Session-Sender Error Estimate, without the Sender TTL
stage_short_reply() {
	start_refl --twampy
	out=$(inA "$STAMPNL" sender $ADDR4_B -c 20 -i 0.02 -W 5 -j \
		--prometheus "$T.prom") || true
	jcheck "twampy's 38-octet replies: 20 of 20 measured, sender_ttl missing in each" "$out" "
assert d['sent'] == 20 and d['received'] == 20, (d['sent'], d['received'])
assert d['malformed'] == 0 and d['rtt']['count'] == 20, d
assert d['short_replies'] == 20, d['short_replies']
assert d['missing_fields'] == {'sender_errest': 0, 'sender_ttl': 20}, d['missing_fields']
for p in d['packets']:
    assert p['length'] == 38 and p['sender_ttl'] is None, p
    assert p['missing'] == ['sender_ttl'], p
    t1, t2, t3, t4 = (int(p[k]) for k in ('t1_ns', 't2_ns', 't3_ns', 't4_ns'))
    assert t1 < t2 <= t3 < t4 + 10**7, p"
	check_ok "twampy's replies: Prometheus counts the missing field" grep -q \
		'^stamp_sender_replies_missing_field_total{.*field="sender_ttl"} 20$' "$T.prom"
	out=$(inA "$STAMPNL" sender $ADDR4_B -c 2 -i 0.05 -W 5) || true
	check_ok "twampy's replies: the text says what they lacked" grep -q \
		'^2 short replies (under 44 octets) measured; missing: sender_ttl in 2' <<<"$out"
	check_ok "twampy's replies: the reply line has no Sender TTL to show" grep -q \
		'^38 bytes from .* sttl=? ttl=[0-9]* (short reply)$' <<<"$out"
	stop_refl
	# the boundary: 36 octets end with T1 echoed; 35 do not, and are malformed
	start_refl --reply-len 36
	out=$(inA "$STAMPNL" sender $ADDR4_B -c 3 -i 0.05 -W 5 -j) || true
	check_jq "36-octet replies: measured, Sender Error Estimate and TTL missing" "$out" '
.received == 3 and .malformed == 0 and
.missing_fields == {sender_errest: 3, sender_ttl: 3}'
	stop_refl
	start_refl --reply-len 35
	out=$(inA "$STAMPNL" sender $ADDR4_B -c 3 -i 0.05 -W 0.5 -j) || true
	check_jq "35-octet replies: no T1 echoed, malformed, nothing measured" "$out" \
		'.received == 0 and .malformed == 3 and .lost == 3'
	stop_refl
}

# --require-sync needs the local clock synchronized before it looks at
# the reflector's. On a host without an NTP daemon, say it is, as one
# would (the state is restored on exit, and the kernel would undo it by
# itself within 30 s: adjtimex.py).
stage_require_sync() {
	MARKED=
	if [ "$HOST_SYNCED" = False ]; then
		python3 "$ADJ" save "$T.clock" && CLOCK_SAVED=1
		[ -z "$CLOCK_SAVED" ] || { python3 "$ADJ" mark-synced && MARKED=1; }
	fi
	if [ "$HOST_SYNCED" = True ] || [ -n "$MARKED" ]; then
		start_refl --unsynced
		rc=0
		out=$(inA "$STAMPNL" sender $ADDR4_B -c 50 -i 0.05 -W 1 --require-sync \
			2>"$T.err") || rc=$?
		check_eq "--require-sync, reflector unsynchronized: exit status" 2 "$rc"
		check_ok "--require-sync: the error names the reflector's clock" grep -q \
			"require-sync: the reflector's clock is not synchronized (S bit clear in its Error Estimate, reply to seq 0)" \
			"$T.err"
		check_cmp "--require-sync: the first reply ended it (requests of 50)" \
			"$(wc -l < "$T.req")" -le 3
		check_ok "--require-sync: no reply line, no summary" \
			sh -c '! grep -qE "bytes from|packets transmitted" "$1"' sh - <<<"$out"
		rc=0
		out=$(inA "$STAMPNL" sender $ADDR4_B -c 50 -i 0.05 -W 1 --require-sync -j \
			2>/dev/null) || rc=$?
		check_eq "--require-sync -j: exit 2, no document" "2 ''" "$rc '$out'"
		stop_refl

		start_refl --unsynced 1
		rc=0
		out=$(inA "$STAMPNL" sender $ADDR4_B -c 50 -i 0.05 -W 1 --require-sync \
			2>"$T.err") || rc=$?
		check_eq "--require-sync, reply to seq 1 unsynchronized: exit status" 2 "$rc"
		check_ok "--require-sync: stopped at the reply to seq 1" grep -q \
			'S bit clear in its Error Estimate, reply to seq 1)' "$T.err"
		check_cmp "--require-sync: stopped there (requests of 50)" \
			"$(wc -l < "$T.req")" -le 4
		stop_refl

		start_refl
		rc=0
		out=$(inA "$STAMPNL" sender $ADDR4_B -c 3 -i 0.05 -W 1 --require-sync -j) || rc=$?
		check_eq "--require-sync, both clocks synchronized: exit status" 0 "$rc"
		check_jq "--require-sync, both synchronized: one_way_valid, no warnings" "$out" \
			'.received == 3 and .clock_synced == true and .one_way_valid == true and .warnings == []'
		stop_refl

		# --require-ptp: the local clock kept by ptp4l or phc2sys, and the
		# reflector's Timestamp Information TLV naming PTP for T2 and T3
		if pgrep -x 'ptp4l|phc2sys' >/dev/null; then
			echo "SKIP: --require-ptp without a local PTP daemon: one runs here"
		else
			start_refl --ts-info ptp
			rc=0
			inA "$STAMPNL" sender $ADDR4_B -c 3 -i 0.05 -W 1 --require-ptp \
				>/dev/null 2>"$T.err" || rc=$?
			check_eq "--require-ptp, no ptp4l or phc2sys here: exit status" 2 "$rc"
			check_ok "--require-ptp: the error names the local clock" grep -q \
				'require-ptp: the local clock is not PTP-synchronized' "$T.err"
			check_eq "--require-ptp, local clock refused: nothing sent" 0 \
				"$(wc -l < "$T.req")"
			stop_refl
		fi
		# a process named ptp4l is what the sender looks for (/proc/PID/comm)
		mkdir -p "$T.bin"
		cp "$(command -v sleep)" "$T.bin/ptp4l"
		"$T.bin/ptp4l" 120 &
		FAKE_PTP=$!
		start_refl --ts-info ptp
		rc=0
		out=$(inA "$STAMPNL" sender $ADDR4_B -c 3 -i 0.05 -W 1 --require-ptp -j) || rc=$?
		check_eq "--require-ptp, both clocks PTP: exit status" 0 "$rc"
		jcheck "--require-ptp, both clocks PTP: measured, the TLV says ptp" "$out" "
assert d['received'] == 3, d
assert d['tlv']['timestamp_info']['t2_sync'] == 'ptp', d['tlv']"
		stop_refl
		for refl in "--ts-info ntp" ""; do
			start_refl $refl
			rc=0
			out=$(inA "$STAMPNL" sender $ADDR4_B -c 50 -i 0.05 -W 1 --require-ptp \
				2>"$T.err") || rc=$?
			check_eq "--require-ptp, reflector ${refl:-without Timestamp Information}: exit status" 2 "$rc"
			if [ -n "$refl" ]; then
				check_ok "--require-ptp: the error names the reflector's sync source" grep -q \
					"require-ptp: the reflector's clock is not PTP-synchronized (Timestamp Information: T2 ntp, T3 ntp) (reply to seq 0)" "$T.err"
			else
				check_ok "--require-ptp: the error says the TLV went unanswered" grep -q \
					'require-ptp: the reflector did not answer the Timestamp Information TLV (U)' "$T.err"
			fi
			check_cmp "--require-ptp: the first reply ended it (requests of 50)" \
				"$(wc -l < "$T.req")" -le 3
			stop_refl
		done
		kill "$FAKE_PTP"
		wait "$FAKE_PTP" 2>/dev/null || true
		FAKE_PTP=
	else
		echo "SKIP: --require-sync against an unsynchronized reflector: the local clock is not synchronized, and adjtimex may not say it is here"
	fi
	if [ -n "$CLOCK_SAVED" ]; then
		python3 "$ADJ" restore "$T.clock"
		CLOCK_SAVED=
	fi
}

run_stages
finish

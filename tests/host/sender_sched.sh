#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The sender's schedules and packet options on the host, against the
# userspace reflector: duration, rate (batched) mode, Poisson and random
# start, DSCP/ECN as the reflector receives them, quiet output, and the
# combinations that are refused. Nothing here asserts a time.
. "$(dirname "$0")/../lib.sh"
requires stampnl root jq

netns_pair
TOS=/tmp/sender_sched_tos.$$
defer rm -f $TOS
start_refl --tos-log $TOS
inA ping -c 1 -W 2 $ADDR4_B >/dev/null
inA ping -c 1 -W 2 $ADDR6_B >/dev/null


# -w: packets due before the end of the duration are sent, no more
out=$(inA "$STAMPNL" sender $ADDR4_B -w 0.5 -i 0.1 -W 1 -j)
check_jq "-w 0.5 -i 0.1: 5 sent, all answered" "$out" \
	'.sent == 5 and .received == 5'
out=$(inA "$STAMPNL" sender $ADDR4_B -w 10 -c 3 -i 0.05 -j)
check_jq "-w with -c: the count ends it first" "$out" '.sent == 3'

# rate mode: many packets per poll wakeup; the achieved rate is reported
out=$(inA "$STAMPNL" sender $ADDR4_B --rate 2000 -c 1000 -W 2 -j)
check_jq "--rate 2000 -c 1000: all sent and answered, rate reported" "$out" '
.sent == 1000 and .received + .lost == 1000 and
.interval_s == 0.0005 and .achieved_pps > 0 and
.schedule == "periodic" and has("schedule_slips")'

# batches go out with one sendmmsg() each: the calls strace counts are
# the calls the sender reports, far fewer than the packets, and every
# packet reaches the wire (B's veth counts them)
rx_b() { ip -n "$NS_B" -s -j link show veth0 | jq '.[0].stats64.rx.packets'; }
before=$(rx_b)
out=$(inA strace -f -qq -c -U calls -o /tmp/sender_sched_strace.$$ -e trace=sendmmsg \
	"$STAMPNL" sender $ADDR4_B --rate 20000 -c 2000 -W 2 -j)
after=$(rx_b)
calls=$(awk '$NF == "sendmmsg" { print $1 }' /tmp/sender_sched_strace.$$)
rm -f /tmp/sender_sched_strace.$$
check_jq "--rate 20000 -c 2000: batched sendmmsg, calls reported = strace's ($calls)" "$out" '
.sent == 2000 and .received + .lost == 2000 and
0 < .send_calls and .send_calls <= 1000 and .send_calls == $calls' \
	--argjson calls "${calls:-0}"
check_cmp "--rate: all 2000 on the wire" $((after - before)) -ge 2000
check_cmp "--rate: nothing else on the wire" $((after - before)) -le 2010

# Poisson and random start, reproducible by seed
out=$(inA "$STAMPNL" sender $ADDR6_B --poisson --seed 5 -c 20 -i 0.01 -j)
# the seed is a string: one above 2^53 must come back exact from a
# double-based reader to replay the run
check_jq "--poisson --seed 5: named and seeded in the output (the seed a string)" "$out" \
	'.schedule == "poisson" and .seed == "5" and .received == 20'
out=$(inA "$STAMPNL" sender $ADDR4_B --random-start -c 3 -i 0.1 -j)
check_jq "--random-start: periodic with a random start" "$out" \
	'.schedule == "periodic-random-start" and .received == 3'

# DSCP and ECN on the wire, as the reflector receives them
: > $TOS
inA "$STAMPNL" sender $ADDR4_B --dscp 46 --ecn 1 -c 3 -i 0.05 -q >/dev/null
inA "$STAMPNL" sender $ADDR6_B --dscp 10 -c 2 -i 0.05 -q >/dev/null
check_eq "--dscp/--ecn: TOS and Traffic Class received" "185 185 185 40 40" \
	"$(tr '\n' ' ' < $TOS | sed 's/ $//')"

# -q: the summary without a line per reply
out=$(inA "$STAMPNL" sender $ADDR4_B -c 3 -i 0.05 -q)
check_eq "-q: no per-reply lines" 0 "$(grep -c 'bytes from' <<<"$out" || true)"
check_ok "-q: the summary" grep -q '^3 packets transmitted, 3 received' <<<"$out"

# --json-lines: an object per event, a summary last
out=$(inA "$STAMPNL" sender $ADDR4_B -c 6 -i 0.05 --json-lines --report-interval 0.1)
check_jq "--json-lines: replies, intervals, then the summary" "$out" '
[.[] | select(.type == "reply")] as $replies |
[.[] | select(.type == "interval")] as $iv |
.[-1].type == "summary" and ([.[] | select(.type == "summary")] | length) == 1 and
([$replies[].seq] | sort) == [range(6)] and
all($replies[]; .rtt_ns > 0 and has("t4_ns")) and
($iv | length) > 0 and ([$iv[].sent] | add) <= 6 and
all($iv[]; .interval_s == 0.1) and
.[-1].received == 6 and (.[-1] | has("packets") | not)' -s
out=$(inA "$STAMPNL" sender 10.0.0.99 -c 2 -i 0.05 -W 0.2 --json-lines) || true
check_jq "--json-lines: a lost event per unanswered packet" "$out" \
	'[.[:-1][] | [.type, .seq]] == [["lost", 0], ["lost", 1]]' -s

# --prometheus: a textfile node_exporter can read, renamed into place
PROM=/tmp/sender_sched_prom.$$
inA "$STAMPNL" sender $ADDR4_B -c 5 -i 0.05 -q --prometheus $PROM >/dev/null
check_ok "--prometheus: exposition format, counts and quantiles" \
	python3 "$HELPERS/prom_check.py" $PROM \
	stamp_sender_packets_sent_total=5 stamp_sender_packets_received_total=5 \
	stamp_sender_packets_lost_total=0 stamp_sender_rtt_seconds_count=5 \
	stamp_sender_rtt_seconds:0.5=pos stamp_sender_rtt_seconds:0.99=pos \
	stamp_sender_clock_synchronized:reflector=1
check_ok "--prometheus: no temporary file left" sh -c "! ls $PROM.*.tmp 2>/dev/null"
rm -f $PROM
# --prometheus -: the textfile on standard output, and nothing else there
# (the report moves to standard error)
inA "$STAMPNL" sender $ADDR4_B -c 3 -i 0.05 --prometheus - > $PROM 2> $PROM.err
check_ok "--prometheus -: the textfile alone on standard output" \
	python3 "$HELPERS/prom_check.py" - \
	stamp_sender_packets_sent_total=3 stamp_sender_packets_received_total=3 < $PROM
check_ok "--prometheus -: the report on standard error" \
	grep -q '3 packets transmitted, 3 received' $PROM.err
rm -f $PROM $PROM.err

# --targets: several reflectors at once, results in the file's order
TG=/tmp/sender_sched_targets.$$
printf '# two families of one reflector\n%s\n\n%s 862  # same port, named\n' \
	$ADDR4_B $ADDR6_B > $TG
out=$(inA "$STAMPNL" sender --targets $TG -c 3 -i 0.05 -j)
check_jq "--targets -j: one document per target, in order" "$out" '
[.targets[].target] == ["10.0.0.2", "fd00::2"] and
all(.targets[]; .received == 3 and .lost == 0)'
out=$(inA "$STAMPNL" sender --targets $TG -c 2 -i 0.05)
check_eq "--targets text: a summary per target, in order" \
	"--- 10.0.0.2 stamp statistics --- --- fd00::2 stamp statistics ---" \
	"$(grep -- '^--- ' <<<"$out" | tr '\n' ' ' | sed 's/ $//')"
out=$(inA "$STAMPNL" sender --targets $TG -c 2 -i 0.05 --json-lines)
check_jq "--targets --json-lines: every line names its target" "$out" '
all(.[]; .target == "10.0.0.2" or .target == "fd00::2") and
([.[] | select(.type == "summary") | .target] | sort) == ["10.0.0.2", "fd00::2"] and
([.[] | select(.type == "reply")] | length) == 4' -s
# parsed and printed again, not spliced: "target" first and once (the
# summary line had a second one), every line a JSON object
check_jq "--targets --json-lines: \"target\" first in every line" "$out" \
	'all(.[]; keys_unsorted[0] == "target")' -s
check_eq "--targets --json-lines: \"target\" once in every line" 0 \
	"$(grep -c '"target":.*"target":' <<<"$out")"
inA "$STAMPNL" sender --targets $TG -c 2 -i 0.05 -q --prometheus $PROM >/dev/null
check_ok "--targets --prometheus: one valid file with both targets" \
	python3 "$HELPERS/prom_check.py" $PROM
check_eq "--targets --prometheus: a sent_total sample per target" 2 \
	"$(grep -c '^stamp_sender_packets_sent_total{' $PROM)"
check_ok "--targets --prometheus: no part files left" \
	sh -c "! ls $PROM.part* 2>/dev/null"
inA "$STAMPNL" sender --targets $TG -c 2 -i 0.05 -q --prometheus - > $PROM 2>/dev/null
check_ok "--targets --prometheus -: one valid textfile on standard output" \
	python3 "$HELPERS/prom_check.py" - count:stamp_sender_packets_sent_total=2 < $PROM
check_ok "--targets --prometheus -: no part files left in /tmp" \
	sh -c "! ls /tmp/stampnl-prom.* 2>/dev/null"
out=$(inA timeout -s INT 1.5 "$STAMPNL" sender --targets $TG -i 0.2 -q) || true
check_eq "--targets, Ctrl-C: every target's summary so far" 2 \
	"$(grep -c ' packets transmitted, ' <<<"$out")"
echo 10.0.0.99 >> $TG
rc=0
inA "$STAMPNL" sender --targets $TG -c 1 -W 0.3 -q >/dev/null || rc=$?
check_eq "--targets with one silent target: exit 1" 1 "$rc"
echo "10.0.0.2 99999" > $TG
rc=0
err=$(inA "$STAMPNL" sender --targets $TG -c 1 2>&1 >/dev/null) || rc=$?
check_eq "--targets, bad port: exit 2" 2 "$rc"
check_ok "--targets, bad port: names file and line" grep -q "$TG:1: " <<<"$err"
rm -f $TG $PROM

for args in "--targets /nonexistent" "-j --json-lines" "--report-interval 0" "--prometheus /nonexistent/dir/x" \
	    "-j --prometheus -" "--poisson --random-start" "--dscp 64" "--ecn 4" "--rate 0" \
	    "-w 0" "--seed x"; do
	check_refused "sender $args" inA "$STAMPNL" sender $ADDR4_B -c 1 $args
done
finish

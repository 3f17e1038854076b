#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The sender's schedules and packet options on the host, against the
# userspace reflector: duration, rate (batched) mode, Poisson and random
# start, DSCP/ECN as the reflector receives them, quiet output, and the
# combinations that are refused. Nothing here asserts a time.
. "$(dirname "$0")/../lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STAMPNL=$ROOT/build/tools/stampnl
[ -x "$STAMPNL" ] || skip "stampnl not built (make tools)"
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"

netns_pair
inA() { ip netns exec "$NS_A" "$@"; }
TOS=/tmp/sender_sched_tos.$$
ip netns exec "$NS_B" python3 "$ROOT/tests/netns/userspace_refl.py" --tos-log $TOS &
REFL=$!
trap 'kill $REFL 2>/dev/null; rm -f $TOS; netns_cleanup' EXIT
inA ping -c 1 -W 2 $ADDR4_B >/dev/null
inA ping -c 1 -W 2 $ADDR6_B >/dev/null

# jcheck NAME JSON PYTHON-ASSERTIONS-ON-d
jcheck() {
	check_ok "$1" python3 -c "
import json, sys
d = json.load(sys.stdin)
$3" <<<"$2"
}

# -w: packets due before the end of the duration are sent, no more
out=$(inA "$STAMPNL" sender $ADDR4_B -w 0.5 -i 0.1 -W 1 -j)
jcheck "-w 0.5 -i 0.1: 5 sent, all answered" "$out" \
	'assert d["sent"] == 5 and d["received"] == 5, d'
out=$(inA "$STAMPNL" sender $ADDR4_B -w 10 -c 3 -i 0.05 -j)
jcheck "-w with -c: the count ends it first" "$out" 'assert d["sent"] == 3, d'

# rate mode: many packets per poll wakeup; the achieved rate is reported
out=$(inA "$STAMPNL" sender $ADDR4_B --rate 2000 -c 1000 -W 2 -j)
jcheck "--rate 2000 -c 1000: all sent and answered, rate reported" "$out" '
assert d["sent"] == 1000 and d["received"] + d["lost"] == 1000, d
assert d["interval_s"] == 0.0005 and d["achieved_pps"] > 0, d
assert d["schedule"] == "periodic" and "schedule_slips" in d, d'

# batches go out with one sendmmsg() each: the calls strace counts are
# the calls the sender reports, far fewer than the packets, and every
# packet reaches the wire (B's veth counts them)
rx_b() { ip -n "$NS_B" -s -j link show veth0 |
	python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["rx"]["packets"])'; }
before=$(rx_b)
out=$(inA strace -f -qq -c -U calls -o /tmp/sender_sched_strace.$$ -e trace=sendmmsg \
	"$STAMPNL" sender $ADDR4_B --rate 20000 -c 2000 -W 2 -j)
after=$(rx_b)
calls=$(awk '$NF == "sendmmsg" { print $1 }' /tmp/sender_sched_strace.$$)
rm -f /tmp/sender_sched_strace.$$
jcheck "--rate 20000 -c 2000: batched sendmmsg, calls reported = strace's ($calls)" "$out" "
assert d['sent'] == 2000 and d['received'] + d['lost'] == 2000, d
assert 0 < d['send_calls'] <= 1000, d['send_calls']
assert d['send_calls'] == int('${calls:-0}'), (d['send_calls'], '$calls')"
check_cmp "--rate: all 2000 on the wire" $((after - before)) -ge 2000
check_cmp "--rate: nothing else on the wire" $((after - before)) -le 2010

# Poisson and random start, reproducible by seed
out=$(inA "$STAMPNL" sender $ADDR6_B --poisson --seed 5 -c 20 -i 0.01 -j)
jcheck "--poisson --seed 5: named and seeded in the output" "$out" '
assert d["schedule"] == "poisson" and d["seed"] == "5", d
assert d["received"] == 20, d'
out=$(inA "$STAMPNL" sender $ADDR4_B --random-start -c 3 -i 0.1 -j)
jcheck "--random-start: periodic with a random start" "$out" '
assert d["schedule"] == "periodic-random-start" and d["received"] == 3, d'

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
check_ok "--json-lines: replies, intervals, then the summary" python3 -c '
import json, sys
ev = [json.loads(l) for l in sys.stdin]
types = [e["type"] for e in ev]
assert types[-1] == "summary" and types.count("summary") == 1, types
replies = [e for e in ev if e["type"] == "reply"]
assert sorted(e["seq"] for e in replies) == list(range(6)), replies
assert all(e["rtt_ns"] > 0 and "t4_ns" in e for e in replies), replies
iv = [e for e in ev if e["type"] == "interval"]
assert iv and sum(e["sent"] for e in iv) <= 6, iv
assert all(e["interval_s"] == 0.1 for e in iv), iv
assert ev[-1]["received"] == 6 and "packets" not in ev[-1], ev[-1]' <<<"$out"
out=$(inA "$STAMPNL" sender 10.0.0.99 -c 2 -i 0.05 -W 0.2 --json-lines) || true
check_ok "--json-lines: a lost event per unanswered packet" python3 -c '
import json, sys
ev = [json.loads(l) for l in sys.stdin]
assert [(e["type"], e.get("seq")) for e in ev[:-1]] == [("lost", 0), ("lost", 1)], ev' <<<"$out"

# --prometheus: a textfile node_exporter can read, renamed into place
PROM=/tmp/sender_sched_prom.$$
inA "$STAMPNL" sender $ADDR4_B -c 5 -i 0.05 -q --prometheus $PROM >/dev/null
check_ok "--prometheus: exposition format, counts and quantiles" \
	python3 "$ROOT/tests/netns/prom_check.py" $PROM \
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
	python3 "$ROOT/tests/netns/prom_check.py" - \
	stamp_sender_packets_sent_total=3 stamp_sender_packets_received_total=3 < $PROM
check_ok "--prometheus -: the report on standard error" \
	grep -q '3 packets transmitted, 3 received' $PROM.err
rm -f $PROM $PROM.err

# --targets: several reflectors at once, results in the file's order
TG=/tmp/sender_sched_targets.$$
printf '# two families of one reflector\n%s\n\n%s 862  # same port, named\n' \
	$ADDR4_B $ADDR6_B > $TG
out=$(inA "$STAMPNL" sender --targets $TG -c 3 -i 0.05 -j)
jcheck "--targets -j: one document per target, in order" "$out" '
t = d["targets"]
assert [x["target"] for x in t] == ["10.0.0.2", "fd00::2"], t
assert all(x["received"] == 3 and x["lost"] == 0 for x in t), t'
out=$(inA "$STAMPNL" sender --targets $TG -c 2 -i 0.05)
check_eq "--targets text: a summary per target, in order" \
	"--- 10.0.0.2 stamp statistics --- --- fd00::2 stamp statistics ---" \
	"$(grep -- '^--- ' <<<"$out" | tr '\n' ' ' | sed 's/ $//')"
out=$(inA "$STAMPNL" sender --targets $TG -c 2 -i 0.05 --json-lines)
check_ok "--targets --json-lines: every line names its target" python3 -c '
import json, sys
ev = [json.loads(l) for l in sys.stdin]
assert all(e["target"] in ("10.0.0.2", "fd00::2") for e in ev), ev
assert sorted(e["target"] for e in ev if e["type"] == "summary") == ["10.0.0.2", "fd00::2"], ev
assert len([e for e in ev if e["type"] == "reply"]) == 4, ev' <<<"$out"
inA "$STAMPNL" sender --targets $TG -c 2 -i 0.05 -q --prometheus $PROM >/dev/null
check_ok "--targets --prometheus: one valid file with both targets" \
	python3 "$ROOT/tests/netns/prom_check.py" $PROM
check_eq "--targets --prometheus: a sent_total sample per target" 2 \
	"$(grep -c '^stamp_sender_packets_sent_total{' $PROM)"
check_ok "--targets --prometheus: no part files left" \
	sh -c "! ls $PROM.part* 2>/dev/null"
inA "$STAMPNL" sender --targets $TG -c 2 -i 0.05 -q --prometheus - > $PROM 2>/dev/null
check_ok "--targets --prometheus -: one valid textfile on standard output" \
	python3 "$ROOT/tests/netns/prom_check.py" - count:stamp_sender_packets_sent_total=2 < $PROM
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
	rc=0
	err=$(inA "$STAMPNL" sender $ADDR4_B -c 1 $args 2>&1 >/dev/null) || rc=$?
	if [ "$rc" = 2 ] && [ -n "$err" ]; then
		pass "sender $args: refused: $(echo "$err" | head -n 1)"
	else
		fail "sender $args: exit $rc, message '$err'"
	fi
done
finish

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The sender's statistics against a path whose behaviour is known: stampnl
# in namespace A, stamp_refl.ko answering in B, and a router namespace R
# between them whose egress towards B runs netem (forward direction only),
# so that no timestamp on either end is taken behind the emulated path.
# Run inside the test VM. Each check states its tolerance;
# the counts use about four standard deviations of the binomial, so a
# correct sender fails them about once in 30 000 runs.
. "$(dirname "$0")/../lib.sh"


requires module stampnl
modprobe sch_netem 2>/dev/null || true	# built in on the debug kernel

NS_R="stampR$$"
ADDR4_B=10.0.2.2
cleanup() {
	netns_cleanup
	ip netns del "$NS_R" 2>/dev/null || true
	rmmod stamp_refl 2>/dev/null || true
}

modprobe -a veth sch_ingress cls_bpf 2>/dev/null || true
check_ok "insmod stamp_refl" insmod "$KO"
defer cleanup
# A 10.0.1.1 -- 10.0.1.254 R 10.0.2.254 -- 10.0.2.2 B
for ns in "$NS_A" "$NS_R" "$NS_B"; do
	ip netns add "$ns"
	ip -n "$ns" link set lo up
done
ip -n "$NS_A" link add veth0 type veth peer name ra netns "$NS_R"
ip -n "$NS_B" link add veth0 type veth peer name rb netns "$NS_R"
ip -n "$NS_A" addr add 10.0.1.1/24 dev veth0
ip -n "$NS_R" addr add 10.0.1.254/24 dev ra
ip -n "$NS_R" addr add 10.0.2.254/24 dev rb
ip -n "$NS_B" addr add $ADDR4_B/24 dev veth0
for l in "$NS_A veth0" "$NS_R ra" "$NS_R rb" "$NS_B veth0"; do
	set -- $l
	ip -n "$1" link set "$2" up
done
ip -n "$NS_A" route add default via 10.0.1.254
ip -n "$NS_B" route add default via 10.0.2.254
ip netns exec "$NS_R" sysctl -qw net.ipv4.ip_forward=1
check_ok "the path works" inA ping -c 1 -W 5 $ADDR4_B

# netem ARGS...: replace A's egress qdisc
netem() {
	tc -n "$NS_R" qdisc replace dev rb root netem "$@"
}

# stats ASSERTIONS: run the sender, then python assertions on its JSON (d)
# with helpers ms(key, field) and between(name, value, lo, hi)
measure() {
	local name=$1 args=$2 code=$3 out
	out=$(inA "$STAMPNL" sender $ADDR4_B $args -q -j) || true
	check_ok "$name" python3 -c "
import json, sys
d = json.load(sys.stdin)
def ms(k, f='avg_ns'):
    return d[k][f] / 1e6
def between(what, v, lo, hi):
    assert lo <= v <= hi, '%s = %s, not within [%s, %s]' % (what, v, lo, hi)
    print('  %s = %.3f (want %s..%s)' % (what, v, lo, hi))
$code" <<<"$out"
}

# 20 ms +- 5 ms uniform jitter on the forward path, nothing on the way back
netem delay 20ms 5ms
measure "delay 20ms jitter 5ms: forward mean, spread, backward untouched" \
	"-c 300 -i 0.03 -W 2" '
assert d["received"] == 300, d["received"]
assert d["timestamping"] == "bpf", d["timestamping"]
# netem adds 15..25 ms; the path itself, well under 3 ms even under TCG
between("forward avg ms", ms("forward"), 19.5, 23)
between("forward min ms", ms("forward", "min_ns"), 14.9, 18)
# The upper tail by p90: scheduling hiccups of the TCG VM add milliseconds
# to a few packets (p99 and max went past 28 ms in CI), and say nothing
# about netem or the sender. p90 of U(15, 25) is 24 ms, and its sampling
# sd over 300 packets is 0.17 ms: 4 sigma, plus the delay of the path itself.
between("forward max ms", ms("forward", "max_ns"), 24.5, 1000)
between("forward p99 ms", ms("forward", "p99_ns"), 24, 1000)
between("forward p90 ms", ms("forward", "p90_ns"), 23.3, 26)
# uniform over 10 ms: sd 2.89 ms
between("forward sd ms", ms("forward", "mdev_ns"), 2.3, 4)
between("rtt avg ms", ms("rtt"), 19.5, 23)
between("backward avg ms", ms("backward"), 0, 3)
# percentiles: the median of 15..25 ms is 20
between("forward p50 ms", ms("forward", "p50_ns"), 18.5, 22)
# PDV (RFC 5481): D - min D, uniform over 0..10 ms
between("forward pdv p50 ms", d["pdv"]["forward"]["p50_ns"] / 1e6, 3.5, 6.5)
# p90 of D minus min D: 9 ms, with the same allowance as p90 above
between("forward pdv p90 ms", d["pdv"]["forward"]["p90_ns"] / 1e6, 7.8, 11)
# IPDV (RFC 3393): E|U1 - U2| for U uniform over 10 ms is 10/3 ms
between("forward ipdv jitter ms", d["ipdv"]["forward"]["jitter_ns"] / 1e6, 2.6, 4.2)
between("backward ipdv jitter ms", d["ipdv"]["backward"]["jitter_ns"] / 1e6, 0, 1)
assert d["ipdv"]["forward"]["count"] == 299, d["ipdv"]["forward"]
# 30 ms apart, 10 ms of jitter cannot reorder
assert d["reordering"]["reordered"] == 0, d["reordering"]
assert sum(b["count"] for b in d["rtt_histogram"]) == 300, d["rtt_histogram"]'

# loss: binomial(400, 0.2): mean 80, sd 8
netem loss 20%
measure "loss 20%: lost packets, threshold, nothing late" "-c 400 -i 0.005 -W 1" '
between("lost", d["lost"], 48, 112)
assert d["received"] + d["lost"] == 400 and d["late"] == 0, d
assert d["loss_threshold_s"] == 1, d
between("loss_pct", d["loss_pct"], 12, 28)'

# duplication: binomial(400, 0.1): mean 40, sd 6
netem duplicate 10%
measure "duplicate 10%: duplicates counted apart, none lost" "-c 400 -i 0.005 -W 1" '
between("duplicates", d["duplicates"], 16, 64)
assert d["received"] == 400 and d["lost"] == 0, d'

# reordering: a quarter of the packets skip the 10 ms delay and overtake
# the delayed ones sent in the 10 ms before them (RFC 4737: those arrive
# after a later sequence number, so they are the reordered ones). At 2 ms
# that is about 5 packets, but after a TCG stall the sender catches up with
# a batch of up to 64 in one sendmmsg(), all within the same 10 ms (CI saw
# 24), so the extent is bounded by a batch plus the schedule, well under
# the 400 a wrong extent computation would give.
netem delay 10ms reorder 25% 50%
measure "reorder 25%: reordered packets counted, none lost" "-c 400 -i 0.002 -W 1" '
assert d["received"] == 400 and d["lost"] == 0, d
between("reordered ratio", d["reordering"]["ratio"], 0.05, 0.9)
between("max extent", d["reordering"]["max_extent"], 1, 70)'

# a delay longer than the loss threshold: every reply late, all lost
netem delay 300ms
measure "delay 300ms, -W 0.1: all lost, answers counted late" "-c 10 -i 0.05 -W 0.1" '
assert d["lost"] == 10 and d["received"] == 0, d
between("late", d["late"], 1, 10)'
tc -n "$NS_R" qdisc del dev rb root

# --- forward and backward loss against the stateful reflector -------------
# Exact, not statistical: netem counts what it dropped, and the sender must
# attribute each of those drops to the right direction. Nothing but the
# test's packets may cross the lossy link: static neighbours, no IPv6.
for l in "$NS_A veth0" "$NS_R ra" "$NS_R rb" "$NS_B veth0"; do
	set -- $l
	ip netns exec "$1" sysctl -qw net.ipv6.conf."$2".disable_ipv6=1
done
ip -n "$NS_R" neigh replace $ADDR4_B dev rb nud permanent lladdr \
	"$(ip -n "$NS_B" -br link show veth0 | awk '{print $3}')"
ip -n "$NS_R" neigh replace 10.0.1.1 dev ra nud permanent lladdr \
	"$(ip -n "$NS_A" -br link show veth0 | awk '{print $3}')"
ip -n "$NS_B" neigh replace 10.0.2.254 dev veth0 nud permanent lladdr \
	"$(ip -n "$NS_R" -br link show rb | awk '{print $3}')"
ip -n "$NS_A" neigh replace 10.0.1.254 dev veth0 nud permanent lladdr \
	"$(ip -n "$NS_R" -br link show ra | awk '{print $3}')"
check_ok "reflector stateful" ip netns exec "$NS_B" "$STAMPNL" reflector set mode stateful

# split DEV SENDER-ARGS: 15% loss on R's DEV, then the sender's split
# against what netem says it dropped
split() {
	local dev=$1 args=$2 out dropped
	tc -n "$NS_R" qdisc replace dev "$dev" root netem loss 15%
	# a new source port each time: a new session, counting from 0
	out=$(inA "$STAMPNL" sender $ADDR4_B -c 300 -i 0.005 -W 1 -q -j $args) || true
	dropped=$(tc -n "$NS_R" -s qdisc show dev "$dev" |
		sed -nE 's/.*dropped ([0-9]+).*/\1/p' | head -n 1)
	tc -n "$NS_R" qdisc del dev "$dev" root
	echo "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["lost"], json.dumps(d["reflector_stateful"]), d["forward_lost"], d["backward_lost"], d["direction_unknown"])' |
	{ read -r lost stateful fwd bwd unknown; echo "$dropped $lost $stateful $fwd $bwd $unknown"; }
}
read -r dropped lost stateful fwd bwd unknown <<<"$(split rb "")"
check_cmp "forward loss: netem dropped requests" "$dropped" -gt 10
check_eq "forward loss: all of it lost" "$dropped" "$lost"
check_eq "forward loss: reflector seen as stateful" true "$stateful"
check_eq "forward loss: forward + unknown tail = netem's drops, none backward" \
	"$dropped 0" "$((fwd + unknown)) $bwd"
read -r dropped lost stateful fwd bwd unknown <<<"$(split ra --stateful-reflector)"
check_cmp "backward loss: netem dropped replies" "$dropped" -gt 10
check_eq "backward loss: backward + unknown tail = netem's drops, none forward" \
	"$dropped 0" "$((bwd + unknown)) $fwd"
finish

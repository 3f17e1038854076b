#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The benchmark, run inside the test VM (tests/vm/run.sh) as root. It
# measures, in one boot, and prints as raw JSON lines between
# KSTAMP-BENCH-RAW-BEGIN and KSTAMP-BENCH-RAW-END (bench/format.py makes
# the table):
#
#   capacity  the highest loss-free rate and the CPU cost per packet of
#             stamp_refl ("kernel"), the userspace mmsg reflector
#             ("user"), ICMP echo ("icmp") and the same STAMP flood
#             dropped at stamp_refl's hook by its allow-list ("drop")
#   fidelity  the reflector's T2/T3 against a TC observer on its device
#   sender    stampnl's RTT (BPF and userspace stamps) against the wire
#   scaling   sessions, authentication, several TLVs (when stamp_refl
#             has them)
#   cpus      one generator per CPU at once
#   t3tap     wire-out - T3 (and T2 - wire-in) by an AF_PACKET tap on the
#             reflector's device (bench/t3tap.py), with the module's
#             egress-hook T3 on and off (its egress_t3 parameter), and
#             with the fast path on (kmod/fastpath.c: its own T3)
#   turnaround  stamp_refl against a TC BPF in-place turnaround
#             (bench/tcrefl.bpf.c) and the cost of the floods it drops
#             ("not allowed", "wrong key"), authenticated requests
#             answered ("authenticated"), and the fast path
#             (stampnl reflector set fast-path) answering the same
#             flood at B's netdev ingress, interleaved rounds; with
#             --base-ko, the same for another build of the module (the
#             one before a change) in the same boot
#
#   bench/driver.sh [--quick] [--sections capacity,...,turnaround,t3tap]
#                   [--base-ko PATH]
#
# Host A (namespace) generates with benchgen on veth; host B reflects.
# Replies are counted and dropped by benchobs --sink on A's ingress, the
# same way for every reflector. Nothing here asserts a time.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BIN=$ROOT/build/bench
STAMPNL=$ROOT/build/tools/stampnl
KO=$ROOT/build/kmod-$(uname -r)/kmod/stamp_refl.ko

QUICK=0
SECTIONS=capacity,fidelity,sender,scaling,cpus
BASE_KO=
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) QUICK=1; shift ;;
	--sections) SECTIONS=$2; shift 2 ;;
	--base-ko) BASE_KO=$2; shift 2 ;;
	*) echo "driver.sh: unknown option $1" >&2; exit 2 ;;
	esac
done

# seconds per measurement, the rate ladder, session counts, probe counts
if [ "$QUICK" = 1 ]; then
	DUR=0.4 COST_DUR=0.6 LADDER="1000 4000" BISECT=0
	# 2000: the slab growth of learning them must stand well above the
	# slab's own churn (about 10 kB here), which 100 sessions did not
	FLOWS="1 10 2000" FID_RATE=500 SENDER_COUNT=50 TURN_ROUNDS=1
	PG_COUNT=5000 T3_RATES=100 T3_COUNT=50
else
	DUR=${BENCH_DUR:-2} COST_DUR=${BENCH_COST_DUR:-5}
	LADDER="1000 2000 4000 8000 16000 32000 64000 128000" BISECT=2
	FLOWS="1 1000 100000" FID_RATE=1000 SENDER_COUNT=1000
	TURN_ROUNDS=${BENCH_TURN_ROUNDS:-3} PG_COUNT=200000
	T3_RATES="100 1000" T3_COUNT=1000
fi
# the TLVs of the scaling section's TLV run: the types stamp_refl answers
# without a session or a key (benchgen --tlvs)
TLVS=location,timestamp-info,cos,direct-measurement,follow-up
# a loss ratio above this is loss (replies still in flight at the end of
# a run are waited for: benchgen lingers before its last count)
LOSS_MAX=0.001

for f in "$KO" "$STAMPNL" "$BIN/benchgen" "$BIN/benchrefl" "$BIN/benchobs" \
	"$BIN/tcrefl.bpf.o" "$BIN/tcdrop.bpf.o" ${BASE_KO:+"$BASE_KO"}; do
	[ -e "$f" ] || { echo "driver.sh: missing $f (make bench-build)" >&2; exit 2; }
done

NS_A=benchA$$
NS_B=benchB$$
W=/tmp/kbench.$$
OUT=$W/raw.jsonl
NCPU=$(nproc)
SINK_PID= REFL_PID= OBS_PID=

inA() { ip netns exec "$NS_A" "$@"; }
inB() { ip netns exec "$NS_B" "$@"; }

cleanup() {
	local p
	for p in $SINK_PID $REFL_PID $OBS_PID; do
		kill "$p" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	ip netns del "$NS_A" 2>/dev/null || true
	ip netns del "$NS_B" 2>/dev/null || true
	umount "$W/bpf" 2>/dev/null || true
	rmmod stamp_refl 2>/dev/null || true
}
trap cleanup EXIT

emit() { echo "$1" >> "$OUT"; }
note() { echo "bench: $*" >&2; }

# wait_file FILE: a background program says it is ready
wait_file() {
	local i
	for i in $(seq 1 200); do
		[ -e "$1" ] && return 0
		sleep 0.05
	done
	echo "driver.sh: $1 never appeared" >&2
	return 1
}

# the module's counters in B, as one JSON object
refl_stats() { inB "$STAMPNL" stats -j | tr -d '\n'; }

setup() {
	mkdir -p "$W/bpf"
	mount -t bpf bpf "$W/bpf"
	: > "$OUT"
	modprobe -a veth sch_ingress cls_bpf 2>/dev/null || true
	insmod "$KO" port=862
	ip netns add "$NS_A"
	ip netns add "$NS_B"
	ip -n "$NS_A" link add veth0 type veth peer name veth0 netns "$NS_B"
	for ns in "$NS_A" "$NS_B"; do
		ip -n "$ns" link set lo up
		# no IPv6 chatter, no ARP: only test packets on the link
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
		ip -n "$ns" link set veth0 up
	done
	ip -n "$NS_A" addr add 10.0.0.1/24 dev veth0
	ip -n "$NS_A" addr add 10.0.0.3/24 dev veth0
	ip -n "$NS_B" addr add 10.0.0.2/24 dev veth0
	MAC_A=$(inA cat /sys/class/net/veth0/address)
	MAC_B=$(inB cat /sys/class/net/veth0/address)
	ip -n "$NS_B" neigh replace 10.0.0.1 lladdr "$MAC_A" dev veth0 nud permanent
	ip -n "$NS_B" neigh replace 10.0.0.3 lladdr "$MAC_A" dev veth0 nud permanent
	ip -n "$NS_A" neigh replace 10.0.0.2 lladdr "$MAC_B" dev veth0 nud permanent
	# capacity runs: the per-source limiter would be the limit measured
	inB "$STAMPNL" reflector set rate-limit 0
}

sink_start() {
	rm -f "$W/sink.ready"
	# not through inA: $! must be the program (ip netns exec execs it)
	ip netns exec "$NS_A" "$BIN/benchobs" -i veth0 --sink -p 862 --alt-port 863 --pin "$W/bpf/sink" \
		--ready "$W/sink.ready" > "$W/sink.json" &
	SINK_PID=$!
	wait_file "$W/sink.ready"
}

sink_stop() {
	kill "$SINK_PID"
	wait "$SINK_PID" || true
	SINK_PID=
}

# user_start / user_stop: the userspace reflector in B on port 863, on
# the last CPU (the generator has CPU 0)
user_start() {
	rm -f "$W/refl.ready"
	ip netns exec "$NS_B" "$BIN/benchrefl" -p 863 --cpu $((NCPU - 1)) \
		--ready "$W/refl.ready" > "$W/refl.json" &
	REFL_PID=$!
	wait_file "$W/refl.ready"
}

# sets USER_JSON; never in $(...): wait works on our own children only
user_stop() {
	kill "$REFL_PID"
	wait "$REFL_PID" || true
	REFL_PID=
	USER_JSON=$(cat "$W/refl.json")
}

# gen_args KIND: the generator's arguments for a reflector kind
gen_args() {
	case "$1" in
	kernel | drop | tcrefl | tcdrop) echo "-p 862" ;;
	user) echo "-p 863" ;;
	icmp) echo "--icmp" ;;
	esac
}

# run_gen CASE KIND EXTRA-JSON BENCHGEN-ARGS...: one generator run on CPU
# 0 (it reports every CPU's busy time while it sends), with the module's
# counters around it for 'drop'; sets GEN (its JSON)
run_gen() {
	local case=$1 kind=$2 extra=$3 s0={} s1={}
	shift 3
	# a process start is slow under TCG: the module's counters only where
	# they are the figure (what the hook dropped)
	# (RUN_STATS=1: for this run too)
	[ "$kind" = drop ] || [ -n "${RUN_STATS:-}" ] && s0=$(refl_stats)
	GEN=$(inA "$BIN/benchgen" -i veth0 --dst-mac "$MAC_B" \
		--src 10.0.0.1,10.0.0.3 --dst 10.0.0.2 --cpu 0 \
		--count-map "$W/bpf/sink" $(gen_args "$kind") "$@")
	[ "$kind" = drop ] || [ -n "${RUN_STATS:-}" ] && s1=$(refl_stats)
	emit "{\"case\":\"$case\",\"kind\":\"$kind\"$extra,\"gen\":$GEN,\"refl_before\":$s0,\"refl_after\":$s1}"
}

# jget KEY: a number from the flat JSON object in $GEN
jget() { echo "$GEN" | sed -nE 's/.*"'"$1"'":([-0-9.e]+|null).*/\1/p'; }

# loss_free: the last run lost at most LOSS_MAX of what it sent
loss_free() {
	awk -v s="$(jget sent)" -v r="$(jget replies)" -v m="$LOSS_MAX" \
		'BEGIN { exit !(s > 0 && r != "null" && r >= s * (1 - m)) }'
}

# generator_kept_up: achieved at least 95 % of the offered rate
generator_kept_up() {
	awk -v a="$(jget achieved_pps)" -v o="$1" 'BEGIN { exit !(a >= 0.95 * o) }'
}

# ladder KIND: offered rates up the ladder until loss or until the
# generator cannot keep up, then bisection between the last good rate and
# the first bad one, then as fast as the generator goes
ladder() {
	local kind=$1 r good=0 bad=0 i mid
	# nothing comes back from the hook's drops: as fast as it goes only
	[ "$kind" = drop ] && LADDER_NOW= || LADDER_NOW=$LADDER
	for r in $LADDER_NOW; do
		run_gen ladder "$kind" ",\"offered\":$r" --rate "$r" -w "$DUR"
		if ! loss_free; then
			bad=$r
			break
		fi
		good=$r
		generator_kept_up "$r" || break
	done
	if [ "$bad" != 0 ]; then
		for i in $(seq 1 "$BISECT"); do
			mid=$(((good + bad) / 2))
			[ "$mid" -gt "$good" ] || break
			run_gen ladder "$kind" ",\"offered\":$mid" --rate "$mid" -w "$DUR"
			if loss_free; then good=$mid; else bad=$mid; fi
		done
	fi
	run_gen flat "$kind" ",\"offered\":0" -w "$DUR"
}

section_capacity() {
	local kind rate
	note "capacity: rate ladders"
	for kind in kernel icmp user drop; do
		case "$kind" in
		user) user_start ;;
		drop) inB "$STAMPNL" reflector set allow 192.0.2.1/32 ;;
		esac
		ladder "$kind"
		case "$kind" in
		user)
			user_stop
			emit "{\"case\":\"user_counters\",\"refl\":$USER_JSON}"
			;;
		drop) inB "$STAMPNL" reflector set allow any ;;
		esac
	done
	# the CPU cost of every kind at one rate the userspace reflector holds
	rate=$(awk '{ if (match($0, /"case":"ladder","kind":"user","offered":[0-9]+/)) {
			o = substr($0, RSTART, RLENGTH); sub(/.*:/, "", o)
			s = $0; sub(/.*"sent":/, "", s); sub(/,.*/, "", s)
			p = $0; sub(/.*"replies":/, "", p); sub(/[,}].*/, "", p)
			if (p != "null" && p + 0 >= (s + 0) * 0.999 && o + 0 > best)
				best = o + 0 } }
		END { r = int(best / 2); print r < 500 ? 500 : r }' "$OUT")
	note "capacity: CPU cost at $rate packets/s"
	for kind in kernel icmp user drop; do
		case "$kind" in
		user) user_start ;;
		drop) inB "$STAMPNL" reflector set allow 192.0.2.1/32 ;;
		esac
		run_gen cost "$kind" ",\"offered\":$rate" --rate "$rate" -w "$COST_DUR"
		case "$kind" in
		user)
			user_stop
			emit "{\"case\":\"user_counters_cost\",\"refl\":$USER_JSON}"
			;;
		drop) inB "$STAMPNL" reflector set allow any ;;
		esac
	done
}

# obs_start DEV-NAMESPACE ARGS...: a recording observer on a veth0
obs_start() {
	local ns=$1
	shift
	rm -f "$W/obs.ready"
	ip netns exec "$ns" "$BIN/benchobs" -i veth0 --record \
		--ready "$W/obs.ready" "$@" > "$W/obs.json" &
	OBS_PID=$!
	wait_file "$W/obs.ready"
}

# sets OBS_JSON; never in $(...), as user_stop
obs_stop() {
	kill "$OBS_PID"
	wait "$OBS_PID" || true
	OBS_PID=
	OBS_JSON=$(cat "$W/obs.json")
}

section_fidelity() {
	local kind
	note "fidelity: T2/T3 against the observer on the reflector's device"
	for kind in kernel user; do
		[ "$kind" = user ] && user_start
		obs_start "$NS_B" -p "$([ "$kind" = user ] && echo 863 || echo 862)"
		run_gen fidelity_load "$kind" ",\"offered\":$FID_RATE" \
			--rate "$FID_RATE" -w "$DUR"
		obs_stop
		emit "{\"case\":\"fidelity\",\"kind\":\"$kind\",\"offered\":$FID_RATE,\"obs\":$OBS_JSON}"
		if [ "$kind" = user ]; then
			user_stop
			emit "{\"case\":\"user_counters_fid\",\"refl\":$USER_JSON}"
		fi
	done
}

section_sender() {
	local tsm joined
	note "sender: stampnl's RTT against the observer on the sender's device"
	sink_stop
	for tsm in bpf user; do
		obs_start "$NS_A" --dump "$W/wire_rtt.txt"
		inA "$STAMPNL" sender 10.0.0.2 -c "$SENDER_COUNT" -i 0.002 -W 1 \
			--timestamping "$tsm" -j > "$W/sender.json" || true
		obs_stop
		joined=$(python3 "$HERE/join_rtt.py" "$W/sender.json" "$W/wire_rtt.txt")
		emit "{\"case\":\"sender\",\"timestamping\":\"$tsm\",\"count\":$SENDER_COUNT,\"interval_s\":0.002,\"obs\":$OBS_JSON,\"join\":$joined}"
	done
	sink_start
}

section_cpus() {
	local p pids s0 s1
	note "cpus: a generator on every CPU"
	s0=$(refl_stats)
	pids=
	for p in $(seq 0 $((NCPU - 1))); do
		inA "$BIN/benchgen" -i veth0 --dst-mac "$MAC_B" --src 10.0.0.1 \
			--dst 10.0.0.2 --cpu "$p" -p 862 -w "$DUR" > "$W/gen$p.json" &
		pids="$pids $!"
	done
	# shellcheck disable=SC2086
	wait $pids
	s1=$(refl_stats)
	emit "{\"case\":\"all_cpus\",\"kind\":\"kernel\",\"generators\":$NCPU,\"gens\":[$(cat "$W"/gen*.json | paste -sd,)],\"refl_before\":$s0,\"refl_after\":$s1}"
}

slab_kb() { awk '/^Slab:/ { print $2 }' /proc/meminfo; }
sessions_now() { refl_stats | sed -nE 's/.*"sessions": ?([0-9]+).*/\1/p'; }

# ref_run VARIANT: the hook-drop flood right after a variant, so that a
# figure is a difference between neighbours: TCG's speed drifts with the
# host's load between runs further apart
ref_run() {
	inB "$STAMPNL" reflector set allow 192.0.2.1/32
	run_gen flat drop ",\"variant\":\"ref_$1\"" "${@:2}" -w "$DUR"
	inB "$STAMPNL" reflector set allow any
}

# scaling_tlvs: requests with several TLVs (RFC 8972) against requests of
# the same length whose extra octets are zero padding, which is no TLV, so
# the difference is the TLV processing. Measured only when stamp_refl
# counts TLVs; the formatter also checks that it counted these.
scaling_tlvs() {
	local len
	note "scaling: TLVs ($TLVS)"
	case "$(refl_stats)" in
	*'"tlv":{'*) ;;
	*)
		emit "{\"case\":\"tlv\",\"supported\":false,\"tlvs\":\"$TLVS\",\"note\":\"this stamp_refl has no TLV processing: stampnl stats shows no TLV counters\"}"
		return
		;;
	esac
	inB "$STAMPNL" reflector set tlv process
	RUN_STATS=1 run_gen flat kernel ",\"variant\":\"tlv\"" --tlvs "$TLVS" -w "$DUR"
	ref_run tlv --tlvs "$TLVS"
	len=$(jget length)
	run_gen flat kernel ",\"variant\":\"tlv_pad\"" -l "$len" -w "$DUR"
	ref_run tlv_pad -l "$len"
	emit "{\"case\":\"tlv\",\"supported\":true,\"tlvs\":\"$TLVS\",\"length\":$len,\"note\":\"stamp_refl processes TLVs (tlv process)\"}"
}

learn_flows() {
	inA "$BIN/benchgen" -i veth0 --dst-mac "$MAC_B" --src 10.0.0.1,10.0.0.3 \
		--dst 10.0.0.2 --cpu 0 -p 862 --flows "$1" --rate 20000 -c "$1" \
		> /dev/null
	sleep 0.5
}

section_scaling() {
	local n s0 s1 s2 k0 k1 k2 key=$W/auth.key maxf=0
	note "scaling: authentication"
	run_gen flat kernel ",\"variant\":\"stateless\"" -w "$DUR"
	ref_run stateless
	( umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$key" )
	run_gen flat kernel ",\"variant\":\"unauth112\"" -l 112 -w "$DUR"
	ref_run unauth112 -l 112
	inB "$STAMPNL" reflector set auth on default-key-file "$key"
	run_gen flat kernel ",\"variant\":\"auth\"" --auth-key-file "$key" -w "$DUR"
	ref_run auth --auth-key-file "$key"
	inB "$STAMPNL" reflector set auth off
	scaling_tlvs

	note "scaling: stateful sessions"
	for n in $FLOWS; do
		[ "$n" -gt "$maxf" ] && maxf=$n
	done
	# before the table exists: max-sessions sizes its buckets
	inB "$STAMPNL" reflector set max-sessions $((maxf * 2)) session-idle 3600
	k0=$(slab_kb)
	inB "$STAMPNL" reflector set mode stateful
	k1=$(slab_kb)
	emit "{\"case\":\"session_table\",\"max_sessions\":$((maxf * 2)),\"slab_kb_before\":$k0,\"slab_kb_after\":$k1}"
	for n in $FLOWS; do
		k0=$(slab_kb)
		s0=$(sessions_now)
		# learn the sessions at a rate the reflector holds, then measure
		learn_flows "$n"
		k1=$(slab_kb)
		s1=$(sessions_now)
		# the same again learns nothing: the slab's own churn
		learn_flows "$n"
		k2=$(slab_kb)
		s2=$(sessions_now)
		emit "{\"case\":\"sessions_learned\",\"flows\":$n,\"sessions_before\":${s0:-0},\"sessions_after\":${s1:-0},\"slab_kb_before\":$k0,\"slab_kb_after\":$k1,\"sessions_again\":${s2:-0},\"slab_kb_again\":$k2}"
		run_gen flat kernel ",\"variant\":\"stateful\",\"sessions\":${s1:-0}" \
			--flows "$n" -w "$DUR"
		ref_run "stateful$n" --flows "$n"
	done
	inB "$STAMPNL" reflector set mode stateless
}

# load_ko PATH: this build of stamp_refl, configured as setup() does
load_ko() {
	rmmod stamp_refl
	insmod "$1" port=862
	inB "$STAMPNL" reflector set rate-limit 0
}

# turn_floods MODULE: stamp_refl reflecting, then dropping the same
# unpaced flood for not being allowed, then reflecting authenticated
# requests under its own key and dropping them under another
turn_floods() {
	local m=$1
	run_gen turn kernel ",\"variant\":\"reflected\",\"module\":\"$m\",\"round\":$r" -w "$DUR"
	[ "$PKTGEN" = 1 ] && pg_run reflected "$m"
	# the same flood answered at B's netdev ingress (kmod/fastpath.c);
	# its counters show that the fast path, not the default, answered
	if [ "$FAST" = 1 ]; then
		inB "$STAMPNL" reflector set fast-path veth0
		RUN_STATS=1 run_gen turn kernel ",\"variant\":\"fast\",\"module\":\"$m\",\"round\":$r" -w "$DUR"
		[ "$PKTGEN" = 1 ] && pg_run fast "$m"
		inB "$STAMPNL" reflector set fast-path-off veth0
	fi
	inB "$STAMPNL" reflector set allow 192.0.2.1/32
	run_gen turn drop ",\"variant\":\"not_allowed\",\"module\":\"$m\",\"round\":$r" -w "$DUR"
	inB "$STAMPNL" reflector set allow any
	inB "$STAMPNL" reflector set auth on default-key-file "$W/turn.key"
	# under its own key: what an authenticated reply costs (the request's
	# HMAC checked, the reply's signed, once or more: kmod/egress.c)
	run_gen turn kernel ",\"variant\":\"auth\",\"module\":\"$m\",\"round\":$r" \
		--auth-key-file "$W/turn.key" -w "$DUR"
	run_gen turn drop ",\"variant\":\"wrong_key\",\"module\":\"$m\",\"round\":$r" \
		--auth-key-file "$W/turn-other.key" -w "$DUR"
	inB "$STAMPNL" reflector set auth off
}

# sink_count: the STAMP replies the sink on A took so far
sink_count() {
	bpftool map lookup pinned "$W/bpf/sink" key 2 0 0 0 -j | python3 -c '
import json, sys
d = json.load(sys.stdin)
f = d.get("formatted")
print(sum(v["value"] for v in f["values"]) if f else
      sum(int.from_bytes(bytes(int(x, 16) for x in v["value"]), "little")
          for v in d["values"]))'
}

PG=/proc/net/pktgen
# pg_run VARIANT MODULE: pktgen, the kernel's own generator (a kthread on
# CPU 0 of A), sends PG_COUNT of the same requests as fast as it goes:
# faster than benchgen, so loss at its full rate shows (the receiving
# CPU's backlog overflows before the reflector answers). Its payload
# starts with pktgen's header (magic, sequence; no timestamp): a valid
# 44-octet request with MBZ zero and an Error Estimate of 0.
pg_run() {
	local s0 s1 k0={} k1={} res
	[ "$2" = none ] || k0=$(refl_stats)
	s0=$(sink_count)
	inA sh -c "
		echo rem_device_all > $PG/kpktgend_0
		echo add_device veth0 > $PG/kpktgend_0
		for c in 'count $PG_COUNT' 'clone_skb 0' 'pkt_size 86' 'delay 0' \
			'dst 10.0.0.2' 'src_min 10.0.0.1' 'src_max 10.0.0.1' \
			'dst_mac $MAC_B' 'udp_src_min 40000' 'udp_src_max 40000' \
			'udp_dst_min 862' 'udp_dst_max 862' 'flag NO_TIMESTAMP'; do
			echo \"\$c\" > $PG/veth0
		done
		echo start > $PG/pgctrl"
	sleep 0.3
	s1=$(sink_count)
	[ "$2" = none ] || k1=$(refl_stats)
	# Result: OK: 1186(c1185+d0) usec, 10000 (86byte,0frags)
	res=$(inA sed -nE 's/.*Result: OK: ([0-9]+)\(.*usec, ([0-9]+) .*/\1 \2/p' $PG/veth0)
	if [ -n "$res" ]; then
		emit "{\"case\":\"turn_pg\",\"variant\":\"$1\",\"module\":\"$2\",\"round\":$r,\"usec\":${res% *},\"sent\":${res#* },\"replies\":$((s1 - s0)),\"refl_before\":$k0,\"refl_after\":$k1}"
	else
		note "pktgen: no result for $1 ($2)"
	fi
	inA sh -c "echo rem_device_all > $PG/kpktgend_0"
}

# tc_run OBJ: the TC program OBJ on B's ingress for one unpaced run of
# each generator
tc_run() {
	inB tc qdisc add dev veth0 clsact
	inB tc filter add dev veth0 ingress pref 1 bpf direct-action \
		obj "$BIN/$1.bpf.o" sec tc
	run_gen turn "$1" ",\"variant\":\"$1\",\"module\":\"none\",\"round\":$r" -w "$DUR"
	[ "$PKTGEN" = 1 ] && pg_run "$1" none
	inB tc qdisc del dev veth0 clsact
}

section_turnaround() {
	local r k
	note "turnaround: stamp_refl against a TC BPF turnaround, $TURN_ROUNDS round(s)"
	PKTGEN=0
	modprobe pktgen 2>/dev/null && [ -e "$PG/kpktgend_0" ] &&
		command -v bpftool > /dev/null && PKTGEN=1
	# a module without the fast path (kmod/fastpath.c) refuses the device
	FAST=0
	inB "$STAMPNL" reflector set fast-path veth0 2>/dev/null && FAST=1 &&
		inB "$STAMPNL" reflector set fast-path-off veth0
	[ "$FAST" = 1 ] || note "turnaround: this stamp_refl has no fast path"
	for k in turn turn-other; do
		( umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$W/$k.key" )
	done
	for r in $(seq 1 "$TURN_ROUNDS"); do
		tc_run tcdrop
		tc_run tcrefl
		if [ -n "$BASE_KO" ]; then
			load_ko "$BASE_KO"
			turn_floods base
			load_ko "$KO"
		fi
		turn_floods current
	done
	emit "{\"case\":\"turn_meta\",\"rounds\":$TURN_ROUNDS,\"base\":$([ -n "$BASE_KO" ] && echo true || echo false),\"pktgen\":$([ "$PKTGEN" = 1 ] && echo true || echo false),\"fast\":$([ "$FAST" = 1 ] && echo true || echo false)}"
}

# t3_run RATE COUNT EGRESS: stampnl's requests at RATE/s from A, a packet
# tap on B's device (bench/t3tap.py) comparing each reply's T3 with the
# moment the device's queue handed it to the driver, with egress_t3 (the
# module's egress-hook T3) set to EGRESS. A's sink drops the replies: the
# figure is on B.
t3_run() {
	local pid fast=${4:-0} s0={} s1={}
	echo "$3" > /sys/module/stamp_refl/parameters/egress_t3
	if [ "$fast" = 1 ]; then
		inB "$STAMPNL" reflector set fast-path veth0
		s0=$(refl_stats)
	fi
	rm -f "$W/tap.ready" "$W/tap.stop"
	ip netns exec "$NS_B" python3 "$HERE/t3tap.py" -i veth0 -p 862 \
		--stop "$W/tap.stop" --ready "$W/tap.ready" > "$W/tap.json" &
	pid=$!
	wait_file "$W/tap.ready"
	# -W 1: the sender ends a second after its last request, so every
	# reply has passed the tap when it is told to stop
	inA "$STAMPNL" sender 10.0.0.2 -c "$2" -i "$(awk -v r="$1" 'BEGIN { print 1 / r }')" \
		-W 1 > /dev/null 2>&1 || true
	touch "$W/tap.stop"
	wait "$pid" || true
	if [ "$fast" = 1 ]; then
		s1=$(refl_stats)
		inB "$STAMPNL" reflector set fast-path-off veth0
	fi
	emit "{\"case\":\"t3tap\",\"rate\":$1,\"count\":$2,\"egress_t3\":$3,\"fast\":$fast,\"refl_before\":$s0,\"refl_after\":$s1,\"t3_point\":\"$(inB "$STAMPNL" reflector show -j | sed -nE 's/.*"t3_point":"([a-z]+)".*/\1/p')\",\"tap\":$(cat "$W/tap.json")}"
}

section_t3tap() {
	local rate
	note "t3tap: wire-out - T3 on the reflector's device, egress T3 on and off"
	if [ ! -e /sys/module/stamp_refl/parameters/egress_t3 ]; then
		note "t3tap: this stamp_refl has no egress_t3"
		return
	fi
	for rate in $T3_RATES; do
		t3_run "$rate" "$T3_COUNT" 1
		t3_run "$rate" "$T3_COUNT" 0
		# T3 taken by the fast path itself, right before its transmit
		inB "$STAMPNL" reflector set fast-path-off veth0 2>/dev/null &&
			t3_run "$rate" "$T3_COUNT" 1 1
	done
	echo 1 > /sys/module/stamp_refl/parameters/egress_t3
}

setup
sink_start
emit "{\"case\":\"meta\",\"kernel\":\"$(uname -r)\",\"cpus\":$NCPU,\"cpu_model\":\"$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)\",\"user_hz\":$(getconf CLK_TCK),\"quick\":$QUICK,\"dur_s\":$DUR,\"cost_dur_s\":$COST_DUR,\"sections\":\"$SECTIONS\",\"loss_max\":$LOSS_MAX,\"frame_octets\":86,\"tlvs\":\"$TLVS\"}"
for s in capacity fidelity sender cpus scaling turnaround t3tap; do
	case ",$SECTIONS," in
	*",$s,"*) "section_$s" ;;
	esac
done
sink_stop
echo KSTAMP-BENCH-RAW-BEGIN
cat "$OUT"
echo KSTAMP-BENCH-RAW-END

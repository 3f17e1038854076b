#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Stress, inside the test VM: floods of good and bad requests (plain,
# authenticated with the right and a wrong key, runts, zero Error Estimate,
# large; IPv4 and IPv6; many source ports, so sessions are learned and
# forgotten) while, at the same time, sessions, keys and every setting
# churn over netlink (stress_churn.py checks every answer, stampnl dumps
# and reads alongside), and namespaces with a reflector configuration and
# traffic of their own are created and deleted under that traffic. Then
# the module is removed and re-inserted under the flood. It passes when
# every netlink request got the answer it should, the counters balance
# once traffic stops (rx = reflected + drops), a measurement afterwards is
# exact, and the kernel log has no splat. On the debug kernel, KASAN,
# lockdep and kmemleak watch it (make stress-debug).
# STRESS_SECONDS sets the length of the main phase (default 60),
# STRESS_REINSERT the rmmod/insmod rounds under the flood (default 5),
# STRESS_KO another module (to check that the test catches a broken one),
# STRESS_RATE the rate of each stampnl flood (default 1000/s; the Python
# flood runs at 2/5 of it): the debug kernel, slowed tenfold by KASAN,
# runs with 100, or the floods starve the churn they race with;
# STRESS_NETNS_ROUNDS the namespace rounds the main phase must complete
# (default 3); STRESS_REAP how long a churn loop may take to end the round
# it is in once the main phase is over (default 60 s; a namespace round on
# the debug kernel takes minutes).
#
# A CPU stuck in softirq (a soft lockup, an RCU stall) panics the VM, with
# the whole kernel log replayed on the console (tests/vm/run.sh shows the
# stuck CPUs' stacks): a hung box would otherwise only end at the VM's
# timeout, with the traces filtered off the console.
. "$(dirname "$0")/../lib.sh"

KO=${STRESS_KO:-$KO}
FLOOD=$ROOT/tests/netns/stress_flood.py
CHURN=$ROOT/tests/netns/stress_churn.py
SECONDS_MAIN=${STRESS_SECONDS:-60}
REINSERT=${STRESS_REINSERT:-5}
RATE=${STRESS_RATE:-1000}
NETNS_ROUNDS=${STRESS_NETNS_ROUNDS:-3}
REAP=${STRESS_REAP:-60}

requires module stampnl

WORK=$(mktemp -d)
PIDS=()
# panic on a stuck CPU, show every CPU's stack, replay the whole log on
# the console then (panic_print bit 5); the debug kernel has no soft
# lockup detector, RCU's stall warning covers it there
SYSCTLS="kernel.softlockup_panic=1 kernel.softlockup_all_cpu_backtrace=1
	kernel.panic_on_rcu_stall=1 kernel.panic_print=32"
SAVED=
for kv in $SYSCTLS; do
	k=${kv%%=*}
	v=$(sysctl -n "$k" 2>/dev/null) || continue
	SAVED="$SAVED $k=$v"
	sysctl -qw "$kv"
done
cleanup() {
	touch "$WORK/stop"
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	for ns in $(ip netns list | awk '{print $1}' | grep "^stress[CD]$$_"); do
		ip netns del "$ns" 2>/dev/null || true
	done
	netns_cleanup
	rmmod stamp_refl 2>/dev/null || true
	rm -rf "$WORK"
	for kv in $SAVED; do
		sysctl -qw "$kv" || true
	done
}

nl() { ip netns exec "$NS_B" "$STAMPNL" "$@"; }
# as it happens, with the seconds since the start ($SECONDS: no process
# to spawn), so that a run that stalls shows where
progress() { echo "stress: ${SECONDS}s: $*"; }
jfield() {
	sed -nE 's/.*"'"$1"'": ?(\[[^]]*\]|"[^"]*"|[^,}]*).*/\1/p' | tr -d '" '
}

# balance NAMESPACE: rx = reflected + drops, printed either way
balance() {
	ip netns exec "$1" "$STAMPNL" stats -j | python3 -c '
import json, sys
d = json.load(sys.stdin)
drops = sum(v for k, v in d.items() if k.startswith("drop_"))
print("rx %d reflected %d drops %d" % (d["rx"], d["reflected"], drops))
sys.exit(d["rx"] != d["reflected"] + drops)'
}

# The floods: stampnl at $RATE/s over IPv4 and over IPv6, and the mixed
# Python flood from 64 ports per family, 2/5 of that in all (Python under TCG
# costs a vCPU per few thousand packets, and a saturated VM starves the
# churn it is meant to race with). Not through inA: $! must be the flood
# itself, not a subshell that would leave it running when killed.
FLOODS=()
start_floods() {
	ip netns exec "$NS_A" "$STAMPNL" sender $ADDR4_B --rate "$RATE" \
		-c 100000000 -W 1 -q --timestamping user >/dev/null 2>&1 &
	FLOODS+=($!)
	ip netns exec "$NS_A" "$STAMPNL" sender $ADDR6_B --rate "$RATE" \
		-c 100000000 -W 1 -q --timestamping user >/dev/null 2>&1 &
	FLOODS+=($!)
	ip netns exec "$NS_A" python3 "$FLOOD" $ADDR4_B $ADDR6_B --rate $((RATE * 2 / 5)) \
		--key-file "$WORK/k1" > "$WORK/flood" &
	FLOODS+=($!)
	PIDS+=("${FLOODS[@]}")
}

# stop_floods WHEN: every flood must still be running
stop_floods() {
	local p alive=0
	for p in "${FLOODS[@]}"; do
		kill -0 "$p" 2>/dev/null && alive=$((alive + 1))
	done
	check_eq "$1: the floods ran until stopped" "${#FLOODS[@]}" "$alive"
	kill -TERM "${FLOODS[@]}" 2>/dev/null || true
	for p in "${FLOODS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	FLOODS=()
	# what is still queued in the veth or the stack drains
	sleep 1
}

# churn_readers: stampnl's own dumps and reads (a dump that races with
# sessions coming and going is interrupted, NLM_F_DUMP_INTR, and stampnl
# starts it again), in NS_B without a process per namespace switch
churn_readers() {
	ip netns exec "$NS_B" bash -c '
		n=0 bad=0
		while [ ! -e "$1/stop" ]; do
			for c in "session list -j" "stats -j" "reflector show -j"; do
				n=$((n + 1))
				$2 $c > /dev/null 2>> "$1/readers.log" ||
					{ bad=$((bad + 1)); echo "failed: $c" >> "$1/readers.log"; }
			done
		done
		echo "$n $bad" > "$1/readers.done"' _ "$WORK" "$STAMPNL"
}

# churn_netns: namespaces with a reflector configuration and traffic of
# their own, deleted while the traffic runs. A round counts when every
# step worked and the namespace reflected before it was deleted.
churn_netns() {
	local i=0 ok=0 c d s n log=$WORK/churn_netns.log
	while [ ! -e "$WORK/stop" ]; do
		i=$((i + 1))
		[ $((i % 5)) != 1 ] || progress "namespace round $i"
		c=stressC$$_$i
		d=stressD$$_$i
		# one ip per namespace: under TCG every process costs
		printf '%s\n' "link add veth0 type veth peer name veth0 netns $d" \
			"addr add 10.9.0.1/24 dev veth0" "link set veth0 up" \
			> "$WORK/batch_c"
		printf '%s\n' "addr add 10.9.0.2/24 dev veth0" \
			"link set veth0 up" "link set lo up" > "$WORK/batch_d"
		if ! { ip netns add "$c" && ip netns add "$d" &&
		       ip -n "$c" -batch "$WORK/batch_c" &&
		       ip -n "$d" -batch "$WORK/batch_d" &&
		       ip netns exec "$d" "$STAMPNL" reflector set mode stateful \
			rate-limit 0 default-key-file "$WORK/k1" &&
		       ip netns exec "$d" "$STAMPNL" session add peer 10.9.0.1 \
			peer-port 7000 key-file "$WORK/k2" &&
		       { [ $((i % 2)) = 0 ] ||
			 ip netns exec "$d" "$STAMPNL" reflector set fast-path veth0; }
		     } >> "$log" 2>&1; then
			echo "round $i: setup failed" >> "$log"
		else
			ip netns exec "$c" "$STAMPNL" sender 10.9.0.2 -i 0.002 \
				-c 100000 -W 1 -q --timestamping user \
				>/dev/null 2>&1 &
			s=$!
			# until it reflects (the sender starts in a few 100 ms)
			n=0
			for _ in 1 2 3 4 5 6 7 8 9 10; do
				n=$(ip netns exec "$d" "$STAMPNL" stats -j | jfield reflected)
				[ "${n:-0}" = 0 ] || break
			done
			if [ "${n:-0}" = 0 ]; then
				echo "round $i: nothing reflected" >> "$log"
			elif ip netns del "$d" >> "$log" 2>&1; then
				ok=$((ok + 1))
			else
				echo "round $i: ip netns del failed" >> "$log"
			fi
			kill "$s" 2>/dev/null || true
			wait "$s" 2>/dev/null || true
		fi
		ip netns del "$c" 2>/dev/null || true
		ip netns del "$d" 2>/dev/null || true
	done
	echo "$i $ok" > "$WORK/churn_netns.done"
}

# churn_fast: B's veth0 moves between the fast path (kmod/fastpath.c, a
# netdev ingress hook) and the default path under the floods, so the
# hook is installed and removed while requests run through it
churn_fast() {
	local n=0 bad=0 o
	while [ ! -e "$WORK/stop" ]; do
		for o in fast-path fast-path-off; do
			n=$((n + 1))
			"$STAMPNL" reflector set $o veth0 2>> "$WORK/fast.log" ||
				bad=$((bad + 1))
			sleep 0.3
		done
	done
	echo "$n $bad" > "$WORK/fast.done"
}

# reap PID NAME: a churn loop ends its round once the stop file is there;
# one that does not within $REAP seconds is reported and killed
reap() {
	local end=$((SECONDS + REAP))
	while kill -0 "$1" 2>/dev/null && [ $SECONDS -lt $end ]; do
		sleep 0.2
	done
	if kill -0 "$1" 2>/dev/null; then
		fail "$2 did not end its round within $REAP s"
		kill "$1" 2>/dev/null || true
	fi
	wait "$1" 2>/dev/null || true
}

dmesg -C
modprobe veth 2>/dev/null || true
echo 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff > "$WORK/k1"
echo ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100 > "$WORK/k2"
chmod 600 "$WORK/k1" "$WORK/k2"
check_ok "insmod stamp_refl" insmod "$KO"
netns_pair
defer cleanup
inA ping -c 1 -W 2 $ADDR4_B > /dev/null

# --- main phase: floods, config churn and namespace churn at once ----------
progress "main phase, ${SECONDS_MAIN} s"
start_floods
ip netns exec "$NS_B" python3 "$CHURN" --peer $ADDR4_A --rate 100 \
	--key-file "$WORK/k1" --session-key-file "$WORK/k2" \
	> "$WORK/churn.json" 2> "$WORK/churn.err" &
CHURN_PID=$!
churn_readers &
READERS_PID=$!
churn_netns &
NETNS_PID=$!
ip netns exec "$NS_B" bash -c "$(declare -f churn_fast); WORK=$WORK STAMPNL=$STAMPNL churn_fast" &
FAST_PID=$!
PIDS+=("$CHURN_PID" "$READERS_PID" "$NETNS_PID" "$FAST_PID")
sleep "$SECONDS_MAIN"
touch "$WORK/stop"
kill -TERM $CHURN_PID 2>/dev/null || true
progress "main phase over, waiting for the churn loops"
reap $CHURN_PID "the netlink churn"
reap $READERS_PID "the stampnl readers"
reap $NETNS_PID "the namespace churn"
reap $FAST_PID "the fast-path churn"
progress "churn over"
stop_floods "main phase"
rm -f "$WORK/stop"

# (no <(...): the VM has no /dev/fd)
set -- $(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["requests"], d["wrong"], d["rounds"], d["dumps"], d["dump_intr"],
      d["slowest_s"], d["slowest"])' \
	"$WORK/churn.json" 2>/dev/null || echo 0 -1 0 0 0 0 none)
requests=$1 wrong=$2 rounds=$3 dumps=$4 intr=$5 slowest=$6
shift 6
[ -s "$WORK/churn.json" ] ||
	echo "netlink churn: no JSON (killed before it printed it)"
echo "netlink churn: $requests requests in $rounds rounds, $dumps dumps ($intr interrupted), slowest $slowest s ($*)"
head -n 20 "$WORK/churn.err"
check_cmp "netlink churn: rounds (each: 4 session, 8 setting, 7 refused requests, a dump, the counters)" \
	"$rounds" -ge 3
check_eq "netlink churn: every answer as it should be" 0 "$wrong"
n=0 bad=-1
[ -e "$WORK/readers.done" ] && read -r n bad < "$WORK/readers.done"
sort "$WORK/readers.log" 2>/dev/null | uniq -c | head -n 5
check_cmp "stampnl session list, stats, reflector show during the churn" "$n" -ge 6
check_eq "stampnl: every one of them succeeded" 0 "$bad"
nrounds=0 nok=-1
[ -e "$WORK/churn_netns.done" ] && read -r nrounds nok < "$WORK/churn_netns.done"
sort "$WORK/churn_netns.log" 2>/dev/null | uniq -c | head -n 5
check_cmp "namespace churn: rounds" "$nrounds" -ge "$NETNS_ROUNDS"
check_eq "namespace churn: every namespace set up, reflecting, and deleted under its traffic" \
	"$nrounds" "$nok"
check_eq "namespace churn: none left" "" \
	"$(ip netns list | grep "^stress[CD]$$_" || true)"
n=0 bad=-1
[ -e "$WORK/fast.done" ] && read -r n bad < "$WORK/fast.done"
head -n 5 "$WORK/fast.log" 2>/dev/null || true
check_cmp "fast path on and off on B's veth0 during the churn" "$n" -ge 10
check_eq "fast path: every switch succeeded" 0 "$bad"
check_cmp "the fast path answered during the churn" \
	"$(nl stats -j | jfield reflected_fast)" -gt 0
check_cmp "mixed flood ran" "$(jfield plain < "$WORK/flood")" -gt 100
check_cmp "the reflector answered during the churn" \
	"$(nl stats -j | jfield reflected)" -gt 1000
check_ok "counters balance after the churn ($(balance "$NS_B" || true))" \
	balance "$NS_B"

# --- the module removed and re-inserted under the flood ------------------------
# Each step is bounded: an rmmod that never returns (a grace period that
# never ends because a CPU is stuck in the hook) fails the test instead
# of hanging it; a stuck CPU itself panics the VM (above).
progress "rmmod and insmod under the flood, $REINSERT times"
start_floods
reinsert_ok=0
for i in $(seq "$REINSERT"); do
	sleep 1
	timeout 60 rmmod stamp_refl && timeout 60 insmod "$KO" &&
	timeout 60 ip netns exec "$NS_B" "$STAMPNL" reflector set \
		rate-limit 0 mode stateful default-key-file "$WORK/k1" || break
	# every other round, the next rmmod finds the fast path's hook
	[ $((i % 2)) = 0 ] || timeout 60 ip netns exec "$NS_B" "$STAMPNL" \
		reflector set fast-path veth0 || break
	reinsert_ok=$((reinsert_ok + 1))
done
check_eq "rmmod, insmod and configure, $REINSERT times under the flood" \
	"$REINSERT" "$reinsert_ok"
sleep 2
stop_floods "rmmod and insmod"
echo "mixed flood: $(cat "$WORK/flood")"
nl stats -j
check_cmp "answered after re-insertion" "$(nl stats -j | jfield reflected)" -gt 100
check_ok "counters balance after re-insertion ($(balance "$NS_B" || true))" \
	balance "$NS_B"

# --- and it still measures exactly -------------------------------------------
progress "a measurement"
out=$(inA "$STAMPNL" sender $ADDR4_B -c 50 -i 0.01 -j --timestamping user)
check_eq "a measurement afterwards: 50 of 50" "50 0" \
	"$(echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["received"], d["lost"])')"
check_ok "counters balance after the measurement ($(balance "$NS_B" || true))" \
	balance "$NS_B"
check_ok "rmmod" rmmod stamp_refl
check_eq "kernel log free of BUG/WARNING/lockups/stalls" "" \
	"$(dmesg | grep -E 'BUG:|WARNING:|KASAN|Oops|Call Trace|sleeping function|circular locking|soft lockup|rcu.*stall|blocked for more than' || true)"
progress "done"
finish

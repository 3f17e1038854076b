#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Stress, inside the test VM: floods of good and bad requests (plain,
# authenticated with the right and a wrong key, runts, zero Error Estimate,
# large; IPv4 and IPv6; many source ports, so sessions are learned and
# forgotten) while, at the same time, sessions, keys and every setting
# churn over netlink, namespaces with their own traffic and configuration
# are created and deleted, and then the module is removed and re-inserted
# under the flood. It passes when every netlink request under churn got
# the answer it should, the counters balance once traffic stops (rx =
# reflected + drops), a measurement afterwards is exact, and the kernel log
# has no splat. On the debug kernel, KASAN, lockdep and kmemleak watch it
# (tests/netns/debug_in_vm.sh). STRESS_SECONDS sets the length of the main
# phase (default 20).
. "$(dirname "$0")/../lib.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
KO=$ROOT/build/kmod-$(uname -r)/kmod/stamp_refl.ko
STAMPNL=$ROOT/build/tools/stampnl
FLOOD=$ROOT/tests/netns/stress_flood.py
SECONDS_MAIN=${STRESS_SECONDS:-20}

[ -r "$KO" ] || skip "no module built for $(uname -r) (make modules-all)"
[ -x "$STAMPNL" ] || skip "stampnl not built (make tools)"

WORK=$(mktemp -d)
PIDS=()
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
}

inA() { ip netns exec "$NS_A" "$@"; }
# on the console as it happens (the suite prints the output at the end),
# so a run that hangs shows where
progress() { echo "<5>stress: $*" > /dev/kmsg 2>/dev/null || true; }
nl() { ip netns exec "$NS_B" "$STAMPNL" "$@"; }
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

# The floods: stampnl at 1000/s over IPv4 and over IPv6, and the mixed
# Python flood from 64 ports at 300/s each (Python under TCG costs a vCPU
# per few thousand packets, and a saturated VM starves the churn it is
# meant to race with)., each paced so that the churn still gets CPU
# (not through inA: $! must be the flood itself, not a subshell that
# would leave it running when killed)
start_floods() {
	ip netns exec "$NS_A" "$STAMPNL" sender $ADDR4_B --rate 1000 \
		-c 100000000 -W 1 -q --timestamping user >/dev/null 2>&1 &
	PIDS+=($!)
	ip netns exec "$NS_A" "$STAMPNL" sender $ADDR6_B --rate 1000 \
		-c 100000000 -W 1 -q --timestamping user >/dev/null 2>&1 &
	PIDS+=($!)
	ip netns exec "$NS_A" python3 "$FLOOD" $ADDR4_B --rate 300 \
		--key-file "$WORK/k1" > "$WORK/flood4" &
	PIDS+=($!)
	ip netns exec "$NS_A" python3 "$FLOOD" $ADDR6_B --rate 300 \
		--key-file "$WORK/k1" > "$WORK/flood6" &
	PIDS+=($!)
}

stop_floods() {
	for p in "${PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	PIDS=()
	# what is still queued in the veth or the stack drains
	sleep 1
}

# churn_config: every setting and session, round and round, until the stop
# file appears. Each request must succeed; a failure is logged with the
# kernel's reason.
churn_config() {
	local i=0 log=$WORK/churn_config.log ok=0
	: > "$log"
	while [ ! -e "$WORK/stop" ]; do
		i=$((i + 1))
		progress "config round $i"
		{
			nl session add peer $ADDR4_A peer-port $((20000 + i % 50)) \
				ssid $((i % 7)) key-file - < "$WORK/k2" &&
			nl session list -j > /dev/null &&
			nl session show peer $ADDR4_A peer-port $((20000 + i % 50)) \
				ssid $((i % 7)) -j > /dev/null &&
			nl session del peer $ADDR4_A peer-port $((20000 + i % 50)) \
				ssid $((i % 7)) &&
			nl reflector set mode "$( ((i % 3)) && echo stateful || echo stateless)" \
				session-create "$( ((i % 5)) && echo on || echo off)" &&
			nl reflector set auth "$( ((i % 4)) && echo off || echo on)" &&
			if ((i % 2)); then
				nl reflector set default-key-file - < "$WORK/k1"
			else
				nl reflector set default-key-file none
			fi &&
			nl reflector set rate-limit $(( (i % 3) * 500 )) rate-burst $((1 + i % 100)) &&
			nl reflector set max-sessions $((1000 + (i % 4) * 100)) session-idle $((1 + i % 3)) &&
			if ((i % 6)); then
				nl reflector set allow any
			else
				nl reflector set allow 10.0.0.0/24,fd00::/64
			fi &&
			nl reflector set port $( ((i % 8)) && echo 862 || echo 862,4000) &&
			nl stats -j > /dev/null &&
			ok=$((ok + 1))
		} >> "$log" 2>&1 || echo "round $i failed" >> "$log"
	done
	echo "$i $ok" > "$WORK/churn_config.done"
}

# churn_netns: namespaces with a reflector configuration and traffic of
# their own, deleted while the traffic runs
churn_netns() {
	local i=0 ok=0 c d log=$WORK/churn_netns.log
	: > "$log"
	while [ ! -e "$WORK/stop" ]; do
		i=$((i + 1))
		progress "netns round $i"
		c=stressC$$_$i
		d=stressD$$_$i
		if ip netns add "$c" && ip netns add "$d" &&
		   ip -n "$c" link add veth0 type veth peer name veth0 netns "$d" &&
		   ip -n "$c" addr add 10.9.0.1/24 dev veth0 &&
		   ip -n "$d" addr add 10.9.0.2/24 dev veth0 &&
		   ip -n "$c" link set veth0 up && ip -n "$d" link set veth0 up &&
		   ip -n "$d" link set lo up &&
		   ip netns exec "$d" "$STAMPNL" reflector set mode stateful \
			rate-limit 0 default-key-file - < "$WORK/k1" &&
		   ip netns exec "$d" "$STAMPNL" session add peer 10.9.0.1 \
			peer-port 7000 key-file - < "$WORK/k2"; then
			ip netns exec "$c" "$STAMPNL" sender 10.9.0.2 -i 0.002 \
				-c 100000 -W 1 -q --timestamping user \
				>/dev/null 2>&1 &
			local s=$!
			sleep 0.3
			ip netns del "$d" && ok=$((ok + 1))
			kill "$s" 2>/dev/null
			wait "$s" 2>/dev/null
		else
			echo "round $i: setup failed" >> "$log"
		fi 2>> "$log"
		ip netns del "$c" 2>/dev/null
		ip netns del "$d" 2>/dev/null
	done
	echo "$i $ok" > "$WORK/churn_netns.done"
}

dmesg -C
modprobe veth 2>/dev/null || true
echo 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff > "$WORK/k1"
echo ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100 > "$WORK/k2"
chmod 600 "$WORK/k1" "$WORK/k2"
check_ok "insmod stamp_refl" insmod "$KO"
netns_pair
trap cleanup EXIT
inA ping -c 1 -W 2 $ADDR4_B > /dev/null

# --- main phase: floods, config churn and namespace churn at once ----------
progress "main phase, ${SECONDS_MAIN} s"
start_floods
churn_config &
PIDS+=($!)
churn_netns &
PIDS+=($!)
sleep "$SECONDS_MAIN"
touch "$WORK/stop"
progress "main phase over, waiting for the churn loops"
# the churn loops end their round and report
for f in churn_config churn_netns; do
	for _ in $(seq 1 3000); do
		[ -e "$WORK/$f.done" ] && break
		sleep 0.1
	done
done
stop_floods
rm -f "$WORK/stop"
rounds=0 ok=0 nrounds=0 nok=0
[ -e "$WORK/churn_config.done" ] && read -r rounds ok < "$WORK/churn_config.done"
check_cmp "config churn: rounds done" "$rounds" -ge 2
check_eq "config churn: every request answered as it should" "$rounds" "$ok"
grep -v '^$' "$WORK/churn_config.log" | sort | uniq -c | head -n 5
[ -e "$WORK/churn_netns.done" ] && read -r nrounds nok < "$WORK/churn_netns.done"
grep -v '^$' "$WORK/churn_netns.log" | sort | uniq -c | head -n 5
check_cmp "netns churn: namespaces deleted under traffic" "$nok" -ge 2
check_eq "netns churn: every namespace set up and deleted" "$nrounds" "$nok"
check_cmp "mixed flood ran" "$(jfield plain < "$WORK/flood4")" -gt 100
check_cmp "the reflector answered during the churn" \
	"$(nl stats -j | jfield reflected)" -gt 1000
check_ok "counters balance after the churn ($(balance "$NS_B" || true))" \
	balance "$NS_B"

# --- the module removed and re-inserted under the flood ------------------------
progress "rmmod/insmod under the flood"
start_floods
reinsert_ok=0
for i in 1 2 3 4 5; do
	sleep 1
	rmmod stamp_refl && insmod "$KO" &&
	nl reflector set rate-limit 0 mode stateful default-key-file - < "$WORK/k1" &&
	reinsert_ok=$((reinsert_ok + 1))
done
check_eq "rmmod, insmod and configure, 5 times under the flood" 5 "$reinsert_ok"
sleep 2
stop_floods
check_cmp "answered after re-insertion" "$(nl stats -j | jfield reflected)" -gt 100
check_ok "counters balance after re-insertion ($(balance "$NS_B" || true))" \
	balance "$NS_B"

# --- and it still measures exactly -------------------------------------------
out=$(inA "$STAMPNL" sender $ADDR4_B -c 50 -i 0.01 -j --timestamping user)
check_eq "a measurement afterwards: 50 of 50" "50 0" \
	"$(echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["received"], d["lost"])')"
check_ok "rmmod" rmmod stamp_refl
check_eq "kernel log free of BUG/WARNING" "" \
	"$(dmesg | grep -E 'BUG:|WARNING:|KASAN|Oops|Call Trace|sleeping function|circular locking' || true)"

finish

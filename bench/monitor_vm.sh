#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Issue 18's scale goal, in the test VM: N sessions at 1 packet/s each in
# one `stampnl monitor` process (namespace A) against stamp_refl.ko
# (namespace B), for MONVM_SECONDS after the sessions started. Opt-in, not
# in CI (about 3 minutes of TCG): by hand, with the VM lock,
#
#   make modules-all tools
#   flock /tmp/kstamp-vm.lock bash tests/vm/run.sh -k 6.12 -t 900 -- \
#       bash bench/monitor_vm.sh
#
#   MONVM_SIZES="1000 10000 20000" MONVM_SECONDS=30 MONVM_WARMUP=10
#
# The repository is read-only in the VM: the table goes to the console;
# -o FILE writes it to FILE as well (a path the VM can write, e.g. /tmp).
#
# Per N, in the window:
#   rx, refl: packets the reflector counted (rx) and answered
#     (reflected), from its own counters, and rx per second of the window;
#   lost, loss%: the monitor's lost_total over its whole run, and
#     lost / (received + lost) (one scrape of /metrics after the window,
#     so that the scrape's CPU is not in it);
#   us/probe: the monitor's CPU (every thread's run time, schedstat) per
#     packet the reflector counted;
#   usr sys sirq idle: the whole VM's CPU (/proc/stat), % of its 2 vCPUs:
#     the reflector runs in softirq, the monitor in user and sys;
#   RSS: the monitor's, and (RSS - RSS with no session) / N in octets.
# Nothing is asserted.
. "$(dirname "$0")/../tests/lib.sh"
# MONVM_STAMPNL: a copy of stampnl, so that build/ may be rebuilt meanwhile
STAMPNL=${MONVM_STAMPNL:-$STAMPNL}
requires root stampnl module jq curl
OUT=
[ "${1:-}" = -o ] && OUT=$2
SIZES=${MONVM_SIZES:-1000 10000 20000}
SECS=${MONVM_SECONDS:-30}
WARMUP=${MONVM_WARMUP:-10}
PORT=19376
# a socket per session (the sender's engine connects one per target)
ulimit -n 65536

insmod "$KO" port=862
defer rmmod stamp_refl
netns_pair
# every session comes from one address: no per-source limit here
ip netns exec "$NS_B" "$STAMPNL" reflector set rate-limit 0
tmpdir TMP

# "RX REFLECTED SECONDS": the reflector's counters, read together, and when
refl() {
	ip netns exec "$NS_B" "$STAMPNL" stats -j |
		jq -r --arg t "$(date +%s.%N)" '"\(.rx) \(.reflected) \($t)"'
}
# user sys softirq idle (jiffies, all CPUs)
cpu() { awk '$1 == "cpu" { print $2 + $3, $4, $7 + $8, $5 + $6 }' /proc/stat; }
sched_ns() { cat /proc/"$1"/task/*/schedstat | awk '{ s += $1 } END { printf "%.0f", s }'; }
# "VmRSS RssAnon" in kB: RssAnon is the process's own (heap, anonymous
# maps), VmRSS adds the pages of code and libraries it touched (shared)
rss_kb() { awk '/^VmRSS:/ { r = $2 } /^RssAnon:/ { a = $2 } END { print r, a }' /proc/"$1"/status; }
scrape_sum() { awk -v m="$1" '$1 ~ "^" m "({|$)" { s += $2 } END { printf "%d", s }' "$TMP/metrics"; }

# start N: the monitor with N sessions, once all of them have started
start() {
	local n=$1 i
	{ printf 'defaults:\n  interval: 1\nsessions:\n'
	  [ "$n" = 0 ] && printf '  []\n'
	  for i in $(seq "$n"); do printf '  - target: %s\n    name: s%d\n' "$ADDR4_B" "$i"; done
	} > "$TMP/m$n.yaml"
	ip netns exec "$NS_A" "$STAMPNL" monitor -c "$TMP/m$n.yaml" \
		--listen "127.0.0.1:$PORT" 2> "$TMP/m$n.err" &
	MON=$!
	for i in $(seq 600); do
		grep -q "sessions (" "$TMP/m$n.err" && break
		sleep 0.5
	done
	STARTED=$(( $(date +%s) - T0 ))
}

stop() {
	kill -INT "$MON" 2>/dev/null || true
	wait "$MON" 2>/dev/null || true
}

T0=$(date +%s)
start 0
sleep 2
RSS0=$(rss_kb "$MON")
stop

rows=()
for n in $SIZES; do
	T0=$(date +%s)
	start "$n"
	sleep "$WARMUP"
	c0=$(cpu); s0=$(sched_ns "$MON"); r0=$(refl)
	sleep "$SECS"
	c1=$(cpu); s1=$(sched_ns "$MON"); r1=$(refl)
	rss=$(rss_kb "$MON")
	ip netns exec "$NS_A" curl -s "http://127.0.0.1:$PORT/metrics" > "$TMP/metrics"
	recv=$(scrape_sum stampnl_monitor_received_total)
	lost=$(scrape_sum stampnl_monitor_lost_total)
	up=$(grep -c '^stampnl_monitor_state{.*state="up"} 1' "$TMP/metrics" || true)
	stop
	rows+=("$(awk -v n="$n" -v st="$STARTED" -v c0="$c0" -v c1="$c1" \
		-v s0="$s0" -v s1="$s1" -v r0="$r0" -v r1="$r1" \
		-v recv="$recv" -v lost="$lost" -v up="$up" -v rss="${rss% *}" -v anon="${rss#* }" -v anon0="${RSS0#* }" '
		BEGIN {
			split(c0, a, " "); split(c1, b, " ")
			split(r0, x, " "); split(r1, y, " ")
			rx = y[1] - x[1]; rf = y[2] - x[2]; secs = y[3] - x[3]
			tot = 0; for (i = 1; i <= 4; i++) { d[i] = b[i] - a[i]; tot += d[i] }
			if (tot == 0) tot = 1
			printf "%7d %6d %6d %8d %8d %8.1f %7d %6.3f %8.1f %5.1f %5.1f %5.1f %5.1f %8d %7.0f\n",
				n, st, up, rx, rf, rx / secs, lost,
				recv + lost ? 100 * lost / (recv + lost) : 0,
				rx ? (s1 - s0) / 1e3 / rx : 0,
				100 * d[1] / tot, 100 * d[2] / tot, 100 * d[3] / tot, 100 * d[4] / tot,
				rss, n ? (anon - anon0) * 1024 / n : 0
		}')")
	echo "${rows[-1]}"
done

{
	echo "# bench/monitor_vm.sh, $(date -u +%Y-%m-%dT%H:%MZ), kernel $(uname -r) in QEMU TCG, $(nproc) vCPUs"
	echo "# stampnl monitor (namespace A) -> stamp_refl.ko (namespace B), veth; N sessions at 1 pps,"
	echo "# a ${SECS}s window after ${WARMUP}s; start_s: seconds until all N were set up; up: sessions"
	echo "# in state up at the end; rx, refl: the reflector's counters in the window, rx/s per second"
	echo "# of it; lost, loss%: the monitor's over its whole run; us/probe: the monitor's CPU / rx;"
	echo "# usr..idle: the VM's CPU, % of all vCPUs (the module reflects in softirq); RSS: VmRSS kB;"
	echo "# oct/sess: (RssAnon - ${RSS0#* } kB with no session) / N in octets (the process's own memory;"
	echo "# socket buffers are kernel memory, code and libraries shared)"
	printf '%7s %6s %6s %8s %8s %8s %7s %6s %8s %5s %5s %5s %5s %8s %7s\n' \
		sessions start_s up rx refl rx/s lost loss% us/probe usr sys sirq idle RSS_kB oct/sess
	printf '%s\n' "${rows[@]}"
} | tee "$TMP/table"
[ -z "$OUT" ] || cp "$TMP/table" "$OUT"
run_deferred

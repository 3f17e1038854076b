#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# stampnl monitor's cost per session: RSS and CPU per probe at 1 packet/s
# per session, for each session count given (default 1 100 1000), against
# the userspace reflector in host network namespaces. Prints one line per
# count; asserts nothing (a benchmark, not a test).
#   bash bench/monitor_scale.sh [COUNT...]   (root; make tools first)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/tests/lib.sh"
STAMPNL=$ROOT/build/tools/stampnl
SECS=${SECS:-30}
[ $# -gt 0 ] || set -- 1 100 1000
T=$(mktemp -d)
netns_pair
cleanup() {
	local p
	for p in $(ip netns pids "$NS_A") $(ip netns pids "$NS_B"); do
		kill "$p" 2>/dev/null || true
	done
	sleep 0.3
	netns_cleanup
	rm -rf "$T"
}
trap cleanup EXIT
ip netns exec "$NS_B" python3 "$ROOT/tests/netns/userspace_refl.py" >/dev/null 2>&1 &
sleep 1
total() {
	ip netns exec "$NS_A" curl -s 127.0.0.1:9870/metrics |
		awk -v k="$1" 'index($0, k "{") == 1 { s += $2 } END { printf "%d", s }'
}
rss1=
for n in "$@"; do
	{ printf 'defaults:\n  interval: 1\nsessions:\n'
	  for i in $(seq "$n"); do printf '  - target: 10.0.0.2\n    name: s%d\n' "$i"; done
	} >"$T/c.yaml"
	ip netns exec "$NS_A" "$STAMPNL" monitor -c "$T/c.yaml" \
		--listen 127.0.0.1:9870 --window 10 2>/dev/null &
	M=$!
	sleep 5
	# before the first scrape: a scrape is transient text, not state
	rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$M/status")
	t0=$(awk '{ print $14 + $15 }' "/proc/$M/stat")
	s0=$(total stampnl_monitor_sent_total)
	sleep "$SECS"
	t1=$(awk '{ print $14 + $15 }' "/proc/$M/stat")
	s1=$(total stampnl_monitor_sent_total)
	kill "$M"
	wait "$M" 2>/dev/null || true
	[ -n "$rss1" ] || rss1=$rss
	awk -v n="$n" -v rss="$rss" -v r1="$rss1" -v t="$((t1 - t0))" \
	    -v hz="$(getconf CLK_TCK)" -v p="$((s1 - s0))" -v secs="$SECS" 'BEGIN {
		printf "sessions %d: RSS %d kB (%.1f kB/session over the first count), %d probes in %s s, CPU %.1f us/probe\n",
		       n, rss, (n > 1 ? (rss - r1) / (n - 1) : 0), p, secs,
		       (p ? t * 1e6 / hz / p : 0) }'
done

#!/usr/bin/env bash
# Continuous measurement of many paths, on this host: CPU per probe and
# memory per target of
#   - stampnl monitor          (one process, one pair of TC programs)
#   - stampnl sender --targets (a process and two TC filters per target)
#   - prometheus-smokeping-prober (ICMP; what a Prometheus user would
#     otherwise pick; a Debian package)
# each probing N targets at 1 packet/s for MON_SECONDS, in the same run.
# Two network namespaces joined by veth; every target is an address of the
# reflector's namespace (one local route answers for 10.1.0.0/16): the
# kernel answers smokeping's ICMP, bench's userspace reference reflector
# (benchrefl, IP_PKTINFO: a reply leaves from the address asked) answers
# STAMP. Each prober runs MON_WARMUP seconds (start-up: BPF loads, forks)
# (and, for a prober with a probe counter, until that counter answers)
# before a window of MON_SECONDS is measured. CPU in the window:
#   proc: the run time of every thread of the prober's processes
#         (/proc/PID/task/TID/schedstat, nanoseconds: the kernel's work in
#         their context, sends and the softirq run on their way out,
#         counts);
#   bpf:  the run time of every BPF program (kernel.bpf_stats_enabled is
#         on for the run): the TC programs each packet walks, wherever
#         that happens (the chain --targets grows by two filters a target);
#   cpu = proc + bpf. Whole-machine busy time would be truer still but
# means nothing on a machine that does anything else meanwhile.
# Probes per window: the prober's own counter where it exports one
# (smokeping_prober, the monitor), else N x MON_SECONDS (--targets only
# reports at its end; its JSON's sent total is printed beside it).
#
#   bench/monitor.sh [-o FILE]       (root; make tools bench-build first)
#   MON_SIZES="1 100 1000 10000" MON_SECONDS=30
#   MON_TOOLS="monitor targets smokeping"
#   MON_SMOKEPING_MAX=1000 MON_TARGETS_MAX=1000: larger counts are not run
#   for those two (smokeping_prober would need more than the host's two
#   cores, --targets a process of 3-4 MB per target); the table says so.
# Nothing here is asserted: tests/bench_smoke.sh runs it once, small.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
STAMPNL=${STAMPNL:-$ROOT/build/tools/stampnl}
BENCHREFL=${BENCHREFL:-$ROOT/build/bench/benchrefl}
SMOKEPING=${SMOKEPING:-$(command -v prometheus-smokeping-prober || true)}
SIZES=${MON_SIZES:-1 100 1000 10000}
SECONDS_RUN=${MON_SECONDS:-30}
WARMUP=${MON_WARMUP:-5}
TOOLS=${MON_TOOLS:-monitor targets smokeping}
SMOKEPING_MAX=${MON_SMOKEPING_MAX:-1000}
TARGETS_MAX=${MON_TARGETS_MAX:-1000}
OUT=$ROOT/bench/results/monitor.txt
[ "${1:-}" = -o ] && OUT=$2

[ "$(id -u)" = 0 ] || { echo "bench/monitor.sh: needs root (netns, TC)" >&2; exit 77; }
[ -x "$STAMPNL" ] || { echo "bench/monitor.sh: $STAMPNL not built (make tools)" >&2; exit 77; }
[ -x "$BENCHREFL" ] || { echo "bench/monitor.sh: $BENCHREFL not built (make bench-build)" >&2; exit 77; }

NS_P=kmonP$$
NS_R=kmonR$$
WORK=$(mktemp -d)
cleanup() {
	local p
	for p in $(cat "$WORK/sids" 2>/dev/null); do kill -9 -- "-$p" 2>/dev/null || true; done
	ip netns del "$NS_P" 2>/dev/null || true
	ip netns del "$NS_R" 2>/dev/null || true
	[ -z "${BPF_STATS:-}" ] || sysctl -qw kernel.bpf_stats_enabled="$BPF_STATS"
	rm -rf "$WORK"
}
trap cleanup EXIT

ip netns add "$NS_P"
ip netns add "$NS_R"
ip link add kmon0 netns "$NS_P" type veth peer name kmon1 netns "$NS_R"
ip -n "$NS_P" addr add 10.0.0.1/24 dev kmon0
ip -n "$NS_R" addr add 10.0.0.2/24 dev kmon1
ip -n "$NS_P" link set kmon0 up
ip -n "$NS_R" link set kmon1 up
ip -n "$NS_P" link set lo up
ip -n "$NS_R" link set lo up
ip -n "$NS_R" route add local 10.1.0.0/16 dev lo
ip -n "$NS_P" route add 10.1.0.0/16 via 10.0.0.2
ip netns exec "$NS_P" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
BPF_STATS=$(sysctl -n kernel.bpf_stats_enabled)
sysctl -qw kernel.bpf_stats_enabled=1

setsid ip netns exec "$NS_R" "$BENCHREFL" --ready "$WORK/refl.ready" \
	> "$WORK/refl.json" 2>&1 &
echo $! >> "$WORK/sids"
disown
for _ in $(seq 50); do [ -e "$WORK/refl.ready" ] && break; sleep 0.1; done

# target I (1-based) of a run: 10.1.X.Y
target() { echo "10.1.$(($1 / 250)).$(($1 % 250 + 1))"; }

# "NS KB": the run time in ns of every thread of session SID's processes
# and their RSS in kB.
tree_usage() {
	local sid=$1 pid ns=0 rss=0
	for pid in $(ps -e -o pid=,sid= | awk -v s="$sid" '$2 == s { print $1 }'); do
		ns=$((ns + $(cat /proc/"$pid"/task/*/schedstat 2>/dev/null |
			awk '{ s += $1 } END { printf "%.0f", s }')))
		rss=$((rss + $(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)))
	done
	echo "$ns $rss"
}

# "ID NS" lines: how long each BPF program has run so far
bpf_ns() {
	bpftool prog show -j 2>/dev/null | jq -r '.[] | "\(.id) \(.run_time_ns // 0)"'
}

# seconds BPF programs ran between two bpf_ns samples (programs loaded in
# between count whole, unloaded ones are left out)
bpf_delta() {
	awk 'NR == FNR { a[$1] = $2; next } { s += $2 - ($1 in a ? a[$1] : 0) }
	     END { printf "%.4f", s / 1e9 }' "$1" "$2"
}

# run_for NAME N CMD...: starts CMD in its own session in the prober's
# namespace, waits WARMUP seconds, then measures a window of SECONDS_RUN:
# RUN_SID is its session; RUN_USAGE "PROC_S BPF_S RSS_KB": its threads'
# and every BPF program's CPU seconds in the window, its RSS at the end.
# MARK, if set, is run at both ends of the window (the probes counter).
run_for() {
	local name=$1 n=$2 p0 p1
	shift 2
	setsid ip netns exec "$NS_P" "$@" > "$WORK/$name.$n.out" 2> "$WORK/$name.$n.err" &
	RUN_SID=$!
	disown
	echo "$RUN_SID" >> "$WORK/sids"
	# a prober that counts its probes is warm once it answers with a count
	# that grows (smokeping_prober starts ~100 targets a second and serves
	# /metrics only then; the monitor opens every socket first)
	if [ -n "${MARK:-}" ]; then
		local i m
		for i in $(seq 180); do
			m=$($MARK)
			[ "${m:-0}" -gt 0 ] && break
			sleep 1
		done
	fi
	sleep "$WARMUP"
	RUN_M0=$(${MARK:-true})
	bpf_ns > "$WORK/bpf0"
	p0=$(tree_usage "$RUN_SID")
	sleep "$SECONDS_RUN"
	p1=$(tree_usage "$RUN_SID")
	bpf_ns > "$WORK/bpf1"
	RUN_M1=$(${MARK:-true})
	RUN_USAGE="$(awk -v a="${p0% *}" -v b="${p1% *}" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')"
	RUN_USAGE="$RUN_USAGE $(bpf_delta "$WORK/bpf0" "$WORK/bpf1") ${p1#* }"
}

stop_run() {
	kill -INT -- "-$RUN_SID" 2>/dev/null || true
	for _ in $(seq 100); do kill -0 "$RUN_SID" 2>/dev/null || return 0; sleep 0.1; done
	kill -9 -- "-$RUN_SID" 2>/dev/null || true
}

# scrape PORT METRIC: the sum of METRIC's samples at PORT's /metrics
scrape() {
	ip netns exec "$NS_P" curl -s "http://127.0.0.1:$1/metrics" |
		awk -v m="$2" '$1 ~ "^" m "({|$)" { s += $2 } END { printf "%d", s }'
}

# smokeping_prober: N hosts, 1 s interval, privileged ICMP; probes from its
# own counter.
bench_smokeping() {
	local n=$1 i port=19374 probes
	{
		echo "targets:"
		echo "- interval: 1s"
		echo "  network: ip4"
		echo "  protocol: icmp"
		echo "  hosts:"
		for i in $(seq "$n"); do echo "  - $(target "$i")"; done
	} > "$WORK/smokeping.$n.yml"
	MARK="scrape $port smokeping_requests_total" \
		run_for smokeping "$n" "$SMOKEPING" --config.file="$WORK/smokeping.$n.yml" \
		--privileged --web.listen-address="127.0.0.1:$port" --log.level=error
	stop_run
	echo "$RUN_USAGE $((RUN_M1 - RUN_M0)) -"
}

# stampnl sender --targets: a process per target, BPF stamping (two TC
# filters each); probes from its JSON summary.
bench_targets() {
	local n=$1 i sent
	for i in $(seq "$n"); do target "$i"; done > "$WORK/targets.$n"
	MARK= run_for targets "$n" "$STAMPNL" sender --targets "$WORK/targets.$n" -i 1 -q -j
	stop_run
	sent=$(jq -s '[.. | objects | select(has("sent")) | .sent] | add // 0' \
		"$WORK/targets.$n.out" 2>/dev/null || echo 0)
	echo "$RUN_USAGE $((n * SECONDS_RUN)) $sent"
}

# stampnl monitor: one process; probes from its /metrics.
bench_monitor() {
	local n=$1 i port=19375
	{
		echo "defaults:"
		echo "  interval: 1"
		echo "sessions:"
		for i in $(seq "$n"); do echo "  - target: $(target "$i")"; done
	} > "$WORK/monitor.$n.yml"
	MARK="scrape $port stampnl_monitor_sent_total" \
		run_for monitor "$n" "$STAMPNL" monitor -c "$WORK/monitor.$n.yml" \
		--listen "127.0.0.1:$port"
	stop_run
	echo "$RUN_USAGE $((RUN_M1 - RUN_M0)) -"
}

declare -A ROW
for n in $SIZES; do
	for t in $TOOLS; do
		case $t in
		smokeping)
			[ -n "$SMOKEPING" ] || { ROW[$t.$n]="not installed"; continue; }
			[ "$n" -le "$SMOKEPING_MAX" ] || { ROW[$t.$n]="not run (> MON_SMOKEPING_MAX)"; continue; } ;;
		targets)
			[ "$n" -le "$TARGETS_MAX" ] || { ROW[$t.$n]="not run (> MON_TARGETS_MAX)"; continue; } ;;
		monitor)
			"$STAMPNL" monitor --help >/dev/null 2>&1 || { ROW[$t.$n]="no stampnl monitor"; continue; } ;;
		esac
		echo "bench/monitor.sh: $t, $n targets, ${SECONDS_RUN}s" >&2
		"bench_$t" "$n" > "$WORK/row"
		ROW[$t.$n]=$(cat "$WORK/row")
	done
done

{
	echo "# bench/monitor.sh, $(date -u +%Y-%m-%dT%H:%MZ), $(uname -r), $(nproc) CPUs"
	echo "# N targets at 1 packet/s each; a ${SECONDS_RUN}s window after ${WARMUP}s of start-up;"
	echo "# host network namespaces, one userspace reflector (benchrefl) / the kernel's ICMP echo."
	echo "# cpu = the prober's threads' run time + every BPF program's run time, in the window;"
	echo "# ms/probe = cpu / probes in the window; kB/target = RSS of the prober's processes / N;"
	echo "# x smokep, x targets: ms/probe against smokeping_prober's and sender --targets' at"
	echo "# the same N in this run; sent(all): --targets' own total over its whole run"
	printf '%-10s %7s %7s %8s %8s %9s %9s %9s %9s %s\n' tool targets probes proc_s bpf_s ms/probe kB/target "x smokep" "x targets" "sent(all)"
	for n in $SIZES; do
		for t in $TOOLS; do
			v=${ROW[$t.$n]:-}
			case $v in
			[0-9]*) ;;
			*) printf '%-10s %7s %s\n' "$t" "$n" "$v"; continue ;;
			esac
			read -r proc bpf rss probes sent <<< "$v"
			per() { awk -v a="$1" -v b="$2" -v p="$3" 'BEGIN { if (p > 0) printf "%.4f", (a + b) * 1000 / p; else print "-" }'; }
			mine=$(per "$proc" "$bpf" "$probes")
			kb=$(awk -v r="$rss" -v n="$n" 'BEGIN { printf "%.1f", r / n }')
			ratio() {
				local o=${ROW[$1.$n]:-} op ob opr
				case $o in [0-9]*) ;; *) echo "-"; return ;; esac
				read -r op ob _ opr _ <<< "$o"
				awk -v a="$mine" -v o="$(per "$op" "$ob" "$opr")" 'BEGIN { if (a == "-" || o == "-" || o == 0) print "-"; else printf "%.2f", a / o }'
			}
			printf '%-10s %7s %7s %8s %8s %9s %9s %9s %9s %s\n' "$t" "$n" "$probes" "$proc" "$bpf" "$mine" \
				"$kb" "$(ratio smokeping)" "$(ratio targets)" "$sent"
		done
	done
	# kB/target includes the process's fixed part; the growth between the
	# smallest and the largest N is the cost of one more target alone
	for t in $TOOLS; do
		lo= hi=
		for n in $SIZES; do
			case ${ROW[$t.$n]:-} in [0-9]*) ;; *) continue ;; esac
			read -r _ _ rss _ <<< "${ROW[$t.$n]}"
			[ -n "$lo" ] || { lo=$n; rlo=$rss; }
			hi=$n; rhi=$rss
		done
		[ -n "$lo" ] && [ "$hi" != "$lo" ] || continue
		awk -v t="$t" -v a="$lo" -v b="$hi" -v ra="$rlo" -v rb="$rhi" \
			'BEGIN { printf "# %s: RSS %d kB at %d, %d kB at %d: (%d - %d) / %d = %.2f kB per target\n", t, ra, a, rb, b, rb, ra, b - a, (rb - ra) / (b - a) }'
	done
} | tee "$OUT"

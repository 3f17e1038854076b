#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: bench/driver.sh in the test VM, on each kernel asked for,
# once with 2 vCPUs (every section) and once with 1 (capacity and the
# CPU-count run), one VM at a time under /tmp/kstamp-vm.lock; then
# bench/format.py writes the table.
#
#   bench/run.sh [--quick] [--test] [--out PREFIX]
#
# --test is the test suite's run (tests/bench_smoke.sh): it neither waits
# for a CI run nor takes the VM lock, like every other VM test of the
# suite (the suite runs its VMs one at a time; whoever runs the suite by
# hand takes the lock around it, and a nested flock would wait forever).
#
# BENCH_VM_TIMEOUT: the VM's time limit in seconds (default 1500, 600
# with --test). BENCH_KERNELS (default 6.1) and BENCH_VCPUS (default "2 1") choose the
# runs, BENCH_SECTIONS (default: all but turnaround and t3tap with 2
# vCPUs (opt in: by their run lengths, about 1 to 2 minutes and 1 minute
# more, not timed apart), capacity,cpus with 1)
# what they measure; BENCH_BASE_KO, a stamp_refl.ko under the work tree (the VM sees
# it) built for the kernel measured, is measured beside the tree's own in
# the turnaround section (the module before a change: see bench/README or
# the README's benchmark section); the default PREFIX is bench/results/latest (.txt and .json, and
# the VMs' raw lines in PREFIX.raw-KERNEL-VCPUS.jsonl).
# Other QEMU processes seen while a run goes are counted and reported:
# the figures of a machine that was not quiet are not comparable.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
QUICK= OUTP=bench/results/latest TEST=0
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) QUICK=--quick; shift ;;
	--test) TEST=1; shift ;;
	--out) OUTP=$2; shift 2 ;;
	*) echo "bench/run.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
KERNELS=${BENCH_KERNELS:-6.1}
VCPUS=${BENCH_VCPUS:-2 1}
# the tree measured, before the raw lines are copied into bench/results
# (tracked files: described afterwards, every run would be "-dirty")
GIT=$(git describe --always --dirty 2>/dev/null || echo unknown)
TMP=$(mktemp -d /tmp/kstamp-bench.XXXXXX)
# the VMs' whole output stays in $TMP when something failed
trap 'rm -rf "$TMP"' EXIT

# other QEMU processes than ours, now
others() {
	local n
	n=$(pgrep -c qemu-system || true)
	echo $((n - ${1:-0}))
}

raws=()
for k in $KERNELS; do
	for c in $VCPUS; do
		# the VM's time limit: a test's tiny scale ends well within 600 s
		lock="flock /tmp/kstamp-vm.lock" vmt=${BENCH_VM_TIMEOUT:-1500}
		[ "$TEST" = 1 ] && lock='' vmt=${BENCH_VM_TIMEOUT:-600}
		if [ "$TEST" = 0 ] && [ -e /tmp/kstamp-ci-running ]; then
			echo "bench: a CI run is going (/tmp/kstamp-ci-running): waiting for it to end"
			while [ -e /tmp/kstamp-ci-running ]; do sleep 10; done
		fi
		sections=capacity,fidelity,sender,cpus,scaling
		[ "$c" = 1 ] && sections=capacity,cpus
		sections=${BENCH_SECTIONS:-$sections}
		base=
		[ -n "${BENCH_BASE_KO:-}" ] && base="--base-ko $BENCH_BASE_KO"
		log=$TMP/$k-$c.log
		raw=$TMP/$k-$c.raw
		echo "bench: kernel $k, $c vCPU(s): $sections"
		# inside the lock, so that our own VM is the only one we expect
		# shellcheck disable=SC2086
		$lock bash -c '
			echo "$(pgrep -c qemu-system || true)" > "$1.before"
			date -u +%FT%TZ > "$1.start"
			( while :; do pgrep -c qemu-system || true; sleep 5; done ) > "$1.samples" &
			s=$!
			rc=0
			bash tests/vm/run.sh -k "$2" -c "$3" -t "$6" -- \
				bash bench/driver.sh $4 --sections "$5" $7 > "$1" 2>&1 || rc=$?
			kill $s
			echo "$(pgrep -c qemu-system || true)" > "$1.after"
			date -u +%FT%TZ > "$1.end"
			exit $rc' _ "$log" "$k" "$c" "$QUICK" "$sections" "$vmt" "$base" || {
			echo "bench: the VM run failed; its output (kept in $TMP):" >&2
			grep -v '^dmesg:' "$log" | tail -n 60 >&2
			trap - EXIT
			exit 1
		}
		grep '^bench:' "$log" || true
		sed -n '/^KSTAMP-BENCH-RAW-BEGIN/,/^KSTAMP-BENCH-RAW-END/p' "$log" |
			grep '^{' > "$raw"
		# during the run our VM is one of them: more than one is others
		max=$(sort -n "$log.samples" | tail -n 1)
		other=$(( ${max:-1} > 0 ? ${max:-1} - 1 : 0 ))
		for f in before after; do
			[ "$(cat "$log.$f")" -gt "$other" ] && other=$(cat "$log.$f")
		done
		echo "{\"case\":\"host\",\"vcpus_asked\":$c,\"kernel_asked\":\"$k\",\"start\":\"$(cat "$log.start")\",\"end\":\"$(cat "$log.end")\",\"other_vms_before\":$(cat "$log.before"),\"other_vms_after\":$(cat "$log.after"),\"other_vms_max\":$other}" >> "$raw"
		raws+=("$raw")
	done
done
mkdir -p "$(dirname "$OUTP")"
# the raw lines too, so a table can be made again or checked
i=0
for r in "${raws[@]}"; do
	cp "$r" "$OUTP.raw-$(basename "$r" .raw).jsonl"
	raws[i]=$OUTP.raw-$(basename "$r" .raw).jsonl
	i=$((i + 1))
done
cmd="make bench"
[ -n "$QUICK" ] && cmd="bash bench/run.sh --quick"
python3 bench/format.py --out "$OUTP" --git "$GIT" \
	--command "BENCH_KERNELS=\"$KERNELS\" BENCH_VCPUS=\"$VCPUS\"${BENCH_SECTIONS:+ BENCH_SECTIONS=$BENCH_SECTIONS} $cmd" \
	--date "$(date -u +%FT%TZ)" --host-cpus "$(nproc)" \
	--host-cpu-model "$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)" \
	"${raws[@]}"
echo "bench: wrote $OUTP.txt and $OUTP.json"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run a command as root inside a QEMU (TCG) VM booted from a Debian kernel,
# with the host's root mounted read-only over 9p and the caller's directory
# (shared on its own, read-only) as the working directory. Exits with the command's status, or 99 when the
# kernel log shows BUG/WARNING/KASAN/Oops, 124 on timeout.
#
#   tests/vm/run.sh [-k KVER] [-K bzImage] [-a APPEND] [-m MEM] [-c CPUS] [-t SECONDS] -- CMD...
#   tests/vm/run.sh --list-kernels
#
# -k takes a prefix (6.1, 6.12); the default is the oldest kernel installed.
# -c is the number of vCPUs (default 2).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${KSTAMP_CACHE:-/var/cache/kstamp}

list_kernels() {
	local d k
	for d in /lib/modules/*/; do
		k=$(basename "$d")
		[ -e "/boot/vmlinuz-$k" ] && echo "$k"
	done | sort -V
}

if [ "${1:-}" = --list-kernels ]; then
	list_kernels
	exit 0
fi

KVER= KIMG= APPEND= MEM=1024 CPUS=2 TIMEOUT=600
while [ $# -gt 0 ]; do
	case "$1" in
	-k) KVER=$2; shift 2 ;;
	-K) KIMG=$2; shift 2 ;;
	-a) APPEND=$2; shift 2 ;;
	-m) MEM=$2; shift 2 ;;
	-c) CPUS=$2; shift 2 ;;
	-t) TIMEOUT=$2; shift 2 ;;
	--) shift; break ;;
	*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
[ $# -gt 0 ] || { echo "usage: run.sh [-k KVER] [-K bzImage] [-a APPEND] [-m MEM] [-c CPUS] [-t SECONDS] -- CMD..." >&2; exit 2; }

# a prefix that ends at a dot or dash: 6.1 is not 6.12; no regex, since
# Debian's releases contain '+'
match=
for k in $(list_kernels); do
	case "$k" in
	"$KVER") match=$k; break ;;
	"$KVER".* | "$KVER"-*) [ -n "$match" ] || match=$k ;;
	esac
done
[ -n "$KVER" ] || match=$(list_kernels | head -n 1)
[ -n "$match" ] || { echo "run.sh: no bootable kernel matches '${KVER}' (have: $(list_kernels | tr '\n' ' '))" >&2; exit 2; }
KVER=$match
KIMG=${KIMG:-/boot/vmlinuz-$KVER}

# the initramfs depends on the kernel's modules and on these scripts only
key=$(cat "$HERE/init.sh" "$HERE/mkinitramfs.sh" /lib/modules/"$KVER"/modules.dep |
	sha256sum | cut -c1-16)
INITRD=$CACHE/initramfs-$KVER-$key.cpio.gz
if [ ! -s "$INITRD" ]; then
	mkdir -p "$CACHE"
	bash "$HERE/mkinitramfs.sh" "$KVER" "$INITRD"
fi

JOB=$(mktemp -d /tmp/kstamp-vm.XXXXXX)
trap 'rm -rf "$JOB"' EXIT
{
	echo "cd $(printf %q "$PWD") || exit 2"
	printf 'exec'
	printf ' %q' "$@"
	echo
} > "$JOB/cmd.sh"
echo "${CI:-}" > "$JOB/ci"
echo "$PWD" > "$JOB/cwd"

LOG=$JOB/console.log
set +e
timeout -k 10 "$TIMEOUT" qemu-system-x86_64 \
	-machine q35 -cpu max -smp "$CPUS" -m "$MEM" \
	-nographic -no-reboot -nodefaults -serial stdio \
	-kernel "$KIMG" -initrd "$INITRD" \
	-append "console=ttyS0 panic=-1 quiet loglevel=3 $APPEND" \
	-virtfs local,path=/,mount_tag=root,security_model=none,readonly=on,multidevs=remap \
	-virtfs local,path="$JOB",mount_tag=job,security_model=none,multidevs=remap \
	-virtfs local,path="$PWD",mount_tag=cwd,security_model=none,readonly=on,multidevs=remap \
	< /dev/null 2>&1 | sed -u 's/\r//g' | tee "$LOG" |
	sed -un '/^KSTAMP-VM-START/,/^KSTAMP-VM-EXIT=/{/^KSTAMP-VM-START/d;/^KSTAMP-VM-EXIT=/d;p}'
qrc=${PIPESTATUS[0]}
set -e

rc=$(sed -n 's/^KSTAMP-VM-EXIT=\([0-9]*\).*/\1/p' "$LOG" | tail -n 1)
if [ -z "$rc" ]; then
	if [ "$qrc" = 124 ]; then
		echo "run.sh: timed out after ${TIMEOUT}s on $KVER; console tail:" >&2
	else
		echo "run.sh: the VM ($KVER) ended without a result (qemu exit $qrc); console tail:" >&2
	fi
	tail -n 40 "$LOG" >&2
	# a panic that replayed the kernel log (the stress test asks for it
	# on a soft lockup or an RCU stall): the first report of the replay,
	# with the stuck CPUs' stacks, and where the whole console is kept
	if grep -q 'Kernel panic' "$LOG"; then
		SAVE=${TMPDIR:-/tmp}/kstamp-vm-console.$KVER.log
		cp "$LOG" "$SAVE"
		first=$(sed -n '/Kernel panic/,$p' "$LOG" |
			grep -nE 'soft lockup|rcu: INFO|self-detected stall|Oops|BUG:' |
			head -n 1 | cut -d: -f1)
		if [ -n "$first" ]; then
			echo "run.sh: the kernel's first report, replayed after the panic:" >&2
			sed -n '/Kernel panic/,$p' "$LOG" |
				sed -n "${first},$((first + 150))p" >&2
		fi
		echo "run.sh: the whole console: $SAVE" >&2
	fi
	[ "$qrc" = 124 ] && exit 124
	exit 125
fi
exit "$rc"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build (once) the debug kernel the proving-ground tests boot: Debian's
# linux-source from allnoconfig plus debug.config (KASAN, KMEMLEAK,
# lockdep/PROVE_RCU and KUnit, 9p, virtio and the tests' net options built
# in). It is cached outside the work tree, keyed by the source
# package and this configuration, so later runs on the machine reuse it.
# Prints the directory: bzImage in arch/x86/boot/, and a tree to build
# out-of-tree modules against (Module.symvers in place).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${KSTAMP_CACHE:-/var/cache/kstamp}
TAR=$(ls /usr/src/linux-source-6.1.tar.xz 2>/dev/null || true)
[ -n "$TAR" ] || { echo "debug-kernel: no /usr/src/linux-source-6.1.tar.xz (apt-get install linux-source-6.1)" >&2; exit 2; }
key=$( (dpkg-query -W -f='${Version}' linux-source-6.1; cat "$HERE/debug.config" "$0") |
	sha256sum | cut -c1-12)
DIR=$CACHE/debug-kernel-$key
if [ -e "$DIR/.done" ]; then
	echo "$DIR"
	exit 0
fi
mkdir -p "$CACHE"
exec 9>"$CACHE/.debug-kernel.lock"
flock 9
[ -e "$DIR/.done" ] && { echo "$DIR"; exit 0; }
rm -rf "$DIR"
mkdir -p "$DIR"
echo "debug-kernel: building in $DIR (about 5 minutes on 2 cores)" >&2
tar -xJf "$TAR" -C "$DIR" --strip-components=1
cd "$DIR"
# nothing but what debug.config asks for: no driver the VM never loads
make -s allnoconfig >&2
scripts/kconfig/merge_config.sh -m .config "$HERE/debug.config" >&2
make -s olddefconfig >&2
# every option we asked for must have survived olddefconfig
missing=0
while IFS= read -r line; do
	case "$line" in CONFIG_*=y) grep -qx "$line" .config || {
		echo "debug-kernel: $line did not stick" >&2; missing=1; } ;;
	esac
done < "$HERE/debug.config"
[ $missing = 0 ] || exit 1
make -s -j"$(nproc)" bzImage modules_prepare >&2
make -s -j"$(nproc)" modules >&2
cp vmlinux.symvers Module.symvers 2>/dev/null || true
touch .done
echo "$DIR"

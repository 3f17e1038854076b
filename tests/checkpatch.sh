#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Kernel coding style for the module, the UAPI headers, the VM tests'
# keeper module (tests/vm/keep/), stampnl and the benchmark's programs,
# checked by the checkpatch.pl that ships in Debian's linux-source
# (extracted once into the cache). The module, the UAPI headers and the
# keeper with --strict, as netdev's CI checks every patch (its
# CHECKs are what a netdev reviewer asks about); stampnl and the benchmark
# in the default mode. One check per file; ends with "N passed, N failed".
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${KSTAMP_CACHE:-/var/cache/kstamp}
TAR=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
[ -n "$TAR" ] || skip "no /usr/src/linux-source-*.tar.xz (apt-get install linux-source-6.1)"
DIR=$CACHE/$(basename "$TAR" .tar.xz)-checkpatch
if [ ! -x "$DIR/scripts/checkpatch.pl" ]; then
	mkdir -p "$CACHE"
	tmp=$(mktemp -d "$CACHE/.cp.XXXXXX")
	top=$(basename "$TAR" .tar.xz)
	tar -xJf "$TAR" -C "$tmp" --strip-components=1 \
		"$top/scripts/checkpatch.pl" "$top/scripts/spelling.txt" \
		"$top/scripts/const_structs.checkpatch"
	rm -rf "$DIR"
	mv "$tmp" "$DIR"
fi

cd "$ROOT"
for f in kmod/*.[ch] lib/*.[ch] include/uapi/linux/*.h tests/vm/keep/*.c tools/*/*.[ch] snmp/*.[ch] bench/*.[ch]; do
	# BPF programs follow libbpf's idioms (const volatile configuration)
	case "$f" in *.bpf.c) continue ;; esac
	strict=
	case "$f" in kmod/* | lib/* | include/uapi/* | tests/vm/keep/*) strict=--strict ;; esac
	if out=$("$DIR/scripts/checkpatch.pl" --no-tree --quiet --terse $strict \
		--ignore SPDX_LICENSE_TAG -f "$f" 2>&1); then
		pass "checkpatch${strict:+ $strict} $f"
	else
		fail "checkpatch${strict:+ $strict} $f"
		echo "$out"
	fi
done
finish

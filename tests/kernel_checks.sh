#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The checks netdev's CI runs on every patch, on the module: a W=1 build
# and a sparse (C=2) pass against the newest installed kernel's headers,
# and kernel-doc (-Wall) over kmod/, lib/ and the UAPI headers, each failing on
# any warning; and nm: the module links none of lib/'s sender-only code. (checkpatch --strict is tests/checkpatch.sh.) The build
# goes into build/kmod-checks-KVER/, its own tree of links, so the
# module the VM tests load is never rebuilt with other flags. About a
# minute: the module compiled once, then sparse alone.
# Ends with "N passed, N failed".
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${KSTAMP_CACHE:-/var/cache/kstamp}
cd "$ROOT"

KDIR=$(ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1)
[ -n "$KDIR" ] || skip "no kernel headers in /lib/modules/*/build"
KVER=$(echo "$KDIR" | cut -d/ -f4)
command -v sparse >/dev/null || skip "no sparse (scripts/deps.sh installs it)"

# kernel-doc from the newest linux-source, extracted once into the cache
TAR=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
[ -n "$TAR" ] || skip "no /usr/src/linux-source-*.tar.xz (apt-get install linux-source-6.12)"
top=$(basename "$TAR" .tar.xz)
KDOC=$CACHE/$top-kernel-doc/scripts/kernel-doc
if [ ! -e "$KDOC" ]; then
	mkdir -p "$CACHE"
	tmp=$(mktemp -d "$CACHE/.kd.XXXXXX")
	tar -xJf "$TAR" -C "$tmp" --strip-components=1 "$top/scripts/kernel-doc"
	rm -rf "$CACHE/$top-kernel-doc"
	mv "$tmp" "$CACHE/$top-kernel-doc"
fi

# run_check NAME COMMAND...: pass when COMMAND succeeds and prints no
# warning or error (make -s prints nothing else for a clean module)
run_check() {
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc = 0 ] && ! grep -qE 'warning:|error:' <<< "$out"; then
		pass "$name"
	else
		fail "$name (exit $rc)"
		echo "$out"
	fi
}

B=$ROOT/build/kmod-checks-$KVER
mkdir -p "$B"
cp -rsf "$ROOT/Kbuild" "$ROOT/VERSION" "$ROOT/kmod" "$ROOT/lib" "$ROOT/include" "$B/"
# W=1 objects from another run would be up to date and print nothing
rm -f "$B"/kmod/*.o "$B"/kmod/.*.cmd "$B"/lib/*.o "$B"/lib/.*.cmd
run_check "W=1 build against $KVER: no warnings" \
	make -s -C "$KDIR" M="$B" W=1 modules
# the objects are current now, so this runs sparse on every file and
# compiles nothing (the same W=1 flags)
run_check "sparse (C=2) against $KVER: no warnings" \
	make -s -C "$KDIR" M="$B" W=1 C=2 modules
run_check "kernel-doc -Wall (${top#linux-source-}) kmod/*.[ch] lib/*.[ch] include/uapi/linux/*.h: no warnings" \
	perl "$KDOC" -none -Wall kmod/*.[ch] lib/*.[ch] include/uapi/linux/*.h

# The sender's half of the codec (lib/*_send.c) stays out of the module:
# every function those files define, against what the .ko defines. The
# reflector's stamp_tlv_reflect must be there, so an empty nm fails too.
KO=$B/kmod/stamp_refl.ko
defined=$(nm --defined-only "$KO" 2>/dev/null | awk '{ print $3 }' | sort -u)
send=$(sed -n 's/^[a-z_0-9 ]*[ *]\(stamp_[a-z_0-9]*\)(.*/\1/p' lib/*_send.c | sort -u)
check_cmp "functions lib/*_send.c defines" "$(wc -w <<< "$send")" -ge 10
check_eq "stamp_tlv_reflect in stamp_refl.ko" stamp_tlv_reflect "$(grep -x stamp_tlv_reflect <<< "$defined" || true)"
check_eq "sender-only codec in stamp_refl.ko (nm)" "" "$(comm -12 <(echo "$send") <(echo "$defined") | tr '\n' ' ')"
finish

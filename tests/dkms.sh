#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# DKMS end to end, on the host and in the test VM: `make dkms-install`
# builds stamp_refl for every kernel with headers, the module says what it
# is (modinfo), loads by name in a VM booted on DKMS_VM_KERNEL (6.1 by
# default; the VM's root is this host's root) and reflects there, then
# `make dkms-uninstall` leaves nothing behind. Changes /lib/modules and
# /var/lib/dkms for the duration, so it refuses to run over an existing
# kstamp DKMS install.
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
VM_KERNEL=${DKMS_VM_KERNEL:-6.1}
VERSION=$(cat VERSION)

[ "$(id -u)" = 0 ] || skip "needs root (dkms writes /usr/src, /var/lib/dkms, /lib/modules)"
command -v dkms >/dev/null || skip "no dkms (scripts/deps.sh installs it)"
[ -x build/tools/stampnl ] || skip "stampnl not built (make tools)"
if dkms status -m kstamp 2>/dev/null | grep -q .; then
	skip "kstamp is already in DKMS ($(dkms status -m kstamp | tr '\n' ' ')); this test installs and removes it: make dkms-uninstall first"
fi
KERNELS=$(ls -d /lib/modules/*/build 2>/dev/null | cut -d/ -f4 | sort -V)
[ -n "$KERNELS" ] || skip "no kernel headers in /lib/modules/*/build"

installed=0
cleanup() {
	[ $installed = 0 ] || make --no-print-directory dkms-uninstall >/dev/null 2>&1 || true
}
trap cleanup EXIT

# --- dkms.conf ---------------------------------------------------------------
check_eq "dkms.conf PACKAGE_VERSION is VERSION" "$VERSION" \
	"$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)"
# dkms sources the file: anything beyond plain assignments runs as root
check_eq "dkms.conf lines that are not plain assignments" "" \
	"$(grep -vE '^(#.*|[A-Z_]+(\[[0-9]+\])?="[^"$`]*")?$' dkms.conf || true)"

# --- install ---------------------------------------------------------------
installed=1
if make --no-print-directory dkms-install > /tmp/kstamp-dkms.$$ 2>&1; then
	pass "make dkms-install"
else
	fail "make dkms-install:"
	cat /tmp/kstamp-dkms.$$
fi
rm -f /tmp/kstamp-dkms.$$
check_eq "dkms status" "$(for k in $KERNELS; do echo "kstamp/$VERSION, $k, $(uname -m): installed"; done)" \
	"$(dkms status -m kstamp 2>&1 | grep -v '^readelf' | sort -V)"

for k in $KERNELS; do
	check_eq "$k: modprobe finds stamp_refl in" "/lib/modules/$k/updates/dkms" \
		"$(dirname "$(modinfo -k "$k" -n stamp_refl 2>&1)")"
	check_eq "$k: modinfo version" "$VERSION" "$(modinfo -k "$k" -F version stamp_refl)"
	check_eq "$k: modinfo description" "STAMP (RFC 8762) Session-Reflector in the kernel" \
		"$(modinfo -k "$k" -F description stamp_refl)"
	check_eq "$k: genetlink alias (autoload on resolving \"stamp\")" \
		net-pf-16-proto-16-family-stamp "$(modinfo -k "$k" -F alias stamp_refl)"
	params=$(modinfo -k "$k" -F parmtype stamp_refl | cut -d: -f1)
	check_cmp "$k: parameters" "$(echo "$params" | grep -c .)" -ge 1
	# an undescribed parameter shows as "name: (type)"
	for p in $params; do
		desc=$(modinfo -k "$k" -F parm stamp_refl | sed -n "s/^$p:\(.*\) ([a-z]*)\$/\1/p")
		check_ok "$k: parameter $p has a description ('$desc')" test -n "$desc"
	done
	check_eq "$k: dist/modprobe.d options applied by modprobe" \
		"insmod /lib/modules/$k/updates/dkms/$(basename "$(modinfo -k "$k" -n stamp_refl)") port=862" \
		"$(modprobe -n -v -S "$k" -C dist/modprobe.d stamp_refl | sed 's/ *$//')"
	for m in $(grep -v '^#' dist/modules-load.d/*.conf); do
		check_eq "$k: dist/modules-load.d names a module modprobe knows: $m" 0 \
			"$(modinfo -k "$k" -n "$m" >/dev/null 2>&1; echo $?)"
	done
done

# --- in the VM ---------------------------------------------------------------
rc=0
bash tests/vm/run.sh -k "$VM_KERNEL" -- bash tests/netns/dkms_in_vm.sh "$VERSION" \
	> /tmp/kstamp-dkms-vm.$$ 2>&1 || rc=$?
sed 's/^/vm: /' /tmp/kstamp-dkms-vm.$$
add_vm_summary /tmp/kstamp-dkms-vm.$$ "$rc" "VM on $VM_KERNEL"
rm -f /tmp/kstamp-dkms-vm.$$

# --- uninstall -----------------------------------------------------------------
if make --no-print-directory dkms-uninstall > /tmp/kstamp-dkms.$$ 2>&1; then
	pass "make dkms-uninstall"
	installed=0
else
	fail "make dkms-uninstall:"
	cat /tmp/kstamp-dkms.$$
fi
rm -f /tmp/kstamp-dkms.$$
check_eq "stamp_refl left in /lib/modules/*/updates/dkms" "" \
	"$(ls /lib/modules/*/updates/dkms/stamp_refl* 2>/dev/null || true)"
# mok.key/mok.pub are DKMS's own signing key, created by the first
# install of any module and shared by all: not kstamp's to remove
check_eq "kstamp left in /var/lib/dkms" "" "$(ls -d /var/lib/dkms/kstamp* 2>/dev/null || true)"
check_eq "sources left in /usr/src" "" "$(ls -d /usr/src/kstamp-* 2>/dev/null || true)"
check_eq "dkms status" "" "$(dkms status -m kstamp 2>/dev/null)"
for k in $KERNELS; do
	check_eq "$k: modinfo after uninstall (depmod ran)" "" \
		"$(modinfo -k "$k" -n stamp_refl 2>/dev/null || true)"
done
finish

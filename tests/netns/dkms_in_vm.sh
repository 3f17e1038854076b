#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run by tests/dkms.sh inside the test VM, after `make dkms-install` on the
# host (and by tests/deb.sh, after installing the Debian packages): the
# DKMS-installed module loads by name, says what it is, reflects, and loads
# itself on demand when stampnl asks for the "stamp" family.
#   dkms_in_vm.sh VERSION [STAMPNL]   (default: build/tools/stampnl)
. "$(dirname "$0")/../lib.sh"

STAMPNL=${2:-$ROOT/build/tools/stampnl}
VERSION=$1
requires stampnl jq
MODPROBE_PATH=$(cat /proc/sys/kernel/modprobe)

cleanup() {
	echo "$MODPROBE_PATH" > /proc/sys/kernel/modprobe
	netns_cleanup
	rmmod stamp_refl 2>/dev/null || true
}
defer cleanup


# --- by name, from updates/dkms --------------------------------------------
check_eq "modprobe finds stamp_refl in" \
	"/lib/modules/$(uname -r)/updates/dkms" "$(dirname "$(modinfo -n stamp_refl)")"
check_ok "modprobe stamp_refl port=862 (no path)" modprobe stamp_refl port=862
check_eq "loaded version (/sys/module/stamp_refl/version)" "$VERSION" \
	"$(cat /sys/module/stamp_refl/version 2>/dev/null)"
check_eq "port parameter" 862 "$(cat /sys/module/stamp_refl/parameters/port)"

netns_pair
check_eq "reflector port" "[862]" "$(inB "$STAMPNL" reflector show -j | jfield ports)"
out=$(inA "$STAMPNL" sender $ADDR4_B -c 5 -i 0.05 -W 2 -j) || true
check_eq "sender to the DKMS module: received" 5 "$(echo "$out" | jfield received)"
check_eq "reflector counted them" 5 "$(inB "$STAMPNL" stats -j | jfield reflected)"
netns_cleanup
check_ok "rmmod stamp_refl" rmmod stamp_refl

# --- autoload through the genetlink family alias ----------------------------
# The kernel runs kernel.modprobe from its own root, which here is the
# initramfs (init chroots into the 9p root, it does not switch_root):
# busybox's modprobe there knows only the virtio and 9p modules, so the
# request made by resolving "stamp" fails. A helper on the chroot's /tmp
# (the kernel sees it as /mnt/tmp, tests/vm/init.sh's R) that chroots into
# the real root before running the real modprobe shows the alias itself
# is right: on an ordinary boot this is what happens by default.
echo "kernel.modprobe is $MODPROBE_PATH (resolved in the initramfs, not this chroot)"
if "$STAMPNL" reflector show >/dev/null 2>&1; then
	echo "note: the default kernel.modprobe loaded stamp_refl"
	rmmod stamp_refl
else
	echo "note: with the default kernel.modprobe, no autoload (as explained above)"
fi
check_eq "stamp_refl not loaded before the autoload test" "" \
	"$(grep -w '^stamp_refl' /proc/modules || true)"
cat > /tmp/kstamp-modprobe <<'EOS'
#!/bin/sh
exec chroot /mnt /sbin/modprobe "$@"
EOS
chmod +x /tmp/kstamp-modprobe
echo /mnt/tmp/kstamp-modprobe > /proc/sys/kernel/modprobe
check_ok "stampnl reflector show autoloads the module" \
	"$STAMPNL" reflector show
check_eq "autoloaded module" stamp_refl \
	"$(awk '$1 == "stamp_refl" {print $1}' /proc/modules)"
check_eq "autoloaded with the default port" 862 \
	"$(cat /sys/module/stamp_refl/parameters/port 2>/dev/null)"
finish

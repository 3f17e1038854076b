#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# mkinitramfs.sh KVER OUT: a busybox initramfs that loads KVER's virtio and
# 9p modules in dependency order and runs tests/vm/init.sh.
set -eu
KVER=$1
OUT=$2
HERE=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{bin,dev,proc,sys,mnt,lib/modules}
cp /bin/busybox "$work/bin/busybox"
cp "$HERE/init.sh" "$work/init"
chmod +x "$work/init"
# busybox insmod cannot read compressed modules: store them plain
modprobe -S "$KVER" -a --show-depends 9p 9pnet_virtio virtio_pci 2>/dev/null |
	awk '/^insmod/ {print $2}' | awk '!seen[$0]++' |
while read -r ko; do
	name=$(basename "$ko")
	case "$ko" in
	*.xz) xz -dc "$ko" > "$work/lib/modules/${name%.xz}"; name=${name%.xz} ;;
	*.zst) zstd -qdc "$ko" > "$work/lib/modules/${name%.zst}"; name=${name%.zst} ;;
	*.gz) gzip -dc "$ko" > "$work/lib/modules/${name%.gz}"; name=${name%.gz} ;;
	*) cp "$ko" "$work/lib/modules/$name" ;;
	esac
	echo "$name" >> "$work/lib/modules/order"
done
(cd "$work" && find . | cpio -o -H newc --quiet | gzip -1) > "$OUT.tmp.$$"
mv "$OUT.tmp.$$" "$OUT"

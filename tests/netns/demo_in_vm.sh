#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The demo's inside: reflector in namespace B (10.0.0.2, fd00::2), sender
# in namespace A. Shows exactly what a user types.
. "$(dirname "$0")/../lib.sh"
PATH=$ROOT/build/tools:$PATH

run() {
	echo "# $*"
	"$@"
}

modprobe veth 2>/dev/null || true  # built in on the debug kernel
run insmod "$ROOT/build/kmod-$(uname -r)/kmod/stamp_refl.ko" port=862
defer rmmod stamp_refl
netns_pair
run ip netns exec "$NS_B" stampnl reflector show
run ip netns exec "$NS_A" stampnl sender 10.0.0.2 -c 10 -i 0.2
run ip netns exec "$NS_A" stampnl sender fd00::2 -c 5 -i 0.2
run ip netns exec "$NS_B" stampnl stats

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The proving ground: build (once, cached) the debug kernel, build the
# module with its KUnit suites against it, and run tests/netns/
# debug_in_vm.sh in a VM booted on it. Ends with "N passed, N failed".
# "tests/debug_kernel.sh stress" runs stress.sh there instead of the
# end-to-end suite.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
DIR=$(bash tests/vm/debug-kernel.sh)
KVER=$(make -s -C "$DIR" kernelrelease)
make -s module keep KDIR="$DIR" KVER="$KVER" STAMP_KUNIT=1
make -s tools
# KASAN and lockdep make everything several times slower under TCG (the
# end-to-end suite takes about 45 min). no5lvl: QEMU's "-cpu max" has
# LA57, and with 5-level paging an interrupt that lands while the boot CPU
# is being identified draws a KASAN wild-memory-access report from 6.1,
# which taints the kernel and so turns lockdep off for the whole run.
exec bash tests/vm/run.sh -K "$DIR/arch/x86/boot/bzImage" -a "acpi=off no5lvl" \
	-m 2048 -t 3600 -- bash tests/netns/debug_in_vm.sh "$@"

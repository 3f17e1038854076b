#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A real STAMP measurement: boots a VM (this host cannot load modules),
# loads stamp_refl.ko there, and runs `stampnl sender` across a veth link
# between two network namespaces. Run by `make demo`.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
bash scripts/deps.sh
make --no-print-directory modules-all tools >/dev/null
KVER=$(bash tests/vm/run.sh --list-kernels | head -n 1)
echo "kstamp demo: booting Linux $KVER under QEMU (TCG, about 10-20 s)..."
exec bash tests/vm/run.sh -k "$KVER" -- bash tests/netns/demo_in_vm.sh

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make install` into a DESTDIR puts exactly the expected files under
# PREFIX with the right modes, the installed stampnl runs and its man
# pages are found by man, and `make uninstall` leaves no file behind.
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$(dirname "$0")/.." && pwd)
[ -x "$ROOT/build/tools/stampnl" ] || skip "stampnl not built (make tools)"
D=$(mktemp -d /tmp/kstamp-install.XXXXXX)
trap 'rm -rf "$D"' EXIT
P=/opt/kstamp

files() { (cd "$D" && find . ! -type d -printf '%m %p\n' | sort); }

check_ok "make install DESTDIR PREFIX=$P" \
	make -s -C "$ROOT" install DESTDIR="$D" PREFIX=$P
check_eq "installed files" "$(sort <<EOF2
755 .$P/sbin/stampnl
644 .$P/share/man/man8/stampnl.8
644 .$P/share/man/man4/stamp_refl.4
644 .$P/share/bash-completion/completions/stampnl
644 .$P/share/doc/kstamp/examples/modules-load.d/stamp_refl.conf
644 .$P/share/doc/kstamp/examples/modprobe.d/stamp_refl.conf
644 .$P/share/doc/kstamp/examples/prometheus/stamp-reflector-prom.service
644 .$P/share/doc/kstamp/examples/prometheus/stamp-reflector-prom.timer
644 .$P/share/doc/kstamp/examples/prometheus/stamp-reflector-prom.cron
644 .$P/share/doc/kstamp/examples/prometheus/stamp-sender-prom@.service
755 .$P/sbin/kstamp-agentx
644 .$P/share/man/man8/kstamp-agentx.8
644 .$P/share/snmp/mibs/KSTAMP-MIB.txt
644 .$P/lib/systemd/system/kstamp-agentx.service
644 .$P/lib/systemd/system/kstamp-agentx@.service
644 .$P/lib/systemd/system/stampnl-monitor.service
644 .$P/share/doc/kstamp/examples/monitor/monitor.yaml
EOF2
)" "$(files)"
check_eq "installed stampnl runs (help lists sender)" 1 \
	"$("$D$P/sbin/stampnl" help | grep -c '^  sender ')"
check_eq "man finds stampnl(8) under the installed MANPATH" \
	"$D$P/share/man/man8/stampnl.8" "$(man -M "$D$P/share/man" -w 8 stampnl 2>&1)"
check_eq "man finds stamp_refl(4) under the installed MANPATH" \
	"$D$P/share/man/man4/stamp_refl.4" "$(man -M "$D$P/share/man" -w 4 stamp_refl 2>&1)"
check_eq "the completion registers for stampnl" "complete -F _stampnl stampnl" \
	"$(bash -c ". '$D$P/share/bash-completion/completions/stampnl'; complete -p stampnl")"
check_eq "the subagent's units run it from SBINDIR" 2 \
	"$(cat "$D$P"/lib/systemd/system/kstamp-agentx*.service |
		grep -c "^ExecStart=$P/sbin/kstamp-agentx ")"
check_eq "the monitor's unit runs it from SBINDIR" 1 \
	"$(grep -c "^ExecStart=$P/sbin/stampnl monitor " "$D$P/lib/systemd/system/stampnl-monitor.service")"
check_eq "man finds kstamp-agentx(8) under the installed MANPATH" \
	"$D$P/share/man/man8/kstamp-agentx.8" "$(man -M "$D$P/share/man" -w 8 kstamp-agentx 2>&1)"
# the examples are rewritten for where stampnl went: every command line
# that runs it names $P/sbin/stampnl
check_eq "examples that run stampnl from elsewhere than $P/sbin" "" \
	"$(grep -rhoE '[^ =]*/stampnl ' "$D$P/share/doc/kstamp/examples" | sort -u | grep -vx "$P/sbin/stampnl " || true)"
check_eq "examples that run $P/sbin/stampnl" 3 \
	"$(grep -rlF "$P/sbin/stampnl " "$D$P/share/doc/kstamp/examples" | wc -l)"
check_ok "make uninstall DESTDIR PREFIX=$P" \
	make -s -C "$ROOT" uninstall DESTDIR="$D" PREFIX=$P
check_eq "files left after uninstall" "" "$(files)"
check_eq "kstamp's doc directory removed" no \
	"$([ -e "$D$P/share/doc/kstamp" ] && echo yes || echo no)"
finish

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The SMIv2 base modules KSTAMP-MIB imports (SNMPv2-SMI, SNMPv2-TC,
# SNMPv2-CONF: RFC 2578-2580), for smilint and net-snmp's tools. Debian's
# main archive ships none of the IETF's MIB modules (snmp-mibs-downloader
# is in non-free), so they come from the npm registry's net-snmp package
# (a pinned version), unpacked into $KSTAMP_CACHE/snmp-mibs-VERSION.
#
#   scripts/snmp-mibs.sh          fetch if needed, print the directory
#   scripts/snmp-mibs.sh --dir    print the directory if it is there, else
#                                 exit 1 (read only: what the tests use)
set -eu
CACHE=${KSTAMP_CACHE:-/var/cache/kstamp}
VER=3.29.2
DIR=$CACHE/snmp-mibs-$VER
MODS=(SNMPv2-SMI SNMPv2-TC SNMPv2-CONF)

complete() {
	local m
	for m in "${MODS[@]}"; do [ -s "$1/$m.txt" ] || return 1; done
}

if complete "$DIR"; then
	echo "$DIR"
	exit 0
fi
if [ "${1:-}" = --dir ]; then
	echo "snmp-mibs.sh: no SNMPv2 base MIB modules in $DIR (run scripts/snmp-mibs.sh or scripts/deps.sh)" >&2
	exit 1
fi
command -v npm >/dev/null ||
	{ echo "snmp-mibs.sh: npm is needed to fetch the SNMPv2 base modules" >&2; exit 1; }
mkdir -p "$CACHE"
tmp=$(mktemp -d "$CACHE/.snmp-mibs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "net-snmp@$VER" --silent >/dev/null)
files=()
for m in "${MODS[@]}"; do files+=("package/lib/mibs/$m.mib"); done
tar -xzf "$tmp/net-snmp-$VER.tgz" -C "$tmp" "${files[@]}"
mkdir -p "$tmp/out"
# .txt: the name both libsmi and net-snmp look for
for m in "${MODS[@]}"; do
	cp "$tmp/package/lib/mibs/$m.mib" "$tmp/out/$m.txt"
done
rm -rf "$DIR"
mv "$tmp/out" "$DIR"
echo "$DIR"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The SMIv2 base modules KSTAMP-MIB imports (SNMPv2-SMI, SNMPv2-TC,
# SNMPv2-CONF: RFC 2578-2580), for smilint and net-snmp's tools. Debian's
# net-snmp and libsmi packages ship none of the IETF's MIB modules
# (snmp-mibs-downloader is in non-free), but Debian main's erlang-snmp
# carries these three as plain SMIv2 text: they are copied from it into
# $KSTAMP_CACHE/snmp-mibs-erlang-VERSION as .txt, the name both libsmi and
# net-snmp look for.
#
#   scripts/snmp-mibs.sh          copy if needed, print the directory
#   scripts/snmp-mibs.sh --dir    print the directory if it is there, else
#                                 exit 1 (read only: what the tests use)
set -eu
CACHE=${KSTAMP_CACHE:-/var/cache/kstamp}
MODS=(SNMPv2-SMI SNMPv2-TC SNMPv2-CONF)
VER=$(dpkg-query -W -f='${Version}' erlang-snmp 2>/dev/null | tr ':~+' '___') ||
	VER=
SRC=$(ls -d /usr/lib/erlang/lib/snmp-*/mibs 2>/dev/null | sort -V | tail -n 1)
DIR=$CACHE/snmp-mibs-erlang-$VER

complete() {
	local m
	for m in "${MODS[@]}"; do [ -s "$1/$m.txt" ] || return 1; done
}

if [ -n "$VER" ] && complete "$DIR"; then
	echo "$DIR"
	exit 0
fi
if [ "${1:-}" = --dir ]; then
	echo "snmp-mibs.sh: no SNMPv2 base MIB modules in $DIR (run scripts/snmp-mibs.sh or scripts/deps.sh)" >&2
	exit 1
fi
[ -n "$VER" ] && [ -n "$SRC" ] ||
	{ echo "snmp-mibs.sh: erlang-snmp is needed (apt-get install erlang-snmp)" >&2; exit 1; }
mkdir -p "$CACHE"
tmp=$(mktemp -d "$CACHE/.snmp-mibs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
for m in "${MODS[@]}"; do
	cp "$SRC/$m.mib" "$tmp/$m.txt"
done
rm -rf "$DIR"
mv "$tmp" "$DIR"
trap - EXIT
echo "$DIR"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The family's generated code, from its single source,
# Documentation/netlink/specs/stamp.yaml, by the kernel's own generator
# (tools/net/ynl/ynl-gen-c.py of Debian's linux-source-6.12, which
# scripts/ynl.sh extracts beside the YNL client):
#   include/uapi/linux/stamp.h   the UAPI header
#   kmod/netlink-gen.h, .c       the kernel's per-operation policies and
#                                split ops (kmod/compat.h and netlink.c
#                                carry them to 6.1, which has no split ops)
# and, by scripts/counters-gen.py, the counter tables from the spec's stats
# and tlv-stats attributes (each doc's last line "Label: TEXT"):
#   kmod/counters-gen.h          the module's counter enums, by attribute
#   tools/reflector/counters-gen.[ch]  stampnl's counter tables (JSON keys,
#                                text labels; the Prometheus and SNMP names
#                                follow from the keys)
# Each starts with the generator's do-not-edit banner: edit the spec and
# run this (or `make regen`), then commit the spec and the output together.
#
#   scripts/ynl-gen.sh           write the files into the tree
#   scripts/ynl-gen.sh --check   generate into a temporary directory and
#                                diff against the tree: exit 1 on any
#                                difference (what tests/spec_check.py runs)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SPEC=Documentation/netlink/specs/stamp.yaml
CHECK=
[ "${1:-}" = --check ] && CHECK=1

YNL=$(bash "$ROOT/scripts/ynl.sh")
GEN=$YNL/tools/net/ynl/ynl-gen-c.py
if [ ! -f "$GEN" ]; then
	# a cache extracted before the generator was wanted: add it
	TAR=$(ls /usr/src/linux-source-6.12.tar.xz)
	tmp=$(mktemp -d "$YNL/.gen.XXXXXX")
	tar -xJf "$TAR" -C "$tmp" --strip-components=4 \
		linux-source-6.12/tools/net/ynl/ynl-gen-c.py
	chmod a+r "$tmp/ynl-gen-c.py"
	mv "$tmp/ynl-gen-c.py" "$GEN"
	rmdir "$tmp"
fi

# ynl-gen-c.py names the spec in its banner by the path below the
# kernel tree's top (the first directory up with a MAINTAINERS file), and
# takes the schema from the directory above the spec's: give it that tree.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/tree/Documentation/netlink/specs" "$T/out/include/uapi/linux" "$T/out/kmod"
touch "$T/tree/MAINTAINERS"
cp "$ROOT/$SPEC" "$T/tree/$SPEC"
cp "$YNL"/Documentation/netlink/genetlink*.yaml "$T/tree/Documentation/netlink/"
gen() {
	(cd "$T/tree" && python3 "$GEN" --spec "$SPEC" "$@") >"$T/log" 2>&1 ||
		{ cat "$T/log" >&2; echo "ynl-gen.sh: ynl-gen-c.py $* failed" >&2; exit 1; }
}
gen --mode uapi --header -o "$T/out/include/uapi/linux/stamp.h"
gen --mode kernel --header -o "$T/out/kmod/netlink-gen.h"
gen --mode kernel --source -o "$T/out/kmod/netlink-gen.c"
python3 "$ROOT/scripts/counters-gen.py" --out "$T/out"

FILES="include/uapi/linux/stamp.h kmod/netlink-gen.h kmod/netlink-gen.c
	kmod/counters-gen.h tools/reflector/counters-gen.h tools/reflector/counters-gen.c"
if [ -n "$CHECK" ]; then
	rc=0
	for f in $FILES; do
		diff -u "$ROOT/$f" "$T/out/$f" || rc=1
	done
	exit $rc
fi
for f in $FILES; do
	cp "$T/out/$f" "$ROOT/$f"
done
echo "ynl-gen.sh:" $FILES "from $SPEC ($(basename "$YNL"))"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The kernel's YNL netlink client (tools/net/ynl: cli.py and its lib/) and
# the generic netlink schemas it validates specs against
# (Documentation/netlink/genetlink*.yaml), taken from Debian's
# linux-source-6.12 into $KSTAMP_CACHE/ynl-VERSION. Only those files are
# extracted; the package comes from apt (scripts/deps.sh), and YNL runs on
# Debian's python3 with python3-yaml and python3-jsonschema.
#
#   scripts/ynl.sh          extract if needed, print the directory
#   scripts/ynl.sh --dir    print the directory if it is there, else exit 1
#                           (read only: what the VM tests use)
#
# Then: python3 DIR/tools/net/ynl/cli.py --spec SPEC \
#           --schema DIR/Documentation/netlink/genetlink-legacy.yaml ...
set -eu
CACHE=${KSTAMP_CACHE:-/var/cache/kstamp}
PKG=linux-source-6.12
TARBALL=/usr/src/$PKG.tar.xz
TOP=$PKG	# the tarball's top directory
FILES=(tools/net/ynl/cli.py tools/net/ynl/ynl-gen-c.py 'tools/net/ynl/lib/*.py'
       'Documentation/netlink/genetlink*.yaml')

ver=$(dpkg-query -W -f='${Version}' "$PKG" 2>/dev/null || true)
complete() { [ -f "$1/tools/net/ynl/cli.py" ] && [ -f "$1/tools/net/ynl/lib/ynl.py" ] &&
	[ -f "$1/Documentation/netlink/genetlink-legacy.yaml" ]; }

if [ "${1:-}" = --dir ]; then
	# any version will do when the package is not (or no longer) there
	for d in ${ver:+"$CACHE/ynl-$ver"} $(ls -d "$CACHE"/ynl-* 2>/dev/null | sort -rV); do
		complete "$d" && { echo "$d"; exit 0; }
	done
	echo "ynl.sh: no YNL in $CACHE (run scripts/ynl.sh or scripts/deps.sh)" >&2
	exit 1
fi

if [ -z "$ver" ] || [ ! -r "$TARBALL" ]; then
	echo "ynl.sh: installing $PKG for the kernel's YNL client" >&2
	SUDO=
	[ "$(id -u)" = 0 ] || SUDO=sudo
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
		--no-install-recommends "$PKG" python3-yaml python3-jsonschema >/dev/null
	ver=$(dpkg-query -W -f='${Version}' "$PKG")
fi
DIR=$CACHE/ynl-$ver
if ! complete "$DIR"; then
	mkdir -p "$CACHE"
	tmp=$(mktemp -d "$CACHE/.ynl.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	tar -xJf "$TARBALL" -C "$tmp" --wildcards "${FILES[@]/#/$TOP/}"
	complete "$tmp/$TOP" || { echo "ynl.sh: $TARBALL has no tools/net/ynl" >&2; exit 1; }
	chmod -R a+rX "$tmp/$TOP"
	rm -rf "$DIR"
	mv "$tmp/$TOP" "$DIR"
fi
echo "$DIR"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make deb`: the kstamp-dkms and stampnl Debian packages, with debhelper
# and dh-dkms (debian/), into build/deb/.
#
#   scripts/deb.sh [--version V]
#
# The tree is copied to build/deb/kstamp-V/ and built there: dpkg-buildpackage
# writes the packages next to the tree it builds (so build/deb/, inside this
# checkout), and dh's clean runs `make clean`, which would delete this
# build/. In a git checkout the copy is what `git status` sees: tracked files
# as they are now, and untracked ones that are not ignored.
#
# debian/changelog is not kept in git: it is written here from VERSION, so
# that VERSION stays the one place a release is numbered (dkms.conf's copy
# is checked against it by tests/dkms.sh and by debian/rules). --version V
# builds version V instead (tests/deb.sh builds the next version to test an
# upgrade): VERSION, dkms.conf and the changelog of the copy all say V.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
V=$(cat VERSION)
while [ $# -gt 0 ]; do
	case "$1" in
	--version) V=$2; shift 2 ;;
	*) echo "scripts/deb.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
# a Debian native version: no revision, which would need an upstream tarball
if ! [[ "$V" =~ ^[0-9][A-Za-z0-9.+~]*$ ]]; then
	echo "deb: '$V' is not a native package version (digits, letters, . + ~)" >&2
	exit 2
fi
for t in dpkg-buildpackage dh dh_dkms; do
	command -v $t >/dev/null || {
		echo "deb: no $t (apt-get install debhelper dh-dkms, or scripts/deps.sh)" >&2
		exit 1
	}
done

OUT=$ROOT/build/deb
SRC=$OUT/kstamp-$V
rm -rf "$SRC"
rm -f "$OUT"/kstamp-dkms_"$V"_* "$OUT"/stampnl_"$V"_* "$OUT"/stampnl-dbgsym_"$V"_* \
	"$OUT"/kstamp_"$V"_*
mkdir -p "$SRC"

git_tree=0
if [ "$(git rev-parse --show-toplevel 2>/dev/null)" = "$ROOT" ]; then
	git_tree=1
fi
if [ $git_tree = 1 ]; then
	# tracked files deleted in the work tree are still listed: skip them
	git ls-files -z -c -o --exclude-standard | sort -zu |
		while IFS= read -r -d '' f; do
			if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
		done | tar --null -T - -cf - | tar -C "$SRC" -xf -
else
	tar --exclude=./build -cf - . | tar -C "$SRC" -xf -
fi

echo "$V" > "$SRC/VERSION"
sed -i "s/^PACKAGE_VERSION=.*/PACKAGE_VERSION=\"$V\"/" "$SRC/dkms.conf"

# the changelog's date becomes SOURCE_DATE_EPOCH (file dates in the
# packages): the commit's, so that building the same commit twice gives the
# same packages
maint=$(sed -n 's/^Maintainer: //p' debian/control)
date=
from=
if [ $git_tree = 1 ]; then
	date=$(git log -1 --format=%aD HEAD 2>/dev/null || true)
	from=" from $(git describe --always --dirty 2>/dev/null || echo git)"
fi
[ -n "$date" ] || date=$(date -R)
cat > "$SRC/debian/changelog" <<EOF
kstamp ($V) unstable; urgency=medium

  * kstamp $V, packaged by make deb$from.

 -- $maint  $date
EOF

cd "$SRC"
# -b: binary packages only (the source is this repository); no signing
dpkg-buildpackage -b -us -uc -Jauto
cd "$OUT"
rm -rf "$SRC"
echo "deb: built in $OUT:"
ls -1 "$OUT"/*_"$V"_*.deb

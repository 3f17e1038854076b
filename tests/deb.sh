#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The Debian packages end to end: `make deb` in a clean copy of the tree
# (git archive of the work tree's tracked files: no build/, no .git), for
# VERSION and for the next version; lintian on both packages; `apt-get
# install` of both on the host, where DKMS must build stamp_refl for every
# kernel with headers; a kernel's headers installed again (the kernel
# hook must rebuild it); the next version installed over it (rebuilt for
# every kernel, the old one gone); in a VM booted on DEB_VM_KERNEL (6.1 by
# default; its root is this host's), `modprobe stamp_refl` by name loads
# the new version and the packaged stampnl measures through it; `apt-get
# purge` leaves nothing behind.
#
# Changes /usr/src, /var/lib/dkms and /lib/modules for its duration, like
# tests/dkms.sh (same module name): so it refuses to run over an existing
# kstamp DKMS install or kstamp package, and purges what it installed on
# any exit. The suite runs it after tests/dkms.sh.
#
# KSTAMP_VM_LOCK=FILE takes `flock FILE` around the VM run only (by hand:
# KSTAMP_VM_LOCK=/tmp/kstamp-vm.lock); the suite runs its VMs one at a
# time and sets nothing, since a nested flock on the same file would wait
# forever.
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
VM_KERNEL=${DEB_VM_KERNEL:-6.1}
V=$(cat VERSION)
ARCH=$(dpkg --print-architecture)
T_START=$(date +%s)

[ "$(id -u)" = 0 ] || skip "needs root (apt-get install, dkms)"
for t in dkms dpkg-buildpackage dh_dkms lintian git; do
	command -v $t >/dev/null || skip "no $t (scripts/deps.sh installs it)"
done
[ -d .git ] || [ -f .git ] || skip "not a git checkout: the packages are built from git archive"
if dkms status -m kstamp 2>/dev/null | grep -q .; then
	skip "kstamp is already in DKMS ($(dkms status -m kstamp | tr '\n' ' ')); this test installs and purges it: make dkms-uninstall first"
fi
pkg_state() { dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | tr -d ' '; }
for p in kstamp-dkms stampnl; do
	case "$(pkg_state $p)" in
	'' | un) ;;
	*) skip "$p is installed ($(pkg_state $p)); this test installs and purges it: apt-get purge $p first" ;;
	esac
done
KERNELS=$(ls -d /lib/modules/*/build 2>/dev/null | cut -d/ -f4 | sort -V)
[ -n "$KERNELS" ] || skip "no kernel headers in /lib/modules/*/build"

# the next version: the last number one up (0.1.0 -> 0.1.1)
if [[ "$V" =~ ^(.*[^0-9])?([0-9]+)$ ]]; then
	V2=${BASH_REMATCH[1]}$((BASH_REMATCH[2] + 1))
else
	V2=$V.1
fi

TMP=$(mktemp -d /tmp/kstamp-deb.XXXXXX)
# apt reads local packages as its _apt user
chmod 755 "$TMP"
LOG=$TMP/log
APT=(flock /tmp/kstamp-apt.lock apt-get -y -q -o DPkg::Lock::Timeout=600)
export DEBIAN_FRONTEND=noninteractive

installed() { case "$(pkg_state "$1")" in '' | un) return 1 ;; esac; }

cleanup() {
	local v
	if installed kstamp-dkms || installed stampnl; then
		"${APT[@]}" purge kstamp-dkms stampnl >/dev/null 2>&1 || true
	fi
	# whatever a failed maintainer script left: nothing of kstamp was
	# there when this test started
	for v in $(dkms status -m kstamp 2>/dev/null | sed -n 's|^kstamp/\([^,:]*\).*|\1|p' | sort -u); do
		dkms remove -m kstamp -v "$v" --all >/dev/null 2>&1 || true
	done
	rm -rf /usr/src/kstamp-"$V" /usr/src/kstamp-"$V2" "$TMP"
}
trap cleanup EXIT

# run DESCRIPTION COMMAND...: check_ok, with the command's output shown
# only when it fails
run() {
	local what=$1
	shift
	if "$@" > "$LOG" 2>&1; then
		pass "$what"
	else
		fail "$what (exit $?: $*):"
		tail -n 40 "$LOG"
	fi
}
phase() { echo "--- $1 (at $(($(date +%s) - T_START)) s)"; }

# the versions DKMS has, one line per kernel: "VERSION KERNEL state"
dkms_state() {
	dkms status -m kstamp 2>&1 | grep -v '^readelf' |
		sed -n 's|^kstamp/\([^,]*\), \([^,]*\), [^:]*: \(.*\)$|\1 \2 \3|p' | sort -V
}
expect_state() {
	local k
	for k in $KERNELS; do echo "$1 $k installed"; done
}

# --- build ----------------------------------------------------------------
phase "make deb from a clean tree"
# the work tree's tracked files as they are now (git stash create makes a
# commit of them without touching anything; nothing to stash: HEAD).
# Untracked files are not in it: git add a new file before running this.
tree=$(git -c user.name=kstamp-test -c user.email=kstamp-test@invalid \
	stash create 2>/dev/null || true)
mkdir "$TMP/src"
git archive "${tree:-HEAD}" | tar -x -C "$TMP/src"
chmod -R go+rX "$TMP/src"
run "make deb (version $V)" make -C "$TMP/src" --no-print-directory deb
run "make deb DEB_VERSION=$V2" make -C "$TMP/src" --no-print-directory deb DEB_VERSION="$V2"
OUT=$TMP/src/build/deb
check_eq "files written next to the tree (outside build/)" "src" "$(ls "$TMP" | grep -vx log)"
check_eq "packages built" "$(printf '%s\n' kstamp-dkms_"$V"_all.deb kstamp-dkms_"$V2"_all.deb \
	stampnl-dbgsym_"$V"_$ARCH.deb stampnl-dbgsym_"$V2"_$ARCH.deb stampnl_"$V"_$ARCH.deb \
	stampnl_"$V2"_$ARCH.deb | sort)" "$(cd "$OUT" && ls -1 ./*.deb 2>/dev/null | sed 's|^\./||' | sort)"
for v in "$V" "$V2"; do
	for p in kstamp-dkms_"$v"_all stampnl_"$v"_$ARCH; do
		check_eq "$p.deb: Version" "$v" "$(dpkg-deb -f "$OUT/$p.deb" Version 2>&1)"
	done
	check_eq "kstamp-dkms $v: dkms.conf's PACKAGE_VERSION" "PACKAGE_VERSION=\"$v\"" \
		"$(dpkg-deb --fsys-tarfile "$OUT/kstamp-dkms_${v}_all.deb" |
			tar -xOf - ./usr/src/kstamp-"$v"/dkms.conf | grep '^PACKAGE_VERSION=')"
	check_eq "kstamp-dkms $v: the sources' VERSION" "$v" \
		"$(dpkg-deb --fsys-tarfile "$OUT/kstamp-dkms_${v}_all.deb" |
			tar -xOf - ./usr/src/kstamp-"$v"/VERSION)"
done
check_eq "kstamp-dkms depends on dkms" "dkms (>= 2.1.0.0)" \
	"$(dpkg-deb -f "$OUT/kstamp-dkms_${V}_all.deb" Depends)"

# stampnl has everything `make install` installs (man pages compressed),
# and the units of the examples in /lib/systemd/system
make -s -C "$TMP/src" install DESTDIR="$TMP/inst" PREFIX=/usr UNITDIR=/lib/systemd/system \
	DOCDIR=/usr/share/doc/stampnl > "$LOG" 2>&1 || { cat "$LOG"; fail "make install into $TMP/inst"; }
want=$(cd "$TMP/inst" && find . ! -type d | sed -E 's|^\.||; s|^(/usr/share/man/.*)$|\1.gz|' | sort)
have=$(dpkg-deb -c "$OUT/stampnl_${V}_$ARCH.deb" | awk '$1 !~ /^d/ {print $6}' | sed 's|^\.||' | sort)
check_eq "make install's files missing from stampnl" "" "$(comm -23 <(echo "$want") <(echo "$have"))"
check_eq "stampnl's files beyond make install's" "$(printf '%s\n' \
	/lib/systemd/system/stamp-reflector-prom.service \
	/lib/systemd/system/stamp-reflector-prom.timer \
	/lib/systemd/system/stamp-sender-prom@.service \
	/usr/share/doc/stampnl/README.md.gz /usr/share/doc/stampnl/changelog.gz \
	/usr/share/doc/stampnl/copyright \
	/usr/share/lintian/overrides/stampnl | sort)" "$(comm -13 <(echo "$want") <(echo "$have"))"

# --- lintian -------------------------------------------------------------
phase lintian
# every tag, down to pedantic and experimental; overrides carry a reason in
# debian/*.lintian-overrides and are not shown
lint=$(lintian -I -E --pedantic --profile debian \
	"$OUT/kstamp-dkms_${V}_all.deb" "$OUT/stampnl_${V}_$ARCH.deb" 2>&1 |
	grep -v '^running with root privileges' || true)
check_eq "lintian tags on kstamp-dkms and stampnl" "" "$lint"

# --- install ---------------------------------------------------------------
# As on a machine that runs its newest kernel: `uname -r` says so. There
# dh-dkms's own postinst builds for that kernel alone, and kstamp-dkms's
# must build for the others. (This host runs a kernel that is not
# installed and newer than all: there dh-dkms's builds for every kernel.)
# apt gives dpkg its own PATH (DPkg::Path), not the caller's.
newest=$(echo "$KERNELS" | tail -n 1)
mkdir "$TMP/uname"
printf '#!/bin/sh\n[ "$*" = -r ] && exec echo %s\nexec /bin/uname "$@"\n' \
	"$newest" > "$TMP/uname/uname"
chmod 755 "$TMP/uname/uname"
phase "apt-get install $V (uname -r: $newest)"
run "apt-get install ./kstamp-dkms_${V}_all.deb ./stampnl_${V}_$ARCH.deb" \
	"${APT[@]}" -o DPkg::Path="$TMP/uname:/usr/sbin:/usr/bin:/sbin:/bin" install "$OUT/kstamp-dkms_${V}_all.deb" "$OUT/stampnl_${V}_$ARCH.deb"
for p in kstamp-dkms stampnl; do
	check_eq "$p installed" "$p ii $V" "$p $(pkg_state $p) $(dpkg-query -W -f='${Version}' $p 2>&1)"
done
check_eq "DKMS built and installed $V for every kernel with headers" \
	"$(expect_state "$V")" "$(dkms_state)"
for k in $KERNELS; do
	check_eq "$k: modprobe finds stamp_refl in" "/lib/modules/$k/updates/dkms" \
		"$(dirname "$(modinfo -k "$k" -n stamp_refl 2>&1)")"
	check_eq "$k: modinfo version" "$V" "$(modinfo -k "$k" -F version stamp_refl 2>&1)"
done
check_eq "stampnl on PATH" /usr/sbin/stampnl "$(command -v stampnl)"
check_eq "the packaged stampnl runs (help lists sender)" 1 \
	"$(/usr/sbin/stampnl help 2>&1 | grep -c '^  sender ')"
check_eq "man finds stampnl(8)" /usr/share/man/man8/stampnl.8.gz "$(man -w 8 stampnl 2>&1)"
check_eq "man finds stamp_refl(4)" /usr/share/man/man4/stamp_refl.4.gz "$(man -w 4 stamp_refl 2>&1)"
check_eq "the completion registers for stampnl" "complete -F _stampnl stampnl" \
	"$(bash -c '. /usr/share/bash-completion/completions/stampnl; complete -p stampnl' 2>&1)"
check_eq "units run the packaged stampnl" "/usr/sbin/stampnl" \
	"$(sed -n 's|^ExecStart=\([^ ]*\) .*|\1|p' /lib/systemd/system/stamp-*.service | sort -u)"
# shipped disabled: the administrator enables them
check_eq "units enabled by the package" "" \
	"$(ls /etc/systemd/system/*.wants/stamp-* 2>/dev/null || true)"

# --- a new kernel ------------------------------------------------------------
# what a linux-headers package's postinst runs: DKMS's hook, which builds
# every AUTOINSTALL module for that kernel. The module removed for the
# first kernel stands for a kernel installed after the package.
k1=$(echo "$KERNELS" | head -n 1)
phase "kernel hook for $k1"
run "dkms remove kstamp/$V for $k1 alone" dkms remove -m kstamp -v "$V" -k "$k1"
check_eq "$k1: no stamp_refl after dkms remove" "" \
	"$(modinfo -k "$k1" -n stamp_refl 2>/dev/null || true)"
run "/etc/kernel/header_postinst.d/dkms $k1" /etc/kernel/header_postinst.d/dkms "$k1"
check_eq "$k1: the kernel hook rebuilt stamp_refl $V" "$V" \
	"$(modinfo -k "$k1" -F version stamp_refl 2>&1)"

# --- the next version -----------------------------------------------------
phase "apt-get install $V2 (upgrade)"
run "apt-get install ./kstamp-dkms_${V2}_all.deb ./stampnl_${V2}_$ARCH.deb" \
	"${APT[@]}" install "$OUT/kstamp-dkms_${V2}_all.deb" "$OUT/stampnl_${V2}_$ARCH.deb"
check_eq "DKMS has $V2 alone, for every kernel" "$(expect_state "$V2")" "$(dkms_state)"
for k in $KERNELS; do
	check_eq "$k: modinfo version after the upgrade" "$V2" \
		"$(modinfo -k "$k" -F version stamp_refl 2>&1)"
done
check_eq "sources in /usr/src" "/usr/src/kstamp-$V2" "$(ls -d /usr/src/kstamp-* 2>&1)"
check_eq "stampnl version" "$V2" "$(dpkg-query -W -f='${Version}' stampnl 2>&1)"

# --- in the VM ---------------------------------------------------------------
phase "VM on $VM_KERNEL"
lock=()
[ -z "${KSTAMP_VM_LOCK:-}" ] || lock=(flock "$KSTAMP_VM_LOCK")
rc=0
# timed inside the lock: the VM's own time, not the wait for it
"${lock[@]}" bash -c 't=$SECONDS
	bash tests/vm/run.sh -k "$1" -- bash tests/netns/dkms_in_vm.sh "$2" /usr/sbin/stampnl
	rc=$?
	echo $((SECONDS - t)) > "$3"
	exit $rc' _ "$VM_KERNEL" "$V2" "$TMP/vm.time" > "$TMP/vm.log" 2>&1 || rc=$?
sed 's/^/vm: /' "$TMP/vm.log"
add_vm_summary "$TMP/vm.log" "$rc" "VM on $VM_KERNEL"
echo "VM run: $(cat "$TMP/vm.time" 2>/dev/null || echo "?") s"

# --- purge -------------------------------------------------------------------
phase "apt-get purge"
run "apt-get purge kstamp-dkms stampnl" "${APT[@]}" purge kstamp-dkms stampnl
for p in kstamp-dkms stampnl; do
	check_eq "$p after purge" "" "$(installed $p && pkg_state $p || true)"
done
check_eq "stamp_refl left in /lib/modules/*/updates" "" \
	"$(find /lib/modules/*/updates -name 'stamp_refl*' 2>/dev/null || true)"
# mok.key/mok.pub are DKMS's own signing key (see tests/dkms.sh)
check_eq "kstamp left in /var/lib/dkms" "" "$(ls -d /var/lib/dkms/kstamp* 2>/dev/null || true)"
check_eq "sources left in /usr/src" "" "$(ls -d /usr/src/kstamp-* 2>/dev/null || true)"
check_eq "dkms status" "" "$(dkms status -m kstamp 2>/dev/null)"
for k in $KERNELS; do
	check_eq "$k: modinfo after purge (depmod ran)" "" \
		"$(modinfo -k "$k" -n stamp_refl 2>/dev/null || true)"
done
check_eq "stampnl's files left" "" \
	"$(ls -d /usr/sbin/stampnl /usr/share/doc/stampnl /lib/systemd/system/stamp-* \
		/usr/share/man/man8/stampnl.8.gz /usr/share/bash-completion/completions/stampnl \
		2>/dev/null || true)"
echo "deb: $(($(date +%s) - T_START)) s"
finish

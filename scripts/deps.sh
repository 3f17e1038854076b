#!/usr/bin/env bash
# Install what building and testing kstamp needs, from Debian's archive only.
# Idempotent: does nothing when everything is present. Needs root (or sudo).
#   scripts/deps.sh           build + test dependencies, both test kernels
#   scripts/deps.sh --build   only what `make` needs on this host
set -eu

build_pkgs=(build-essential pkg-config clang llvm bpftool libbpf-dev libelf-dev
	    zlib1g-dev libnl-3-dev libnl-genl-3-dev linux-headers-amd64 kmod
	    libsnmp-dev libyaml-dev libmicrohttpd-dev libjson-c-dev libsystemd-dev
	    nettle-dev)
test_pkgs=(libcmocka-dev valgrind qemu-system-x86 busybox-static cpio zstd xz-utils
	   flex bison bc libssl-dev dwarves
	   iproute2 ethtool iputils-ping util-linux linux-image-amd64 linux-source-6.1 python3 python3-yaml
	   dkms groff-base man-db bash-completion tshark strace
	   linux-source-6.12 python3-jsonschema snmpd snmp smitools erlang-snmp
	   sparse debhelper dh-dkms lintian jq prometheus
	   prometheus-smokeping-prober curl)
# Linux 6.12 from bookworm-backports: the second kernel the module is tested on
bp_pkgs=(linux-image-6.12*-amd64 linux-headers-6.12*-amd64)
BP_LIST=/etc/apt/sources.list.d/kstamp-backports.list

want=("${build_pkgs[@]}")
[ "${1:-}" = --build ] || want+=("${test_pkgs[@]}")

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo

missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
need_bp=0
if [ "${1:-}" != --build ] &&
   ! ls -d /lib/modules/6.12*-amd64/build >/dev/null 2>&1; then
	need_bp=1
fi

# the kernel's YNL client, extracted from linux-source-6.12 (tests/netns/ynl.sh)
# and the SNMPv2 base MIB modules from erlang-snmp (scripts/snmp-mibs.sh)
ynl() {
	[ "${1:-}" = --build ] || bash "$(dirname "$0")/ynl.sh" >/dev/null
	[ "${1:-}" = --build ] || bash "$(dirname "$0")/snmp-mibs.sh" >/dev/null
}

if [ ${#missing[@]} -eq 0 ] && [ $need_bp = 0 ]; then
	ynl "$@"
	exit 0
fi

export DEBIAN_FRONTEND=noninteractive
if [ $need_bp = 1 ] && [ ! -e "$BP_LIST" ] &&
   ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d; then
	echo "deps: adding bookworm-backports for Linux 6.12" >&2
	echo 'deb http://deb.debian.org/debian bookworm-backports main' |
		$SUDO tee "$BP_LIST" >/dev/null
fi
[ $need_bp = 1 ] && missing_bp=" and Linux 6.12" || missing_bp=
echo "deps: installing ${missing[*]:-}${missing_bp}" >&2
$SUDO apt-get update -qq
# tshark's postinst would otherwise ask whether to make dumpcap setuid
echo 'wireshark-common wireshark-common/install-setuid boolean false' |
	$SUDO debconf-set-selections
if [ ${#missing[@]} -gt 0 ]; then
	$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ $need_bp = 1 ]; then
	# the 6.12 metapackages replace 6.1's: keep 6.1 from being autoremoved
	$SUDO apt-mark manual $(dpkg-query -W -f='${Package}\n' \
		'linux-image-6.1*-amd64' 'linux-headers-6.1*-amd64' 2>/dev/null) \
		>/dev/null
	$SUDO apt-get install -y -qq --no-install-recommends -t bookworm-backports \
		linux-image-amd64 linux-headers-amd64 >/dev/null
fi
ynl "$@"

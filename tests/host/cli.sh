#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# stampnl's command-line conventions, on the host (issue 23): -V/--version
# is modinfo's version; help on stdout with exit 0 for every command and
# subcommand; a usage error is one line and a pointer to --help on stderr,
# exit 2; no abbreviated long options; DSCP and ECN by name, -t TTL and
# -I ADDR|DEV seen on the wire (IP_RECVTOS/IP_RECVTTL and their IPv6 twins
# at a listener); the unprivileged minimum interval; the seed exact in
# JSON, as a string.
. "$(dirname "$0")/../lib.sh"
requires stampnl

T=/tmp/cli.$$
LISTEN=
cleanup() {
	[ -z "$LISTEN" ] || kill "$LISTEN" 2>/dev/null || true
	rm -f "$T".*
}
defer cleanup

# run ARGS...: exit status in $rc, stdout in $T.out, stderr in $T.err
run() {
	rc=0
	"$@" >"$T.out" 2>"$T.err" || rc=$?
}

# --- -V, --version: the version modinfo shows ----------------------------
for a in -V --version; do
	run "$STAMPNL" $a
	check_eq "stampnl $a: exit 0, nothing on stderr" "0 0" "$rc $(wc -c < "$T.err")"
	version=$(sed -n 's/^stampnl //p' "$T.out")
	check_ok "stampnl $a: 'stampnl VERSION' with VERSION $(cat "$ROOT/VERSION"): $version" \
		grep -q "^$(sed 's/\./\\./g' "$ROOT/VERSION")" <<<"$version"
done
check_ok "the version is compiled into the binary" grep -qaF "$version" "$STAMPNL"
# the module built from the same tree (make modules-all tools, as CI does)
# says the same; a module built at another commit, or before an edit, is
# not compared (kmod/Kbuild's rule: git describe in a checkout)
if git -C "$ROOT/kmod" ls-files --error-unmatch main.c >/dev/null 2>&1; then
	now=$(git -C "$ROOT" describe --tags --dirty --match 'v[0-9]*' 2>/dev/null || true)
	now=${now#v}
	now=${now:-$(cat "$ROOT/VERSION")-g$(git -C "$ROOT" describe --always --dirty --abbrev=12)}
else
	now=$(cat "$ROOT/VERSION")
fi
check_eq "stampnl -V is the version of this tree as kmod/Kbuild makes it" "$now" "$version"
ko=$(ls -t "$ROOT"/build/kmod-*/kmod/stamp_refl.ko 2>/dev/null | head -n 1)
kover=$([ -z "$ko" ] || modinfo -F version "$ko")
if [ "$kover" = "$now" ]; then
	check_eq "stampnl -V is modinfo's version of ${ko#"$ROOT"/}" "$kover" "$version"
else
	echo "note: no module built from this tree as it is (${kover:-none}): -V not compared with modinfo"
fi

# --- help: stdout, exit 0, nothing on stderr ------------------------------
"$STAMPNL" __list > "$T.list"
helps=("help" "--help" "-h")
while IFS=$'\t' read -r kind cmd sub _; do
	case $kind in
	command) helps+=("help $cmd" "$cmd --help" "$cmd help" "$cmd -h") ;;
	sub) helps+=("$cmd $sub --help" "$cmd $sub help") ;;
	esac
done < "$T.list"
# after keywords and flags too, before anything is checked or sent
helps+=("session add peer 192.0.2.1 --help" "session show -j help"
	"reflector set mode stateful -h" "sender 192.0.2.1 -c 5 --help")
for h in "${helps[@]}"; do
	run "$STAMPNL" $h
	if [ "$rc" = 0 ] && [ ! -s "$T.err" ] && grep -q '^usage: stampnl' "$T.out"; then
		pass "stampnl $h: usage on stdout, exit 0"
	else
		fail "stampnl $h: exit $rc, stdout '$(head -n 1 "$T.out")', stderr '$(cat "$T.err")'"
	fi
done
check_cmp "help asked in that many ways" "${#helps[@]}" -ge 30

# --- usage errors: the one relevant line and a pointer, exit 2 -------------
# USAGE ARGS|WHAT THE LINE SAYS; none of these needs the module
while IFS='|' read -r args what; do
	run "$STAMPNL" $args
	line2=$(sed -n 2p "$T.err")
	if [ "$rc" = 2 ] && [ ! -s "$T.out" ] && [ "$(wc -l < "$T.err")" = 2 ] &&
	   grep -qF -- "$what" <(head -n 1 "$T.err") &&
	   [[ $line2 =~ ^try\ \'stampnl(\ [a-z-]+)*\ --help\'$ ]]; then
		pass "stampnl $args: exit 2: $(head -n 1 "$T.err") / $line2"
	else
		fail "stampnl $args: exit $rc, stdout '$(cat "$T.out")', stderr '$(cat "$T.err")'"
	fi
done <<'EOF'
|which command?
bogus|unknown command 'bogus'
sender|which reflector?
sender 192.0.2.1 --bogus|unknown option '--bogus'
sender 192.0.2.1 -x|unknown option '-x'
sender 192.0.2.1 -c|'-c' needs a value
sender 192.0.2.1 -c 0|'0' is out of range
sender 192.0.2.1 -c 5x|'5x' is not valid
sender 192.0.2.1 -i 1d|'1d' is not valid
sender 192.0.2.1 -i 50us|'50us' is out of range
sender 192.0.2.1 --seed 18446744073709551616|out of range
sender 192.0.2.1 --seed -1|'-1' is not valid
sender 192.0.2.1 --dscp af44|--dscp: 'af44'
sender 192.0.2.1 --ecn ect2|--ecn: 'ect2'
sender 192.0.2.1 -t 0|-t: '0' is out of range
sender 192.0.2.1 -t 256|-t: '256' is out of range
sender 192.0.2.1 -I no-such-dev0|neither an IP address nor an interface
sender 192.0.2.1 192.0.2.2|exactly one TARGET
reflector|show, set or clock-sync?
reflector frob|unknown subcommand 'frob'
reflector set|nothing to set
reflector set frob 1|unknown keyword 'frob'
reflector set mode|'mode' needs a value
reflector set mode fast|'fast' is not one of stateless, stateful
reflector set rate-limit 4294967296|'4294967296' is out of range
reflector set session-idle 1.5|not a whole number of seconds
reflector set tlv copy tlv strip|'tlv' is given twice
reflector clock-sync source gps|'gps' is not one of auto
session|add, del, show or list?
session add peer 192.0.2.1|'peer-port' is missing
session add peer 192.0.2.1 peer-port 0|'0' is out of range
session del peer 192.0.2.1 peer-port 9 key-file /dev/null|unknown keyword 'key-file'
session list -x|unknown keyword '-x'
stats --bogus|unknown option '--bogus'
stats -j --prometheus -|do not go together
EOF

# --- long options by their whole name only ---------------------------------
for a in --json --json-l --hist "--prom $T.prom" "--tlv-pad 8" "--dur 1"; do
	run "$STAMPNL" sender 192.0.2.1 -c 1 -W 0.1 $a
	check_eq "sender $a: refused (exit 2), not taken as a longer option" 2 "$rc"
done
run "$STAMPNL" sender 192.0.2.1 --json -c 1
check_ok "--json: the message names the option it is not" \
	grep -qF "unknown option '--json' (did you mean '--json-lines'?)" "$T.err"
run "$STAMPNL" stats --prom -
check_eq "stats --prom -: refused (exit 2)" 2 "$rc"
# the whole names do parse (help stops before anything is sent)
run "$STAMPNL" sender 192.0.2.1 --json-lines --histogram --prometheus - --help
check_eq "sender --json-lines --histogram --prometheus -: taken whole (exit 0 with --help)" 0 "$rc"

# --- on the wire: DSCP and ECN by name, -t, -I -----------------------------
netns_pair
# a listener on B's port 862, IPv4 and IPv6: a line per packet with the
# source, the TOS/traffic class, the TTL/hop limit and the Class of
# Service TLV's DSCP1 if the packet has one (RFC 8972 4.4: type 4 at 44)
ip netns exec "$NS_B" python3 -u -c '
import select, socket, struct
# the numbers Linux gives them: Python names only some
IP_TOS, IP_TTL, IP_RECVTTL, IP_RECVTOS = 1, 2, 12, 13
IPV6_RECVHOPLIMIT, IPV6_HOPLIMIT, IPV6_RECVTCLASS, IPV6_TCLASS = 51, 52, 66, 67
socks = []
for fam, addr, lvl, opts in (
        (socket.AF_INET, "10.0.0.2", socket.IPPROTO_IP,
         (IP_RECVTOS, IP_RECVTTL)),
        (socket.AF_INET6, "fd00::2", socket.IPPROTO_IPV6,
         (IPV6_RECVTCLASS, IPV6_RECVHOPLIMIT))):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    for o in opts:
        s.setsockopt(lvl, o, 1)
    s.bind((addr, 862))
    socks.append(s)
while True:
    for s in select.select(socks, [], [])[0]:
        data, anc, _, src = s.recvmsg(2000, 256)
        v = {}
        for lvl, typ, d in anc:
            # IP_TOS is one octet, the others an int (DEVELOPERS.md)
            v[typ] = d[0] if len(d) == 1 else struct.unpack("i", d[:4])[0]
        ds = v.get(IP_TOS, v.get(IPV6_TCLASS, -1))
        ttl = v.get(IP_TTL, v.get(IPV6_HOPLIMIT, -1))
        cos = data[48] >> 2 if len(data) >= 52 and data[45] == 4 else -1
        print(src[0], ds, ttl, cos, flush=True)
' > "$T.wire" &
LISTEN=$!
for i in $(seq 50); do
	[ "$(ip netns exec "$NS_B" ss -Hlun 'sport = :862' | wc -l)" = 2 ] && break
	sleep 0.1
done

# send ARGS...: one packet, then the line the listener printed for it
send() {
	local n
	n=$(wc -l < "$T.wire")
	inA "$STAMPNL" sender -c 1 -W 0.2 -q "$@" >/dev/null 2>"$T.err" || true
	sleep 0.2
	sed -n "$((n + 1)),\$p" "$T.wire" | tr '\n' ';'
}
def_ttl=$(inA sysctl -n net.ipv4.ip_default_ttl)
check_eq "no options: DS 0, TTL the system's default" \
	"10.0.0.1 0 $def_ttl -1;" "$(send $ADDR4_B)"
check_eq "--dscp ef -t 7: DS 0xb8 (46 << 2), TTL 7" \
	"10.0.0.1 184 7 -1;" "$(send $ADDR4_B --dscp ef -t 7)"
check_eq "--dscp af41 --ecn ect0: DS 34 << 2 | 2" \
	"10.0.0.1 138 $def_ttl -1;" "$(send $ADDR4_B --dscp af41 --ecn ect0)"
check_eq "--dscp CS6 (any case) --ecn ce: DS 48 << 2 | 3" \
	"10.0.0.1 195 $def_ttl -1;" "$(send $ADDR4_B --dscp CS6 --ecn ce)"
check_eq "--dscp 10 (a number still): DS 40" \
	"10.0.0.1 40 $def_ttl -1;" "$(send $ADDR4_B --dscp 10)"
check_eq "IPv6 -t 9 --dscp cs1: traffic class 32, hop limit 9" \
	"fd00::1 32 9 -1;" "$(send $ADDR6_B -t 9 --dscp cs1)"
check_eq "--tlv-cos af11: the Class of Service TLV asks for DSCP1 10" \
	"10.0.0.1 0 $def_ttl 10;" "$(send $ADDR4_B --tlv-cos af11)"
# a second address of each family to send from (added last: IPv6 would
# pick the newest as the default source)
ip -n "$NS_A" addr add 10.0.0.11/24 dev veth0
ip -n "$NS_A" addr add fd00::11/64 dev veth0 nodad
check_eq "-I 10.0.0.11: sent from that address" \
	"10.0.0.11 0 $def_ttl -1;" "$(send $ADDR4_B -I 10.0.0.11)"
check_eq "-I fd00::11: sent from that address" \
	"fd00::11 0 $def_ttl -1;" "$(send $ADDR6_B -I fd00::11)"
check_eq "-I veth0: sent through the interface" \
	"10.0.0.1 0 $def_ttl -1;" "$(send $ADDR4_B -I veth0)"
check_eq "-I lo: bound to a device with no route there, nothing arrives" \
	"" "$(send $ADDR4_B -I lo)"
check_eq "-I with -4 and an IPv6 address: refused" \
	"" "$(send $ADDR4_B -4 -I fd00::11)"
check_ok "-I with -4 and an IPv6 address: the message says why" \
	grep -q "gives an IPv6 address, but -4 asks for IPv4" "$T.err"

# --- an unprivileged user: no faster than ping lets one -------------------
# setpriv to another uid drops every capability
nobody() { inA setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
for a in "-i 0.1" "-i 199ms" "--rate 6"; do
	n=$(wc -l < "$T.wire")
	run nobody "$STAMPNL" sender $ADDR4_B -c 2 -W 0.2 -q $a
	check_eq "unprivileged $a: refused (exit 2)" 2 "$rc"
	check_ok "unprivileged $a: the message names the limit and the capabilities" \
		grep -q "faster than one packet per 200ms needs CAP_NET_RAW or CAP_NET_ADMIN" "$T.err"
	sleep 0.2
	check_eq "unprivileged $a: nothing sent" "$n" "$(wc -l < "$T.wire")"
done
for a in "-i 200ms" "--rate 5"; do
	n=$(wc -l < "$T.wire")
	run nobody "$STAMPNL" sender $ADDR4_B -c 2 -W 0.2 -q $a
	sleep 0.2
	check_eq "unprivileged $a: allowed, 2 packets sent (exit $rc: no reflector)" \
		$((n + 2)) "$(wc -l < "$T.wire")"
done
n=$(wc -l < "$T.wire")
run inA "$STAMPNL" sender $ADDR4_B -c 3 -i 10ms -W 0.2 -q
sleep 0.2
check_eq "root -i 10ms: allowed, 3 packets sent" $((n + 3)) "$(wc -l < "$T.wire")"

# --- the seed: exact, and a string in JSON --------------------------------
for seed in 12345678901234567 18446744073709551615 0x10; do
	run inA "$STAMPNL" sender $ADDR4_B -c 1 -W 0.1 --poisson --seed $seed -j
	check_eq "--seed $seed: -j gives it exactly, as a string, even to a reader of doubles" \
		"$(python3 -c "print(int('$seed', 0))")" \
		"$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]), parse_int=float)
print(d["seed"] if isinstance(d["seed"], str) else "not a string: %r" % d["seed"])
' "$T.out")"
done
finish

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The sender's TC programs on the host: T1 written on egress with a valid
# checksum, T4 queued on ingress, other flows left alone, over IPv4 and
# IPv6; one pair of filters per device whatever the number of sessions
# and processes, adopted after a kill -9; and the device left as found.
. "$(dirname "$0")/../lib.sh"
TEST=$ROOT/build/tests/tc_stamp_test
[ -x "$TEST" ] || skip "tc_stamp_test not built (make -C tests/bpf)"
command -v ethtool >/dev/null || skip "ethtool not installed (scripts/deps.sh)"

netns_pair
# the peer: echo each request with its first 16 octets at offset 24, as a
# reflector places the Sender fields, on the session's port and the next
ip netns exec "$NS_B" python3 -c '
import select, socket
socks = []
for fam, addr in ((socket.AF_INET, "10.0.0.2"), (socket.AF_INET6, "fd00::2")):
    for port in (862, 863):
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.bind((addr, port))
        socks.append(s)
while True:
    ready = select.select(socks, [], [], 60)[0]
    if not ready:
        break
    for s in ready:
        d, a = s.recvfrom(2000)
        if d == b"quit":
            raise SystemExit
        r = bytearray(44)
        r[24:40] = d[:16]
        s.sendto(bytes(r), a)
' &
PEER=$!
sleep 0.5

# veth offloads UDP checksums: the packet would reach the peer marked as
# checked, whatever the program wrote. With offload off the stack sums
# the whole packet, the program patches that sum, and the peer verifies.
ip netns exec "$NS_A" ethtool -K veth0 tx off >/dev/null
check_ok "transmit checksum offload off on the sending veth" \
	sh -c "ip netns exec $NS_A ethtool -k veth0 | grep -q '^tx-checksumming: off'"

# csum_errors: the peer's UDP checksum errors, IPv4 and IPv6
csum_errors() {
	ip netns exec "$NS_B" awk '
		/^Udp: [0-9]/ { for (i = 2; i <= NF; i++) if (h[i] == "InCsumErrors") v4 = $i }
		/^Udp: [A-Z]/ { for (i = 2; i <= NF; i++) h[i] = $i }
		END { print v4 }' /proc/net/snmp
	ip netns exec "$NS_B" awk '$1 == "Udp6InCsumErrors" { print $2 }' \
		/proc/net/snmp6
}

# The peer does verify: a datagram with a wrong checksum (from a raw
# socket, which leaves ours as it is) is counted and dropped. Neighbours
# first: a packet waiting for ND would be counted a second later.
ip netns exec "$NS_A" ping -c 1 -W 2 $ADDR4_B >/dev/null
ip netns exec "$NS_A" ping -c 1 -W 2 $ADDR6_B >/dev/null
before=$(csum_errors | tr '\n' ' ')
ip netns exec "$NS_A" python3 -c '
import socket, struct
payload = bytes(44)
for fam, dst in ((socket.AF_INET, "10.0.0.2"), (socket.AF_INET6, "fd00::2")):
    s = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_UDP)
    udp = struct.pack("!HHHH", 40000, 862, 8 + len(payload), 0x1234) + payload
    s.sendto(udp, (dst, 0))
'
for i in $(seq 20); do
	sleep 0.1
	after=$(csum_errors | tr '\n' ' ')
	[ "${after%% *}" != "${before%% *}" ] && [ "${after#* }" != "${before#* }" ] && break
done
check_ok "the peer drops a bad UDP checksum, IPv4 and IPv6 (InCsumErrors $before-> $after)" \
	python3 -c 'import sys; b, a = (list(map(int, x.split())) for x in sys.argv[1:]); assert [y - x for x, y in zip(b, a)] == [1, 1]' \
	"$before" "$after"

# ours_n DIR: how many of kstamp's filters (handle 0x4b53, or 0x4b54 on a clsact it made) the device has
ours_n() {
	ip netns exec "$NS_A" tc filter show dev veth0 "$1" | grep -c 'handle 0x4b5[34]' || true
}
pair_is() {
	check_eq "$1: egress filters of ours" "$2" "$(ours_n egress)"
	check_eq "$1: ingress filters of ours" "$2" "$(ours_n ingress)"
}
clsact_n() {
	ip netns exec "$NS_A" tc qdisc show dev veth0 | grep -c clsact || true
}
# passed S C [HOLD]: the "N passed" line of tc_stamp_test with S sessions
# and C packets each: programs, sessions, a line per packet (one session)
# or per session, stray T4s, 4 per other flow, 5 for a session removed
# and added again, stats, and the hold
passed() {
	local lines=$(( $1 == 1 ? $2 : $1 ))
	echo "$(( 2 + lines + 1 + 8 + 5 + 1 + ${3:-0} )) passed, 0 failed"
}
# bg NAME ARGS...: tc_stamp_test in the background (under $PRE if set),
# output in $TMPD/NAME; waits for its "ready". Whatever is checked while
# it runs gets a HOLD of 3 s or more: a TCG VM takes a second for a few
# tc and setpriv calls.
tmpdir TMPD
chmod 755 "$TMPD"
PRE=
bg() {
	local name=$1 i
	shift
	ip netns exec "$NS_A" $PRE "$TEST" veth0 "$@" > "$TMPD/$name" 2>&1 &
	for i in $(seq 100); do
		grep -q '^ready' "$TMPD/$name" && return 0
		sleep 0.1
	done
	cat "$TMPD/$name"
	return 1
}
last() { tail -n 1 "$TMPD/$1"; }

for target in $ADDR4_B $ADDR6_B; do
	out=$(ip netns exec "$NS_A" "$TEST" veth0 $target 862 10) || true
	echo "$out"
	check_eq "tc_stamp_test $target, 10 packets" "$(passed 1 10)" \
		"$(echo "$out" | tail -n 1)"
	check_eq "$target: clsact removed again (we created it)" 0 "$(clsact_n)"
done
check_eq "no UDP checksum errors at the peer" "$after" \
	"$(csum_errors | tr '\n' ' ')"

# Many sessions in one process: one pair of filters, T1 and T4 right per
# session, PTP and NTP side by side.
bg one $ADDR4_B 862 3 50 2
pair_is "50 sessions in one process" 1
wait $! || true
cat "$TMPD/one"
check_eq "50 sessions in one process: every stamp right" "$(passed 50 3 1)" "$(last one)"
pair_is "50 sessions, stopped" 0
check_eq "50 sessions, stopped: clsact removed" 0 "$(clsact_n)"

# Two processes, IPv4 and IPv6: still one pair, shared; each gets its own
# T4s only (a T4 for a session it does not know fails its stray check);
# the first to leave leaves the other's programs; the last takes them.
bg a $ADDR4_B 862 3 20 5
pid_a=$!
bg b $ADDR6_B 862 3 20 2
pid_b=$!
pair_is "two processes, 20 sessions each" 1
wait $pid_b || true
cat "$TMPD/b"
check_eq "two processes: the second's stamps right" "$(passed 20 3 1)" "$(last b)"
pair_is "two processes, the second gone" 1
wait $pid_a || true
cat "$TMPD/a"
check_eq "two processes: the first's stamps right, also after the second left" \
	"$(passed 20 3 1)" "$(last a)"
pair_is "two processes, both gone" 0
check_eq "two processes, both gone: clsact removed" 0 "$(clsact_n)"

# kill -9: the filters stay; the next process adopts and replaces them
# (never a second pair), purges the dead one's sessions, and its leaving
# removes the filters and the clsact the dead process had created.
bg dead $ADDR4_B 862 1 5 60
pid_dead=$!
kill -9 $pid_dead
wait $pid_dead 2>/dev/null || true
pair_is "killed with -9" 1
prog_id() {
	ip netns exec "$NS_A" tc filter show dev veth0 egress |
		sed -n 's/.* id \([0-9]*\) .*/\1/p'
}
id_before=$(prog_id)
bg next $ADDR4_B 862 3 5 3
pid_next=$!
pair_is "restarted after kill -9" 1
id_after=$(prog_id)
check_ok "restarted: the dead one's program replaced ($id_before -> $id_after)" \
	test -n "$id_after" -a "$id_before" != "$id_after"
wait $pid_next || true
cat "$TMPD/next"
check_eq "restarted: stamps right" "$(passed 5 3 1)" "$(last next)"
check_ok "restarted: the dead process's slot and sessions purged" \
	grep -q 'stats: 5 sessions, 1 processes' "$TMPD/next"
pair_is "restarted, stopped" 0
check_eq "restarted, stopped: the clsact the dead one made is removed" 0 "$(clsact_n)"

# With CAP_BPF and CAP_NET_ADMIN only, as a hardened unit runs: attaching
# works; sharing a running process's programs does not (their maps are
# reached by id, which takes CAP_SYS_ADMIN) and says so; replacing a dead
# process's programs does, still one pair, and the clsact it created (the
# filters' handle remembers) goes at the end.
CAPS="setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all,+bpf,+net_admin,+perfmon --ambient-caps=-all,+bpf,+net_admin,+perfmon"
PRE=$CAPS bg capfresh $ADDR4_B 862 2 3 1
wait $! || true
cat "$TMPD/capfresh"
check_eq "CAP_BPF+CAP_NET_ADMIN: attached, stamps right" "$(passed 3 2 1)" "$(last capfresh)"
pair_is "CAP_BPF+CAP_NET_ADMIN, stopped" 0
check_eq "CAP_BPF+CAP_NET_ADMIN, stopped: clsact removed" 0 "$(clsact_n)"
bg capowner $ADDR4_B 862 1 2 6
pid_a=$!
ip netns exec "$NS_A" $CAPS "$TEST" veth0 $ADDR4_B 862 1 2 > "$TMPD/capshare" 2>&1 || true
check_ok "CAP_BPF+CAP_NET_ADMIN next to a running process: refused, and why" \
	grep -q 'FAIL: programs on veth0: sharing the programs of a running stampnl (needs CAP_SYS_ADMIN to reach their maps): Operation not permitted$' "$TMPD/capshare"
pair_is "CAP_BPF+CAP_NET_ADMIN refused" 1
wait $pid_a || true
check_eq "the running process, undisturbed" "$(passed 2 1 1)" "$(last capowner)"
bg capdead $ADDR4_B 862 1 2 60
pid_dead=$!
kill -9 $pid_dead
wait $pid_dead 2>/dev/null || true
id_before=$(prog_id)
PRE=$CAPS bg capnext $ADDR4_B 862 2 3 3
pid_next=$!
pair_is "CAP_BPF+CAP_NET_ADMIN after kill -9" 1
id_after=$(prog_id)
check_ok "CAP_BPF+CAP_NET_ADMIN after kill -9: replaced ($id_before -> $id_after)" \
	test -n "$id_after" -a "$id_before" != "$id_after"
wait $pid_next || true
cat "$TMPD/capnext"
check_eq "CAP_BPF+CAP_NET_ADMIN after kill -9: stamps right" "$(passed 3 2 1)" "$(last capnext)"
pair_is "CAP_BPF+CAP_NET_ADMIN after kill -9, stopped" 0
check_eq "CAP_BPF+CAP_NET_ADMIN after kill -9, stopped: the dead one's clsact removed" \
	0 "$(clsact_n)"

# Someone else's clsact and filters stay as they were: a BPF filter at
# priority 1 (classic BPF, matching nothing), and one with our handle but
# not our program, which must not be taken for ours.
ip netns exec "$NS_A" tc qdisc add dev veth0 clsact
ip netns exec "$NS_A" tc filter add dev veth0 egress prio 1 handle 1 bpf \
	bytecode '1,6 0 0 0,'
ip netns exec "$NS_A" tc filter add dev veth0 ingress prio 1 handle 0x4b53 bpf \
	bytecode '1,6 0 0 0,'
before_e=$(ip netns exec "$NS_A" tc filter show dev veth0 egress)
before_i=$(ip netns exec "$NS_A" tc filter show dev veth0 ingress)
bg foreign $ADDR4_B 862 2 3 3
check_eq "alongside foreign filters: ours added once, egress" 1 "$(ours_n egress)"
check_eq "alongside foreign filters: ours added once, ingress (and theirs at our handle)" \
	2 "$(ours_n ingress)"
wait $! || true
cat "$TMPD/foreign"
check_eq "alongside foreign filters: stamps right" "$(passed 3 2 1)" "$(last foreign)"
check_eq "existing clsact kept" 1 "$(clsact_n)"
check_eq "foreign egress filter untouched, ours gone" "$before_e" \
	"$(ip netns exec "$NS_A" tc filter show dev veth0 egress)"
check_eq "foreign ingress filter (our handle, not our program) untouched, ours gone" \
	"$before_i" "$(ip netns exec "$NS_A" tc filter show dev veth0 ingress)"
ip netns exec "$NS_A" tc qdisc del dev veth0 clsact

ip netns exec "$NS_A" python3 -c '
import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"quit", ("10.0.0.2", 862))'
wait "$PEER" || true
finish

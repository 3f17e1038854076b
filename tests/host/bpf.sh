#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The sender's TC programs on the host: T1 written on egress with a valid
# checksum, T4 recorded on ingress, other flows left alone, over IPv4 and
# IPv6, and the clsact qdisc left as found.
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

# 1 attach + 3 per packet + 1 unknown-seq check + 4 per other flow (2)
for target in $ADDR4_B $ADDR6_B; do
	out=$(ip netns exec "$NS_A" "$TEST" veth0 $target 862 10) || true
	echo "$out"
	check_eq "tc_stamp_test $target, 10 packets" "40 passed, 0 failed" \
		"$(echo "$out" | tail -n 1)"
	check_eq "$target: clsact removed again (we created it)" "" \
		"$(ip netns exec "$NS_A" tc qdisc show dev veth0 | grep clsact || true)"
done
check_eq "no UDP checksum errors at the peer" "$after" \
	"$(csum_errors | tr '\n' ' ')"

# a qdisc that was there before stays, with its filter
ip netns exec "$NS_A" tc qdisc add dev veth0 clsact
# another program already attached (ours, loaded by tc, matching nothing)
ip netns exec "$NS_A" tc filter add dev veth0 egress prio 1 handle 1 bpf da \
	obj "$ROOT/build/bpf/stamp_tc.bpf.o" sec tc
out=$(ip netns exec "$NS_A" "$TEST" veth0 $ADDR4_B 862 2) || true
check_eq "alongside another filter" "16 passed, 0 failed" "$(echo "$out" | tail -n 1)"
check_eq "existing clsact kept" 1 \
	"$(ip netns exec "$NS_A" tc qdisc show dev veth0 | grep -c clsact)"
check_eq "existing filter kept, ours gone" 1 \
	"$(ip netns exec "$NS_A" tc filter show dev veth0 egress | grep -c '^filter.*handle')"

ip netns exec "$NS_A" python3 -c '
import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"quit", ("10.0.0.2", 862))'
wait "$PEER" || true
finish

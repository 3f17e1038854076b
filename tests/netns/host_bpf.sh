#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The sender's TC programs on the host: T1 written on egress with a valid
# checksum, T4 recorded on ingress, and the clsact qdisc left as found.
. "$(dirname "$0")/../lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TEST=$ROOT/build/tests/tc_stamp_test
[ -x "$TEST" ] || skip "tc_stamp_test not built (make -C tests/bpf)"

netns_pair
# the peer: echo each request with its first 16 octets at offset 24, as a
# reflector places the Sender fields
ip netns exec "$NS_B" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.0.0.2", 862))
s.settimeout(30)
while True:
    d, a = s.recvfrom(2000)
    if d == b"quit":
        break
    r = bytearray(44)
    r[24:40] = d[:16]
    s.sendto(bytes(r), a)
' &
PEER=$!
sleep 0.5

out=$(ip netns exec "$NS_A" "$TEST" veth0 $ADDR4_B 862 10) || true
echo "$out"
# 1 attach + 3 per packet + 1 unknown-seq check
check_eq "tc_stamp_test, 10 packets" "32 passed, 0 failed" "$(echo "$out" | tail -n 1)"
check_eq "clsact removed again (we created it)" "" \
	"$(ip netns exec "$NS_A" tc qdisc show dev veth0 | grep clsact || true)"

# a qdisc that was there before stays, with its filter
ip netns exec "$NS_A" tc qdisc add dev veth0 clsact
# another program already attached (ours, loaded by tc, matching nothing)
ip netns exec "$NS_A" tc filter add dev veth0 egress prio 1 handle 1 bpf da \
	obj "$ROOT/build/bpf/stamp_tc.bpf.o" sec tc
out=$(ip netns exec "$NS_A" "$TEST" veth0 $ADDR4_B 862 2) || true
check_eq "alongside another filter" "8 passed, 0 failed" "$(echo "$out" | tail -n 1)"
check_eq "existing clsact kept" 1 \
	"$(ip netns exec "$NS_A" tc qdisc show dev veth0 | grep -c clsact)"
check_eq "existing filter kept, ours gone" 1 \
	"$(ip netns exec "$NS_A" tc filter show dev veth0 egress | grep -c '^filter.*handle')"

ip netns exec "$NS_A" python3 -c '
import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"quit", ("10.0.0.2", 862))'
wait "$PEER" || true
finish

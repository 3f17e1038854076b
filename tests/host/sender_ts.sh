#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The sender's timestamping methods, on the host in network namespaces
# (BPF and clsact work on these hosts): --timestamping bpf|kernel|user|auto
# against a userspace reflector, what each method puts in T1 and T4, the
# BPF programs leaving the device as they found it (after a normal end, an
# error, Ctrl-C, SIGHUP and a closed pipe, next to someone else's filter),
# and the fallbacks (no privilege, a device without Ethernet headers).
. "$(dirname "$0")/../lib.sh"
requires stampnl root jq

netns_pair
start_refl

# check_run NAME METHOD ADDR [sender options...]: every packet answered, the
# method in use, and T1 as the method takes it
check_run() {
	local name=$1 method=$2 addr=$3 out rc=0
	shift 3
	out=$(inA "$STAMPNL" sender "$addr" -c 5 -i 0.05 -W 1 -j "$@" 2>/tmp/sender_ts.$$) || rc=$?
	check_eq "$name: exit status" 0 "$rc"
	# Python, not jq: the nanosecond stamps need 64-bit integers, jq's
	# numbers are doubles
	check_ok "$name: 5 answered, $method, T1 where $method takes it" python3 -c '
import json, sys
d, method = json.loads(sys.argv[1]), sys.argv[2]
assert d["received"] == 5 and d["lost"] == 0, d
assert d["timestamping"] == method, d["timestamping"]
assert d["t4_fallbacks"] == 0 and d["t1_fallbacks"] == 0, d
for p in d["packets"]:
    lag = int(p["t1_ns"]) - int(p["t1_user_ns"])
    if method == "user":
        # the T1 sent is the T1 used (NTP rounds to under 1 ns)
        assert abs(lag) <= 1, p
    else:
        # stamped later than the send() call, and by the same clock
        assert 0 < lag < 10**8, p
    t1, t2, t3, t4 = (int(p[k]) for k in ("t1_ns", "t2_ns", "t3_ns", "t4_ns"))
    assert t1 < t2 <= t3 < t4, p
    assert 0 < p["rtt_ns"] < 10**9, p
if method == "bpf":
    assert d["timestamping_device"] == "veth0", d
' "$out" "$method"
}

# the device as the test found it: no clsact left behind
clsact_gone() {
	! tc -n "$NS_A" qdisc show dev veth0 | grep -q clsact
}

# resolve the neighbours first: packets waiting for ARP or ND leave (and
# are stamped by BPF) only once it answers, a second later if a probe is lost
inA ping -c 1 -W 2 $ADDR4_B >/dev/null
inA ping -c 1 -W 2 $ADDR6_B >/dev/null

check_run "bpf ipv4" bpf $ADDR4_B --timestamping bpf
check_run "bpf ipv6" bpf $ADDR6_B --timestamping bpf
check_ok "bpf: the clsact qdisc it created is gone" clsact_gone
check_run "auto as root" bpf $ADDR4_B
check_run "kernel ipv4" kernel $ADDR4_B --timestamping kernel
check_run "kernel ipv6" kernel $ADDR6_B --timestamping kernel
check_run "user ipv4" user $ADDR4_B --timestamping user
check_run "user ipv6" user $ADDR6_B --timestamping user

# The BPF T1 is in the packet on the wire with a valid checksum: a capture
# on the reflector's side decodes the T1 the sender reports. veth offloads
# checksums (the packet carries only the pseudo-header sum) unless told not
# to: with offload off the stack sums it all, and BPF must patch the sum.
# wire_check FAMILY ADDR: capture the sender's packets (IPv4 or IPv6) and
# compare what they carry with what the sender reports
wire_check() {
	local fam=$1 addr=$2 out cap=/tmp/sender_ts_cap.$$
	ip netns exec "$NS_B" python3 -c '
import socket, struct, sys
v6 = sys.argv[1] == "6"
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                  socket.htons(0x86dd if v6 else 0x0800))
s.bind(("veth0", 0))
s.settimeout(10)
open(sys.argv[2], "w").close()
while True:
    ip = s.recv(2000)[14:]
    if v6:
        hl, proto, src, dst = 40, ip[6], ip[8:24], ip[24:40]
    else:
        hl, proto, src, dst = 20, ip[9], ip[12:16], ip[16:20]
    if proto != 17 or struct.unpack("!H", ip[hl + 2:hl + 4])[0] != 862:
        continue
    udp = ip[hl:]
    ln = struct.unpack("!H", udp[4:6])[0]
    # the pseudo-header (RFC 768; RFC 8200 section 8.1), then the datagram
    if v6:
        ps = src + dst + struct.pack("!I3xB", ln, 17) + udp[:ln]
    else:
        ps = src + dst + struct.pack("!BBH", 0, 17, ln) + udp[:ln]
    if len(ps) % 2:
        ps += b"\0"
    c = sum(struct.unpack("!%dH" % (len(ps) // 2), ps))
    while c >> 16:
        c = (c & 0xffff) + (c >> 16)
    seq, ts = struct.unpack("!IQ", udp[8:20])
    print(seq, ts >> 32, ((ts & 0xffffffff) * 10**9) >> 32, "ok" if c == 0xffff else "bad")
    sys.stdout.flush()
    if seq == 2:
        break
' "$fam" $cap.ready > $cap &
	local pid=$! i
	# python starts slowly on a loaded machine: send once it listens
	for i in $(seq 100); do
		[ -e $cap.ready ] && break
		sleep 0.05
	done
	out=$(inA "$STAMPNL" sender $addr -c 3 -i 0.05 -W 1 -j --timestamping bpf) || true
	wait $pid || true
	check_ok "bpf IPv$fam: the T1 on the wire is the T1 reported, checksums valid" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
cap = [l.split() for l in open(sys.argv[2])]
assert len(cap) == 3 and all(c[3] == "ok" for c in cap), cap
assert d["received"] == 3 and len(d["packets"]) == 3, d
for (seq, sec, nsec, ck), p in zip(cap, d["packets"]):
    assert int(seq) == p["seq"], (cap, p)
    wire = (int(sec) - 2208988800) * 10**9 + int(nsec)
    assert abs(wire - int(p["t1_ns"])) <= 1, (wire, p["t1_ns"])
    assert wire > int(p["t1_user_ns"]), (wire, p)
' "$out" $cap
	rm -f $cap $cap.ready
}
inA ethtool -K veth0 tx off >/dev/null
wire_check 4 $ADDR4_B
wire_check 6 $ADDR6_B
inA ethtool -K veth0 tx on >/dev/null

# Someone else's clsact and filter stay as they were. The filter ends the
# chain (a match without actions is a verdict): ours must run before it.
tc -n "$NS_A" qdisc add dev veth0 clsact
tc -n "$NS_A" filter add dev veth0 egress prio 100 u32 match u32 0 0 flowid 1:1
before=$(tc -n "$NS_A" filter show dev veth0 egress)
check_run "bpf next to another filter" bpf $ADDR4_B --timestamping bpf
check_eq "bpf: the other filter is untouched" "$before" \
	"$(tc -n "$NS_A" filter show dev veth0 egress)"
check_ok "bpf: the clsact it did not create stays" \
	sh -c "tc -n $NS_A qdisc show dev veth0 | grep -q clsact"
tc -n "$NS_A" qdisc del dev veth0 clsact

# Ctrl-C: the summary, and the programs gone.
out=$(inA timeout -s INT 1 "$STAMPNL" sender $ADDR4_B -i 0.1 --timestamping bpf) || true
check_ok "bpf, Ctrl-C: summary printed" grep -q 'packets transmitted' <<<"$out"
check_ok "bpf, Ctrl-C: the clsact qdisc is gone" clsact_gone
check_ok "bpf, Ctrl-C: the method is named" grep -q 'bpf timestamping on veth0' <<<"$out"

# A reader gone (SIGPIPE) and a hangup end the test as Ctrl-C does: the
# filters are detached, not left behind by a process the signal killed.
ours_left() {
	tc -n "$NS_A" filter show dev veth0 egress 2>/dev/null
	tc -n "$NS_A" filter show dev veth0 ingress 2>/dev/null
}
# after a failed check, the device as the next test expects it
reset_dev() {
	tc -n "$NS_A" qdisc del dev veth0 clsact 2>/dev/null || true
}
# detached DESC: the sender that just ended left no filter of ours
# (egress or ingress) and no clsact qdisc; then the device is reset
detached() {
	check_eq "$1: no filter of ours left, egress or ingress" "" "$(ours_left)"
	check_ok "$1: the clsact qdisc is gone" clsact_gone
	reset_dev
}
inA timeout -s KILL 10 "$STAMPNL" sender $ADDR4_B -i 0.05 --timestamping bpf \
	2>/dev/null | head -n 1 > /tmp/sender_ts_head.$$
rc=${PIPESTATUS[0]}
check_eq "bpf | head -n 1: the sender ended on its own (not 141, 137)" 0 "$rc"
check_ok "bpf | head -n 1: head got the first line" \
	grep -q 'bpf timestamping on veth0' /tmp/sender_ts_head.$$
detached "bpf | head -n 1"
rm -f /tmp/sender_ts_head.$$

ip netns exec "$NS_A" "$STAMPNL" sender $ADDR4_B -i 0.05 --timestamping bpf \
	> /tmp/sender_ts_hup.$$ 2>&1 &
pid=$!
(sleep 20; kill -KILL $pid 2>/dev/null) &
watchdog=$!
for i in $(seq 100); do
	grep -q 'bytes from' /tmp/sender_ts_hup.$$ && break
	sleep 0.1
done
kill -HUP $pid
rc=0
wait $pid || rc=$?
kill $watchdog 2>/dev/null || true
check_eq "bpf, SIGHUP: exit status (replies came)" 0 "$rc"
check_ok "bpf, SIGHUP: summary printed" \
	grep -q 'packets transmitted' /tmp/sender_ts_hup.$$
detached "bpf, SIGHUP"
rm -f /tmp/sender_ts_hup.$$

# --targets: the parent passes the signal on; the last target out detaches
printf '%s\n%s\n' $ADDR4_B $ADDR6_B > /tmp/sender_ts_targets.$$
inA timeout -s KILL 10 "$STAMPNL" sender --targets /tmp/sender_ts_targets.$$ \
	-i 0.05 --timestamping bpf --json-lines 2>/dev/null | head -n 1 \
	> /tmp/sender_ts_head.$$
rc=${PIPESTATUS[0]}
# 1 if the other target had no answer yet when the pipe closed
check_cmp "--targets, bpf | head -n 1: ended on its own (not 141, 137)" \
	"$rc" -le 1
check_ok "--targets, bpf | head -n 1: head got a reply line" \
	grep -q '"type":"reply"' /tmp/sender_ts_head.$$
# the targets share one pair of filters: the last to leave removes the
# clsact qdisc the first created
detached "--targets, bpf | head -n 1"
rm -f /tmp/sender_ts_head.$$ /tmp/sender_ts_targets.$$

# Four targets (four processes, IPv4 and IPv6) share one pair of filters
# on the device; each stamps its own packets, and the last one out removes
# the filters and the clsact qdisc.
ours_n() {
	tc -n "$NS_A" filter show dev veth0 "$1" | grep -c 'handle 0x4b5[34]' || true
}
printf '%s\n' $ADDR4_B $ADDR6_B $ADDR4_B $ADDR6_B > /tmp/sender_ts_targets.$$
inA "$STAMPNL" sender --targets /tmp/sender_ts_targets.$$ -c 20 -i 0.05 -W 1 \
	-j --timestamping bpf > /tmp/sender_ts_multi.$$ 2>&1 &
pid=$!
sleep 0.7
check_eq "--targets, 4 targets: one egress filter of ours" 1 "$(ours_n egress)"
check_eq "--targets, 4 targets: one ingress filter of ours" 1 "$(ours_n ingress)"
wait $pid || true
check_ok "--targets, 4 targets: each stamped by bpf, T4 from the ingress program" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["targets"]
assert len(d) == 4, d
for t in d:
    assert t["timestamping"] == "bpf" and t["timestamping_device"] == "veth0", t
    assert t["received"] >= 18 and t["t4_fallbacks"] == 0 and t["t1_fallbacks"] == 0, t
' /tmp/sender_ts_multi.$$
detached "--targets, 4 targets"
rm -f /tmp/sender_ts_multi.$$ /tmp/sender_ts_targets.$$

# kill -9 leaves the filters; the next sender adopts and replaces them
# (still one pair), stamps right, and removes them when it ends.
# (ip netns exec runs the sender itself, so $! is the sender)
ip netns exec "$NS_A" "$STAMPNL" sender $ADDR4_B -i 0.05 --timestamping bpf \
	>/dev/null 2>&1 &
pid=$!
for i in $(seq 50); do
	[ "$(ours_n egress)" = 1 ] && break
	sleep 0.1
done
kill -KILL $pid
wait $pid 2>/dev/null || true
check_ok "bpf, kill -9: the sender is gone" sh -c "! kill -0 $pid 2>/dev/null"
check_eq "bpf, kill -9: its filters stay" "1 1" "$(ours_n egress) $(ours_n ingress)"
inA "$STAMPNL" sender $ADDR4_B -c 20 -i 0.05 -W 1 -j --timestamping bpf \
	> /tmp/sender_ts_multi.$$ 2>&1 &
pid=$!
sleep 0.5
check_eq "bpf, after kill -9: one pair of filters, adopted" "1 1" \
	"$(ours_n egress) $(ours_n ingress)"
wait $pid || true
check_ok "bpf, after kill -9: the next sender stamps by bpf" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["timestamping"] == "bpf" and d["received"] >= 18, d
assert d["t4_fallbacks"] == 0 and d["t1_fallbacks"] == 0, d
for p in d["packets"]:
    assert 0 < int(p["t1_ns"]) - int(p["t1_user_ns"]) < 10**8, p
' /tmp/sender_ts_multi.$$
check_eq "bpf, after kill -9: no filter of ours left" "" "$(ours_left)"
check_ok "bpf, after kill -9: the clsact qdisc the dead one made is gone" clsact_gone
reset_dev
rm -f /tmp/sender_ts_multi.$$

# Without privilege: auto falls back to the kernel's stamps and says why;
# bpf asked for by name is refused.
NOBODY="setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all"
rc=0
# 200 ms: as fast as a user may send (cli.sh)
out=$(inA $NOBODY "$STAMPNL" sender $ADDR4_B -c 2 -i 0.2 -j 2>/tmp/sender_ts.$$) || rc=$?
check_eq "unprivileged auto: exit status" 0 "$rc"
check_jq "unprivileged auto: kernel timestamping" "$out" \
	'.timestamping == "kernel" and .received == 2'
check_ok "unprivileged auto: says why not bpf" grep -q 'note: bpf: loading the programs: Operation not permitted (needs CAP_BPF and CAP_NET_ADMIN); timestamping with kernel' /tmp/sender_ts.$$
rc=0
inA $NOBODY "$STAMPNL" sender $ADDR4_B -c 1 --timestamping bpf 2>/tmp/sender_ts.$$ || rc=$?
check_eq "unprivileged --timestamping bpf: exit status" 2 "$rc"
check_ok "unprivileged --timestamping bpf: a clear error" \
	grep -q 'timestamping bpf: bpf: loading the programs: Operation not permitted (needs CAP_BPF and CAP_NET_ADMIN)' /tmp/sender_ts.$$
check_ok "unprivileged: nothing attached" clsact_gone

# An L3 device (no Ethernet header for the programs to parse) on the route:
# auto must not pick bpf, whose every stamp would silently fall back, and
# bpf asked for by name is refused. A tun device needs /dev/net/tun; ipip
# is the fallback where that is missing.
L3DEV=
if inA ip tuntap add mode tun dev l3dev0 2>/dev/null ||
   inA ip link add l3dev0 type ipip local $ADDR4_A remote 10.0.0.99 2>/dev/null; then
	L3DEV=l3dev0
fi
if [ -n "$L3DEV" ]; then
	inA ip addr add 192.168.77.1/24 dev $L3DEV
	inA ip link set $L3DEV up
	inA ip route add 192.168.88.0/24 dev $L3DEV
	l3type=$(inA cat /sys/class/net/$L3DEV/type)
	rc=0
	out=$(inA "$STAMPNL" sender 192.168.88.2 -c 1 -W 0.3 -j 2>/tmp/sender_ts.$$) || rc=$?
	check_eq "L3 device, auto: exit status (nobody answers)" 1 "$rc"
	check_jq "L3 device, auto: kernel timestamping" "$out" \
		'.timestamping == "kernel" and .sent == 1'
	check_ok "L3 device, auto: says why not bpf" grep -q \
		"note: bpf: $L3DEV is not an Ethernet device (type $l3type); timestamping with kernel" \
		/tmp/sender_ts.$$
	rc=0
	inA "$STAMPNL" sender 192.168.88.2 -c 1 -W 0.3 --timestamping bpf \
		2>/tmp/sender_ts.$$ || rc=$?
	check_eq "L3 device, --timestamping bpf: exit status" 2 "$rc"
	check_ok "L3 device, --timestamping bpf: the error names the device" grep -q \
		"timestamping bpf: bpf: $L3DEV is not an Ethernet device (type $l3type)" \
		/tmp/sender_ts.$$
	check_eq "L3 device: nothing attached to it" "" \
		"$(tc -n "$NS_A" qdisc show dev $L3DEV | grep clsact || true)"
	inA ip link del $L3DEV
else
	echo "SKIP: bpf on an L3 device: neither a tun (/dev/net/tun) nor an ipip device can be made here"
fi

rc=0
inA "$STAMPNL" sender $ADDR4_B -c 1 --timestamping nic 2>/tmp/sender_ts.$$ || rc=$?
check_eq "--timestamping nic: exit status" 2 "$rc"
check_ok "--timestamping nic: names the choices" grep -q 'auto, bpf, kernel or user' /tmp/sender_ts.$$
rm -f /tmp/sender_ts.$$
finish

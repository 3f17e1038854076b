#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# stamp_refl.ko end to end, run inside the test VM (tests/vm/run.sh) as root:
# the module reflects in namespace B, requests come from namespace A over
# veth. Checks every reply field, sizes, checksums and TTLs, the counters
# against what was sent, run-time configuration over netlink, namespace
# isolation, the drop paths, and rmmod under traffic.
#
# Stages (TESTS="sender/6 drops" runs some): config, sender (IPv4 and
# IPv6), sizes, runtime_config, rejected, drops, ports, headers, late_t3
# (IPv4 and IPv6), fastpath (IPv4 and IPv6), fastpath_teardown, teardown.
. "$(dirname "$0")/../lib.sh"
requires module stampnl jq

PROBE=$HERE/refl_probe.py
FLOOD_PID=
stop_flood() {
	[ -z "$FLOOD_PID" ] || kill "$FLOOD_PID" 2>/dev/null || true
}



# counter NAME [SNAPSHOT]: one reflector counter in namespace B, from a
# `stats -j` snapshot when given
counter() {
	if [ $# -gt 1 ]; then
		echo "$2" | jfield "$1"
	else
		inB "$STAMPNL" stats -j | jfield "$1"
	fi
}

# probe_and_count DESC TARGET PROBE-ARGS...: run the probe from A, then
# check B's counters moved exactly as the probe's requests say they must
probe_and_count() {
	local desc=$1 target=$2 out before after
	shift 2
	before=$(inB "$STAMPNL" stats -j)
	if out=$(inA python3 "$PROBE" "$target" "$@"); then
		pass "$desc: every reply correct ($(echo "$out" | jfield checks) checks)"
	else
		fail "$desc: probe reported failures: $out"
	fi
	after=$(inB "$STAMPNL" stats -j)
	PROBE_OUT=$out
	check_counter "$desc" rx "$(echo "$out" | jfield sent)"
	check_counter "$desc" reflected "$(echo "$out" | jfield replies)"
	check_counter "$desc" drop_short "$(echo "$out" | jfield short)"
	check_counter "$desc" drop_errest "$(echo "$out" | jfield zero_errest)"
	check_counter "$desc" errest_zero \
		"$(echo "$out" | jfield zero_errest_answered)"
	check_counter "$desc" drop_fragment "$(echo "$out" | jfield fragment)"
}

# check_counter DESC NAME EXPECTED-DELTA (uses $before and $after)
check_counter() {
	check_eq "$1: $2 counter" "$3" \
		"$(($(counter "$2" "$after") - $(counter "$2" "$before")))"
}

dmesg -C
modprobe veth 2>/dev/null || true  # built in on the debug kernel
check_ok "insmod stamp_refl port=862" insmod "$KO" port=862
defer rmmod stamp_refl
netns_pair
defer stop_flood
# the probes below send thousands of requests back to back: this test is
# about reflection, sessions.sh tests the per-source limit
ip netns exec "$NS_B" "$STAMPNL" reflector set rate-limit 0
# random octets past the base packet must come back verbatim: that is RFC
# 8762's rule (tlv copy); tlv.sh tests RFC 8972 processing, the default
ip netns exec "$NS_B" "$STAMPNL" reflector set tlv copy

# the stages that run over IPv4 and IPv6: $target
family() {
	if [ "$1" = 4 ]; then target=$ADDR4_B; else target=$ADDR6_B; fi
}
variants family "4 6" sender

# --- configuration over netlink -------------------------------------------
stage_config() {
	check_eq "default ports" "[862]" "$(inB "$STAMPNL" reflector show -j | jfield ports)"
	check_eq "default format" "ntp" \
		"$(inB "$STAMPNL" reflector show -j | jfield timestamp_format)"
}

# --- the sender against the module ----------------------------------------
stage_sender() {
	rx0=$(counter rx)
	out=$(inA "$STAMPNL" sender "$target" -c 20 -i 0.02 -W 2 -j) || true
	check_eq "sender $target: received" 20 "$(echo "$out" | jfield received)"
	check_eq "sender $target: lost" 0 "$(echo "$out" | jfield lost)"
	check_eq "sender $target: reflector rx counter" 20 \
		"$(($(counter rx) - rx0))"
	check_ok "sender $target: T1<=T2<=T3<=T4, seqs 0..19, TTLs, sizes" \
		python3 - "$out" <<'EOF'
import json, sys
d = json.loads(sys.argv[1])
pk = d["packets"]
assert sorted(p["seq"] for p in pk) == list(range(20)), "seqs"
for p in pk:
    t1, t2, t3, t4 = (int(p[k]) for k in ("t1_ns", "t2_ns", "t3_ns", "t4_ns"))
    assert t1 <= t2 <= t3 <= t4, p
    assert p["sender_ttl"] == 64 and p["ttl"] == 255, p
    assert p["length"] == 44, p
EOF
}

# --- stampnl monitor against the module: 50 sessions, one process ---------
MONT=$(mktemp -d)/m
{ printf 'defaults:\n  interval: 0.2\n  wait: 1\nsessions:\n'
  for i in $(seq 50); do printf '  - target: %s\n    name: m%d\n' "$ADDR4_B" "$i"; done
} >"$MONT.yaml"
rx0=$(counter rx)
ip netns exec "$NS_A" "$STAMPNL" monitor -c "$MONT.yaml" --window 1 \
	--textfile "$MONT.prom" 2>"$MONT.err" &
MON_PID=$!
# under TCG, and more so on a loaded host, start-up (the TC programs'
# verification among it) can take longer than a window: wait for a
# textfile with every session up, rather than for a fixed time
for _ in $(seq 60); do
	sleep 0.5
	[ "$(grep -c '^stampnl_monitor_state{.*state="up"} 1' "$MONT.prom" 2>/dev/null)" = 50 ] && break
done
sleep 1.5  # at least one more window, so that its counters have moved
cp "$MONT.prom" "$MONT.snap" 2>/dev/null || : >"$MONT.snap"
kill -TERM "$MON_PID"
wait "$MON_PID" 2>/dev/null || true
check_eq "monitor: 50 sessions up against the module" 50 \
	"$(grep -c '^stampnl_monitor_state{.*state="up"} 1' "$MONT.snap")"
grep -q . "$MONT.snap" || sed 's/^/monitor stderr: /' "$MONT.err"
check_eq "monitor: nothing lost" 0 \
	"$(awk '/^stampnl_monitor_lost_total/ { s += $2 } END { print s + 0 }' "$MONT.snap")"
sent=$(awk '/^stampnl_monitor_sent_total/ { s += $2 } END { print s + 0 }' "$MONT.snap")
check_cmp "monitor: the reflector counted at least what the textfile says was sent" \
	"$(($(counter rx) - rx0))" -ge "$sent"
check_ok "monitor: its textfile removed on SIGTERM" test ! -e "$MONT.prom"
rm -rf "$(dirname "$MONT")"

# --- every size, random contents, field by field --------------------------
stage_sizes() {
	probe_and_count "IPv4 sizes 0-2000 + random" $ADDR4_B --sizes 0-2000 --random 300
	# every IPv6 size that fits the link; past it each one is the same fragment
	# drop, so a sample of those
	probe_and_count "IPv6 sizes 0-1452, fragments + random" $ADDR6_B \
		--sizes 0-1460,1500,1600,1999,2000 --random 300
}

# --- run-time configuration reaches the wire ------------------------------
stage_runtime_config() {
	check_ok "set ports 4000,862 and PTP format" \
		inB "$STAMPNL" reflector set port 4000,862 format ptp
	check_eq "ports after set" "[4000,862]" \
		"$(inB "$STAMPNL" reflector show -j | jfield ports)"
	probe_and_count "IPv4 port 4000, PTP" $ADDR4_B --port 4000 --format ptp \
		--sizes 14,44,200
	check_ok "errest-zero discard (RFC 4656 section 4.1.2)" \
		inB "$STAMPNL" reflector set errest-zero discard
	check_eq "errest-zero shown" discard \
		"$(inB "$STAMPNL" reflector show -j | jfield errest_zero)"
	probe_and_count "IPv6 port 862, PTP, errest-zero discard" $ADDR6_B \
		--format ptp --sizes 44 --errest-zero discard
	inB "$STAMPNL" reflector set errest-zero reflect
	check_eq "namespace A still has its own default" "[862]" \
		"$(inA "$STAMPNL" reflector show -j | jfield ports)"
	check_ok "clock-sync report accepted" inB "$STAMPNL" reflector set clock synced error-ns 5000 validity 60
	check_eq "clock reported synced" true \
		"$(inB "$STAMPNL" reflector show -j | jfield clock_synced)"
	probe_and_count "S bit set while synced" $ADDR4_B --format ptp --synced --sizes 44
	check_ok "back to port 862, NTP, unsynced" \
		inB "$STAMPNL" reflector set port 862 format ntp clock unsynced
	check_cmp "port 4000 no longer reflected" 0 -eq "$(
	rx0=$(counter rx)
	inA python3 "$PROBE" $ADDR4_B --port 4000 --sizes 44 >/dev/null 2>&1
	echo $(($(counter rx) - rx0)))"
}

# --- rejected configuration carries the kernel's reason -------------------
stage_rejected() {
	err=$(inB "$STAMPNL" reflector set port 862,862 2>&1) && fail "duplicate port accepted" ||
		check_eq "duplicate port: extack message" "stampnl: kernel: port given twice" "$err"
	err=$(inB setpriv --reuid=65534 --clear-groups "$STAMPNL" reflector set port 9 2>&1) &&
		fail "unprivileged set accepted" ||
		check_eq "unprivileged set: the kernel's reason" \
			"stampnl: kernel: changing the reflector needs CAP_NET_ADMIN in its network namespace" "$err"
}

# --- drop paths -----------------------------------------------------------
stage_drops() {
	nl0=$(counter drop_not_local)
	inA python3 -c '
import socket, struct, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.sendto(struct.pack("!IQHH", 1, 0, 1, 0) + bytes(28), ("10.0.0.255", 862))
time.sleep(0.2)'
	check_eq "subnet broadcast dropped as not local" 1 "$(($(counter drop_not_local) - nl0))"

	cs0=$(counter drop_csum)
	inA python3 -c '
import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
payload = struct.pack("!IQHH", 1, 0, 1, 0) + bytes(28)
s.sendto(struct.pack("!HHHH", 40000, 862, 8 + len(payload), 0x1234) + payload,
         ("10.0.0.2", 0))'
	sleep 0.2
	check_eq "bad UDP checksum dropped and counted" 1 "$(($(counter drop_csum) - cs0))"

	# raw UDP the IP layer passes on but the reflector must refuse: a UDP
	# length past the datagram's end, one short of it (octets after the UDP
	# datagram), one below the header's own 8; on IPv6 a wrong checksum and a
	# zero one (no checksum is not allowed there). One request each.
	raw_udp() {
		inA python3 - "$@" <<'PYEOF'
import socket, struct, sys
kind = sys.argv[1]
v6 = kind.startswith("v6")
payload = struct.pack("!IQHH", 1, 0, 0x0101, 0) + bytes(28)
ulen = {"v4-long": 8 + len(payload) + 10, "v4-short": 8 + len(payload) - 4,
        "v4-tiny": 4}.get(kind, 8 + len(payload))
if v6:
    src, dst = "fd00::1", "fd00::2"
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_UDP)
    pseudo = (socket.inet_pton(socket.AF_INET6, src) +
              socket.inet_pton(socket.AF_INET6, dst) +
              struct.pack("!IxxxB", ulen, 17))
    hdr = struct.pack("!HHHH", 40000, 862, ulen, 0)
    data = pseudo + hdr + payload
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    csum = ~total & 0xffff or 0xffff
    csum = {"v6-bad": csum ^ 0x0100, "v6-zero": 0, "v6-good": csum}[kind]
    s.bind((src, 0))
    s.sendto(struct.pack("!HHHH", 40000, 862, ulen, csum) + payload, (dst, 0))
else:
    # checksum 0: none, on IPv4, so only the length is wrong
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
    s.sendto(struct.pack("!HHHH", 40000, 862, ulen, 0) + payload,
             ("10.0.0.2", 0))
PYEOF
		sleep 0.2
	}
	for c in v4-long:drop_malformed v4-short:drop_malformed v4-tiny:drop_malformed \
		 v6-bad:drop_csum v6-zero:drop_csum v6-good:reflected; do
		kind=${c%%:*} name=${c#*:}
		n0=$(counter "$name") rx0=$(counter rx)
		raw_udp "$kind"
		check_eq "raw UDP $kind: counted as $name" 1 "$(($(counter "$name") - n0))"
		check_eq "raw UDP $kind: seen once (rx)" 1 "$(($(counter rx) - rx0))"
	done

	# the reply's route is cached per CPU and flow (reflect.c): a route
	# changed between requests of one flow (one source port) applies at
	# once, and so does its removal. The sender stays on CPU 0, where veth
	# hands B the request (netif_rx() on the sending CPU): the request
	# after the change meets the CPU whose cache holds the flow's route.
	local a t nr0
	for a in "$ADDR4_A $ADDR4_B" "$ADDR6_A $ADDR6_B"; do
		set -- $a
		t=$2
		check_eq "route cache, $t: flow answered" 3 \
			"$(inA taskset -c 0 "$STAMPNL" sender "$t" -s 40862 -c 3 -i 0.05 -W 1 -j | jfield received)"
		nr0=$(counter drop_no_route)
		inB ip route add unreachable "$1"
		check_eq "route cache, $t: unreachable route to the sender added: no reply" 0 \
			"$(inA taskset -c 0 "$STAMPNL" sender "$t" -s 40862 -c 1 -W 1 -j | jfield received)"
		check_eq "route cache, $t: counted as drop_no_route" 1 \
			"$(($(counter drop_no_route) - nr0))"
		inB ip route del unreachable "$1"
		check_eq "route cache, $t: route removed: answered again" 1 \
			"$(inA taskset -c 0 "$STAMPNL" sender "$t" -s 40862 -c 1 -W 1 -j | jfield received)"
	done
}

# --- reflector ports as source ports --------------------------------------
# A sender on port 862 (stamp-bpf's sends 862 -> 862 with an Error Estimate
# multiplier of 0) is answered. A's reflector (the module reflects in every
# namespace) sees B's replies arrive from a reflector port, shaped like
# replies, and leaves them to the socket: peer_replies, not rx.
stage_ports() {
	sB=$(inB "$STAMPNL" stats -j) sA=$(inA "$STAMPNL" stats -j)
	check_eq "sender on port 862 -> 862, multiplier 0: every request answered" 5 "$(inA python3 -c '
import socket, struct, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 862))
s.settimeout(2)
got = 0
for seq in range(5):
    t1 = (int(time.time()) + 2208988800) << 32
    s.sendto(struct.pack("!IQHH", seq, t1, 0, 0) + bytes(28), ("10.0.0.2", 862))
    rep = s.recv(100)
    assert len(rep) == 44 and struct.unpack_from("!I", rep, 24)[0] == seq
    assert struct.unpack_from("!H", rep, 12)[0] & 0xff, "reply multiplier 0"
    got += 1
print(got)' 2>&1)"
	check_eq "862 -> 862: reflected" 5 \
		"$(($(counter reflected) - $(counter reflected "$sB")))"
	check_eq "862 -> 862: errest_zero" 5 \
		"$(($(counter errest_zero) - $(counter errest_zero "$sB")))"
	check_eq "862 -> 862: the replies are peer_replies in A" 5 \
		"$(($(inA "$STAMPNL" stats -j | jfield peer_replies) - $(counter peer_replies "$sA")))"
	check_eq "862 -> 862: ... and not requests there (rx)" 0 \
		"$(($(inA "$STAMPNL" stats -j | jfield rx) - $(counter rx "$sA")))"

	# Two reflectors aimed at each other by one spoofed packet (from A's
	# reflector port, nobody listening there): B answers it once, A leaves
	# the reply to the stack, and nothing bounces. Counted over a second.
	sB=$(inB "$STAMPNL" stats -j) sA=$(inA "$STAMPNL" stats -j)
	inA python3 -c '
import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
payload = struct.pack("!IQHH", 1, 0, 0x0101, 0) + bytes(28)
s.sendto(struct.pack("!HHHH", 862, 862, 8 + len(payload), 0) + payload,
         ("10.0.0.2", 0))'
	sleep 1
	check_eq "spoofed 862 -> 862 between two reflectors: B answers once" 1 \
		"$(($(counter reflected) - $(counter reflected "$sB")))"
	check_eq "... A answers nothing" 0 \
		"$(($(inA "$STAMPNL" stats -j | jfield reflected) - $(counter reflected "$sA")))"
	check_eq "... A counts one peer reply" 1 \
		"$(($(inA "$STAMPNL" stats -j | jfield peer_replies) - $(counter peer_replies "$sA")))"
	check_eq "... B saw no reply come back" 0 \
		"$(($(counter peer_replies) - $(counter peer_replies "$sB")))"
}

# --- headers the hook must see past: IPv4 options, IPv6 extension headers --
# each request must be answered, with the sender's Seq and a reply that
# carries no options of its own (the reflector builds a fresh header)
stage_headers() {
	opts_probe() {
		inA python3 - "$@" <<'PYEOF'
import socket, struct, sys
kind = sys.argv[1]
v6 = kind != "ipv4-options"
s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_DGRAM)
if kind == "ipv4-options":
    # NOP, NOP, NOP, End of options: a 24-octet IPv4 header
    s.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, bytes([1, 1, 1, 0]))
else:
    # an options header holding one PadN option of 4 octets
    opt = {"ipv6-dstopts": 59, "ipv6-hopopts": 54}[kind]
    s.setsockopt(socket.IPPROTO_IPV6, opt, bytes([0, 0, 1, 4, 0, 0, 0, 0]))
s.settimeout(2)
got = 0
for seq in range(5):
    s.sendto(struct.pack("!IQHH", seq, 0, 0x0101, 0) + bytes(28),
             ("fd00::2" if v6 else "10.0.0.2", 862))
    rep = s.recv(100)
    assert len(rep) == 44 and struct.unpack_from("!I", rep, 24)[0] == seq
    got += 1
print(got)
PYEOF
	}
	for kind in ipv4-options ipv6-dstopts ipv6-hopopts; do
		rx0=$(counter reflected)
		check_eq "$kind: every request answered" 5 "$(opts_probe $kind 2>&1)"
		check_eq "$kind: reflected counter" 5 "$(($(counter reflected) - rx0))"
	done
}

# --- a packet tap holds the requests: they are cloned ---------------------
# The reflector turns a request's own skb around; with a tap on the device
# (AF_PACKET, as tcpdump) the request's data is shared with the tap's
# clone and must be copied first. The tap must see every request as it
# arrived (not turned around: from A's address and port to 862, its TTL
# not the reply's 255), and every reply must still be right.
TAPD=$(mktemp -d)
inB python3 - "$TAPD/ready" $ADDR4_A > "$TAPD/out" <<'PYEOF' &
import socket, struct, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
s.bind(("veth0", 0x0800))
s.settimeout(0.5)
open(sys.argv[1], "w").close()
good = bad = 0
end = time.time() + 30
while time.time() < end:
    try:
        pkt, addr = s.recvfrom(4096)
    except socket.timeout:
        if good + bad:
            break
        continue
    if addr[2] != socket.PACKET_HOST or pkt[9] != 17:
        continue
    ihl = (pkt[0] & 15) * 4
    sport, dport = struct.unpack("!HH", pkt[ihl:ihl + 4])
    if 862 not in (sport, dport):
        continue
    # turned around in the tap's copy: ports and addresses swapped, TTL 255
    if (dport == 862 and sport != 862 and pkt[8] != 255 and
            pkt[12:16] == socket.inet_aton(sys.argv[2])):
        good += 1
    else:
        bad += 1
print(good, bad)
PYEOF
TAP_PID=$!
for _ in $(seq 1 100); do
	[ -e "$TAPD/ready" ] && break
	sleep 0.1
done
if out=$(inA python3 "$PROBE" $ADDR4_B --sizes 0,14,44,45,200,1400,1472); then
	pass "IPv4 under a packet tap: every reply correct ($(echo "$out" | jfield checks) checks)"
else
	fail "IPv4 under a packet tap: probe reported failures: $out"
fi
wait "$TAP_PID" || true
check_eq "the tap saw every request as it arrived (intact, corrupted)" \
	"$(echo "$out" | jfield sent) 0" "$(cat "$TAPD/out")"
rm -rf "$TAPD"

# --- T3 at the device's egress hook (kmod/egress.c) -------------------------
# B's reply waits in B's neighbour queue until A answers B's ARP or
# Neighbour Solicitation, which A's netem holds $LATE_MS ms: that wait is
# after the T3 reflect.c writes before ip_local_out() and before the egress
# hook's, so T3 - T2 includes it only when T3 is taken at the egress hook.
# A knows B's addresses for good, so that B never learns A's from A's own
# resolution; B's cache is flushed before each request.
LATE_MS=50
late_t3_setup() {
	family "$1"
	fam=$1
}
variants late_t3_setup "4 6" late_t3

# late_sample SENDER-ARGS...: one request after B's neighbour cache is
# flushed; prints "received auth_failures T3-T2(ms) T3<=T4"
late_sample() {
	local out
	inB ip -4 neigh flush dev veth0
	inB ip -6 neigh flush dev veth0
	out=$(inA "$STAMPNL" sender "$target" -c 1 -W 3 -j "$@") || true
	echo "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
p = d["packets"][0] if d.get("packets") else None
print(d["received"], d.get("auth_failures", 0),
      (int(p["t3_ns"]) - int(p["t2_ns"])) // 1000000 if p else -1,
      int(int(p["t3_ns"]) <= int(p["t4_ns"])) if p else -1)' 2>/dev/null ||
		echo "0 0 -1 -1"
}

# keyless_sample KEY: one authenticated request, B's default key removed
# while its reply waits for B's neighbour resolution (A's netem holds the
# answer), put back after; prints "received auth_failures reflected
# drop_unsigned"
keyless_sample() {
	local out rx0 i before after
	inB ip -4 neigh flush dev veth0
	inB ip -6 neigh flush dev veth0
	before=$(inB "$STAMPNL" stats -j)
	rx0=$(counter rx "$before")
	out=$(mktemp)
	inA "$STAMPNL" sender "$target" -c 1 -W 4 -j --auth-key-file "$1" \
		--ptp >"$out" 2>/dev/null &
	for i in $(seq 100); do
		[ "$(counter rx)" -gt "$rx0" ] && break
		sleep 0.02
	done
	inB "$STAMPNL" reflector set default-key-file none
	wait $! || true
	inB "$STAMPNL" reflector set default-key-file - <"$1"
	after=$(inB "$STAMPNL" stats -j)
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["received"], d.get("auth_failures", 0), end=" ")' "$out" 2>/dev/null ||
		echo -n "-1 -1 "
	echo $(($(counter reflected "$after") - $(counter reflected "$before"))) \
		$(($(counter drop_unsigned "$after") - $(counter drop_unsigned "$before")))
	rm -f "$out"
}

stage_late_t3() {
	local r e mac key p=/sys/module/stamp_refl/parameters/egress_t3
	if [ "$(inB "$STAMPNL" reflector show -j | jfield t3_point)" != egress ]; then
		# the kernel has no CONFIG_NETFILTER_EGRESS (the debug kernel)
		check_eq "without egress hooks, T3 taken before output" output \
			"$(inB "$STAMPNL" reflector show -j | jfield t3_point)"
		return
	fi
	pass "reflector show: T3 taken at egress"
	modprobe sch_netem 2>/dev/null || true
	mac=$(inB cat /sys/class/net/veth0/address)
	inA ip neigh replace $ADDR4_B lladdr "$mac" dev veth0 nud permanent
	inA ip -6 neigh replace $ADDR6_B lladdr "$mac" dev veth0 nud permanent
	check_ok "netem delay $LATE_MS ms on A's veth" \
		inA tc qdisc add dev veth0 root netem delay ${LATE_MS}ms
	key=$(mktemp)
	echo 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff >"$key"
	chmod 600 "$key"
	for r in 1 2; do
		set -- $(late_sample)
		check_eq "IPv$fam egress T3, request $r: received" 1 "$1"
		check_cmp "IPv$fam egress T3 (ms after T2) includes B's $LATE_MS ms neighbour wait" "$3" -ge $LATE_MS
		check_eq "IPv$fam egress T3 <= T4" 1 "$4"
	done
	echo 0 >$p
	check_eq "egress_t3=0: reflector show says output" output \
		"$(inB "$STAMPNL" reflector show -j | jfield t3_point)"
	set -- $(late_sample)
	check_eq "IPv$fam output T3: received" 1 "$1"
	check_cmp "IPv$fam output T3 (ms after T2) does not include the neighbour wait" "$3" -lt $LATE_MS
	echo 1 >$p
	check_ok "auth on with a default key, PTP format" \
		sh -c "ip netns exec $NS_B $STAMPNL reflector set auth on format ptp default-key-file - < $key"
	set -- $(late_sample --auth-key-file "$key" --ptp)
	check_eq "IPv$fam authenticated, PTP: received, HMAC failures" "1 0" "$1 $2"
	check_cmp "IPv$fam authenticated, PTP: egress T3 (ms after T2) includes the wait" "$3" -ge $LATE_MS
	check_eq "IPv$fam authenticated, PTP: T3 <= T4" 1 "$4"
	# signed once: the egress hook signs the replies it sees, reflect.c
	# does not; one the hook cannot sign (the key gone meanwhile) is
	# dropped, never sent unsigned, and counted in drop_unsigned (and in
	# reflected, which the IP layer had taken it for). egress_t3=0:
	# reflect.c signs.
	inA tc qdisc change dev veth0 root netem delay 1000ms
	set -- $(keyless_sample "$key")
	check_eq "IPv$fam key removed while the reply waits: signed at egress, so dropped (received, HMAC failures, reflected, drop_unsigned)" \
		"0 0 1 1" "$*"
	echo 0 >$p
	set -- $(keyless_sample "$key")
	echo 1 >$p
	check_eq "IPv$fam egress_t3=0, key removed while the reply waits: signed before (received, HMAC failures, reflected, drop_unsigned)" \
		"1 0 1 0" "$*"
	inA tc qdisc change dev veth0 root netem delay ${LATE_MS}ms
	check_ok "auth off, NTP format, default key removed" \
		inB "$STAMPNL" reflector set auth off format ntp default-key-file none
	rm -f "$key"
	inA tc qdisc del dev veth0 root
	inA ip neigh del $ADDR4_B dev veth0
	inA ip -6 neigh del $ADDR6_B dev veth0
}

# --- the fast path: B's veth0 answers at its netdev ingress ---------------
# fast_delta NAME: a counter's move between $before and $after
fast_delta() {
	echo $(($(counter "$1" "$after") - $(counter "$1" "$before")))
}

# fast_counts DESC REFLECTED FAST RP MTU OTHER: how the counters moved
fast_counts() {
	check_eq "$1: reflected, fast, fallbacks (return path, mtu, other)" \
		"$2 $3 $4 $5 $6" \
		"$(fast_delta reflected) $(fast_delta reflected_fast) $(fast_delta fast_fallback_return_path) $(fast_delta fast_fallback_mtu) $(fast_delta fast_fallback_other)"
}

variants family "4 6" fastpath
stage_fastpath() {
	local hl=20 big=2000 out key
	[ "$target" = "$ADDR4_B" ] || hl=40
	check_ok "fast path on veth0" inB "$STAMPNL" reflector set fast-path veth0
	check_eq "reflector show lists veth0" '["veth0"]' \
		"$(inB "$STAMPNL" reflector show -j | jq -c .fast_path)"
	check_ok "reflector show says so" sh -c \
		"ip netns exec $NS_B $STAMPNL reflector show | grep -qx 'fast path: *veth0'"
	check_ok "the loopback device is refused" \
		sh -c "! ip netns exec $NS_B $STAMPNL reflector set fast-path lo 2>/dev/null"
	# the device's egress hook (egress.c) leaves the fast path's replies
	# alone: their T3 and HMAC, taken and signed once before
	# dev_queue_xmit(), must hold with auth and PTP on
	key=$(mktemp)
	echo 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff >"$key"
	chmod 600 "$key"
	check_ok "auth on with a default key, PTP format" \
		sh -c "ip netns exec $NS_B $STAMPNL reflector set auth on format ptp default-key-file - < $key"
	out=$(counter reflected_fast)
	set -- $(late_sample --auth-key-file "$key" --ptp)
	check_eq "fast path, authenticated, PTP: received, HMAC failures" "1 0" "$1 $2"
	check_eq "fast path, authenticated, PTP: T3 <= T4" 1 "$4"
	check_eq "fast path, authenticated, PTP: the fast path's reply" 1 \
		$(($(counter reflected_fast) - out))
	check_ok "auth off, NTP format, default key removed" \
		inB "$STAMPNL" reflector set auth off format ntp default-key-file none
	rm -f "$key"
	# field by field, every reply from the fast path; a request longer
	# than the link is fragmented: IPv4's first fragment falls back (the
	# default path reassembles and answers it), IPv6's is not the fast
	# path's to look at (an extension header) and is the default path's
	# fragment drop
	before=$(inB "$STAMPNL" stats -j)
	probe_and_count "fast path IPv$((hl == 20 ? 4 : 6))" $target \
		--sizes 0,13,14,15,43,44,45,100,1000,$((1500 - hl - 8)),$big
	after=$(inB "$STAMPNL" stats -j)
	# probe_and_count checked reflected against the replies the probe saw
	out=$(fast_delta reflected)
	check_cmp "fast path: requests answered" "$out" -gt 8
	if [ $hl = 40 ]; then
		fast_counts "fast path" "$out" "$out" 0 0 0
		return
	fi
	fast_counts "fast path" "$out" $((out - 1)) 0 0 1
	# its replies leave their UDP checksum to the device (CHECKSUM_PARTIAL,
	# veth's receiver sees it unfinished), the default path's do not
	check_eq "fast path: replies with the checksum left to the device" \
		$((out - 1)) "$(echo "$PROBE_OUT" | jfield csum_partial)"
	# the rest the same for both families: IPv4 alone, to save VM time
	# a Return Path TLV (RFC 9503, here: reply on the same link) is the
	# default path's; TLVs are processed only in tlv process mode
	inB "$STAMPNL" reflector set tlv process
	before=$(inB "$STAMPNL" stats -j)
	out=$(inA python3 "$HERE/tlv_probe.py" $target --tlv 10:0001000400000001)
	after=$(inB "$STAMPNL" stats -j)
	check_eq "Return Path TLV: answered" true \
		"$(echo "$out" | jq '.reply != null')"
	fast_counts "Return Path TLV" 1 0 1 0 0
	check_eq "Return Path TLV: the default path saw it" 1 \
		"$(($(echo "$after" | jq .tlv.same_link) - $(echo "$before" | jq .tlv.same_link)))"
	inB "$STAMPNL" reflector set tlv copy
	# a reply longer than B's MTU: A's link still takes the request whole
	ip -n "$NS_B" link set veth0 mtu 1400
	before=$(inB "$STAMPNL" stats -j)
	check_ok "reply over the MTU: answered, correct" \
		inA python3 "$PROBE" $target --sizes $((1404 - hl - 8))
	after=$(inB "$STAMPNL" stats -j)
	# (the probe adds three requests with a zero Error Estimate multiplier,
	# of 14, 44 and 100 octets: the fast path's)
	fast_counts "reply over the MTU" 4 3 0 1 0
	ip -n "$NS_B" link set veth0 mtu 1500
	# the device goes while hooked: its hook with it, nothing left behind
	ip -n "$NS_B" link del veth0
	check_eq "device deleted: reflector show lists nothing" '[]' \
		"$(inB "$STAMPNL" reflector show -j | jq -c .fast_path)"
	netns_link
	before=$(inB "$STAMPNL" stats -j)
	check_ok "a new veth0: answered, correct" \
		inA python3 "$PROBE" $target --sizes 44,100
	after=$(inB "$STAMPNL" stats -j)
	fast_counts "a new veth0 (the default path)" 5 0 0 0 0
	check_ok "fast path on again" inB "$STAMPNL" reflector set fast-path veth0
	check_ok "and off" inB "$STAMPNL" reflector set fast-path-off veth0
	check_eq "reflector show: off" '[]' \
		"$(inB "$STAMPNL" reflector show -j | jq -c .fast_path)"
}

# --- the fast path's rmmod under traffic ----------------------------------
stage_fastpath_teardown() {
	check_ok "fast path on veth0" inB "$STAMPNL" reflector set fast-path veth0
	inA "$STAMPNL" sender $ADDR4_B -i 0.001 -c 100000 -W 1 >/dev/null 2>&1 &
	FLOOD_PID=$!
	sleep 2
	check_cmp "flood is reflected by the fast path" \
		"$(counter reflected_fast)" -gt 100
	check_ok "rmmod under traffic on the fast path" rmmod stamp_refl
	check_ok "insmod under traffic" insmod "$KO"
	inB "$STAMPNL" reflector set rate-limit 0 tlv copy
	sleep 1
	check_cmp "the flood is reflected again, by the default path" \
		"$(counter reflected)" -gt 10
	check_eq "... not the fast path (off in the new module)" 0 \
		"$(counter reflected_fast)"
	kill "$FLOOD_PID" 2>/dev/null || true
	wait "$FLOOD_PID" 2>/dev/null || true
	FLOOD_PID=
}

# --- teardown under traffic -----------------------------------------------
stage_teardown() {
	inA "$STAMPNL" sender $ADDR4_B -i 0.001 -c 100000 -W 1 >/dev/null 2>&1 &
	FLOOD_PID=$!
	sleep 2
	check_cmp "flood is being reflected" "$(counter reflected)" -gt 100
	# the module goes and comes back while the flood still reaches it, then
	# the namespace goes while the new module reflects it
	check_ok "rmmod under traffic" rmmod stamp_refl
	check_ok "insmod under traffic" insmod "$KO"
	sleep 1
	check_cmp "the flood is reflected again after insmod" "$(counter reflected)" -gt 10
	check_ok "netns deleted under traffic" ip netns del "$NS_B"
	ip netns add "$NS_B"
	kill "$FLOOD_PID" 2>/dev/null || true
	wait "$FLOOD_PID" 2>/dev/null || true
	FLOOD_PID=
	check_ok "rmmod again" rmmod stamp_refl
	check_ok "insmod again" insmod "$KO"
	check_ok "rmmod after" rmmod stamp_refl
}

run_stages
check_eq "kernel log free of BUG/WARNING" "" \
	"$(dmesg | grep -E 'BUG:|WARNING:|KASAN|Oops|Call Trace' || true)"

finish

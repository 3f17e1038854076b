#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# TLVs end to end (RFC 8972, RFC 9503, RFC 9534), inside the test VM:
# stampnl in namespace A, stamp_refl.ko in B, and a router namespace R
# between them whose tc filters remark DSCP on the way there and back.
# Every TLV type over IPv4 and IPv6 through stampnl's options and report,
# the malformed shapes through an independent Python prober
# (tlv_probe.py, which builds and parses TLVs on its own), the tlv
# copy/strip switch, and the TLV counters.
. "$(dirname "$0")/../lib.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
KO=$ROOT/build/kmod-$(uname -r)/kmod/stamp_refl.ko
STAMPNL=$ROOT/build/tools/stampnl
PROBE=$ROOT/tests/netns/tlv_probe.py

[ -r "$KO" ] || skip "no module built for $(uname -r) (make modules-all)"
[ -x "$STAMPNL" ] || skip "stampnl not built (make tools)"

NS_R="stampR$$"
KEYS=$(mktemp -d)
cleanup() {
	netns_cleanup
	ip netns del "$NS_R" 2>/dev/null || true
	rmmod stamp_refl 2>/dev/null || true
	rm -rf "$KEYS"
}
inA() { ip netns exec "$NS_A" "$@"; }
inB() { ip netns exec "$NS_B" "$@"; }
nl() { inB "$STAMPNL" "$@"; }
tcR() { tc -n "$NS_R" "$@"; }

# sender TARGET ARGS...: stampnl -j from A
sender() {
	local t=$1
	shift
	inA "$STAMPNL" sender "$t" -q -j -i 0.05 -W 1 "$@" || true
}
# probe TARGET ARGS...: one request from tlv_probe.py in A
probe() { inA python3 "$PROBE" "$@"; }
# pycheck NAME JSON CODE: python assertions on d, the JSON
pycheck() {
	check_ok "$1" python3 -c "
import json, sys
d = json.loads(sys.argv[1])
$3" "$2"
}
# counter KEY / tlvcounter KEY: the reflector's, from stampnl stats -j
counter() { nl stats -j | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
tlvcounter() { nl stats -j | python3 -c "import json,sys; print(json.load(sys.stdin)['tlv']['$1'])"; }

dmesg -C
modprobe -a veth sch_ingress cls_bpf cls_u32 act_pedit act_csum sch_netem 2>/dev/null || true
check_ok "insmod stamp_refl" insmod "$KO"
trap cleanup EXIT

# A 10.0.1.1 fd01::1 -- ra R rb -- 10.0.2.2 fd02::2 B
for ns in "$NS_A" "$NS_R" "$NS_B"; do
	ip netns add "$ns"
	ip -n "$ns" link set lo up
done
ip -n "$NS_A" link add veth0 type veth peer name ra netns "$NS_R"
ip -n "$NS_B" link add veth0 type veth peer name rb netns "$NS_R"
for l in "$NS_A veth0 10.0.1.1/24 fd01::1/64" "$NS_R ra 10.0.1.254/24 fd01::254/64" \
	 "$NS_R rb 10.0.2.254/24 fd02::254/64" "$NS_B veth0 10.0.2.2/24 fd02::2/64"; do
	set -- $l
	ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.accept_dad=0"
	ip -n "$1" addr add "$3" dev "$2"
	ip -n "$1" addr add "$4" dev "$2" nodad
	ip -n "$1" link set "$2" up
done
# another address of A's, off the link (so never a source the sender picks):
# where a Return Address sends replies
ip -n "$NS_A" addr add 10.0.9.1/32 dev lo
ip -n "$NS_A" addr add fd09::1/128 dev lo
ip -n "$NS_R" route add 10.0.9.1/32 via 10.0.1.1
ip -n "$NS_R" -6 route add fd09::1/128 via fd01::1
ip -n "$NS_A" route add default via 10.0.1.254
ip -n "$NS_A" -6 route add default via fd01::254
ip -n "$NS_B" route add default via 10.0.2.254
ip -n "$NS_B" -6 route add default via fd02::254
ip netns exec "$NS_R" sysctl -qw net.ipv4.ip_forward=1
ip netns exec "$NS_R" sysctl -qw net.ipv6.conf.all.forwarding=1
check_ok "IPv4 path" inA ping -c 1 -W 5 10.0.2.2
check_ok "IPv6 path" inA ping -6 -c 1 -W 5 fd02::2
nl reflector set rate-limit 0
R_MAC=$(ip -n "$NS_R" link show rb | awk '/link\/ether/ {print $2}')
tcR qdisc add dev rb clsact
tcR qdisc add dev ra clsact

# remark DEV DSCP: R rewrites the DSCP (not ECN) of UDP leaving DEV
remark() {
	tcR filter add dev "$1" egress protocol ip prio 1 u32 \
		match ip protocol 17 0xff \
		action pedit ex munge ip dsfield set $(($2 << 2)) retain 0xfc \
		pipe action csum iph
	tcR filter add dev "$1" egress protocol ipv6 prio 2 u32 \
		match ip6 protocol 17 0xff \
		action pedit munge offset 0 u16 set $(($2 << 6)) retain 0x0fc0
}
unremark() { tcR filter del dev "$1" egress; }

check_eq "default tlv mode" process "$(nl reflector show -j | python3 -c 'import json,sys; print(json.load(sys.stdin)["tlv"])')"

for fam in 4 6; do
	if [ $fam = 4 ]; then
		A=10.0.1.1 A2=10.0.9.1 B=10.0.2.2 OTHER=10.0.2.77
	else
		A=fd01::1 A2=fd09::1 B=fd02::2 OTHER=fd02::77
	fi

	# --- Class of Service: remarking there (tc on rb) and back (ra) -----
	remark rb 8
	r0=$(tlvcounter cos_remarked)
	out=$(sender $B -c 5 --dscp 46 --ecn 1 --tlv-cos 10)
	pycheck "IPv$fam CoS: forward DSCP 46 remarked to 8 on the path, ECN kept, DSCP1 honored" "$out" '
c = d["tlv"]["cos"]
assert d["received"] == 5, d["received"]
assert (c["sent_dscp"], c["sent_ecn"]) == (46, 1), c
assert (c["received_dscp"], c["received_ecn"]) == (8, 1), c
assert c["forward_dscp_changed"] == 5 and c["forward_ecn_changed"] == 0, c
assert c["refused"] == 0 and c["backward_dscp_changed"] == 0, c
assert c["backward_checked"] == 5, c
assert all(p["tlv"]["reply_dscp"] == 10 for p in d["packets"]), d["packets"]
assert all(p["tlv"]["cos_rp"] == 0 for p in d["packets"])'
	check_eq "IPv$fam CoS: replies remarked by the reflector (counter)" 5 \
		$(($(tlvcounter cos_remarked) - r0))

	nl reflector set cos-remark off
	out=$(sender $B -c 3 --dscp 46 --tlv-cos 10)
	pycheck "IPv$fam CoS: cos-remark off: RP=1, the reply keeps the DSCP it arrived with" "$out" '
c = d["tlv"]["cos"]
assert c["refused"] == 3 and c["backward_dscp_changed"] == 0, c
assert all(p["tlv"]["reply_dscp"] == 8 and p["tlv"]["cos_rp"] == 1
           for p in d["packets"]), d["packets"]'
	nl reflector set cos-remark on

	remark ra 18
	out=$(sender $B -c 4 --dscp 46 --tlv-cos 10)
	pycheck "IPv$fam CoS: backward remarking to 18 on the path is seen" "$out" '
c = d["tlv"]["cos"]
assert c["backward_checked"] == 4 and c["backward_dscp_changed"] == 4, c
assert all(p["tlv"]["reply_dscp"] == 18 for p in d["packets"])'
	out=$(sender $B -c 2)
	pycheck "IPv$fam without TLVs: no tlv report, reply DSCP untouched by the reflector" "$out" '
assert "tlv" not in d and d["received"] == 2, d.keys()'
	unremark ra
	unremark rb

	# --- Location -------------------------------------------------------
	out=$(sender $B -c 2 -s 40001 --tlv-location)
	pycheck "IPv$fam Location: addresses, ports and the source MAC the reflector saw" "$out" "
l = d['tlv']['location']
assert l['source'] == '$A' and l['destination'] == '$B', l
assert l['source_port'] == 40001 and l['destination_port'] == 862, l
assert l['source_mac'] == '$R_MAC', (l, '$R_MAC')
assert d['tlv']['unknown_types'] == [], d['tlv']"

	# --- Timestamp Information -------------------------------------------
	out=$(sender $B -c 2 --tlv-timestamp-info)
	pycheck "IPv$fam Timestamp Information: unsynchronized, software stamps" "$out" '
t = d["tlv"]["timestamp_info"]
assert t == {"t2_sync": "local", "t2_method": "sw-local",
             "t3_sync": "local", "t3_method": "sw-local"}, t'
	nl reflector set clock synced error-ns 1000 sync-source ptp
	out=$(sender $B -c 2 --tlv-timestamp-info)
	pycheck "IPv$fam Timestamp Information: synchronized to PTP as configured" "$out" '
t = d["tlv"]["timestamp_info"]
assert t["t2_sync"] == "ptp" and t["t3_sync"] == "ptp", t'
	nl reflector set clock unsynced sync-source ntp

	# --- Direct Measurement and Follow-Up Telemetry -----------------------
	out=$(sender $B -c 3 --tlv-direct-measurement --tlv-follow-up)
	pycheck "IPv$fam stateless: Direct Measurement answered U, Follow-Up zeroed" "$out" '
assert 5 in d["tlv"]["unknown_types"], d["tlv"]
assert 7 not in d["tlv"]["unknown_types"], d["tlv"]
assert all(p["tlv"]["follow_up_t3_ns"] == 0 for p in d["packets"])'
	nl reflector set mode stateful
	tcR qdisc add dev rb root netem loss 25%
	tcR qdisc add dev ra root netem loss 25%
	out=$(sender $B -c 80 -i 0.02 --stateful-reflector \
		--tlv-direct-measurement --tlv-follow-up)
	tcR qdisc del dev rb root
	tcR qdisc del dev ra root
	pycheck "IPv$fam Direct Measurement: counters give the same forward/backward loss as the Seq split" "$out" '
m = d["tlv"]["direct_measurement"]
print("  dm", m, "seq split", d["forward_lost"], d["backward_lost"])
assert m["forward_lost"] == d["forward_lost"], m
assert m["backward_lost"] == d["backward_lost"], m
assert m["forward_lost"] + m["backward_lost"] > 0, "netem lost nothing?"
assert m["sender_tx"] == max(p["seq"] for p in d["packets"]) + 1, m'
	pycheck "IPv$fam Follow-Up: the previous reply's T3, exactly as it was sent" "$out" '
f = d["tlv"]["follow_up"]
print("  follow-up", f)
assert f["matched"] > 0 and f["max_diff_ns"] == 0, f
assert all(p["tlv"]["follow_up_method"] == "sw-local"
           for p in d["packets"] if p["tlv"]["follow_up_t3_ns"])'
	inA "$STAMPNL" sender $B -c 1 -q -j -W 1 -s 40003 --tlv-access-report 3:4 >/dev/null || true
	check_ok "IPv$fam Access Report kept on its session" python3 -c '
import json, sys
ss = [s for s in json.loads(sys.argv[1]) if s["peer_port"] == 40003]
assert len(ss) == 1 and ss[0]["access_id"] == 3 and ss[0]["access_code"] == 4, ss' \
		"$(nl session list -j)"
	nl reflector set mode stateless

	# --- Micro-session ID -------------------------------------------------
	nl reflector set member-id 7
	out=$(sender $B -c 2 --tlv-micro-session 5)
	pycheck "IPv$fam Micro-session ID: the reflector fills in its ID" "$out" '
assert d["received"] == 2 and d["tlv"]["micro_session_reflector_id"] == 7, d["tlv"]'
	m0=$(counter drop_micro_session)
	out=$(sender $B -c 3 --tlv-micro-session 5:9)
	pycheck "IPv$fam Micro-session ID of another reflector: discarded" "$out" '
assert d["received"] == 0, d["received"]'
	check_eq "IPv$fam drop_micro_session" 3 $(($(counter drop_micro_session) - m0))
	out=$(sender $B -c 2 --tlv-micro-session 5:7)
	pycheck "IPv$fam Micro-session ID naming this reflector: answered" "$out" '
assert d["received"] == 2'

	# --- Return Path ----------------------------------------------------
	n0=$(counter drop_no_reply)
	out=$(sender $B -c 3 --tlv-return-path no-reply)
	pycheck "IPv$fam Return Path no-reply: nothing comes back" "$out" '
assert d["received"] == 0 and d["sent"] == 3, d'
	check_eq "IPv$fam drop_no_reply" 3 $(($(counter drop_no_reply) - n0))
	s0=$(tlvcounter same_link)
	out=$(sender $B -c 3 --tlv-return-path same-link)
	pycheck "IPv$fam Return Path same-link: answered" "$out" '
assert d["received"] == 3 and 10 not in d["tlv"]["unknown_types"], d'
	check_eq "IPv$fam replies on the same link" 3 $(($(tlvcounter same_link) - s0))
	out=$(sender $B -c 3 --tlv-return-path $A2)
	pycheck "IPv$fam Return Address while not allowed: U, reply to the sender" "$out" '
assert d["received"] == 3 and 10 in d["tlv"]["unknown_types"], d["tlv"]'
	nl reflector set return-address on
	a0=$(tlvcounter return_addr)
	rf0=$(counter reflected)
	out=$(sender $B -c 3 --tlv-return-path $A2)
	pycheck "IPv$fam Return Address allowed: the replies go elsewhere" "$out" '
assert d["received"] == 0, d["received"]'
	check_eq "IPv$fam replies sent to the Return Address" 3 $(($(tlvcounter return_addr) - a0))
	check_eq "IPv$fam ... and reflected" 3 $(($(counter reflected) - rf0))
	nl reflector set return-address off

	# --- Destination Node Address, Access Report, unknown types -----------
	out=$(sender $B -c 2 --ssid 5 --tlv-dest-node $B)
	pycheck "IPv$fam Destination Node Address of the reflector: understood" "$out" '
assert d["received"] == 2 and d["tlv"]["unknown_types"] == [], d["tlv"]'
	out=$(sender $B -c 2 --ssid 5 --tlv-dest-node $OTHER)
	pycheck "IPv$fam Destination Node Address not the reflector's: U" "$out" '
assert d["tlv"]["unknown_types"] == [9], d["tlv"]'
	out=$(sender $B -c 2 --tlv-access-report 1:2 --tlv-type 250:3 --tlv-padding 20)
	pycheck "IPv$fam Access Report acknowledged, type 250 unknown (U), padding fine" "$out" '
t = d["tlv"]
assert t["access_report_acknowledged"] == 2, t
assert t["unknown_types"] == [0], t
assert sorted(t["types_returned"]) == [1, 6], t
assert all(p["length"] == 44 + 8 + 7 + 24 for p in d["packets"]), d["packets"]'

	# --- malformed shapes, built and read by the Python prober -------------
	m0=$(tlvcounter malformed)
	out=$(probe $B --tlv 4: --tlv 3:00000000)
	pycheck "IPv$fam zero-length Class of Service: M, processing stops, the rest as sent" "$out" '
t = d["tlvs"]
assert t[0]["flags"] == 0xc0 and t[0]["len"] == 0, t
assert t[1] == {"flags": 0x80, "type": 3, "len": 4, "value": "00000000"}, t'
	out=$(probe $B --tlv 3:00000000 --tlv raw:800100c8aabbccdd)
	pycheck "IPv$fam overrun: TLVs before it answered, M on it, rest copied" "$out" '
t = d["tlvs"]
assert t[0]["flags"] == 0 and t[0]["value"] != "00000000", t
assert t[1]["flags"] == 0xc0 and t[1].get("overrun"), t
assert d["rest"] == "aabbccdd", d["rest"]'
	out=$(probe $B --tlv 8:00000000000000000000000000000000 --tlv 4:00000000)
	pycheck "IPv$fam HMAC TLV not last: M on it, the TLV after it untouched" "$out" '
t = d["tlvs"]
assert t[0]["flags"] & 0x40 and t[1]["flags"] == 0x80, t
assert t[1]["value"] == "00000000", t'
	out=$(probe $B --tlv 2:000000008001 --tlv 3:00000000)
	pycheck "IPv$fam truncated Location sub-TLV: M, stop" "$out" '
t = d["tlvs"]
assert t[0]["flags"] & 0x40 and t[1]["flags"] == 0x80, t'
	check_eq "IPv$fam malformed requests counted" 4 $(($(tlvcounter malformed) - m0))
	out=$(probe $B --tlv 10:8001000400000001 --tlv 10:8001000400000000)
	pycheck "IPv$fam duplicated Return Path: the first counts, the second is U" "$out" '
t = d["tlvs"]
assert d["reply"] is not None, "no reply: the second Return Path was obeyed"
assert t[0]["flags"] == 0 and t[1]["flags"] & 0x80, t
assert t[1]["value"] == "8001000400000000", t'
	out=$(probe $B --tlv 250:abcdef --tlv 11:00050000)
	pycheck "IPv$fam unknown type copied with U, processing goes on" "$out" '
t = d["tlvs"]
assert t[0] == {"flags": 0x80, "type": 250, "len": 3, "value": "abcdef"}, t
assert t[1]["flags"] == 0 and t[1]["value"] == "00050007", t'
	loc=$(python3 -c 'import struct
sub = lambda t, n: struct.pack("!BBH", 0x80, t, n) + bytes(n)
print((bytes(4) + sub(1, 8) + sub(4, 16) + sub(7, 16)).hex())')
	out=$(probe $B --sport 40002 --tlv "2:$loc")
	pycheck "IPv$fam Location by hand: ports, MAC and addresses at their offsets" "$out" "
import ipaddress
v = bytes.fromhex(d['tlvs'][0]['value'])
fam = $fam
n = 4 if fam == 4 else 16
assert d['tlvs'][0]['flags'] == 0, d['tlvs']
assert v[0:4] == bytes([3, 94, 0x9c, 0x42]), v[0:4].hex()	# 862, 40002
assert v[4:8] == bytes([0, 2, 0, 8]), v[4:8].hex()		# EUI-48
assert v[8:16] == bytes.fromhex('$R_MAC'.replace(':', '')) + bytes(2), v.hex()
assert v[16:20] == bytes([0, 5 if fam == 4 else 6, 0, 16]), v[16:20].hex()
assert str(ipaddress.ip_address(v[20:20 + n])) == '$B' and not any(v[20 + n:36])
assert v[36:40] == bytes([0, 8 if fam == 4 else 9, 0, 16]), v[36:40].hex()
assert str(ipaddress.ip_address(v[40:40 + n])) == '$A' and not any(v[40 + n:56])"
done

# --- the HMAC TLV, authenticated mode ------------------------------------
printf '000102030405060708090a0b0c0d0e0f\n' > "$KEYS/k"
chmod 600 "$KEYS/k"
nl reflector set auth on default-key-file "$KEYS/k"
out=$(sender 10.0.2.2 -c 3 --auth-key-file "$KEYS/k" --tlv-hmac --tlv-cos 0 --tlv-timestamp-info)
pycheck "HMAC TLV: the reflector verifies ours and signs its own" "$out" '
t = d["tlv"]
assert d["received"] == 3 and d["auth_failures"] == 0, d
assert t["hmac_verified"] == 3 and t["hmac_failed"] == 0, t
assert t["integrity_failed_replies"] == 0 and t["unknown_types"] == [], t'
i0=$(tlvcounter integrity_failed)
out=$(probe fd02::2 --key-file "$KEYS/k" --hmac-tlv --bad-hmac --tlv 4:28000000 --tlv 3:00000000)
pycheck "HMAC TLV that fails: I on every TLV, DSCP1 not applied, reply HMAC TLV valid" "$out" '
t = d["tlvs"]
assert len(t) == 3 and all(x["flags"] & 0x20 for x in t), t
assert d["ds"] >> 2 == 0, d["ds"]
assert d["reply_hmac_ok"] is True, d'
check_eq "HMAC TLV failures counted" 1 $(($(tlvcounter integrity_failed) - i0))
out=$(probe fd02::2 --key-file "$KEYS/k" --hmac-tlv --tlv 4:28000000)
pycheck "HMAC TLV that verifies: answered, DSCP1 10 applied" "$out" '
t = d["tlvs"]
assert all(not x["flags"] & 0x20 for x in t) and t[1]["flags"] == 0, t
assert d["ds"] >> 2 == 10 and d["reply_hmac_ok"] is True, d'
nl reflector set auth off default-key-file none

# --- the switch: copy (RFC 8762) and strip ---------------------------------
nl reflector set tlv strip
st0=$(tlvcounter stripped)
out=$(probe 10.0.2.2 --tlv 4:28000000)
pycheck "tlv strip: a base-size reply" "$out" '
assert len(bytes.fromhex(d["reply"])) == 44 and d["tlvs"] == [], d'
check_eq "stripped replies counted" 1 $(($(tlvcounter stripped) - st0))
nl reflector set tlv copy
out=$(probe 10.0.2.2 --tlv 4:28000000 --tlv 250:01)
pycheck "tlv copy: every octet past the base as sent" "$out" '
assert d["reply"][88:] == d["request"][88:], d'
out=$(sender 10.0.2.2 -c 2 --tlv-cos 10)
pycheck "tlv copy: stampnl reports the TLVs as not understood" "$out" '
assert d["tlv"]["unknown_types"] == [4], d["tlv"]'
nl reflector set tlv process

# --- counters and the books ---------------------------------------------
check_ok "every request reflected or dropped under one reason" python3 - "$(nl stats -j)" <<'EOF'
import json, sys
d = json.loads(sys.argv[1])
drops = sum(v for k, v in d.items() if k.startswith("drop_"))
assert d["rx"] == d["reflected"] + drops, d
t = d["tlv"]
for k in ("location", "timestamp_info", "cos", "direct_measurement",
          "access_report", "follow_up", "hmac", "dest_node_addr",
          "return_path", "micro_session", "extra_padding", "unknown"):
    assert t[k] > 0, (k, t)
print("  tlv counters", t)
EOF

check_ok "kernel log clean" bash -c "! dmesg | grep -E 'BUG|WARNING|KASAN|Oops'"
finish

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# TLVs end to end (RFC 8972, RFC 9503, RFC 9534), inside the test VM:
# stampnl in namespace A, stamp_refl.ko in B, and a router namespace R
# between them whose tc filters remark DSCP on the way there and back.
# Every TLV type over IPv4 and IPv6 through stampnl's options and report,
# the malformed shapes through an independent Python prober
# (tlv_probe.py, which builds and parses TLVs on its own), the tlv
# copy/strip switch, the TLV counters, and the sync source that
# `stampnl reflector clock-sync` finds from the daemon running.
#
# Under TCG every python3 start costs more than a second, so python3
# starts a handful of times: the JSON checks are kept and run by one
# python3 at the end (run_pychecks), in the order they were made, and the
# prober runs its cases in batches. Counters are read with jq.
#
# Stages (TESTS="cos tlv_switch" runs some; those marked IPv4/IPv6 run
# once per family, "cos/6" once): cos, location, stateful, follow_up,
# micro_session, access_report, shapes (each IPv4 and IPv6), member_link,
# no_mac, twamp_light,
# clock_sync, hmac, tlv_switch, books (which wants every other stage run).
. "$(dirname "$0")/../lib.sh"
requires module stampnl jq

PROBE=$HERE/tlv_probe.py
ADJ=$HELPERS/adjtimex.py

NS_R="stampR$$"
tmpdir KEYS
tmpdir CK
tmpdir FAKE
FAKE_PIDS=
CLOCK_SAVED=
# the kernel's clock state as it was, if a failure left it changed
restore_clock() {
	[ -z "$CLOCK_SAVED" ] || python3 "$ADJ" restore "$CLOCK_SAVED"
}
unfake_all() {
	local p
	for p in $FAKE_PIDS; do
		kill "$p" 2>/dev/null || true
	done
}
nl() { inB "$STAMPNL" "$@"; }
tcR() { tc -n "$NS_R" "$@"; }

# sender TARGET ARGS...: stampnl -j from A
sender() {
	local t=$1
	shift
	inA "$STAMPNL" sender "$t" -q -j -i 0.05 -W 1 "$@" || true
}

# pycheck NAME JSON CODE: Python assertions on d, the JSON, kept for
# run_pychecks
NCK=0
pycheck() {
	NCK=$((NCK + 1))
	local n
	n=$(printf '%03d' $NCK)
	printf '%s' "$1" > "$CK/$n.name"
	printf '%s' "$2" > "$CK/$n.json"
	printf '%s\n' "$3" > "$CK/$n.py"
}
# every kept check, by one python3, each counted as pass or fail
run_pychecks() {
	python3 - "$CK" > "$CK/results" 2>&1 <<'EOF' || true
import json, os, sys
d = sys.argv[1]
for n in sorted(f[:-5] for f in os.listdir(d) if f.endswith(".name")):
    name = open(os.path.join(d, n + ".name")).read()
    try:
        g = {"json": json, "sys": sys,
             "d": json.loads(open(os.path.join(d, n + ".json")).read())}
        exec(compile(open(os.path.join(d, n + ".py")).read(), name, "exec"), g)
        print("ok:", name, flush=True)
    except BaseException as e:
        print("FAIL: %s: %s: %s" % (name, type(e).__name__, e), flush=True)
EOF
	cat "$CK/results"
	PASSED=$((PASSED + $(grep -c '^ok: ' "$CK/results" || true)))
	FAILED=$((FAILED + $(grep -c '^FAIL: ' "$CK/results" || true)))
	# a check that never ran (python3 died) is a failure too
	[ "$(grep -c '^ok: \|^FAIL: ' "$CK/results" || true)" = "$NCK" ] ||
		fail "$NCK checks kept, not all of them ran"
}

# probe ARGS...: a tlv_probe.py case, run by the next run_probes (in A);
# probe_out N: the JSON of case N of the last run
: > "$CK/probes"
probe() { printf '%s\n' "$*" >> "$CK/probes"; }
run_probes() {
	inA python3 "$PROBE" --batch "$CK/probes" > "$CK/probe.out" || true
	: > "$CK/probes"
}
probe_out() { sed -n "${1}p" "$CK/probe.out"; }

# counter KEY / tlvcounter KEY: the reflector's, from stampnl stats -j
# (one line: {"rx":N,...,"tlv":{"unknown":N,...}})
counter() { nl stats -j | jq -r --arg k "$1" '.[$k] // empty'; }
tlvcounter() { nl stats -j | jq -r --arg k "$1" '.tlv[$k] // empty'; }
zeros() { printf "%0$(($1 * 2))d" 0; }

dmesg -C
modprobe -a veth sch_ingress cls_bpf cls_u32 act_pedit act_csum sch_netem 2>/dev/null || true
check_ok "insmod stamp_refl" insmod "$KO"
defer rmmod stamp_refl
defer unfake_all
defer restore_clock

# A 10.0.1.1 fd01::1 -- ra R rb -- 10.0.2.2 fd02::2 B
for ns in "$NS_A" "$NS_R" "$NS_B"; do
	defer ip netns del "$ns"
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
	[ "$REMARK" = 1 ] || return 0
	tcR filter add dev "$1" egress protocol ip prio 1 u32 \
		match ip protocol 17 0xff \
		action pedit ex munge ip dsfield set $(($2 << 2)) retain 0xfc \
		pipe action csum iph &&
	tcR filter add dev "$1" egress protocol ipv6 prio 2 u32 \
		match ip6 protocol 17 0xff \
		action pedit munge offset 0 u16 set $(($2 << 6)) retain 0x0fc0
}
unremark() { [ "$REMARK" = 0 ] || tcR filter del dev "$1" egress; }

# A kernel without cls_u32, act_pedit or act_csum (the debug kernel has
# them built in since tests/vm/debug.config was trimmed): there the Class
# of Service TLV is checked with the DSCP left alone on the path (forward
# 46, backward what DSCP1 asked for). Where the modules exist, remarking
# must work.
REMARK=1
if remark rb 1 2>/dev/null; then
	unremark rb
elif modinfo cls_u32 >/dev/null 2>&1; then
	fail "R remarks DSCP with tc u32/pedit (cls_u32 is installed)"
	REMARK=0
else
	echo "note: no cls_u32 in $(uname -r): CoS checked without remarking on the path"
	REMARK=0
fi
# what the reflector sees, what the sender gets back, replies remarked
if [ $REMARK = 1 ]; then
	FWD=8 BWD=18 NFWD=5 NBWD=4
else
	FWD=46 BWD=10 NFWD=0 NBWD=0
fi

check_eq "default tlv mode" process \
	"$(nl reflector show -j | jq -r .tlv)"

# a Location TLV asking for everything, built here: the ports, then the
# Source MAC, Destination IP and Source IP requests (RFC 8972 4.2)
LOC=00000000"80010008$(zeros 8)80040010$(zeros 16)80070010$(zeros 16)"

# family 4|6: the addresses of the stages that run over IPv4 and IPv6
family() {
	fam=$1
	if [ $fam = 4 ]; then
		A=10.0.1.1 A2=10.0.9.1 B=10.0.2.2 OTHER=10.0.2.77
	else
		A=fd01::1 A2=fd09::1 B=fd02::2 OTHER=fd02::77
	fi
}
variants family "4 6" cos location stateful follow_up micro_session access_report shapes

stage_cos() {
	# --- Class of Service: remarking there (tc on rb) and back (ra) -----
	# (with Direct Measurement, which a stateless reflector counts per
	# client, and Follow-Up, which it does not fill in). The namespace's
	# first Direct Measurement request allocates its session table from
	# a work item, and gets U: sent first, from a client of its own.
	remark rb 8
	sender $B -c 1 --tlv-direct-measurement >/dev/null
	r0=$(tlvcounter cos_remarked)
	u0=$(tlvcounter dm_uncounted)
	out=$(sender $B -c 5 --dscp 46 --ecn 1 --tlv-cos 10 \
		--tlv-direct-measurement --tlv-follow-up)
	pycheck "IPv$fam CoS: forward DSCP 46 remarked to $FWD on the path, ECN kept, DSCP1 honored" "$out" '
c = d["tlv"]["cos"]
assert d["received"] == 5, d["received"]
assert (c["sent_dscp"], c["sent_ecn"]) == (46, 1), c
assert (c["received_dscp"], c["received_ecn"]) == ('$FWD', 1), c
assert c["forward_dscp_changed"] == '$NFWD' and c["forward_ecn_changed"] == 0, c
assert c["refused"] == 0 and c["backward_dscp_changed"] == 0, c
assert c["backward_checked"] == 5, c
assert all(p["tlv"]["reply_dscp"] == 10 for p in d["packets"]), d["packets"]
assert all(p["tlv"]["cos_rp"] == 0 for p in d["packets"])'
	pycheck "IPv$fam stateless: Direct Measurement counted for this client (RFC 8972 4.5), Follow-Up zeroed" "$out" '
m = d["tlv"]["direct_measurement"]
assert 5 not in d["tlv"].get("unknown_types", []), d["tlv"]
assert 7 not in d["tlv"].get("unknown_types", []), d["tlv"]
assert (m["sender_tx"], m["reflector_rx"], m["reflector_tx"]) == (5, 5, 5), m
assert [(p["tlv"]["reflector_rx"], p["tlv"]["reflector_tx"])
        for p in d["packets"]] == [(i, i) for i in range(1, 6)], d["packets"]
assert all(p["tlv"]["follow_up_t3_ns"] == "0" for p in d["packets"])'
	# one client is its addresses, ports and SSID: two SSIDs from one
	# port are counted apart
	out=$(sender $B -c 3 -s 40020 --ssid 1 --tlv-direct-measurement)
	out2=$(sender $B -c 2 -s 40020 --ssid 2 --tlv-direct-measurement)
	pycheck "IPv$fam stateless: Direct Measurement counted per SSID" "[$out,$out2]" '
m = [x["tlv"]["direct_measurement"] for x in d]
assert [(x["reflector_rx"], x["reflector_tx"]) for x in m] == [(3, 3), (2, 2)], m'
	check_eq "IPv$fam stateless: every Direct Measurement since counted (counter dm_uncounted)" 0 \
		$(($(tlvcounter dm_uncounted) - u0))
	check_eq "IPv$fam CoS: replies remarked by the reflector (counter)" 5 \
		$(($(tlvcounter cos_remarked) - r0))

	# cos-remark off, and a clock synchronized to PTP, at once
	nl reflector set cos-remark off
	nl reflector set clock synced error-ns 1000 sync-source ptp
	out=$(sender $B -c 3 --dscp 46 --tlv-cos 10 --tlv-timestamp-info)
	nl reflector set clock unsynced sync-source ntp
	nl reflector set cos-remark on
	pycheck "IPv$fam CoS: cos-remark off: RP=1, the reply keeps the DSCP it arrived with" "$out" '
c = d["tlv"]["cos"]
assert c["refused"] == 3 and c["backward_dscp_changed"] == 0, c
assert all(p["tlv"]["reply_dscp"] == '$FWD' and p["tlv"]["cos_rp"] == 1
           for p in d["packets"]), d["packets"]'
	pycheck "IPv$fam Timestamp Information: synchronized to PTP as configured" "$out" '
t = d["tlv"]["timestamp_info"]
assert t["t2_sync"] == "ptp" and t["t3_sync"] == "ptp", t'

	remark ra 18
	out=$(sender $B -c 4 --dscp 46 --tlv-cos 10)
	pycheck "IPv$fam CoS: backward remarking to $BWD on the path is seen" "$out" '
c = d["tlv"]["cos"]
assert c["backward_checked"] == 4 and c["backward_dscp_changed"] == '$NBWD', c
assert all(p["tlv"]["reply_dscp"] == '$BWD' for p in d["packets"])'
	out=$(sender $B -c 2)
	pycheck "IPv$fam without TLVs: no tlv report, reply DSCP untouched by the reflector" "$out" '
assert "tlv" not in d and d["received"] == 2, d.keys()'
	unremark ra
	unremark rb
}

stage_location() {
	# --- Location, Timestamp Information, Destination Node Address -------
	out=$(sender $B -c 2 -s 40001 --ssid 5 --tlv-location \
		--tlv-timestamp-info --tlv-dest-node $B)
	pycheck "IPv$fam Location: addresses, ports and the source MAC the reflector saw" "$out" "
l = d['tlv']['location']
assert l['source'] == '$A' and l['destination'] == '$B', l
assert l['source_port'] == 40001 and l['destination_port'] == 862, l
assert l['source_mac'] == '$R_MAC', (l, '$R_MAC')"
	pycheck "IPv$fam Timestamp Information: unsynchronized, software stamps" "$out" '
t = d["tlv"]["timestamp_info"]
assert t == {"t2_sync": "local", "t2_method": "sw-local",
             "t3_sync": "local", "t3_method": "sw-local"}, t'
	pycheck "IPv$fam Destination Node Address of the reflector: understood (and every other TLV)" "$out" '
assert d["received"] == 2 and d["tlv"]["unknown_types"] == [], d["tlv"]
assert sorted(d["tlv"]["types_returned"]) == [2, 3, 9], d["tlv"]'
}

stage_stateful() {
	# --- Direct Measurement and Follow-Up Telemetry, stateful ----------
	nl reflector set mode stateful
	tcR qdisc add dev rb root netem loss 25%
	tcR qdisc add dev ra root netem loss 25%
	out=$(sender $B -c 40 -i 0.02 --stateful-reflector \
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
	# (the transmit time itself is checked by stage follow_up)
	pycheck "IPv$fam Follow-Up: a time for the previous reply, matched by its Seq" "$out" '
f = d["tlv"]["follow_up"]
print("  follow-up", f)
assert f["matched"] > 0 and f["max_diff_ns"] < 10**9, f
assert all(p["tlv"]["follow_up_method"] == "sw-local"
           for p in d["packets"] if int(p["tlv"]["follow_up_t3_ns"]))'
	inA "$STAMPNL" sender $B -c 1 -q -j -W 1 -s 40003 --ssid 3 --tlv-access-report 2:2 >/dev/null || true
	# an Access ID other than 1 or 2 is discarded: U, and not kept
	probe $B --sport 40003 --ssid 3 --seq 1 --tlv 6:30050000
	run_probes
	pycheck "IPv$fam Access Report with Access ID 3: discarded (U, as sent)" "$(probe_out 1)" '
t = d["tlvs"]
assert t == [{"flags": 0x80, "type": 6, "len": 4, "value": "30050000"}], t'
	pycheck "IPv$fam Access Report kept on its session (the one with Access ID 3 not)" \
		"$(nl session list -j)" '
ss = [s for s in d if s["peer_port"] == 40003 and s["peer"] == "'$A'"]
assert len(ss) == 1 and ss[0]["access_id"] == 2 and ss[0]["access_code"] == 2, ss'
	# Seq counts replies transmitted (RFC 8762 section 4.3.1): a Return
	# Path "no reply" and another reflector's Micro-session ID between two
	# answered requests leave no gap, and the latter is not the session's
	nl reflector set member-id 7
	probe $B --sport 40004 --seq 0
	probe $B --sport 40004 --seq 1 --tlv 10:8001000400000000
	probe $B --sport 40004 --seq 2 --tlv 11:00050009
	probe $B --sport 40004 --seq 3
	run_probes
	pycheck "IPv$fam stateful Seq: no gap for the requests not answered" \
		"[$(probe_out 1),$(probe_out 2),$(probe_out 3),$(probe_out 4)]" '
seqs = [r["reply"] and int(r["reply"][:8], 16) for r in d]
assert seqs == [0, None, None, 1], seqs'
	pycheck "IPv$fam stateful Seq: the session's counters" "$(nl session list -j)" '
ss = [s for s in d if s["peer_port"] == 40004 and s["peer"] == "'$A'"]
assert len(ss) == 1, ss
assert (ss[0]["seq"], ss[0]["rx"], ss[0]["reflected"]) == (2, 3, 2), ss'
	nl reflector set mode stateless
}

# fu_pairs SPORT: Follow-Up requests from SPORT, two, then two more with
# netem holding B's replies 100 ms in its qdisc; the four probe outputs
fu_pairs() {
	local fu=07:$(zeros 16) i out
	for i in 0 1; do
		probe $B --sport $1 --seq $i --tlv "$fu"
	done
	run_probes
	out="[$(probe_out 1),$(probe_out 2)"
	inB tc qdisc add dev veth0 root netem delay 100ms
	for i in 2 3; do
		probe $B --sport $1 --seq $i --timeout 2 --tlv "$fu"
	done
	run_probes
	inB tc qdisc del dev veth0 root
	echo "$out,$(probe_out 1),$(probe_out 2)]"
}

FU_CHECK='
def ns(h):
    v = int(h, 16)
    return ((v >> 32) - 2208988800) * 10**9 + (v & 0xffffffff) * 10**9 // 2**32
def reply(p):
    r = bytes.fromhex(p["reply"])
    assert not r[12] & 0x40, "NTP format expected"
    v = bytes.fromhex(p["tlvs"][0]["value"])
    return {"seq": int(r[:4].hex(), 16), "t3": ns(r[4:12].hex()),
            "t2": ns(r[16:24].hex()), "rx": p["rx_ns"],
            "fu_seq": int(v[:4].hex(), 16), "fu": ns(v[4:12].hex()),
            "fu_m": v[12], "flags": p["tlvs"][0]["flags"]}
r = [reply(p) for p in d]
for a, b, delay in ((r[0], r[1], 0), (r[2], r[3], 100 * 10**6)):
    print("  T3 - T2 %d ns, Follow-Up - T3 %d ns, A rx - Follow-Up %d ns"
          % (a["t3"] - a["t2"], b["fu"] - a["t3"], a["rx"] - b["fu"]))
    assert b["flags"] == 0 and b["fu_seq"] == a["seq"], (a, b)
    assert b["fu_m"] == 2, "Timestamp Method %d, not SW Local" % b["fu_m"]
    assert a["t3"] + delay <= b["fu"] <= a["rx"] + 1000, (a, b)
    assert a["t3"] - a["t2"] < 100 * 10**6, "T3 moved with netem"'

stage_follow_up() {
	# --- Follow-Up Telemetry: when the previous reply really left ------
	# RFC 8972 4.7. Two requests, then two more with netem holding B's
	# replies 100 ms in its qdisc, after T3 is written and before the
	# driver stamps them: the Follow-Up time of the second of each pair
	# is the first reply's transmit time, after its T3 and before A's
	# kernel received it, and moves with the delay while T3 does not.
	local f0 out
	nl reflector set mode stateful
	pycheck "IPv$fam Follow-Up: the previous reply's driver stamp, T3 <= it <= A's rx; netem moves it, not T3" \
		"$(fu_pairs 40005)" "$FU_CHECK"
	# the same over the fast path (kmod/fastpath.c), a session of its own:
	# its replies leave by dev_queue_xmit(), owned by the stamp socket too
	nl reflector set fast-path veth0
	f0=$(counter reflected_fast)
	out=$(fu_pairs 40006)
	check_eq "IPv$fam Follow-Up: the fast path answered the 4 requests" 4 \
		$(($(counter reflected_fast) - f0))
	nl reflector set fast-path-off veth0
	pycheck "IPv$fam Follow-Up over the fast path: the driver stamp as on the default path" \
		"$out" "$FU_CHECK"
}

stage_micro_session() {
	# --- Micro-session ID and Return Path ------------------------------
	nl reflector set member-id 7
	s0=$(tlvcounter same_link)
	out=$(sender $B -c 3 --tlv-micro-session 5 --tlv-return-path same-link)
	pycheck "IPv$fam Micro-session ID: the reflector fills in its ID" "$out" '
assert d["received"] == 3 and d["tlv"]["micro_session_reflector_id"] == 7, d["tlv"]
assert d["tlv"]["micro_session_rejected"] == 0, d["tlv"]'
	pycheck "IPv$fam Return Path same-link: answered" "$out" '
assert d["received"] == 3 and 10 not in d["tlv"]["unknown_types"], d'
	check_eq "IPv$fam replies on the same link" 3 $(($(tlvcounter same_link) - s0))
	m0=$(counter drop_micro_session)
	out=$(sender $B -c 3 --tlv-micro-session 5:9)
	pycheck "IPv$fam Micro-session ID of another reflector: discarded" "$out" '
assert d["received"] == 0, d["received"]'
	check_eq "IPv$fam drop_micro_session" 3 $(($(counter drop_micro_session) - m0))
	out=$(sender $B -c 3 --tlv-micro-session 5:7 --tlv-return-path $A2)
	pycheck "IPv$fam Micro-session ID naming this reflector: answered" "$out" '
assert d["received"] == 3 and 11 not in d["tlv"]["unknown_types"], d'
	pycheck "IPv$fam Return Address while not allowed: U, reply to the sender" "$out" '
assert d["received"] == 3 and 10 in d["tlv"]["unknown_types"], d["tlv"]'
	n0=$(counter drop_no_reply)
	out=$(sender $B -c 3 --tlv-return-path no-reply)
	pycheck "IPv$fam Return Path no-reply: nothing comes back" "$out" '
assert d["received"] == 0 and d["sent"] == 3, d'
	check_eq "IPv$fam drop_no_reply" 3 $(($(counter drop_no_reply) - n0))
	nl reflector set return-address on
	a0=$(tlvcounter return_addr)
	rf0=$(counter reflected)
	out=$(sender $B -c 3 --tlv-return-path $A2)
	pycheck "IPv$fam Return Address allowed: the replies go elsewhere" "$out" '
assert d["received"] == 0, d["received"]'
	check_eq "IPv$fam replies sent to the Return Address" 3 $(($(tlvcounter return_addr) - a0))
	check_eq "IPv$fam ... and reflected" 3 $(($(counter reflected) - rf0))
	nl reflector set return-address off
}

stage_member_link() {
	# --- Micro-session ID per member link (RFC 9534) -------------------
	# B's bond0 (broadcast mode: it receives on both members and sends
	# on both) has members m1 and m2, whose peers are in A (q1) and in C
	# (q2), all in 10.0.7.0/24. A request's member is seen only at the
	# member's ingress: by LOCAL_IN it arrived on bond0.
	if ! modprobe bonding 2>/dev/null; then
		if modinfo bonding >/dev/null 2>&1; then
			fail "modprobe bonding (the module is installed)"
		else
			echo "note: no bonding in $(uname -r): member links not checked"
		fi
		return 0
	fi
	local NS_C="stampC$$" ms0 f0
	ms0=$(nl reflector show -j | jq -r .member_id)
	defer ip netns del "$NS_C"
	ip netns add "$NS_C"
	ip -n "$NS_B" link add bond0 type bond mode broadcast
	ip -n "$NS_B" link add m1 type veth peer name q1 netns "$NS_A"
	ip -n "$NS_B" link add m2 type veth peer name q2 netns "$NS_C"
	ip -n "$NS_B" link set m1 master bond0
	ip -n "$NS_B" link set m2 master bond0
	ip -n "$NS_B" addr add 10.0.7.2/24 dev bond0
	ip -n "$NS_A" addr add 10.0.7.1/24 dev q1
	ip -n "$NS_C" addr add 10.0.7.3/24 dev q2
	for l in "$NS_B m1" "$NS_B m2" "$NS_B bond0" "$NS_A q1" "$NS_C q2" "$NS_C lo"; do
		ip -n ${l% *} link set ${l#* } up
	done
	nl reflector set member-id 7
	check_ok "member-id 11 dev m1" nl reflector set member-id 11 dev m1
	check_ok "member-id 12 dev m2" nl reflector set member-id 12 dev m2
	check_eq "reflector show: the links' IDs" "m1 11,m2 12,7" \
		"$(nl reflector show -j | jq -r '[(.links[] | "\(.dev) \(.member_id)"), (.member_id | tostring)] | join(",")')"
	# probes from A (over m1) and from C (over m2), one batch each
	: > "$CK/probes_c"
	probeC() { printf '%s\n' "$*" >> "$CK/probes_c"; }
	probe 10.0.7.2 --tlv 11:00050000
	probe 10.0.7.2 --tlv 11:0005000c
	probe 10.0.7.2 --tlv 11:0005000b
	probeC 10.0.7.2 --tlv 11:00050000
	run_probes
	cp "$CK/probe.out" "$CK/probe_a.out"
	in_ns "$NS_C" python3 "$PROBE" --batch "$CK/probes_c" > "$CK/probe.out" || true
	: > "$CK/probes_c"
	pycheck "Micro-session ID per link: over m1 11, naming m2's 12 there dropped, naming 11 answered; over m2 12" \
		"[$(sed -n 1p "$CK/probe_a.out"),$(sed -n 2p "$CK/probe_a.out"),$(sed -n 3p "$CK/probe_a.out"),$(probe_out 1)]" '
got = [p["tlvs"][0] if p["reply"] else None for p in d]
print("  ", got)
assert got[0] == {"flags": 0, "type": 11, "len": 4, "value": "0005000b"}, got[0]
assert got[1] is None, got[1]
assert got[2] == {"flags": 0, "type": 11, "len": 4, "value": "0005000b"}, got[2]
assert got[3] == {"flags": 0, "type": 11, "len": 4, "value": "0005000c"}, got[3]'
	# the same answered by the fast path on bond0 (kmod/fastpath.c): the
	# members' ingress hooks still run first, in the same call chain
	nl reflector set fast-path bond0
	f0=$(counter reflected_fast)
	probe 10.0.7.2 --tlv 11:00050000
	run_probes
	cp "$CK/probe.out" "$CK/probe_a.out"
	probeC 10.0.7.2 --tlv 11:00050000
	in_ns "$NS_C" python3 "$PROBE" --batch "$CK/probes_c" > "$CK/probe.out" || true
	: > "$CK/probes_c"
	check_eq "Micro-session ID per link: the fast path on bond0 answered both" 2 \
		$(($(counter reflected_fast) - f0))
	nl reflector set fast-path-off bond0
	pycheck "Micro-session ID per link over the fast path: over m1 11, over m2 12" \
		"[$(sed -n 1p "$CK/probe_a.out"),$(probe_out 1)]" '
got = [p["tlvs"][0] if p["reply"] else None for p in d]
assert got[0] == {"flags": 0, "type": 11, "len": 4, "value": "0005000b"}, got[0]
assert got[1] == {"flags": 0, "type": 11, "len": 4, "value": "0005000c"}, got[1]'
	# m2's ID removed: the namespace's; then none at all: U
	check_ok "member-id 0 dev m2" nl reflector set member-id 0 dev m2
	probeC 10.0.7.2 --tlv 11:00050000
	in_ns "$NS_C" python3 "$PROBE" --batch "$CK/probes_c" > "$CK/probe.out" || true
	: > "$CK/probes_c"
	nl reflector set member-id 0
	probeC 10.0.7.2 --tlv 11:00050000
	in_ns "$NS_C" python3 "$PROBE" --batch "$CK/probes_c" >> "$CK/probe.out" || true
	: > "$CK/probes_c"
	pycheck "Micro-session ID: a link without one gets the namespace's (7), without that U" \
		"[$(probe_out 1),$(probe_out 2)]" '
got = [p["tlvs"][0] for p in d]
assert got[0] == {"flags": 0, "type": 11, "len": 4, "value": "00050007"}, got[0]
assert got[1] == {"flags": 0x80, "type": 11, "len": 4, "value": "00050000"}, got[1]'
	ip -n "$NS_B" link del m1
	check_eq "a link deleted loses its ID" 0 \
		"$(nl reflector show -j | jq -r '.links | length')"
	check_ok "member-id for a link that is not there: refused" \
		eval '! nl reflector set member-id 5 dev m1 2>/dev/null'
	nl reflector set member-id "$ms0"
}

stage_access_report() {
	# --- Destination Node Address elsewhere, Access Report, unknown types
	out=$(sender $B -c 2 --ssid 5 --tlv-dest-node $OTHER \
		--tlv-access-report 1:2 --tlv-type 250:3 --tlv-padding 20)
	pycheck "IPv$fam Destination Node Address not the reflector's: U" "$out" '
assert 9 in d["tlv"]["unknown_types"], d["tlv"]'
	pycheck "IPv$fam Access Report acknowledged, type 250 unknown (U), padding fine" "$out" "
t = d['tlv']
assert t['access_report_acknowledged'] == 2, t
assert t['unknown_types'] == [0, 9], t
assert sorted(t['types_returned']) == [1, 6, 9], t
n = 4 if $fam == 4 else 16
assert all(p['length'] == 44 + 4 + n + 8 + 7 + 24 for p in d['packets']), d['packets']"
}

stage_shapes() {
	# --- shapes built and read by the Python prober --------------------
	probe $B --tlv 4: --tlv 3:00000000
	probe $B --tlv 3:00000000 --tlv raw:800100c8aabbccdd
	probe $B --tlv 2:000000008001 --tlv 3:00000000
	probe $B --tlv 7:$(printf '5a%.0s' $(seq 20)) --tlv 3:00000000
	probe $B --tlv 8:$(zeros 16) --tlv 4:28000000
	probe $B --tlv 10:8001000400000001 --tlv 10:8001000400000000
	probe $B --tlv 10:8001000400000001800200040a000001
	probe $B --tlv 250:abcdef --tlv 11:00050000
	probe $B --tlv 3:00000000:0xff --tlv 251:00:0x5f
	probe $B --sport 40002 --tlv "2:$LOC"
	m0=$(tlvcounter malformed)
	run_probes
	check_eq "IPv$fam malformed requests counted" 4 $(($(tlvcounter malformed) - m0))
	pycheck "IPv$fam zero-length Class of Service: M, processing stops, the rest as sent" "$(probe_out 1)" '
t = d["tlvs"]
assert t[0]["flags"] == 0xc0 and t[0]["len"] == 0, t
assert t[1] == {"flags": 0x80, "type": 3, "len": 4, "value": "00000000"}, t'
	pycheck "IPv$fam overrun: TLVs before it answered, M on it, rest copied" "$(probe_out 2)" '
t = d["tlvs"]
assert t[0]["flags"] == 0 and t[0]["value"] != "00000000", t
assert t[1]["flags"] == 0xc0 and t[1].get("overrun"), t
assert d["rest"] == "aabbccdd", d["rest"]'
	pycheck "IPv$fam truncated Location sub-TLV: M, stop" "$(probe_out 3)" '
t = d["tlvs"]
assert t[0]["flags"] & 0x40 and t[1]["flags"] == 0x80, t'
	pycheck "IPv$fam Follow-Up Telemetry of length 20: M, its fields zeroed, stop" "$(probe_out 4)" '
t = d["tlvs"]
assert t[0]["flags"] == 0xc0 and t[0]["len"] == 20, t
assert t[0]["value"] == "00" * 12 + "5a" * 8, t[0]["value"]
assert t[1] == {"flags": 0x80, "type": 3, "len": 4, "value": "00000000"}, t'
	pycheck "IPv$fam HMAC TLV without a key: U and I, nothing it covers done" "$(probe_out 5)" '
t = d["tlvs"]
assert t[0]["flags"] == 0xa0 and t[0]["value"] == "00" * 16, t
assert t[1]["flags"] == 0xa0 and d["ds"] >> 2 == 0, (t, d["ds"])'
	pycheck "IPv$fam duplicated Return Path: the first counts, the second is U" "$(probe_out 6)" '
t = d["tlvs"]
assert d["reply"] is not None, "no reply: the second Return Path was obeyed"
assert t[0]["flags"] == 0 and t[1]["flags"] & 0x80, t
assert t[1]["value"] == "8001000400000000", t'
	pycheck "IPv$fam Return Path: a Control Code makes the Return Address beside it ignored" "$(probe_out 7)" '
t = d["tlvs"]
assert d["reply"] is not None, "no reply: the Return Address was obeyed"
assert t[0]["flags"] == 0, t
assert t[0]["value"] == "0001000400000001800200040a000001", t'
	pycheck "IPv$fam unknown type copied with U, processing goes on" "$(probe_out 8)" '
t = d["tlvs"]
assert t[0] == {"flags": 0x80, "type": 250, "len": 3, "value": "abcdef"}, t
assert t[1]["flags"] == 0 and t[1]["value"] == "00050007", t'
	pycheck "IPv$fam flags a sender must not set: cleared on an answered TLV, only U on an unknown one" "$(probe_out 9)" '
t = d["tlvs"]
assert t[0]["flags"] == 0 and t[1]["flags"] == 0x80, t'
	pycheck "IPv$fam Location by hand: ports, MAC and addresses at their offsets" "$(probe_out 10)" "
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
}

# a link without a MAC address (B to itself, over lo): a zeroed Source
# EUI-64 Address sub-TLV (RFC 8972 4.2.2)
stage_no_mac() {
	out=$(inB python3 "$PROBE" 10.0.2.2 --tlv "2:$LOC" || true)
	pycheck "Location over a link without a MAC: a zeroed EUI-64" "$out" '
v = bytes.fromhex(d["tlvs"][0]["value"])
assert d["tlvs"][0]["flags"] == 0, d["tlvs"]
assert v[4:8] == bytes([0, 3, 0, 8]) and v[8:16] == bytes(8), v.hex()'
}

# --- issue 22: TWAMP-Light padding, sub-TLVs, reserved fields ----------
# A TWAMP-Light sender's pseudo-random padding (RFC 4656 4.1.2) that
# happens to parse as TLVs: non-zero MBZ octets mark it, so it comes back
# as sent, and its octets 14-15 are no SSID (RFC 8972 3: an RFC 8972
# sender zeroes its MBZ)
stage_twamp_light() {
	TLPAD=00040004280000aa0005000c000000010000000000000000000b0004abcd0000
	TLMBZ=5a17c3e20198ab7e44d1e0a9c2b3f45a17c3e20198ab7e44d1e0a9c2
	probe 10.0.2.2 --ssid 4660 --mbz $TLMBZ --tlv raw:$TLPAD
	probe 10.0.2.2 --ssid 4660 --tlv raw:$TLPAD
	probe 10.0.2.2 --tlv 3:0000000000ff00040a0b0c0d --tlv 4:28000000
	probe 10.0.2.2 --tlv 4:2800aabb --tlv 6:1f01ccdd --tlv 10:00010004ffffffff
	probe 10.0.2.2 --ssid 4660 --trunc 15
	l0=$(tlvcounter cos)
	run_probes
	# the Class of Service TLVs of probes 2 to 4 only, not the padding's
	check_eq "TWAMP-Light padding: not counted as TLVs" 3 $(($(tlvcounter cos) - l0))
	pycheck "TWAMP-Light padding that parses as TLVs: every octet past the base as sent, SSID 0" "$(probe_out 1)" '
assert d["reply"][88:] == d["request"][88:], d
assert d["reply"][28:32] == "0000", d["reply"][28:32]'
	pycheck "the same octets from an RFC 8972 sender (MBZ zero): TLVs answered, SSID kept" "$(probe_out 2)" '
t = d["tlvs"]
assert d["reply"][28:32] == "1234", d["reply"][28:32]
assert t[0]["type"] == 4 and t[0]["flags"] == 0 and d["ds"] >> 2 == 10, (t, d["ds"])'
	pycheck "Timestamp Information with a sub-TLV: answered, the sub-TLV U, the next TLV answered" "$(probe_out 3)" '
t = d["tlvs"]
assert t[0]["flags"] == 0 and t[0]["value"][8:] == "80ff00040a0b0c0d", t
assert t[0]["value"][:8] != "00000000", t
assert t[1]["flags"] == 0 and d["ds"] >> 2 == 10, (t, d["ds"])'
	pycheck "reserved fields zeroed: Class of Service, Access Report, Control Code" "$(probe_out 4)" '
t = d["tlvs"]
assert [x["flags"] for x in t] == [0, 0, 0], t
assert t[0]["value"][4:] == "0000", t[0]
assert t[1]["value"] == "10010000", t[1]
assert t[2]["value"] == "0001000400000001", t[2]'
	pycheck "a 15-octet request: a 44-octet reply with no half SSID" "$(probe_out 5)" '
r = bytes.fromhex(d["reply"])
assert len(r) == 44 and bytes.fromhex(d["request"])[14] == 0x12, d
assert r[14:16] == bytes(2), r[14:16].hex()'
	# stateful: a TWAMP-Light sender is one session (addresses and ports), its
	# Seq counting up, however its padding changes
	nl reflector set mode stateful
	for i in 1 2 3; do
		probe 10.0.2.2 --sport 40022 --ssid $((i * 4369)) --mbz $(printf '%02x' $i)$TLMBZ
	done
	run_probes
	pycheck "stateful, TWAMP-Light padding: one session, Seq 0 1 2" "[$(paste -sd, "$CK/probe.out")]" '
assert [bytes.fromhex(x["reply"])[3] for x in d] == [0, 1, 2], d'
	pycheck "stateful, TWAMP-Light padding: its session has SSID 0" "$(nl session list -j)" '
ss = [s for s in d if s["peer_port"] == 40022]
assert len(ss) == 1 and ss[0]["ssid"] == 0 and ss[0]["rx"] == 3, ss'
	nl reflector set mode stateless
}

# --- the sync source clock-sync finds ------------------------------------
# `stampnl reflector clock-sync` reports the clock as adjtimex says, and
# the sync source from the daemon that disciplines the clock, found by
# process name (tools/lib/clock_source.c): phc2sys or ptp4l is PTP, an NTP
# daemon NTP, neither leaves the configured source. The daemons here are
# copies of sleep named like them. Timestamp Information TLVs report a
# source only while the clock is synchronized, and clock-sync takes that
# from adjtimex: where the VM's kernel says unsynchronized (no NTP here),
# clear STA_UNSYNC for the while (adjtimex.py mark-synced, for up to an
# hour: this part takes minutes under TCG), and put the kernel's state
# back after.
# fake NAME: a process whose comm is NAME, running when this returns
# (its PID in FAKE_PID)
fake() {
	local _
	cp /bin/sleep "$FAKE/$1"
	"$FAKE/$1" 600 &
	FAKE_PID=$!
	FAKE_PIDS="$FAKE_PIDS $FAKE_PID"
	for _ in $(seq 50); do
		[ "$(cat "/proc/$FAKE_PID/comm" 2>/dev/null)" = "$1" ] && return 0
		sleep 0.1
	done
	fail "a process named $1 runs (/proc/$FAKE_PID/comm)"
}
unfake() {
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}
# clocksync WANT [ARGS...]: clock-sync ARGS in B succeeds, says the clock
# is synchronized, and its sync source is WANT ("ptp (phc2sys running)")
clocksync() {
	local want=$1 out rc=0
	shift
	out=$(nl reflector clock-sync validity 60 "$@" 2>&1) || rc=$?
	case "$rc $out" in
	"0 clock synchronized, "*", sync source $want")
		pass "clock-sync $*: $out" ;;
	*)
		fail "clock-sync $*: expected 'clock synchronized, ..., sync source $want', got '$out' (exit $rc)" ;;
	esac
}
# syncsrc NAME WANT: the configured source is WANT, and so is the one
# Timestamp Information TLVs report for T2 and T3 (checked at the end)
syncsrc() {
	check_eq "$1: configured sync source" "$2" \
		"$(nl reflector show -j | jq -r .sync_source)"
	pycheck "$1: Timestamp Information reports sync source $2" \
		"$(sender 10.0.2.2 -c 2 --tlv-timestamp-info)" '
t = d["tlv"]["timestamp_info"]
assert d["received"] == 2, d["received"]
assert (t["t2_sync"], t["t3_sync"]) == ("'"$2"'", "'"$2"'"), t'
}

stage_clock_sync() {
	nl reflector set sync-source gnss
	CLOCK_SAVED=$CK/clock.saved
	check_ok "the VM's clock marked synchronized for the test" \
		sh -c 'python3 "$1" save "$2" && python3 "$1" mark-synced 3600' - "$ADJ" "$CLOCK_SAVED"
	clocksync "unchanged (no PTP or NTP daemon running)"
	syncsrc "no time daemon" gnss
	fake chronyd
	CHRONYD=$FAKE_PID
	clocksync "ntp (chronyd running)"
	syncsrc "chronyd" ntp
	fake phc2sys
	clocksync "ptp (phc2sys running)"
	syncsrc "phc2sys beside chronyd" ptp
	unfake "$FAKE_PID"
	clocksync "ntp (chronyd running)"
	syncsrc "phc2sys gone, chronyd left: back to" ntp
	clocksync "gnss (as given)" source gnss
	syncsrc "source gnss given" gnss
	unfake "$CHRONYD"
	clocksync "unchanged (no PTP or NTP daemon running)"
	syncsrc "no time daemon again" gnss
	check_ok "the VM's clock state put back" \
		python3 "$ADJ" restore "$CLOCK_SAVED"
	CLOCK_SAVED=
	nl reflector set clock unsynced sync-source ntp
}

# --- the HMAC TLV, authenticated mode ------------------------------------
stage_hmac() {
	printf '000102030405060708090a0b0c0d0e0f\n' > "$KEYS/k"
	chmod 600 "$KEYS/k"
	nl reflector set auth on default-key-file "$KEYS/k"
	out=$(sender 10.0.2.2 -c 3 --auth-key-file "$KEYS/k" --tlv-hmac --tlv-cos 0 --tlv-timestamp-info)
	pycheck "HMAC TLV: the reflector verifies ours and signs its own" "$out" '
t = d["tlv"]
assert d["received"] == 3 and d["auth_failures"] == 0, d
assert t["hmac_verified"] == 3 and t["hmac_failed"] == 0, t
assert t["integrity_failed_replies"] == 0 and t["unknown_types"] == [], t'
	probe fd02::2 --key-file "$KEYS/k" --hmac-tlv --bad-hmac --tlv 4:28000000 --tlv 3:00000000
	probe fd02::2 --key-file "$KEYS/k" --hmac-tlv --tlv 4:28000000
	probe fd02::2 --key-file "$KEYS/k" --hmac-tlv --tlv 4:28000000 --after-hmac 3:00000000
	probe fd02::2 --key-file "$KEYS/k" --tlv 4:28000000
	probe fd02::2 --key-file "$KEYS/k" --tlv 1:0102
	probe fd02::2 --key-file "$KEYS/k" --tlv 1:0102 --tlv 1:0304
	i0=$(tlvcounter integrity_failed)
	run_probes
	check_eq "HMAC TLV failures counted" 4 $(($(tlvcounter integrity_failed) - i0))
	pycheck "HMAC TLV that fails: I on every TLV, DSCP1 not applied, reply HMAC TLV valid" "$(probe_out 1)" '
t = d["tlvs"]
assert len(t) == 3 and all(x["flags"] & 0x20 for x in t), t
assert d["ds"] >> 2 == 0, d["ds"]
assert d["reply_hmac_ok"] is True, d'
	pycheck "HMAC TLV that verifies: answered, DSCP1 10 applied" "$(probe_out 2)" '
t = d["tlvs"]
assert all(not x["flags"] & 0x20 for x in t) and t[1]["flags"] == 0, t
assert d["ds"] >> 2 == 10 and d["reply_hmac_ok"] is True, d'
	pycheck "HMAC TLV followed by a TLV: a verification failure, I on every TLV, nothing done" "$(probe_out 3)" '
t = d["tlvs"]
assert [x["type"] for x in t] == [4, 8, 3], t
assert all(x["flags"] & 0x20 for x in t) and not any(x["flags"] & 0x40 for x in t), t
assert t[2]["value"] == "00000000" and d["ds"] >> 2 == 0, (t, d["ds"])'
	pycheck "authenticated mode, TLVs without an HMAC TLV: I, DSCP1 not applied" "$(probe_out 4)" '
t = d["tlvs"]
assert t[0]["flags"] == 0xa0 and d["ds"] >> 2 == 0, (t, d["ds"])'
	pycheck "authenticated mode, Extra Padding alone needs no HMAC TLV" "$(probe_out 5)" '
assert d["tlvs"][0]["flags"] == 0, d["tlvs"]'
	pycheck "authenticated mode, two Extra Padding TLVs need an HMAC TLV (RFC 8972 4.8: only one is exempt)" "$(probe_out 6)" '
assert [x["flags"] for x in d["tlvs"]] == [0xa0, 0xa0], d["tlvs"]'
	nl reflector set auth off default-key-file none
}

# --- the switch: copy (RFC 8762) and strip ---------------------------------
stage_tlv_switch() {
	nl reflector set tlv strip
	probe 10.0.2.2 --tlv 4:28000000
	st0=$(tlvcounter stripped)
	run_probes
	check_eq "stripped replies counted" 1 $(($(tlvcounter stripped) - st0))
	pycheck "tlv strip: a base-size reply" "$(probe_out 1)" '
assert len(bytes.fromhex(d["reply"])) == 44 and d["tlvs"] == [], d'
	nl reflector set tlv copy
	probe 10.0.2.2 --tlv 4:28000000 --tlv 250:01
	run_probes
	pycheck "tlv copy: every octet past the base as sent" "$(probe_out 1)" '
assert d["reply"][88:] == d["request"][88:], d'
	out=$(sender 10.0.2.2 -c 2 --tlv-cos 10)
	pycheck "tlv copy: stampnl reports the TLVs as not understood" "$out" '
assert d["tlv"]["unknown_types"] == [4], d["tlv"]'
	nl reflector set tlv process
}

# --- counters and the books ---------------------------------------------
stage_books() {
	pycheck "every request reflected or dropped under one reason" "$(nl stats -j)" '
drops = sum(v for k, v in d.items() if k.startswith("drop_"))
assert d["rx"] == d["reflected"] + drops, d
t = d["tlv"]
for k in ("location", "timestamp_info", "cos", "direct_measurement",
          "access_report", "follow_up", "hmac", "dest_node_addr",
          "return_path", "micro_session", "extra_padding", "unknown"):
    assert t[k] > 0, (k, t)
print("  tlv counters", t)'
}

run_stages
run_pychecks
check_ok "kernel log clean" bash -c "! dmesg | grep -E 'BUG|WARNING|KASAN|Oops'"
finish

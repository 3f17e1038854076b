#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# kstamp-agentx end to end, in the test VM as root: snmpd (a temporary
# configuration, AgentX on a Unix socket in /tmp, since the VM's root is
# read only) and the subagent in the reflector's namespace, traffic from
# the sender, then every value snmpwalk shows against stampnl's JSON
# (snmp_cmp.py). Then snmpd restarts (the subagent reconnects), the
# module is unloaded (absent, tables empty, the subagent still running)
# and loaded again (present, fresh counters, a discontinuity time), and
# SIGTERM ends the subagent cleanly.
. "$(dirname "$0")/../lib.sh"

AGENT=$ROOT/build/snmp/kstamp-agentx
MIB=$ROOT/snmp/KSTAMP-MIB.txt

requires module stampnl
[ -x "$AGENT" ] || skip "kstamp-agentx not built (make tools)"
command -v snmpd >/dev/null && command -v snmpwalk >/dev/null ||
	skip "snmpd or snmpwalk missing (scripts/deps.sh installs snmpd, snmp)"

D=$(mktemp -d /tmp/kstamp-snmp.XXXXXX)
BASE=.1.3.6.1.3.8762
STATUS=$BASE.1.1.1.0
DISC=$BASE.1.1.2.0
RX=$BASE.1.2.2.0	# kstampRx: STAMP_STATS_A_RX

cleanup() {
	netns_cleanup
	rmmod stamp_refl 2>/dev/null || true
	rm -rf "$D"
}

snmp() {
	local cmd=$1
	shift
	inB "$cmd" -v2c -c public -On -Ot -Ox -m '' -t 2 -r 1 127.0.0.1:16161 "$@"
}

# value OID: the value alone, "" when there is none
value() {
	snmp snmpget "$1" 2>/dev/null |
		sed -n '/No Such/d; s/^[^=]*= //; s/^[A-Za-z0-9-]*: //; p'
}

# the JSON snapshot and then, after the cache, the walk; compare them all
compare() {
	inB "$STAMPNL" stats -j > "$D/stats.json"
	inB "$STAMPNL" session list -j > "$D/sessions.json"
	inB "$STAMPNL" reflector show -j > "$D/show.json"
	sleep 1.2	# the subagent's cache (-c 1) has expired: a new reading
	snmp snmpwalk $BASE > "$D/walk.txt" 2>&1 || true
	inB python3 "$ROOT/tests/netns/snmp_cmp.py" "$MIB" "$D/walk.txt" \
		"$D/stats.json" "$D/sessions.json" "$D/show.json" > "$D/cmp.out" || true
	# one line per check, each counted
	while IFS= read -r line; do
		case $line in
		"ok: "*) pass "$1: ${line#ok: }" ;;
		"FAIL: "*) fail "$1: ${line#FAIL: }" ;;
		esac
	done < "$D/cmp.out"
	grep -q '^[0-9]* passed, 0 failed$' "$D/cmp.out" ||
		{ echo "--- walk"; cat "$D/walk.txt"; }
}

dmesg -C
modprobe veth 2>/dev/null || true
check_ok "insmod stamp_refl" insmod "$KO"
netns_pair
defer cleanup
snmp_conf "$D" 16161 < /dev/null
SNMP_RUN=(ip netns exec "$NS_B")
inB "$STAMPNL" reflector set rate-limit 0 mode stateful port 862,863 \
	allow 10.0.0.0/24,fd00::/64
inB "$STAMPNL" session add peer $ADDR4_A peer-port 5000 local $ADDR4_B ssid 7
# a member link of its own, so that kstampLinkTable has a row to compare
inB "$STAMPNL" reflector set member-id 9 dev veth0
# and the fast path on it, so that kstampFastPathTable has one too
inB "$STAMPNL" reflector set fast-path veth0

start_snmpd
ip netns exec "$NS_B" env SNMP_PERSISTENT_DIR="$D/persist" \
	"$AGENT" -x "$D/agentx" -c 1 -p 1 > "$D/agent.log" 2>&1 &
AGENT_PID=$!
check_ok "the subagent registers: reflector present" wait_for $STATUS 1 20

# traffic: IPv4 with TLVs on 862, IPv6 on 863, the provisioned session
inA "$STAMPNL" sender $ADDR4_B -c 10 -i 0.02 -W 1 -q --tlv-padding 8 \
	--tlv-timestamp-info > /dev/null || true
inA "$STAMPNL" sender $ADDR6_B -p 863 -c 5 -i 0.02 -W 1 -q > /dev/null || true
inA "$STAMPNL" sender $ADDR4_B -s 5000 --ssid 7 -c 3 -i 0.02 -W 1 -q \
	> /dev/null || true
compare "after traffic"

# net-snmp itself reads the MIB (with the SNMPv2 base modules fetched by
# scripts/snmp-mibs.sh): names instead of numbers, as README shows them
if MIBDIR=$(bash "$ROOT/scripts/snmp-mibs.sh" --dir 2>/dev/null); then
	inB snmpwalk -v2c -c public -M "$MIBDIR:$ROOT/snmp" -m KSTAMP-MIB \
		127.0.0.1:16161 KSTAMP-MIB::kstampMIB > "$D/named.txt" 2>&1 || true
	check_eq "snmpwalk with KSTAMP-MIB loaded: kstampRx by name" \
		"KSTAMP-MIB::kstampRx.0 = Counter64: $(value $RX)" \
		"$(grep '^KSTAMP-MIB::kstampRx\.0 ' "$D/named.txt")"
	sed -n '1,12p;/kstampSessionRx/p' "$D/named.txt"
else
	fail "no SNMPv2 base MIB modules: run scripts/snmp-mibs.sh"
fi

# snmpd goes away and comes back: the subagent pings, reconnects and
# registers again
restart_snmpd
check_ok "snmpd restarted: the subagent is back" wait_for $STATUS 1 20
check_eq "snmpd restarted: kstampRx" \
	"$(inB "$STAMPNL" stats -j | sed -nE 's/.*"rx":([0-9]+).*/\1/p')" \
	"$(value $RX)"

# the module goes away: absent, no counters, empty tables; the subagent runs
check_ok "rmmod stamp_refl" rmmod stamp_refl
check_ok "module unloaded: kstampReflectorStatus absent(2)" wait_for $STATUS 2 10
check_eq "module unloaded: kstampRx has no instance" "" "$(value $RX)"
check_eq "module unloaded: nothing but the status scalars" "" \
	"$(snmp snmpwalk $BASE.1 2>/dev/null | grep -v "^$BASE\.1\.1\.[12]\.0 " || true)"
check_ok "module unloaded: the subagent still runs" kill -0 "$AGENT_PID"

check_ok "insmod stamp_refl again" insmod "$KO"
check_ok "module loaded again: present" wait_for $STATUS 1 10
inA "$STAMPNL" sender $ADDR4_B -c 4 -i 0.02 -W 1 -q > /dev/null || true
compare "after the reload"
check_cmp "module loaded again: kstampCounterDiscontinuityTime set" \
	"$(value $DISC)" -gt 0

stop_agent "the subagent's exit status after SIGTERM"
finish

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# KSTAMP-MIB and kstamp-agentx on the host (no module here): smilint at
# level 4 with no message; every counter of stampnl's tables
# (tools/reflector/counters-gen.c, generated from the spec) has its object
# in the MIB, numbered by its netlink attribute; then snmpd plus the subagent under valgrind, both on Unix
# socket in a temporary directory (the SNMP side on a port of 127.0.0.1
# picked from the PID): the reflector reported absent, snmpd
# restarted and the subagent back, SIGTERM ending it with status 0 and no
# valgrind error or leak. tests/netns/snmp.sh is the end-to-end test with
# the module, in the VM.
. "$(dirname "$0")/../lib.sh"
AGENT=$ROOT/build/snmp/kstamp-agentx
MIB=$ROOT/snmp/KSTAMP-MIB.txt

command -v smilint >/dev/null || skip "smilint missing (scripts/deps.sh installs smitools)"
MIBDIR=$(bash "$ROOT/scripts/snmp-mibs.sh" --dir) ||
	{ fail "no SNMPv2 base MIB modules: run scripts/snmp-mibs.sh"; finish; }

out=$(SMIPATH=$MIBDIR smilint -l 4 -s "$MIB" 2>&1)
check_eq "smilint -l 4 KSTAMP-MIB: no error or warning" "" "$out"

# one line per counter: "ok: ..." or "FAIL: ..."; none is a failure (the
# script's parsing broke)
nlines=0
while IFS= read -r line; do
	nlines=$((nlines + 1))
	case $line in
	"ok: "*) pass "${line#ok: }" ;;
	*) fail "${line#FAIL: }" ;;
	esac
done < <(python3 - "$ROOT" <<'PY'
import re, sys
root = sys.argv[1]
hdr = open(f"{root}/include/uapi/linux/stamp.h").read()
src = open(f"{root}/tools/reflector/counters-gen.c").read()
mib = re.sub(r"--[^\n]*", "", open(f"{root}/snmp/KSTAMP-MIB.txt").read())

def enum(prefix):
    # the generated header starts each set at its pad attribute, = 1
    i = hdr.index(prefix + "PAD = 1")
    names = re.findall(r"^\s*(" + prefix + r"\w+)", hdr[i:hdr.index("}", i)], re.M)
    return {n: v for v, n in enumerate(names, 1)}

def table(name):
    i = src.index(name + "[] = {")
    return re.findall(r'\{ (\w+), "(\w+)",', src[i:src.index("};", i)])

objs = {m.group(1): (m.group(2), int(m.group(3))) for m in re.finditer(
    r"\b(kstamp\w+)\s+OBJECT-TYPE\s+SYNTAX\s+Counter64.*?::=\s*\{\s*(\w+)\s+(\d+)\s*\}",
    mib, re.S)}
camel = lambda k: "".join(w.capitalize() for w in k.split("_"))
for tab, prefix, parent, pre in (
        ("stamp_counters", "STAMP_STATS_A_", "kstampCounters", "kstamp"),
        ("stamp_tlv_counters", "STAMP_TLV_STATS_A_", "kstampTlvCounters", "kstampTlv")):
    nums = enum(prefix)
    for attr, key in table(tab):
        name = pre + camel(key)
        want = (parent, nums[attr])
        if objs.get(name) == want:
            print(f"ok: {key}: {name} ::= {{ {parent} {nums[attr]} }} ({attr})")
        else:
            print(f"FAIL: {key}: want {name} Counter64 ::= {{ {parent} {nums[attr]} }} "
                  f"({attr}) in KSTAMP-MIB, found {objs.get(name)}")
PY
)
[ "$nlines" -gt 0 ] || fail "the MIB's counters checked against stampnl's tables"

[ -x "$AGENT" ] || { fail "kstamp-agentx not built (make tools)"; finish; }
command -v snmpd >/dev/null && command -v snmpget >/dev/null &&
	command -v valgrind >/dev/null ||
	{ fail "snmpd, snmp or valgrind missing (scripts/deps.sh)"; finish; }

tmpdir D
PORT=$((20000 + $$ % 20000))
snmp_conf "$D" $PORT <<CONF
# community "blue" reads the SNMP context "blue" (one namespace's subagent)
com2sec -Cn blue blueSec 127.0.0.1 blue
group blueGrp v2c blueSec
view all included .1
access blueGrp blue any noauth exact all none none
CONF
value() {
	snmpget -v2c -c "${COMMUNITY:-public}" -On -m '' -t 2 -r 1 "127.0.0.1:$PORT" "$1" 2>/dev/null |
		sed -n '/No Such/d; s/^[^=]*= //; s/^[A-Za-z0-9-]*: //; p'
}
BASE=.1.3.6.1.3.8762
start_snmpd
SNMP_PERSISTENT_DIR=$D/persist valgrind -q --leak-check=full \
	--errors-for-leak-kinds=definite,indirect --error-exitcode=9 \
	"$AGENT" -x "$D/agentx" -c 1 -p 1 2> "$D/agent.log" &
AGENT_PID=$!
check_ok "no module: kstampReflectorStatus absent(2)" wait_for $BASE.1.1.1.0 2 20
check_eq "no module: kstampRx has no instance" "" "$(value $BASE.1.2.2.0)"
restart_snmpd
check_ok "snmpd restarted: the subagent is back" wait_for $BASE.1.1.1.0 2 20
# a second subagent, as for another namespace, in its own context
"$AGENT" -x "$D/agentx" -c 1 -p 1 -n blue > "$D/blue.log" 2>&1 &
BLUE_PID=$!
COMMUNITY=blue check_ok "a second subagent in context blue answers there" \
	wait_for $BASE.1.1.1.0 2 20
check_eq "the default context still answers beside it" 2 \
	"$(value $BASE.1.1.1.0)"
kill "$BLUE_PID"
wait "$BLUE_PID" || fail "the context blue subagent's exit status: $?"
stop_agent "exit status under valgrind (9: a valgrind error)"
finish

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The netlink family's YAML spec against the module, through the kernel's
# own YNL client (tools/net/ynl/cli.py from linux-source-6.12, extracted by
# scripts/ynl.sh): YNL validates the spec against the genetlink schema on
# load, then encodes requests and decodes replies from the spec alone. Every
# operation is driven through it (refl-get, refl-set, session-new,
# session-get do and dump, session-del, stats-get) and each answer is
# compared with stampnl's -j (which goes by the UAPI header) and with real
# traffic from the independent Python prober. Rejections must come back
# through YNL with the kernel's extack message. So the spec and the module
# cannot drift apart without this failing.
. "$(dirname "$0")/../lib.sh"

SPROBE=$ROOT/tests/netns/sess_probe.py
CMP=$ROOT/tests/netns/ynl_cmp.py
SPEC=$ROOT/Documentation/netlink/specs/stamp.yaml
# Debian's python3, with python3-yaml and python3-jsonschema
PY=/usr/bin/python3

requires module stampnl
YNL=$(bash "$ROOT/scripts/ynl.sh" --dir) ||
	skip "no YNL extracted on the host (scripts/ynl.sh; the VM's root is read only)"
$PY -c 'import yaml, jsonschema' 2>/dev/null ||
	skip "$PY lacks yaml or jsonschema (apt-get install python3-yaml python3-jsonschema)"
SCHEMA=$YNL/Documentation/netlink/$(sed -n 's/^protocol: *//p' "$SPEC").yaml
CLI=$YNL/tools/net/ynl/cli.py

TMP=$(mktemp -d)
cleanup() {
	netns_cleanup
	rmmod stamp_refl 2>/dev/null || true
	rm -rf "$TMP"
}

nl() { inB "$STAMPNL" "$@"; }
# ynl ARGS...: YNL in namespace B, JSON out. The spec is validated against
# the schema once, below; the other calls skip that jsonschema pass, which
# takes seconds under TCG.
ynl() { inB "$PY" "$CLI" --spec "$SPEC" --no-schema --output-json "$@"; }
# ynl_err ARGS...: YNL must fail; prints what it printed
ynl_err() {
	local out rc=0
	out=$(ynl "$@" 2>&1) || rc=$?
	echo "$out"
	[ "$rc" != 0 ]
}
sprobe() { inA python3 "$SPROBE" "$@"; }
hex4() { printf '%02x' ${1//./ }; }

dmesg -C
check_ok "insmod stamp_refl" insmod "$KO"
netns_pair
defer cleanup

# --- the spec as YNL loads it ---------------------------------------------------
check_ok "YNL validates the spec against $(basename "$SCHEMA") and lists its operations" \
	sh -c "$PY '$CLI' --spec '$SPEC' --schema '$SCHEMA' --list-ops > '$TMP/ops'"
check_eq "YNL's operations" \
	"refl-get refl-set session-del session-get session-new stats-get" \
	"$(awk '{print $1}' "$TMP/ops" | sort | tr '\n' ' ' | sed 's/ $//')"

# --- refl-get, refl-set ------------------------------------------------------------
check_ok "refl-get (defaults) equals stampnl reflector show -j" \
	$PY "$CMP" cfg "$(ynl --do refl-get)" "$(nl reflector show -j)"
check_ok "refl-set: ports, format, mode, session settings, rate limit, allow-list, TLV settings" \
	ynl --do refl-set --json '{"port": [862, 4000], "ts-format": "ptp",
		"mode": "stateful", "session-create": 0, "max-sessions": 1000,
		"session-idle": 77, "rate-limit": 500, "rate-burst": 20,
		"tlv-mode": "strip", "cos-remark": 0, "return-addr": 1,
		"member-id": 4242, "sync-source": 4, "errest-zero-discard": 1,
		"allow": [{"addr": "0a000000", "len": 30},
			  {"addr": "fd000000000000000000000000000000", "len": 64}]}'
check_eq "stampnl sees YNL's settings" \
	"[862,4000] ptp stateful false 1000 77 500 20 [10.0.0.0/30,fd00::/64] strip false true 4242 gnss discard" \
	"$(nl reflector show -j | python3 -c 'import json, sys
d = json.load(sys.stdin)
print(json.dumps(d["ports"]).replace(" ", ""), d["timestamp_format"], d["mode"],
      str(d["session_create"]).lower(), d["max_sessions"], d["session_idle_s"],
      d["rate_limit"], d["rate_burst"], json.dumps(d["allow"]).replace(" ", "").replace("\"", ""),
      d["tlv"], str(d["cos_remark"]).lower(), str(d["return_addr"]).lower(),
      d["member_id"], d["sync_source"], d["errest_zero"])')"
check_ok "refl-get after refl-set equals stampnl reflector show -j" \
	$PY "$CMP" cfg "$(ynl --do refl-get)" "$(nl reflector show -j)"
check_ok "stampnl's settings back, seen by YNL" \
	nl reflector set port 862 format ntp session-create on session-idle 300 \
	rate-limit 0 allow any tlv process cos-remark on return-address off \
	member-id 0 sync-source ntp errest-zero reflect
check_ok "refl-get equals stampnl reflector show -j again" \
	$PY "$CMP" cfg "$(ynl --do refl-get)" "$(nl reflector show -j)"

# --- sessions: new, get, dump, del, against real traffic ---------------------------
A4=$(hex4 $ADDR4_A)
B4=$(hex4 $ADDR4_B)
check_ok "session-new: peer $ADDR4_A port 5000 ssid 7, any local address" \
	ynl --do session-new --json '{"session": {"peer-addr": "'$A4'", "peer-port": 5000, "ssid": 7}}'
check_eq "stampnl sees it, provisioned" "true" \
	"$(nl session show peer $ADDR4_A peer-port 5000 ssid 7 -j | jfield provisioned)"
out=$(sprobe $ADDR4_B --sport 5000 --ssid 7 --count 6)
check_eq "the provisioned session answers 6 requests, Seq from 0" \
	"6 [0,1,2,3,4,5]" "$(echo "$out" | jfield replies) $(echo "$out" | jfield refl_seqs)"
sprobe $ADDR4_B --sport 5001 --count 3 >/dev/null
sprobe $ADDR6_B --sport 5002 --count 2 >/dev/null
s=$(ynl --do session-get --json '{"session": {"peer-addr": "'$A4'", "peer-port": 5000, "ssid": 7}}')
check_eq "session-get: rx, reflected, next seq after 6 requests" "6 6 6" \
	"$(echo "$s" | $PY -c 'import json, sys
d = json.load(sys.stdin)["session"]
print(d["rx"], d["reflected"], d["seq"])')"
check_ok "session-get equals stampnl session show -j" \
	$PY "$CMP" session "$s" "$(nl session show peer $ADDR4_A peer-port 5000 ssid 7 -j)"
check_ok "session-get of a learned session equals stampnl's" \
	$PY "$CMP" session \
	"$(ynl --do session-get --json '{"session": {"peer-addr": "'$A4'", "peer-port": 5001, "local-addr": "'$B4'", "ssid": 0}}')" \
	"$(nl session show peer $ADDR4_A peer-port 5001 local $ADDR4_B -j)"
d=$(ynl --dump session-get)
check_eq "session dump: three sessions" 3 \
	"$(echo "$d" | $PY -c 'import json, sys; print(len(json.load(sys.stdin)))')"
check_ok "session dump equals stampnl session list -j" \
	$PY "$CMP" sessions "$d" "$(nl session list -j)"
check_ok "stats-get equals stampnl stats -j" \
	$PY "$CMP" stats "$(ynl --do stats-get)" "$(nl stats -j)"
check_eq "stats-get: rx and reflected count the 11 requests" "11 11" \
	"$(ynl --do stats-get | $PY -c 'import json, sys
d = json.load(sys.stdin)
print(d["stats"]["rx"], d["stats"]["reflected"])')"
check_ok "session-del" \
	ynl --do session-del --json '{"session": {"peer-addr": "'$A4'", "peer-port": 5000, "ssid": 7}}'
check_eq "stampnl: the session is gone" "" \
	"$(nl session list | grep ':5000 ' || true)"
check_eq "stats-get: two sessions left, as stampnl says" "2 2" \
	"$(ynl --do stats-get | jfield session-count) $(nl stats -j | jfield sessions)"

# --- rejections, with the kernel's extack message through YNL ----------------------
err=$(ynl_err --do session-del --json '{"session": {"peer-addr": "'$A4'", "peer-port": 5000, "ssid": 7}}') &&
	check_eq "deleting twice: YNL shows the extack message" "'no such session'" \
		"$(echo "$err" | sed -nE "s/.*'msg': ('[^']*').*/\1/p")" ||
	fail "deleting twice accepted: $err"
err=$(ynl_err --do refl-set --json '{"allow": [{"addr": "0a000001", "len": 8}]}') &&
	check_eq "host bits in an allow prefix: YNL shows the extack message" \
		"'address has bits set past the prefix length'" \
		"$(echo "$err" | sed -nE "s/.*'msg': ('[^']*').*/\1/p")" ||
	fail "allow prefix with host bits accepted: $err"
err=$(ynl_err --do refl-set --json '{"port": [0]}') &&
	check_eq "port 0 (the spec's min 1): a policy message on the port attribute" \
		"msg bad-attr .port" \
		"$(echo "$err" | $PY -c "import re, sys
t = sys.stdin.read()
print('msg' if re.search(r\"'msg': '[^']+'\", t) else '-',
      'bad-attr', (re.search(r\"'bad-attr': '([^']*)'\", t) or [0, '-'])[1])")" ||
	fail "port 0 accepted: $err"
# per-operation strict policies (generated from the spec): an attribute
# the operation does not take is refused by the genetlink core, named in
# bad-attr, even beside one it does take
msg_attr() {
	$PY -c "import re, sys
t = sys.stdin.read()
print((re.search(r\"'msg': '([^']*)'\", t) or [0, '-'])[1] + ',',
      (re.search(r\"'bad-attr': '([^']*)'\", t) or [0, '-'])[1])"
}
err=$(ynl_err --do refl-set --json '{"session-count": 5}') &&
	check_eq "a read-only attribute in refl-set: refused, named" \
		"Unsupported attribute, .session-count" "$(echo "$err" | msg_attr)" ||
	fail "read-only session-count accepted: $err"
err=$(ynl_err --do refl-set --json '{"rate-limit": 7, "session": {"peer-addr": "'$A4'", "peer-port": 5000}}') &&
	check_eq "refl-set carrying a session: refused, named" \
		"Unsupported attribute, .session" "$(echo "$err" | msg_attr)" ||
	fail "refl-set with a session attribute accepted: $err"
check_eq "the refused refl-set's rate limit not applied" 0 "$(nl reflector show -j | jfield rate_limit)"
err=$(ynl_err --do session-new --json '{"session": {"peer-addr": "'$A4'", "peer-port": 5009, "rx": 3}}') &&
	check_eq "session-new setting a session's counter: extack message" "'read only'" \
		"$(echo "$err" | sed -nE "s/.*'msg': ('[^']*').*/\1/p")" ||
	fail "session-new with rx accepted: $err"
check_eq "nothing changed by the rejected requests" "[862] []" \
	"$(nl reflector show -j | jfield ports) $(nl reflector show -j | jfield allow)"
cp "$SPEC" "$TMP/stamp.yaml"
chmod 755 "$TMP"
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
err=$(inB $NOBODY "$PY" "$CLI" --spec "$TMP/stamp.yaml" --no-schema \
	--do refl-set --json '{"rate-limit": 1}' 2>&1) &&
	fail "unprivileged refl-set accepted" ||
	{ check_ok "unprivileged refl-set: refused through YNL (EPERM)" \
		grep -q "^Netlink error: Operation not permitted" <<<"$err"
	  check_eq "unprivileged refl-set: the extack message" \
		"'changing the reflector needs CAP_NET_ADMIN in its network namespace'" \
		"$(echo "$err" | sed -nE "s/.*'msg': ('[^']*').*/\1/p")"; }
check_ok "unprivileged refl-get and stats-get through YNL (read only)" \
	inB $NOBODY sh -c "'$PY' '$CLI' --spec '$TMP/stamp.yaml' --no-schema --do refl-get >/dev/null &&
		'$PY' '$CLI' --spec '$TMP/stamp.yaml' --no-schema --do stats-get >/dev/null"
check_eq "the rate limit is still off" 0 "$(nl reflector show -j | jfield rate_limit)"

check_eq "kernel log free of BUG/WARNING" "" \
	"$(dmesg | grep -E 'BUG:|WARNING:|KASAN|Oops|Call Trace|sleeping function' || true)"
finish

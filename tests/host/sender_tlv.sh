#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# stampnl's TLV options on the host, against the userspace reference
# reflector (which knows no TLVs and copies them back, U still set): each
# option puts its TLV on the wire as RFC 8972, 9503 and 9534 lay it out,
# checked in Python from the requests the reflector logged (not with the
# shared codec); the report names every type returned unanswered; options
# that cannot go together are refused, exit 2, before anything is sent.
# The module's answers are tests/netns/tlv.sh, in the VM.
. "$(dirname "$0")/../lib.sh"
requires stampnl root

netns_pair
tmpdir TMP
inA ping -c 1 -W 2 $ADDR4_B >/dev/null

# refl ARGS...: the userspace reflector, the requests it gets in $TMP/req
refl() {
	: > "$TMP/req"
	start_refl --req-log "$TMP/req" "$@"
}
printf '00112233445566778899aabbccddeeff\n' > "$TMP/key"
chmod 600 "$TMP/key"

# --- refused before anything is sent: exit 2, a reason, no request ---------
# among them, what RFC 8972 4.6 and RFC 9534 3.1 do not allow a sender: an
# Access Report Return Code other than 1 or 2, a Sender Micro-session ID 0
stage_refused() {
	refl
	for args in "--tlv-hmac" "--tlv-dest-node 10.0.0.2" \
		    "--ssid 1 --tlv-dest-node fd00::2 -4" \
		    "--ssid 1 --tlv-dest-node fd00::2" \
		    "--tlv-return-path fd00::1" "--tlv-cos 64" "--tlv-cos 10 -l 47" \
		    "--tlv-cos 10 -l 54" "--tlv-access-report 3" \
		    "--tlv-access-report 3:1" "--tlv-access-report 0:1" "--tlv-type 0" \
		    "--tlv-micro-session 70000" "--tlv-padding 9000" \
		    "--auth-key-file $TMP/key --tlv-hmac -l 120" \
		    "--tlv-access-report 2:0" "--tlv-access-report 2:3" \
		    "--tlv-access-report 1:255" "--tlv-micro-session 0" \
		    "--tlv-micro-session 0:5" "--tlv-malformed odd" \
		    "--tlv-malformed truncated --tlv-hmac-key-file $TMP/key" \
		    "--tlv-malformed bad-flags --auth-key-file $TMP/key" \
		    "--tlv-hmac-key-file $TMP/key --auth-key-file $TMP/key"; do
		check_refused "sender $args" inA "$STAMPNL" sender $ADDR4_B -c 1 $args
	done
	sleep 0.2
	check_eq "nothing was sent for refused options" 0 "$(wc -l < "$TMP/req")"

	# wire CODE: python assertions over the logged requests (reqs, bytes)
	wire() {
		check_ok "$1" python3 -c '
import hashlib, hmac, struct, sys
reqs = [bytes.fromhex(l) for l in open(sys.argv[1]).read().split()]
def tlvs(p, start):
    out, off = [], start
    while off + 4 <= len(p):
        f, t, n = struct.unpack("!BBH", p[off:off + 4])
        out.append((f, t, p[off + 4:off + 4 + n], off))
        off += 4 + n
    assert off == len(p), ("TLVs do not end at the packet end", off, len(p))
    return out
'"$2" "$TMP/req"
	}
}

# --- every option on the wire ---------------------------------------------
stage_options() {
	for target in $ADDR4_B $ADDR6_B; do
		refl
		# -W 5 here and below wherever replies are counted: the reflector is
		# Python, and on a loaded host one reply of three came after a
		# second, counted late (and so not received)
		out=$(inA "$STAMPNL" sender $target -c 3 -i 0.05 -W 5 -q -j -s 40100 \
			--tlv-location --tlv-timestamp-info --tlv-cos 12 \
			--tlv-direct-measurement --tlv-access-report 2:1 \
			--tlv-follow-up --tlv-return-path same-link \
			--tlv-micro-session 258:3 --tlv-type 251:5 --tlv-padding 10) || true
		wire "$target: the TLVs in order, RFC layouts, S_TxC counting, sender flags U" '
assert len(reqs) == 3, len(reqs)
for i, p in enumerate(reqs):
    t = tlvs(p, 44)
    assert [x[1] for x in t] == [2, 3, 4, 5, 6, 7, 10, 11, 251, 1], t
    assert all(x[0] == 0x80 for x in t), "sender flags: U=1 M=0 I=0"
    loc = t[0][2]
    assert loc[:4] == bytes(4) and len(loc) == 4 + 12 + 8 + 32, loc.hex()
    assert loc[4:8] == bytes([0x80, 1, 0, 8])
    assert loc[16:20] == bytes([0x80, 4, 0, 16])
    assert loc[36:40] == bytes([0x80, 7, 0, 16])
    assert t[1][2] == bytes(4)
    assert t[2][2] == struct.pack("!HH", 12 << 10, 0), t[2][2].hex()
    assert t[3][2] == struct.pack("!III", i + 1, 0, 0), t[3][2].hex()
    assert t[4][2] == bytes([0x20, 1, 0, 0]), t[4][2].hex()
    assert t[5][2] == bytes(16)
    assert t[6][2] == bytes([0x80, 1, 0, 4, 0, 0, 0, 1]), t[6][2].hex()
    assert t[7][2] == struct.pack("!HH", 258, 3)
    assert t[8][2] == bytes(5)
    assert len(t[9][2]) == 10 and any(t[9][2]), "padding: pseudorandom"
    assert len(p) == 44 + 4 * 10 + 56 + 4 + 4 + 12 + 4 + 16 + 8 + 4 + 5 + 10
'
		pycheck_out() {
			check_ok "$1" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
'"$2" "$out"
		}
		pycheck_out "$target: every TLV came back unanswered (U), and the report says so" '
t = d["tlv"]
assert d["received"] == 3, d["received"]
assert t["replies"] == 3, t
assert t["unknown_types"] == [0, 1, 2, 3, 4, 5, 6, 7, 10, 11], t
assert "direct_measurement" not in t and "cos" not in t, t'
		# RFC 8972 3: with TLVs the SSID is non-zero; chosen here when not given
		check_ok "$target: with TLVs and no --ssid, a non-zero SSID, the same in every packet and in -j" python3 -c '
import json, struct, sys
d = json.loads(sys.argv[1])
ssids = {struct.unpack("!H", bytes.fromhex(l)[14:16])[0]
         for l in open(sys.argv[2]).read().split()}
assert ssids == {d["ssid"]} and d["ssid"] != 0 and d["ssid_chosen"], (ssids, d["ssid"])' \
			"$out" "$TMP/req"
	done
	refl
	out=$(inA "$STAMPNL" sender $ADDR4_B -c 1 -W 5 -q -j --tlv-cos 1 --ssid 77) || true
	out2=$(inA "$STAMPNL" sender $ADDR4_B -c 1 -W 5 -q -j) || true
	wire "an SSID given is kept; without TLVs the SSID stays 0 (RFC 8762)" '
assert [struct.unpack("!H", p[14:16])[0] for p in reqs] == [77, 0], reqs'
	check_ok "-j names the SSID and whether stampnl chose it" python3 -c '
import json, sys
d, e = json.loads(sys.argv[1]), json.loads(sys.argv[2])
assert (d["ssid"], d["ssid_chosen"]) == (77, False), d
assert (e["ssid"], e["ssid_chosen"]) == (0, False), e' "$out" "$out2"
	out=$(inA "$STAMPNL" sender $ADDR4_B -c 1 -W 5 --tlv-cos 1) || true
	check_ok "the text says the SSID was chosen at random, and why" grep -qE \
		'SSID [1-9][0-9]* \(random: TLVs want a non-zero SSID, RFC 8972 3' <<<"$out"

	# the Return Address, the Destination Node Address, no-reply
	refl
	inA "$STAMPNL" sender $ADDR4_B -c 1 -q -j -W 0.5 --ssid 9 \
		--tlv-dest-node 10.0.0.2 --tlv-return-path 10.0.0.1 >/dev/null || true
	inA "$STAMPNL" sender $ADDR6_B -c 1 -q -j -W 0.5 --ssid 9 \
		--tlv-dest-node fd00::2 --tlv-return-path no-reply >/dev/null || true
	wire "Destination Node Address and Return Path sub-TLVs, IPv4 and IPv6" '
a, b = [tlvs(p, 44) for p in reqs]
assert [(x[1], x[2]) for x in a] == [(9, bytes([10, 0, 0, 2])),
    (10, bytes([0x80, 2, 0, 4, 10, 0, 0, 1]))], a
assert b[0][1] == 9 and b[0][2] == bytes.fromhex("fd000000000000000000000000000002")
assert b[1][2] == bytes([0x80, 1, 0, 4, 0, 0, 0, 0]), b[1][2].hex()
assert struct.unpack("!H", reqs[0][14:16])[0] == 9, "SSID"'

	# -l with TLVs: the rest is Extra Padding
	refl
	inA "$STAMPNL" sender $ADDR4_B -c 1 -q -j -W 0.5 -l 100 --tlv-cos 1 >/dev/null || true
	wire "-l 100 with a CoS TLV: Extra Padding fills the packet" '
t = tlvs(reqs[0], 44)
assert len(reqs[0]) == 100 and [x[1] for x in t] == [4, 1], t
assert len(t[1][2]) == 100 - 44 - 8 - 4, t'
}

# --- the HMAC TLV, authenticated mode ---------------------------------------
stage_hmac() {
	refl --auth-key-file "$TMP/key"
	out=$(inA "$STAMPNL" sender $ADDR4_B -c 2 -i 0.05 -W 5 -q -j \
		--auth-key-file "$TMP/key" --tlv-cos 3 --tlv-hmac --tlv-padding 4) || true
	wire "HMAC TLV: HMAC-SHA-256/128 over Seq and the TLVs before it, after them but padding" '
key = bytes.fromhex(open(sys.argv[1].rsplit("/", 1)[0] + "/key").read().strip())
for p in reqs:
    t = tlvs(p, 112)
    assert [x[1] for x in t] == [4, 8, 1], t
    want = hmac.new(key, p[:4] + p[112:t[1][3]], hashlib.sha256).digest()[:16]
    assert t[1][2] == want, (t[1][2].hex(), want.hex())
    # RFC 8762 4.4 still holds for the base
    assert p[96:112] == hmac.new(key, p[:96], hashlib.sha256).digest()[:16]'
	check_ok "HMAC TLV: the echoed TLVs still verify (the reflector copied them)" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
t = d["tlv"]
assert d["received"] == 2 and d["auth_failures"] == 0, d
assert t["hmac_verified"] == 2 and t["hmac_failed"] == 0, t' "$out"

	# the HMAC TLV in unauthenticated mode, with a key of its own (RFC 8972
	# 4.8): after the TLVs it covers, the base packet unauthenticated
	refl
	out=$(inA "$STAMPNL" sender $ADDR4_B -c 2 -i 0.05 -W 5 -q -j \
		--tlv-hmac-key-file "$TMP/key" --tlv-cos 3) || true
	wire "HMAC TLV, unauthenticated mode: over Seq and the TLVs, after them, 44-octet base" '
key = bytes.fromhex(open(sys.argv[1].rsplit("/", 1)[0] + "/key").read().strip())
assert len(reqs) == 2, reqs
for p in reqs:
    t = tlvs(p, 44)
    assert [x[1] for x in t] == [4, 8], t
    want = hmac.new(key, p[:4] + p[44:t[1][3]], hashlib.sha256).digest()[:16]
    assert t[1][2] == want, (t[1][2].hex(), want.hex())'
	check_ok "HMAC TLV, unauthenticated mode: the echoed TLVs verify with that key" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["received"] == 2 and not d["authenticated"], d
assert d["tlv"]["hmac_verified"] == 2 and d["tlv"]["hmac_failed"] == 0, d["tlv"]' "$out"
}

# --- --tlv-malformed: a broken TLV last, for testing other reflectors -----
stage_malformed() {
	for m in bad-flags bad-length truncated; do
		refl
		out=$(inA "$STAMPNL" sender $ADDR4_B -c 2 -i 0.05 -W 5 -q -j \
			--tlv-cos 5 --tlv-malformed $m) || true
		check_ok "--tlv-malformed $m: on the wire after the good TLVs, as named" \
			python3 - "$TMP/req" $m <<'PY'
import struct, sys
reqs = [bytes.fromhex(l) for l in open(sys.argv[1]).read().split()]
m = sys.argv[2]
assert len(reqs) == 2, reqs
for p in reqs:
    # the Class of Service TLV first, well formed
    assert p[44:48] == bytes([0x80, 4, 0, 4]), p[44:48].hex()
    f, t, n = struct.unpack("!BBH", p[52:56])
    rest = len(p) - 56
    if m == "bad-flags":
        assert (f, t, n, rest) == (0xff, 1, 4, 4), (f, t, n, rest)
    elif m == "bad-length":
        assert (f, t, n, rest) == (0x80, 3, 2, 2), (f, t, n, rest)
    else:
        assert (f, t, n, rest) == (0x80, 1, 8, 4), (f, t, n, rest)
        assert rest < n, "the Length runs past the end of the packet"
PY
		check_ok "--tlv-malformed $m: the reflector's copies are still measured" \
			python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["received"] == 2 and d["malformed"] == 0, d' "$out"
	done

	# authenticated mode: TLVs get an HMAC TLV without being asked (RFC 8972
	# 4.8), but Extra Padding alone does not need one
	refl --auth-key-file "$TMP/key"
	inA "$STAMPNL" sender $ADDR4_B -c 1 -W 1 -q -j --auth-key-file "$TMP/key" \
		--tlv-cos 3 >/dev/null || true
	inA "$STAMPNL" sender $ADDR4_B -c 1 -W 1 -q -j --auth-key-file "$TMP/key" \
		--tlv-padding 6 >/dev/null || true
	wire "authenticated mode: an HMAC TLV after the TLVs, none after padding alone" '
key = bytes.fromhex(open(sys.argv[1].rsplit("/", 1)[0] + "/key").read().strip())
a, b = [tlvs(p, 112) for p in reqs]
assert [x[1] for x in a] == [4, 8], a
assert a[1][2] == hmac.new(key, reqs[0][:4] + reqs[0][112:a[1][3]],
                           hashlib.sha256).digest()[:16]
assert [x[1] for x in b] == [1], b'
}

# --- Micro-session IDs of the replies (RFC 9534 3.2) ---------------------
# the reflector answers with Reflector ID 3; the reply to Seq 1 carries a
# Sender ID not ours
stage_micro_session() {
	refl --micro-session 3 --ms-bad-sender 1
	out=$(inA "$STAMPNL" sender $ADDR4_B -c 4 -i 0.05 -W 5 -q -j \
		--tlv-micro-session 258:3) || true
	check_ok "Micro-session ID: a reply with a Sender ID not ours is discarded" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
t = d["tlv"]
assert d["received"] == 3 and d["lost"] == 1, (d["received"], d["lost"])
assert t["micro_session_rejected"] == 1, t
assert t["micro_session_reflector_id"] == 3, t
assert sorted(p["seq"] for p in d["packets"]) == [0, 2, 3], d["packets"]' "$out"
	refl --micro-session 3
	out=$(inA "$STAMPNL" sender $ADDR4_B -c 2 -i 0.05 -W 1 -q -j \
		--tlv-micro-session 258:4) || true
	out2=$(inA "$STAMPNL" sender $ADDR4_B -c 2 -i 0.05 -W 5 -q -j \
		--tlv-micro-session 258) || true
	check_ok "Micro-session ID: the Reflector ID we named or, naming none, any" python3 -c '
import json, sys
d, e = json.loads(sys.argv[1]), json.loads(sys.argv[2])
assert d["received"] == 0 and d["tlv"]["micro_session_rejected"] == 2, d
assert e["received"] == 2 and e["tlv"]["micro_session_rejected"] == 0, e
assert e["tlv"]["micro_session_reflector_id"] == 3, e["tlv"]' "$out" "$out2"

	stop_refl
}

run_stages
finish

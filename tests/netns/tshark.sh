#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# An independent decoder's view of a session against stamp_refl, in the
# test VM: a stampnl session is captured on the sender's link, Wireshark's
# TWAMP-Test dissector (STAMP's unauthenticated packets share its layout)
# decodes it, and every packet's Seq, T1, T2, T3 and Sender TTL must be
# what `stampnl sender -j` reported. --timestamping user, so the T1 in the
# packet is the T1 stampnl computes with.
. "$(dirname "$0")/../lib.sh"

requires module stampnl
command -v tshark >/dev/null && command -v dumpcap >/dev/null ||
	skip "no tshark/dumpcap (scripts/deps.sh installs tshark)"

CAP=/tmp/kstamp-tshark.$$
cleanup() {
	[ -n "${DUMP_PID:-}" ] && kill "$DUMP_PID" 2>/dev/null
	netns_cleanup
	rmmod stamp_refl 2>/dev/null || true
	rm -rf "$CAP"
}
defer cleanup
mkdir -p "$CAP"

check_ok "insmod stamp_refl" insmod "$KO"
netns_pair

for target in $ADDR4_B $ADDR6_B; do
	pcap=$CAP/$target.pcapng
	ip netns exec "$NS_A" dumpcap -q -i veth0 -f 'udp port 862' -w "$pcap" \
		2> "$CAP/dumpcap.log" &
	DUMP_PID=$!
	# capturing only once dumpcap says so: a TCG guest is slow to start it
	for _ in $(seq 200); do
		grep -q "Capturing on" "$CAP/dumpcap.log" && break
		sleep 0.1
	done
	check_ok "$target: dumpcap started" grep -q "Capturing on" "$CAP/dumpcap.log"
	ip netns exec "$NS_A" "$STAMPNL" sender "$target" -c 10 -i 0.02 -W 2 \
		--timestamping user -j > "$CAP/sender.json" || true
	sleep 0.5
	kill -INT "$DUMP_PID"
	wait "$DUMP_PID" || true
	DUMP_PID=
	tshark -r "$pcap" -d udp.port==862,twamp.test -T fields -E separator='|' \
		-e udp.srcport -e twamp.test.seq_number -e twamp.test.timestamp \
		-e twamp.test.receive_timestamp -e twamp.test.sender_seq_number \
		-e twamp.test.sender_timestamp -e twamp.test.sender_ttl \
		> "$CAP/decoded" 2> "$CAP/tshark.err"
	echo "$target: tshark decoded $(wc -l < "$CAP/decoded") packets"
	out=$(python3 - "$CAP/sender.json" "$CAP/decoded" <<'EOF2'
import calendar, json, re, sys
d = json.load(open(sys.argv[1]))
pk = {p["seq"]: p for p in d["packets"]}

def ns(s):
    # "Nov 23, 2026 07:41:23.543793094 UTC"
    m = re.match(r"(\w+) +(\d+), (\d+) (\d+):(\d+):(\d+)\.(\d+) UTC$", s)
    mon = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
           "Oct", "Nov", "Dec"].index(m.group(1)) + 1
    sec = calendar.timegm((int(m.group(3)), mon, int(m.group(2)),
                           int(m.group(4)), int(m.group(5)), int(m.group(6))))
    return sec * 10**9 + int(m.group(7).ljust(9, "0")[:9])

res = []
# tolerance 1 ns: the wire's 2^-32 s fractions, rounded to ns by stampnl
# and truncated by tshark
def cmp(what, want, got, tol=0):
    ok = abs(want - got) <= tol
    res.append(("ok: " if ok else "FAIL: ") + "%s: stampnl %d, tshark %d" % (what, want, got))

req = rep = 0
for line in open(sys.argv[2]):
    sport, seq, ts, rts, sseq, sts, sttl = line.rstrip("\n").split("|")
    if sport != "862":
        req += 1
        p = pk.get(int(seq))
        if p is None:
            res.append("FAIL: request seq %s not in stampnl's packets" % seq)
            continue
        cmp("request %s T1" % seq, int(p["t1_ns"]), ns(ts), 1)
    else:
        rep += 1
        p = pk.get(int(sseq))
        if p is None:
            res.append("FAIL: reply to seq %s not in stampnl's packets" % sseq)
            continue
        cmp("reply %s Seq" % sseq, p["reflector_seq"], int(seq))
        cmp("reply %s T1" % sseq, int(p["t1_ns"]), ns(sts), 1)
        cmp("reply %s T2" % sseq, int(p["t2_ns"]), ns(rts), 1)
        cmp("reply %s T3" % sseq, int(p["t3_ns"]), ns(ts), 1)
        cmp("reply %s Sender TTL" % sseq, p["sender_ttl"], int(sttl))
cmp("requests decoded", len(pk), req)
cmp("replies decoded", len(pk), rep)
print("\n".join(res))
EOF2
) || fail "$target: comparing failed: $out"
	while read -r line; do
		case "$line" in
		ok:*) pass "$target: ${line#ok: }" ;;
		FAIL:*) fail "$target: ${line#FAIL: }" ;;
		esac
	done <<< "$out"
	check_eq "$target: stampnl received" 10 \
		"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["received"])' "$CAP/sender.json")"
	grep -v 'Running as user "root"' "$CAP/tshark.err" | sed 's/^/tshark: /' || true
done
finish

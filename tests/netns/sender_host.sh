#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# stampnl sender on the host, in network namespaces: argument errors, a
# target with no reflector, Ctrl-C, and a misbehaving peer that sends
# duplicate, late and malformed replies (the real reflector is tested in
# the VM by reflector.sh).
. "$(dirname "$0")/../lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STAMPNL=$ROOT/build/tools/stampnl
[ -x "$STAMPNL" ] || skip "stampnl not built (make tools)"

netns_pair
inA() { ip netns exec "$NS_A" "$@"; }
T=/tmp/sender_host.$$
REFL=
cleanup() {
	[ -z "$REFL" ] || kill "$REFL" 2>/dev/null || true
	rm -f "$T".*
	netns_cleanup
}
trap cleanup EXIT

# wait_port NS PORT: until something listens on UDP PORT there
wait_port() {
	local i
	for i in $(seq 50); do
		ip netns exec "$1" ss -Hlun "sport = :$2" | grep -q . && return
		sleep 0.1
	done
	echo "nothing listens on port $2 in $1" >&2
	return 1
}

# --- usage errors: exit 2, a message on stderr, nothing sent --------------
# a listener on the reflector's port counts what arrives
ip netns exec "$NS_B" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.0.0.2", 862))
while True:
    s.recv(2000)
    print("got one", flush=True)
' > "$T.usage" &
REFL=$!
wait_port "$NS_B" 862
for args in "" "-c 5" "$ADDR4_B -c 0" "$ADDR4_B -c x" "$ADDR4_B -i -1" \
	    "$ADDR4_B -p 70000" "$ADDR4_B -l 43" "$ADDR4_B -W 0" \
	    "$ADDR4_B --bogus" "$ADDR4_B $ADDR6_B" "$ADDR4_B --ssid 0" \
	    "no-such-host.invalid -c 1" "$ADDR4_B -c 1 -i 0.1 --rate 10" \
	    "$ADDR4_B -c 1 --rate 10 -i 0.1"; do
	rc=0
	err=$(inA "$STAMPNL" sender $args 2>&1 >/dev/null) || rc=$?
	if [ "$rc" = 2 ] && [ -n "$err" ]; then
		pass "sender $args: exit 2: $(echo "$err" | head -n 1)"
	else
		fail "sender $args: exit $rc, message '$err'"
	fi
done
rc=0
inA "$STAMPNL" sender $ADDR4_B -c 1 -i 0.1 --rate 10 2>"$T.err" || rc=$?
check_ok "-i with --rate: the message names both" \
	grep -q -- '-i and --rate both set the schedule: give one' "$T.err"
sleep 0.2
check_eq "usage errors: nothing reached the reflector's port" 0 \
	"$(wc -l < "$T.usage")"
# and the listener does count: one packet sent is one line
inA "$STAMPNL" sender $ADDR4_B -c 1 -W 0.2 -q >/dev/null || true
sleep 0.2
check_eq "the port's listener counts a packet actually sent" 1 \
	"$(wc -l < "$T.usage")"
kill "$REFL"
wait "$REFL" 2>/dev/null || true
REFL=

# --- nobody answers: all lost after the threshold, exit 1 -----------------
start=$(date +%s%N)
rc=0
out=$(inA "$STAMPNL" sender $ADDR4_B -c 3 -i 0.1 -W 0.5) || rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
check_eq "no reflector: exit status" 1 "$rc"
check_eq "no reflector: summary" \
	"3 packets transmitted, 0 received, 3 lost (100.0%), loss threshold 0.500 s" \
	"$(echo "$out" | grep 'packets transmitted')"
check_cmp "no reflector: ends once the threshold passed (ms)" "$ms" -lt 3000
rc=0
out=$(inA "$STAMPNL" sender $ADDR6_B -c 2 -i 0.1 -W 0.3 -j) || rc=$?
check_ok "no reflector: -j is valid JSON with 2 lost" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["sent"] == 2 and d["lost"] == 2 and d["received"] == 0, d
assert d["loss_threshold_s"] == 0.3 and d["packets"] == [], d' "$out"

# --- Ctrl-C: summary so far, packets within the threshold are in flight ---
out=$(inA timeout -s INT 1 "$STAMPNL" sender $ADDR4_B -i 0.2 -W 10) || true
check_ok "Ctrl-C prints the summary" grep -q 'packets transmitted, 0 received, 0 lost' <<<"$out"
check_ok "Ctrl-C: unanswered packets are in flight, not lost" \
	grep -qE '^[1-9][0-9]* still in flight when interrupted' <<<"$out"

# --- a peer that misbehaves -----------------------------------------------
# answers every request correctly, seq 1 twice, seq 2 only 0.7 s late (past
# the 0.5 s threshold, while the test is still running), and sends a
# 10-octet reply and one for a sequence number never sent
ip netns exec "$NS_B" python3 -c '
import socket, struct, threading, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.0.0.2", 862))
s.settimeout(10)
for _ in range(6):
    d, a = s.recvfrom(2000)
    seq, ts, err = struct.unpack("!IQH", d[:14])
    now = time.time_ns()
    ntp = ((now // 10**9 + 2208988800) << 32) | ((now % 10**9) << 32) // 10**9
    r = struct.pack("!IQHHQIQHHB3s", seq, ntp, 1, 0, ntp, seq, ts, err, 0, 64, b"")
    if seq == 2:
        threading.Timer(0.7, s.sendto, (r, a)).start()
        continue
    s.sendto(r, a)
    if seq == 1:
        s.sendto(r, a)
        s.sendto(b"x" * 10, a)
        s.sendto(struct.pack("!IQHHQIQHHB3s", 0, ntp, 1, 0, ntp, 999, ts, err, 0, 64, b""), a)
time.sleep(1)
' &
PEER=$!
sleep 0.5
rc=0
out=$(inA "$STAMPNL" sender $ADDR4_B -c 6 -i 0.3 -W 0.5 -j) || rc=$?
wait "$PEER" || true
check_eq "misbehaving peer: exit status (some replies)" 0 "$rc"
check_ok "misbehaving peer: 5 received, 1 lost, 1 late, 1 duplicate, 2 malformed" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
got = {k: d[k] for k in ("sent", "received", "lost", "late", "duplicates", "malformed")}
want = {"sent": 6, "received": 5, "lost": 1, "late": 1, "duplicates": 1, "malformed": 2}
assert got == want, got
assert sorted(p["seq"] for p in d["packets"]) == [0, 1, 3, 4, 5], d["packets"]
assert d["rtt"]["count"] == 5' "$out"

finish

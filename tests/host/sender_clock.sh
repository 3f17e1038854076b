#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The sender's timescales against the kernel's TAI offset, on the host in
# network namespaces: NTP timestamps are UTC and PTPv2 timestamps TAI, and
# the TAI offset is whatever the kernel says (0 until ptp4l, chrony or
# ntpd sets it, usually to 37 s). With the offset set to 37 s and then to
# 0, stampnl in NTP and in PTP format runs against an NTP and a PTP
# userspace reflector (all four pairs), with user, kernel and BPF
# timestamping: the one-way delays must be near zero, not 37 s off, and
# the T1 the reflector received must decode to UTC in NTP format and to
# TAI in PTP format.
#
# The TAI offset belongs to the whole machine: it is saved first and
# restored on exit, whatever happens. Where the kernel refuses to set it
# (no CAP_SYS_TIME, in a container), the offset found is tested and the
# test says loudly that the rest was skipped.
. "$(dirname "$0")/../lib.sh"
ADJ=$HELPERS/adjtimex.py
requires stampnl root

ORIG_TAI=$(python3 "$ADJ" tai)
TAI_CHANGED=
REFLS=()
T=/tmp/sender_clock.$$
netns_pair
cleanup() {
	local p
	for p in "${REFLS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	if [ -n "$TAI_CHANGED" ]; then
		python3 "$ADJ" set-tai "$ORIG_TAI" &&
			echo "TAI offset restored to $ORIG_TAI s"
	fi
	rm -f "$T".*
}
defer cleanup

# an NTP reflector on 862 and a PTP one on 863, each logging the requests
for port in 862 863; do
	ip netns exec "$NS_B" python3 "$HERE/userspace_refl.py" \
		--port $port --req-log "$T.req$port" \
		$([ $port = 863 ] && echo --ptp) &
	REFLS+=($!)
done
for port in 862 863; do
	wait_udp "$NS_B" $port || true
done
# neighbours resolved: a packet held for ARP would leave (and be stamped
# by BPF) late
inA ping -c 1 -W 2 $ADDR4_B >/dev/null

# tai_is OFFSET: CLOCK_TAI - CLOCK_REALTIME is what adjtimex says
tai_is() {
	python3 -c '
import sys, time
d = time.clock_gettime_ns(time.CLOCK_TAI) - time.time_ns()
assert abs(d - int(sys.argv[1]) * 10**9) < 10**8, d' "$1"
}

# run_all OFFSET: every method, sender format and reflector format
run_all() {
	local off=$1 tsm sfmt rfmt port before after out
	check_ok "TAI offset $off s: CLOCK_TAI is UTC + $off s" tai_is "$off"
	for tsm in user kernel bpf; do
		for sfmt in ntp ptp; do
			for rfmt in ntp ptp; do
				port=$([ $rfmt = ntp ] && echo 862 || echo 863)
				: > "$T.req$port"
				before=$(date +%s%N)
				out=$(inA "$STAMPNL" sender $ADDR4_B -p $port -c 3 \
					-i 0.02 -W 1 -j --timestamping $tsm \
					$([ $sfmt = ptp ] && echo --ptp) 2>"$T.err") || true
				after=$(date +%s%N)
				check_ok "TAI $off s, $tsm, sender $sfmt, reflector $rfmt: one-way delays near 0, T1 on the wire in $sfmt time" \
					python3 - "$out" "$T.req$port" $tsm $sfmt $rfmt \
					"$off" "$before" "$after" <<'EOF'
import json, struct, sys
out, log, tsm, sfmt, rfmt = sys.argv[1:6]
off, before, after = (int(x) for x in sys.argv[6:9])
d = json.loads(out)
assert d["received"] == 3 and d["timestamping"] == tsm, d
assert d["timestamp_format"] == sfmt, d["timestamp_format"]
assert d["reflector_timestamp_format"] == rfmt, d["reflector_timestamp_format"]
assert d["t1_fallbacks"] == 0 and d["t4_fallbacks"] == 0, d
# every stamp the sender reports is UTC, within the run
slack = 50 * 10**6
for p in d["packets"]:
    for k in ("t1_ns", "t2_ns", "t3_ns", "t4_ns"):
        assert before - slack < int(p[k]) < after + slack, (k, p, before, after)
    assert abs(p["forward_ns"]) < slack, p
    assert abs(p["backward_ns"]) < slack, p
# the requests as the reflector got them: Z and T1 in the sender's format
reqs = [bytes.fromhex(l) for l in open(log)]
assert len(reqs) == 3, reqs
for r in reqs:
    seq, ts, err = struct.unpack("!IQH", r[:14])
    assert bool(err & 0x4000) == (sfmt == "ptp"), (seq, hex(err))
    sec, frac = ts >> 32, ts & 0xffffffff
    if sfmt == "ptp":
        # TAI: UTC plus the offset the kernel has
        t1 = sec * 10**9 + frac - off * 10**9
    else:
        t1 = (sec - 2208988800) * 10**9 + (frac * 10**9 >> 32)
    assert before - slack < t1 < after + slack, (seq, sfmt, t1, before, after)
EOF
			done
		done
	done
}

if python3 "$ADJ" set-tai 37 2>"$T.err"; then
	TAI_CHANGED=1
	run_all 37
	python3 "$ADJ" set-tai 0
	run_all 0
	python3 "$ADJ" set-tai "$ORIG_TAI"
	TAI_CHANGED=
	check_eq "the TAI offset is back as found" "$ORIG_TAI" "$(python3 "$ADJ" tai)"
	finish
	exit 0
fi

echo "setting the TAI offset was refused: $(cat "$T.err")"
run_all "$ORIG_TAI"
[ "$FAILED" = 0 ] || finish
echo "$PASSED passed at the TAI offset found ($ORIG_TAI s)"
skip "the kernel refused to set the TAI offset: 37 s and 0 not both tested"

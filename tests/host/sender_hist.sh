#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# --histogram-bins and --histogram-file on the host, against the userspace
# reflector: the counts per bin against those computed here from the same
# run's per-packet JSON (rtt_ns, forward_ns, backward_ns), with edges
# computed here from the spec; outliers placed in the end bins by the
# reflector (--delay holds chosen requests longer than MAX, --clock-offset
# 1 puts every forward delay a second above MAX and every backward one a
# second below 0); the CSV file, the text table and the Prometheus classic
# histograms against the JSON; bad specs refused with a one-line error.
. "$(dirname "$0")/../lib.sh"
requires stampnl root jq

netns_pair
tmpdir TMP
inA ping -c 1 -W 2 $ADDR4_B >/dev/null

SEND="-c 10 -i 0.03"

# bins_check NAME JSON EDGES_NS...: every delay's counts are what the
# packets' delays give with these edges (upper-inclusive)
bins_check() {
	local name=$1
	printf '%s' "$2" > "$TMP/out.json"
	shift 2
	check_ok "$name: counts per bin = the packets' delays binned here (edges $*)" \
		python3 - "$TMP/out.json" "$@" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
edges = [int(e) for e in sys.argv[2:]]
h = doc["histogram"]
ok = h["edges_ns"] == edges and h["bins"] == len(edges) + 1
for key in ("rtt", "forward", "backward"):
    want = [0] * (len(edges) + 1)
    for p in doc["packets"]:
        d = p[key + "_ns"]
        want[sum(1 for e in edges if d > e)] += 1
    got = h[key]
    print("%s: got %s, computed %s" % (key, got["counts"], want))
    ok &= got["counts"] == want and got["count"] == len(doc["packets"])
    ok &= got["below_min"] == want[0] and got["above_max"] == want[-1]
sys.exit(0 if ok else 1)
PY
}

# --- linear bins, as stamp-bpf's --hist 10 1ms 9ms --------------------------
stage_linear() {
	local out edges
	# 0-3 held 3 ms (rtt in (3, 4]), 4-5 held 12 ms: above MAX whatever the load
	start_refl --delay 3:0-3 --delay 12:4-5 --clock-offset 1
	out=$(inA "$STAMPNL" sender $ADDR4_B $SEND -j \
		--histogram-bins bins=10,min=1ms,max=9ms \
		--histogram-file "$TMP/h.csv" --prometheus "$TMP/prom")
	edges="1000000 2000000 3000000 4000000 5000000 6000000 7000000 8000000 9000000"
	bins_check "linear" "$out" $edges
	check_jq "linear: spec in JSON" "$out" \
		'.histogram | [.spacing, .bins, .min_ns, .max_ns] == ["linear", 10, 1000000, 9000000]'
	check_jq "linear: the requests held 12 ms in the last rtt bin" "$out" \
		'.histogram.rtt.above_max >= 2'
	check_jq "linear: forward 1 s above MAX, all in the last bin" "$out" \
		'.histogram.forward.above_max == .received and .received == 10'
	check_jq "linear: backward 1 s below 0, all in the first bin" "$out" \
		'.histogram.backward.below_min == .received'
	printf '%s' "$out" > "$TMP/out.json"
	check_ok "linear: --histogram-file CSV = the JSON's edges and counts" \
		python3 - "$TMP/out.json" "$TMP/h.csv" <<'PY'
import csv, json, sys
h = json.load(open(sys.argv[1]))["histogram"]
rows = list(csv.reader(open(sys.argv[2])))
e = [str(x) for x in h["edges_ns"]]
want = [["bin", "lo_ns", "hi_ns", "rtt", "forward", "backward"]]
for i in range(h["bins"]):
    want.append([str(i), e[i - 1] if i else "", e[i] if i < len(e) else ""] +
                [str(h[k]["counts"][i]) for k in ("rtt", "forward", "backward")])
print("file %s" % rows)
sys.exit(0 if rows == want else 1)
PY
	check_ok "linear: --prometheus classic histograms = the JSON's cumulative counts" \
		python3 - "$TMP/out.json" "$TMP/prom" <<'PY'
import json, re, sys
h = json.load(open(sys.argv[1]))["histogram"]
text = open(sys.argv[2]).read()
ok = True
for key, name in (("rtt", "rtt"), ("forward", "forward_delay"),
                  ("backward", "backward_delay")):
    fam = "stamp_sender_%s_histogram_seconds" % name
    ok &= ("# TYPE %s histogram" % fam) in text
    got = [(m.group(1), int(m.group(2))) for m in re.finditer(
        fam + r'_bucket\{[^}]*le="([^"]+)"\} (\d+)', text)]
    cum, want = 0, []
    for i, c in enumerate(h[key]["counts"]):
        cum += c
        le = "+Inf" if i == h["bins"] - 1 else "%.9f" % (h["edges_ns"][i] / 1e9)
        want.append((le, cum))
    count = re.search(fam + r"_count\{[^}]*\} (\d+)", text)
    print("%s: %s" % (fam, got))
    ok &= got == want and count and int(count.group(1)) == h[key]["count"]
sys.exit(0 if ok else 1)
PY
	out=$(inA "$STAMPNL" sender $ADDR4_B $SEND -q \
		--histogram-bins bins=10,min=1ms,max=9ms)
	check_eq "linear, text: the header" \
		"histogram: 10 bins, 1 to 9 ms in equal steps; outliers in the first and last bins" \
		"$(grep '^histogram: ' <<<"$out")"
	check_eq "linear, text: the outlier rows' ranges" "<= 1|> 9" \
		"$(awk '/^ +[0-9]+  /{print}' <<<"$out" | sed -n '1p;10p' |
			sed 's/^ *[0-9]*  \(<= 1\|> 9\) .*/\1/' | paste -sd'|')"
	check_eq "linear, text: 10 forward delays in the last bin" 10 \
		"$(awk '$1 == 9 && $2 == ">" {print $5}' <<<"$out")"
}

# --- an explicit le list ----------------------------------------------------
stage_le() {
	local out
	start_refl --delay 12:2-4 --clock-offset 1
	out=$(inA "$STAMPNL" sender $ADDR4_B $SEND -j --histogram-bins le=5ms,10ms,2s)
	bins_check "le list" "$out" 5000000 10000000 2000000000
	check_jq "le list: forward (about 1 s) in (10ms, 2s], none outlying" "$out" \
		'.histogram.forward.counts == [0, 0, 10, 0] and .histogram.spacing == "le"'
	# --json-lines: the summary's bins against the reply events before it
	out=$(inA "$STAMPNL" sender $ADDR4_B $SEND --json-lines \
		--histogram-bins le=5ms,10ms,2s | jq -s -c \
		'{histogram: .[-1].histogram, packets: [.[] | select(.type == "reply")]}')
	bins_check "le list, --json-lines summary" "$out" 5000000 10000000 2000000000
}

# --- what is refused, and how -------------------------------------------
stage_refused() {
	local spec err rc
	for spec in "bins=2,min=1ms,max=2ms" "bins=257,min=0,max=1s" \
		"bins=10,min=5ms,max=1ms" "bins=10,min=0,max=7ns" \
		"bins=10,min=1ms" "bins=10,min=1ms,max=9ms,width=1" \
		"bins=10,min=1 ms,max=9ms" "le=2ms,1ms" "10,1ms,9ms"; do
		rc=0
		err=$(inA "$STAMPNL" sender $ADDR4_B -c 1 --histogram-bins "$spec" 2>&1 >/dev/null) || rc=$?
		check_eq "--histogram-bins '$spec': exit status" 2 "$rc"
		check_ok "--histogram-bins '$spec': one line naming the option and what was wrong ($(head -n 1 <<<"$err"))" \
			grep -qx "stampnl sender: --histogram-bins '$spec': [a-z].*" <<<"$(head -n 1 <<<"$err")"
	done
	rc=0
	err=$(inA "$STAMPNL" sender $ADDR4_B -c 1 --histogram-file "$TMP/x.csv" 2>&1) || rc=$?
	check_eq "--histogram-file without bins: refused" \
		"2: stampnl sender: --histogram-file needs --histogram-bins: which bins?" "$rc: $err"
	check_ok "--histogram-file without bins: no file" test ! -e "$TMP/x.csv"
	start_refl
	rc=0
	err=$(inA "$STAMPNL" sender $ADDR4_B -c 1 -q --histogram-bins bins=3,min=0,max=1ms \
		--histogram-file "$TMP/no/such/dir.csv" 2>&1 >/dev/null) || rc=$?
	check_eq "--histogram-file in a missing directory: exit status 2 and the reason" \
		"2: stampnl sender: --histogram-file $TMP/no/such/dir.csv: No such file or directory" "$rc: $err"
	echo "$ADDR4_B" > "$TMP/targets"
	rc=0
	err=$(inA "$STAMPNL" sender --targets "$TMP/targets" -c 1 --histogram-bins bins=3,min=0,max=1ms 2>&1) || rc=$?
	check_eq "--histogram-bins with --targets: refused" \
		"2: stampnl sender: --histogram-bins counts one target's samples: not with --targets" "$rc: $err"
}

run_stages
finish

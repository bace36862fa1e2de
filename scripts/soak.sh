#!/usr/bin/env bash
# Soak benchmark of `callscope watch` (docs/performance.md "Soak"; not a unit test):
# SIPp places calls at a steady rate on 127.0.0.1 for a few minutes while `watch -i lo`
# captures them; then it prints
#   - the calls SIPp completed and the calls watch wrote (each once);
#   - the frames libpcap dropped (pcap_stats, reported by watch at the stop);
#   - the latency from each call's end (its BYE, `ended_at`, the capture's time) to the moment
#     its line reached the reader of watch's stdout: p50, p99, max;
#   - watch's resident memory (VmRSS) every 15 s, and its CPU time.
#
#   sudo scripts/soak.sh                      # 50 calls/s for 180 s, calls of 2 s (SIP only)
#   sudo RATE=50 DURATION=300 HOLD=2000 scripts/soak.sh
#   sudo CALLSCOPE=.build/debug/callscope DURATION=20 scripts/soak.sh   # a quick check
#
# The calls are SIPp's built-in uac/uas scenarios (INVITE, 100, 180, 200, ACK, HOLD ms, BYE,
# 200) between ports 42000 and 42001; nothing else is captured (--filter on those ports).
# Needs root (capture on lo), sip-tester, python3, and a release build (built here unless
# CALLSCOPE names a binary).
set -euo pipefail
cd "$(dirname "$0")/.."
rate=${RATE:-50}
duration=${DURATION:-180}
hold=${HOLD:-2000}
[ "$(id -u)" -eq 0 ] || { echo "soak: must run as root (capture on lo)" >&2; exit 1; }
command -v sipp >/dev/null || { echo "soak: sipp missing: apt-get install sip-tester" >&2; exit 1; }
if [ -n "${CALLSCOPE:-}" ]; then bin=$CALLSCOPE; else swift build -c release --product callscope >&2; bin=.build/release/callscope; fi
work=$(mktemp -d /tmp/callscope-soak.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
calls=$((rate * duration))

# watch, its stdout lines stamped with their arrival time by a reader that never waits.
mkfifo "$work/out"
python3 -u -c '
import sys, time
out = open(sys.argv[1], "w", buffering=1)
for line in open(sys.argv[2]):
    out.write("%.6f %s" % (time.time(), line))
' "$work/lines" "$work/out" &
reader=$!
pids+=($reader)
"$bin" watch -i lo --filter "udp port 42000 or udp port 42001" --config /dev/null >"$work/out" 2>"$work/watch.err" &
watch_pid=$!
pids+=($watch_pid)
for _ in $(seq 100); do grep -q watching "$work/watch.err" 2>/dev/null && break; sleep 0.1; done
echo "soak: watch pid $watch_pid; $calls calls at $rate/s, ${hold} ms each"

# RSS every 15 s.
( while kill -0 "$watch_pid" 2>/dev/null; do
    echo "$(date +%s) $(awk '/VmRSS/ {print $2}' /proc/"$watch_pid"/status 2>/dev/null)"
    sleep 15
  done >"$work/rss" ) &
pids+=($!)

timeout $((duration + 120)) sipp -sn uas -i 127.0.0.1 -p 42000 -nostdin >/dev/null 2>&1 &
uas=$!
pids+=($uas)
sleep 1
start=$(date +%s)
timeout $((duration + 60)) sipp -sn uac 127.0.0.1:42000 -i 127.0.0.1 -p 42001 -nostdin \
  -r "$rate" -m "$calls" -d "$hold" -l $((rate * (hold / 1000 + 5))) \
  >"$work/uac.out" 2>&1 || true
end=$(date +%s)
kill "$uas" 2>/dev/null || true
sleep 3   # the last calls' linger (0.5 s) and a poll
cpu=$(awk '{print ($14 + $15) / 100}' /proc/"$watch_pid"/stat)
kill -TERM "$watch_pid"
wait "$watch_pid" || true
wait "$reader" || true
echo "soak: watch used ${cpu} s of CPU (user + system)"

python3 - "$work" "$calls" "$rate" "$duration" "$hold" "$((end - start))" <<'EOF'
import json, sys, datetime, statistics, re
work, calls, rate, duration, hold, wall = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])
lat, ids, outcomes = [], [], {}
for line in open(f"{work}/lines"):
    stamp, record = line.split(" ", 1)
    r = json.loads(record)
    ids.append(r["call_id"])
    outcomes[r["outcome"]] = outcomes.get(r["outcome"], 0) + 1
    if r.get("truncated") or not r.get("ended_at"):
        continue
    ended = datetime.datetime.fromisoformat(r["ended_at"].replace("Z", "+00:00")).timestamp()
    lat.append(float(stamp) - ended)
lat.sort()
err = open(f"{work}/watch.err").read()
drops = re.search(r"(\d+) frames dropped by the kernel \(buffer full\) and (\d+) by the interface, of (\d+) received", err)
summary = [l for l in err.splitlines() if " packets, " in l]
rss = [l.split() for l in open(f"{work}/rss") if len(l.split()) == 2]
sipp = open(f"{work}/uac.out").read()
done = re.findall(r"Successful call\s*\|\s*\d+\s*\|\s*(\d+)", sipp)
failed = re.findall(r"Failed call\s*\|\s*\d+\s*\|\s*(\d+)", sipp)
def p(q): return lat[min(len(lat) - 1, int(q * len(lat)))] if lat else float("nan")
print(f"soak: {rate} calls/s for {duration} s (SIPp ran {wall} s), calls of {hold} ms")
print(f"  SIPp: {done[-1] if done else '?'} successful, {failed[-1] if failed else '?'} failed of {calls}")
print(f"  watch: {len(ids)} calls written, {len(set(ids))} distinct; outcomes {outcomes}")
print(f"  dropped: " + (f"{drops.group(1)} by the kernel, {drops.group(2)} by the interface, of {drops.group(3)} received" if drops else "none reported (pcap_stats: 0)"))
print(f"  {summary[-1] if summary else err[-300:]}")
print(f"  latency end -> line read: p50 {p(0.5)*1000:.0f} ms, p99 {p(0.99)*1000:.0f} ms, max {lat[-1]*1000 if lat else float('nan'):.0f} ms ({len(lat)} calls)")
t0 = int(rss[0][0]) if rss else 0
print("  RSS (MiB) by time (s): " + ", ".join(f"{int(t) - t0}: {int(k) / 1024:.1f}" for t, k in rss if k.isdigit()))
EOF

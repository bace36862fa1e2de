#!/usr/bin/env bash
# Every performance figure of the README in one run (README "Performance"):
#   0. the issue's table (docs/performance.md "Per-message paths"), each row CPU seconds (user + sys,
#      GNU time; the machine is shared, so wall time is not the measure) best of RUNS (default 3),
#      the peer timed on the same file in the same run, the ratio and peak memory:
#      - signalling only: 30,000 calls (`generate-capture --mix realistic --duration 0.5`), port 5060
#        kept (about 195,000 SIP messages): `callscope calls` against `tshark -q -z sip,stat`;
#      - the same 30,000 short calls with their RTP (1.2M packets): `callscope calls`, peak memory;
#      - 100,000 short calls with their RTP (4.1M packets, the issue's memory row): the same;
#      - the 1M-row Master.csv of scripts/bench-cdr.sh: `callscope calls --format ndjson` against
#        Python's csv.reader alone;
#   1. the capture benchmark on one generated file (1,000 answered calls of 20 s, G.711 both
#      ways: about 2,000,000 packets, 460 MB; made once by `callscope-dev generate-capture`):
#      (a) a bare libpcap read loop, the floor  (b) callscope calls  (c) callscope talk,
#      then calls with --jobs 2 on the same packets split in two files,
#      each best of 3, with packets/s, MB/s, peak RSS and the ratio to the floor;
#   2. the CDR import benchmark (scripts/bench-cdr.sh, 1M-row Master.csv);
#   3. the metrics core and the store (callscope-dev bench metrics / bench store, 1M calls).
#
#   scripts/bench.sh                 # everything (about 5 minutes on 2 cores)
#   scripts/bench.sh capture         # only the capture benchmark
#   scripts/bench.sh table           # only the issue's table (part 0)
#   scripts/bench.sh --smoke         # a tiny run of the capture part (20 calls), to check the script
#   BENCH_DIR=/var/tmp/cs scripts/bench.sh     # where generated files are kept (default /tmp/callscope-bench)
#   CALLSCOPE=/path/to/callscope scripts/bench.sh   # time that binary, no build (callscope-dev beside it,
#                                                   # or CALLSCOPE_DEV=/path/to/callscope-dev)
#
# The file is read from the page cache after the first run, so the floor is libpcap's own cost.
# Needs GNU time (/usr/bin/time, Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
part=${1:-all}
calls=1000
if [ "$part" = "--smoke" ]; then part=capture; calls=20; fi
dir=${BENCH_DIR:-${TMPDIR:-/tmp}/callscope-bench}
mkdir -p "$dir"
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time (GNU time) is needed: apt-get install time" >&2; exit 1; }
if [ -n "${CALLSCOPE:-}" ]; then bin=$CALLSCOPE; else swift build -c release >&2; bin=.build/release/callscope; fi
# The developer tools (generate-capture, bench) are the callscope-dev product, built beside callscope.
dev=${CALLSCOPE_DEV:-$(dirname "$bin")/callscope-dev}
[ -x "$dev" ] || { echo "bench: $dev not found (swift build -c release builds it; or set CALLSCOPE_DEV)" >&2; exit 1; }

capture_benchmark() {
  local file="$dir/calls-${calls}x20s.pcap"
  if [ ! -s "$file" ]; then
    "$dev" generate-capture -o "$file.partial" --calls "$calls" --duration 20 --seed 1
    mv "$file.partial" "$file"
  fi
  # The same packets in two files (first and second half of the calls' time) for --jobs.
  local half1="$dir/calls-${calls}x20s-part1.pcap" half2="$dir/calls-${calls}x20s-part2.pcap"
  if [ ! -s "$half2" ] && command -v editcap >/dev/null; then
    local total; total=$("$dev" bench read "$file" | awk '{print $3}')
    editcap -r "$file" "$half1" "1-$((total / 2))"
    editcap -r "$file" "$half2" "$((total / 2 + 1))-$total"
  fi
  local packets bytes
  read -r packets bytes < <("$dev" bench read "$file" | awk '{print $3, $5}')
  echo "capture: $file: $packets packets, $bytes bytes"
  printf '%-34s %8s %12s %9s %9s %9s\n' "what" "seconds" "packets/s" "MB/s" "peak MB" "of floor"
  local floor=""
  run() {  # label, command...
    local label=$1; shift
    local best="" best_rss=0
    for _ in 1 2 3; do
      /usr/bin/time -f '%e %M' -o "$dir/time" "$@" > /dev/null 2> "$dir/stderr" || { echo "bench: $label failed:" >&2; cat "$dir/stderr" >&2; exit 1; }
      local out secs rss; out=$(tail -n 1 "$dir/time"); secs=${out% *}; rss=${out#* }
      if awk "BEGIN {exit !($secs <= 0)}"; then secs=0.01; fi
      if [ -z "$best" ] || awk "BEGIN {exit !($secs < $best)}"; then best=$secs; best_rss=$rss; fi
    done
    [ -z "$floor" ] && floor=$best
    awk -v l="$label" -v s="$best" -v p="$packets" -v b="$bytes" -v r="$best_rss" -v f="$floor" \
      'BEGIN { printf "%-34s %8.2f %12d %9.0f %9.0f %8.0f%%\n", l, s, p / s, b / s / 1e6, r / 1024, 100 * f / s }'
  }
  run "(a) libpcap read loop (floor)" "$dev" bench read "$file"
  run "(b) calls (SIP + RTP quality)" "$bin" calls "$file" -q --format ndjson
  run "(c) talk (+ decode and VAD)" "$bin" talk "$file" -q --format json
  if [ -s "$half2" ]; then
    run "(b) calls, 2 files, --jobs 1" "$bin" calls "$half1" "$half2" -q --format ndjson --jobs 1
    run "(b) calls, 2 files, --jobs 2" "$bin" calls "$half1" "$half2" -q --format ndjson --jobs 2
  fi
  echo "(wall time of the whole process, best of 3; peak MB is the maximum resident set)"
}

cpu() {  # best CPU seconds and its peak RSS (KiB) of RUNS runs of a command: prints "seconds kib"
  local best="" best_rss=0
  for _ in $(seq 1 "${RUNS:-3}"); do
    /usr/bin/time -f '%U %S %M' -o "$dir/time" "$@" > /dev/null 2> "$dir/stderr" || { echo "bench: $* failed:" >&2; tail -n 5 "$dir/stderr" >&2; exit 1; }
    local u s r; read -r u s r < <(tail -n 1 "$dir/time")
    local t; t=$(awk -v u="$u" -v s="$s" 'BEGIN { t = u + s; if (t <= 0) t = 0.01; print t }')
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; best_rss=$r; fi
  done
  echo "$best $best_rss"
}

table_benchmark() {
  local full="$dir/short-30000.pcap" sip="$dir/sip-30000.pcap"
  if [ ! -s "$sip" ]; then
    "$dev" generate-capture -o "$full.partial" --calls 30000 --duration 0.5 --mix realistic --seed 1 > /dev/null
    mv "$full.partial" "$full"
    tcpdump -r "$full" -w "$sip.partial" 'port 5060' 2> /dev/null
    mv "$sip.partial" "$sip"
  fi
  # The issue's memory row: 100,000 short calls with RTP, 100 at a time (4.1M packets, 1.1 GB).
  local big="$dir/short-100000.pcap"
  if [ ! -s "$big" ]; then
    "$dev" generate-capture -o "$big.partial" --calls 100000 --duration 0.5 --mix realistic --seed 1 > /dev/null
    mv "$big.partial" "$big"
  fi
  local messages packets big_packets
  messages=$("$dev" bench read "$sip" | awk '{print $3}')
  packets=$("$dev" bench read "$full" | awk '{print $3}')
  big_packets=$("$dev" bench read "$big" | awk '{print $3}')
  local master="$dir/master-1000000.csv"
  [ -s "$master" ] || ROWS=1000000 RUNS=1 CALLSCOPE="$bin" scripts/bench-cdr.sh > /dev/null
  local rows; rows=$(wc -l < "$master")
  printf '%-44s %9s %14s %8s | %-26s %9s %7s\n' "input" "CPU s" "per s" "peak MB" "peer" "CPU s" "ratio"
  row() {  # label, unit count, peer label, peer command (a string), callscope command...
    local label=$1 n=$2 peer=$3 peercmd=$4; shift 4
    local ours theirs
    ours=$(cpu "$@")
    if [ -n "$peercmd" ]; then theirs=$(cpu bash -c "$peercmd"); else theirs="- 0"; fi
    awk -v l="$label" -v n="$n" -v o="$ours" -v p="$peer" -v t="$theirs" 'BEGIN {
      split(o, a, " "); split(t, b, " ")
      ratio = (b[1] == "-") ? "" : sprintf("%.1fx", b[1] / a[1])
      printf "%-44s %9.2f %14d %8.0f | %-26s %9s %7s\n", l, a[1], n / a[1], a[2] / 1024, p, b[1], ratio }'
  }
  row "signalling only, $messages SIP messages" "$messages" "tshark -q -z sip,stat" "tshark -r '$sip' -q -z sip,stat" \
    "$bin" calls "$sip" -q --format ndjson
  row "30,000 short calls with RTP, $packets packets" "$packets" "" "" "$bin" calls "$full" -q --format ndjson
  row "100,000 short calls with RTP, $big_packets packets" "$big_packets" "" "" "$bin" calls "$big" -q --format ndjson
  row "Master.csv, $rows rows, calls --format ndjson" "$rows" "python3 csv.reader" \
    "python3 -c 'import csv, sys
n = 0
for row in csv.reader(open(sys.argv[1], newline=\"\")): n += 1
print(n)' '$master'" \
    "$bin" calls "$master" --format ndjson --timezone UTC
  echo "(CPU seconds = user + sys, best of ${RUNS:-3}; per s = messages, packets or rows per CPU second; ratio = peer CPU / callscope CPU)"
}

case "$part" in
  capture) capture_benchmark ;;
  table) table_benchmark ;;
  all)
    table_benchmark
    echo
    capture_benchmark
    echo; echo "== CDR import"; CALLSCOPE="$bin" scripts/bench-cdr.sh
    echo; echo "== metrics core"; "$dev" bench metrics --calls 1000000
    echo; echo "== store"; "$dev" bench store --calls 1000000
    ;;
  *) echo "bench: give nothing, table, capture or --smoke" >&2; exit 2 ;;
esac

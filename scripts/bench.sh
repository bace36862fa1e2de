#!/usr/bin/env bash
# Every performance figure of the README in one run (README "Performance"):
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

case "$part" in
  capture) capture_benchmark ;;
  all)
    capture_benchmark
    echo; echo "== CDR import"; CALLSCOPE="$bin" scripts/bench-cdr.sh
    echo; echo "== metrics core"; "$dev" bench metrics --calls 1000000
    echo; echo "== store"; "$dev" bench store --calls 1000000
    ;;
  *) echo "bench: give nothing, capture or --smoke" >&2; exit 2 ;;
esac

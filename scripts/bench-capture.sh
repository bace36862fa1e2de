#!/usr/bin/env bash
# Capture reconstruction throughput: 200 copies of captures/answered-udp.pcap shifted 20 s apart
# and merged into one file (about 78,000 packets, 26 MB, 600 calls with RTP), a release build,
# then 3 timed runs of
#   callscope calls FILE --format ndjson > /dev/null
# printing the best wall time, its peak RSS and packets/s (process start included).
#
#   scripts/bench-capture.sh
#   BENCH_DIR=/var/tmp/cs scripts/bench-capture.sh      # where the file is kept
#   CALLSCOPE=/path/to/callscope scripts/bench-capture.sh
#
# Needs editcap, mergecap and capinfos (Debian wireshark-common, installed with tshark) and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${BENCH_DIR:-${TMPDIR:-/tmp}/callscope-bench}
file="$dir/answered-x200.pcap"
for tool in editcap mergecap capinfos /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench-capture: $tool is needed: apt-get install tshark time" >&2; exit 1; }
done
mkdir -p "$dir"
if [ ! -s "$file" ]; then
  parts=$(mktemp -d)
  for i in $(seq 0 199); do editcap -t $((i * 20)) captures/answered-udp.pcap "$parts/p$i.pcap"; done
  mergecap -w "$file.partial" "$parts"/p*.pcap
  rm -rf "$parts"
  mv "$file.partial" "$file"
fi
packets=$(capinfos -M -c "$file" | awk -F: '/Number of packets/ {gsub(/ /, "", $2); print $2}')
if [ -n "${CALLSCOPE:-}" ]; then bin=$CALLSCOPE; else swift build -c release; bin=.build/release/callscope; fi
best=""
for run in 1 2 3; do
  out=$( { /usr/bin/time -f "%e %M" "$bin" calls "$file" --format ndjson -q > /dev/null; } 2>&1 | tail -1)
  secs=${out% *}; rss=${out#* }
  echo "run $run: $secs s wall, peak RSS $((rss / 1024)) MiB"
  if [ -z "$best" ] || awk "BEGIN {exit !($secs < $best)}"; then best=$secs; best_rss=$rss; fi
done
awk -v s="$best" -v p="$packets" -v r="$best_rss" 'BEGIN { printf "best of 3: %.2f s, peak RSS %d MiB, %d packets/s (%d packets)\n", s, r / 1024, p / s, p }'

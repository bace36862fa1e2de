#!/usr/bin/env bash
# Throughput of the Asterisk Master.csv reader: a 1,000,000-row 21-field Master.csv (made once by
# cdr-samples/generate.py and kept), a release build, then 3 timed runs of
#   callscope calls FILE --format ndjson --timezone UTC > /dev/null
# printing the best wall time, its CPU time (user + sys), its peak RSS, rows/s and MB/s.
#
#   scripts/bench-cdr.sh
#   ROWS=200000 scripts/bench-cdr.sh          # a smaller file
#   BENCH_DIR=/var/tmp/cs scripts/bench-cdr.sh  # where the file is kept (default $TMPDIR/callscope-bench)
#   CALLSCOPE=/path/to/callscope scripts/bench-cdr.sh   # time that binary, no build
#
# Needs GNU time (/usr/bin/time, Debian package `time`) and python3.
set -euo pipefail

cd "$(dirname "$0")/.."
rows=${ROWS:-1000000}
runs=${RUNS:-3}
dir=${BENCH_DIR:-${TMPDIR:-/tmp}/callscope-bench}
file="$dir/master-$rows.csv"

if [ ! -x /usr/bin/time ]; then
  echo "bench-cdr: /usr/bin/time (GNU time) is needed: apt-get install time" >&2
  exit 1
fi

mkdir -p "$dir"
if [ ! -s "$file" ]; then
  python3 cdr-samples/generate.py --master-rows "$rows" --out "$file.partial"
  mv "$file.partial" "$file"
fi
bytes=$(stat -c %s "$file")

if [ -n "${CALLSCOPE:-}" ]; then
  bin=$CALLSCOPE
else
  swift build -c release
  bin=.build/release/callscope
fi

best_secs=""
best_rss=""
for i in $(seq 1 "$runs"); do
  if ! /usr/bin/time -f '%e %M %U %S' -o "$dir/time.$i" \
      "$bin" calls "$file" --format ndjson --timezone UTC > /dev/null 2> "$dir/stderr.$i"; then
    echo "bench-cdr: run $i failed ($dir/stderr.$i):" >&2
    tail -n 5 "$dir/stderr.$i" >&2
    exit 1
  fi
  secs_rss=$(tail -n 1 "$dir/time.$i")
  read -r secs rss user sys <<< "$secs_rss"
  echo "run $i: ${secs} s wall, $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }') s CPU, peak RSS $((rss / 1024)) MiB   ($(tail -n 1 "$dir/stderr.$i"))"
  if [ -z "$best_secs" ] || awk -v a="$secs" -v b="$best_secs" 'BEGIN { exit !(a < b) }'; then
    best_secs=$secs
    best_rss=$rss
  fi
done

awk -v s="$best_secs" -v r="$rows" -v b="$bytes" -v m="$best_rss" 'BEGIN {
  if (s <= 0) s = 0.01   # GNU time reports 10 ms steps
  printf "best of %d: %.2f s, peak RSS %.0f MiB, %.0f rows/s, %.1f MB/s (%d rows, %.1f MB)\n", \
    '"$runs"', s, m / 1024, r / s, b / 1e6 / s, r, b / 1e6
}'

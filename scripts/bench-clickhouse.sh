#!/usr/bin/env bash
# Import rate and report times of the ClickHouse store beside SQLite's, on the same generated
# calls (docs/clickhouse.md "Measured"): `callscope-dev bench clickhouse` imports CALLS generated
# calls (one leg each, in files of CHUNK calls) into
#   1. a new SQLite database,
#   2. one clickhouse-server,
#   3. a two-shard cluster (two clickhouse-server processes, Distributed tables),
# then `callscope report` is timed on each store for the common views (overall, --by hour, day,
# agent, campaign; Europe/London, four campaigns over the generator's tracking numbers), and the
# three JSON answers of each view are compared byte for byte (the run fails when they differ).
# The servers run from a generated config in a temporary directory on free loopback ports and
# are stopped at the end.
#
#   scripts/bench-clickhouse.sh                                  # 1M calls
#   CALLS=10000000 scripts/bench-clickhouse.sh                   # the 10M figures of docs/performance.md
#   CALLS=10000000 IMPORT_ONLY=1 scripts/bench-clickhouse.sh     # import rate only
#   DIR=/big/disk/bench CALLS=10000000 scripts/bench-clickhouse.sh   # keep the stores in DIR
#   DIR=/big/disk/bench REPORT_ONLY=1 scripts/bench-clickhouse.sh    # reports only, over DIR's stores
#   CALLSCOPE_DEV=/path/to/callscope-dev CALLSCOPE=/path/to/callscope ...   # those binaries, no build
#   STORES="one two" ...                                         # a subset of: sqlite one two
#   VIEWS="overall day" ...                                      # a subset of: overall hour day agent campaign
#
# Needs clickhouse-server (Debian's, 18.16 or later), python3 (free ports) and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
calls=${CALLS:-1000000}
chunk=${CHUNK:-1000000}
stores=${STORES:-sqlite one two}
views=${VIEWS:-overall hour day agent campaign}
server=$(command -v clickhouse-server || echo /usr/sbin/clickhouse-server)
[ -x "$server" ] || { echo "bench-clickhouse: clickhouse-server is needed: apt-get install clickhouse-server" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench-clickhouse: GNU time is needed: apt-get install time" >&2; exit 1; }
if [ -n "${CALLSCOPE_DEV:-}" ]; then
  dev=$CALLSCOPE_DEV
elif [ -z "${REPORT_ONLY:-}" ]; then
  swift build -c release --product callscope-dev >&2
  dev=.build/release/callscope-dev
fi
if [ -n "${CALLSCOPE:-}" ]; then
  cli=$CALLSCOPE
elif [ -z "${IMPORT_ONLY:-}" ]; then
  swift build -c release --product callscope >&2
  cli=.build/release/callscope
fi
flags=(--calls "$calls" --chunk "$chunk" --import-only)

if [ -n "${DIR:-}" ]; then
  dir=$DIR
  mkdir -p "$dir"
  keep=1
else
  [ -n "${REPORT_ONLY:-}" ] && { echo "bench-clickhouse: REPORT_ONLY needs DIR (the stores of an earlier run)" >&2; exit 1; }
  dir=$(mktemp -d "${TMPDIR:-/tmp}/callscope-bench-ch.XXXXXX")
  keep=
fi
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -n "$keep" ] || rm -rf "$dir"
}
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# start NAME HTTP TCP REMOTE_SERVERS_XML: one server in $dir/NAME, waits for its HTTP port.
start() {
  local d=$dir/$1
  mkdir -p "$d/data" "$d/tmp"
  cat > "$d/users.xml" <<XML
<?xml version="1.0"?>
<yandex><profiles><default><max_memory_usage>16000000000</max_memory_usage></default></profiles>
<users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
<quotas><default/></quotas></yandex>
XML
  cat > "$d/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$d/server.log</log><errorlog>$d/error.log</errorlog></logger>
  <http_port>$2</http_port><tcp_port>$3</tcp_port><listen_host>127.0.0.1</listen_host>
  <path>$d/data/</path><tmp_path>$d/tmp/</tmp_path><users_config>$d/users.xml</users_config>
  <default_profile>default</default_profile><default_database>default</default_database>
  <mark_cache_size>1073741824</mark_cache_size>
  $4
</yandex>
XML
  "$server" --config-file="$d/config.xml" > /dev/null 2>&1 &
  pids+=($!)
  for _ in $(seq 1 600); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $2), 1)" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "bench-clickhouse: $1 did not start: $(tail -5 "$d/error.log")" >&2
  exit 1
}

# The store arguments of each store, filled as the servers start.
declare -A store
has() { [[ " $stores " == *" $1 "* ]]; }
echo "$([ -n "${REPORT_ONLY:-}" ] && echo "the stores of $dir" || echo "$calls generated calls"); $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $("$server" --version 2>/dev/null | head -1 || echo clickhouse-server 18.16), load average $(cut -d' ' -f1-3 /proc/loadavg)"
if has sqlite; then
  store[sqlite]="--db $dir/bench.sqlite"
  if [ -z "${REPORT_ONLY:-}" ]; then
    echo "== import: SQLite"
    rm -f "$dir"/bench.sqlite*
    "$dev" bench clickhouse "${flags[@]}" --db "$dir/bench.sqlite"
    echo "database size $(du -m "$dir/bench.sqlite" | cut -f1) MiB"
  fi
fi
if has one; then
  h=$(port); t=$(port)
  start one "$h" "$t" ""
  store[one]="--clickhouse http://127.0.0.1:$h/?database=bench"
  if [ -z "${REPORT_ONLY:-}" ]; then
    echo "== import: ClickHouse, one server"
    "$dev" bench clickhouse "${flags[@]}" --clickhouse "http://127.0.0.1:$h/?database=bench"
    echo "data size $(du -sm "$dir/one/data/data/bench" | cut -f1) MiB"
  fi
fi
if has two; then
  h1=$(port); t1=$(port); h2=$(port); t2=$(port)
  cluster="<remote_servers><bench><shard><replica><host>127.0.0.1</host><port>$t1</port></replica></shard><shard><replica><host>127.0.0.1</host><port>$t2</port></replica></shard></bench></remote_servers>"
  start shard1 "$h1" "$t1" "$cluster"
  start shard2 "$h2" "$t2" "$cluster"
  store[two]="--clickhouse http://127.0.0.1:$h1/?database=bench&cluster=bench&shards=127.0.0.1:$h1,127.0.0.1:$h2"
  if [ -z "${REPORT_ONLY:-}" ]; then
    echo "== import: ClickHouse, two shards"
    "$dev" bench clickhouse "${flags[@]}" --clickhouse "http://127.0.0.1:$h1/?database=bench&cluster=bench&shards=127.0.0.1:$h1,127.0.0.1:$h2"
    echo "data size $(du -sm "$dir/shard1/data/data/bench" | cut -f1) + $(du -sm "$dir/shard2/data/data/bench" | cut -f1) MiB"
  fi
fi
[ -n "${IMPORT_ONLY:-}" ] && exit 0

# The reports: wall time, callscope's CPU and peak memory; the server's work is in the wall time.
cat > "$dir/campaigns.yaml" <<YAML
# Four campaigns over the generator's tracking numbers (+442079460100..19), as bench store's.
campaigns:
YAML
for k in 0 1 2 3; do
  numbers=$(for n in $(seq $k 4 19); do printf '"+4420794601%02d", ' "$n"; done)
  printf '  - name: campaign-%s\n    numbers: [%s]\n' "$k" "${numbers%, }" >> "$dir/campaigns.yaml"
done
echo "== reports: wall s / callscope CPU s / callscope peak MB (load average $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-10s' view; for s in $stores; do printf ' | %-24s' "$s"; done; echo
status=0
for view in $views; do
  by=(); [ "$view" = overall ] || by=(--by "$view")
  printf '%-10s' "$view"
  first=
  for s in $stores; do
    out=$dir/report-$view-$s.json
    # shellcheck disable=SC2086
    /usr/bin/time -o "$dir/time" -f '%e %U %S %M' "$cli" report ${store[$s]} "${by[@]}" --campaigns "$dir/campaigns.yaml" \
      --timezone Europe/London -f json -q > "$out"
    read -r wall user sys peak < "$dir/time"
    printf ' | %7.1f %6.2f %7.0f     ' "$wall" "$(echo "$user + $sys" | bc)" "$(echo "$peak / 1024" | bc)"
    if [ -z "$first" ]; then first=$out
    elif ! cmp -s "$first" "$out"; then echo; echo "bench-clickhouse: $view differs between $first and $out" >&2; status=1
    fi
  done
  echo
done
exit $status

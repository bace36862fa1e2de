#!/usr/bin/env bash
# Import rate and report times of the ClickHouse store beside SQLite's, on the same generated
# calls (docs/clickhouse.md "Measured"): `callscope-dev bench clickhouse` imports CALLS generated
# calls (one leg each, in files of CHUNK calls) into
#   1. a new SQLite database,
#   2. one clickhouse-server,
#   3. a two-shard cluster (two clickhouse-server processes, Distributed tables),
# then times a one-day read and a report --by day over the month (read + in-memory report).
# The servers run from a generated config in a temporary directory on free loopback ports and
# are stopped at the end.
#
#   scripts/bench-clickhouse.sh
#   CALLS=10000000 IMPORT_ONLY=1 scripts/bench-clickhouse.sh   # import rate only (no read into memory)
#   CALLSCOPE_DEV=/path/to/callscope-dev scripts/bench-clickhouse.sh   # that binary, no build
#   SKIP_SQLITE=1 ...                                          # ClickHouse only
#
# Needs clickhouse-server (Debian's, 18.16 or later) and python3 (free ports).
set -euo pipefail
cd "$(dirname "$0")/.."
calls=${CALLS:-1000000}
chunk=${CHUNK:-1000000}
server=$(command -v clickhouse-server || echo /usr/sbin/clickhouse-server)
[ -x "$server" ] || { echo "bench-clickhouse: clickhouse-server is needed: apt-get install clickhouse-server" >&2; exit 1; }
if [ -n "${CALLSCOPE_DEV:-}" ]; then
  dev=$CALLSCOPE_DEV
else
  swift build -c release --product callscope-dev >&2
  dev=.build/release/callscope-dev
fi
flags=(--calls "$calls" --chunk "$chunk")
[ -n "${IMPORT_ONLY:-}" ] && flags+=(--import-only)

dir=$(mktemp -d "${TMPDIR:-/tmp}/callscope-bench-ch.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# start NAME HTTP TCP REMOTE_SERVERS_XML: one server in $dir/NAME, waits for its HTTP port.
start() {
  local d=$dir/$1
  mkdir -p "$d/data" "$d/tmp"
  cat > "$d/users.xml" <<XML
<?xml version="1.0"?>
<yandex><profiles><default/></profiles>
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

echo "callscope-dev bench clickhouse ${flags[*]}; $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $("$server" --version 2>/dev/null | head -1 || echo clickhouse-server)"
if [ -z "${SKIP_SQLITE:-}" ]; then
  echo "== SQLite"
  "$dev" bench clickhouse "${flags[@]}" --db "$dir/bench.sqlite"
  echo "database size $(du -m "$dir/bench.sqlite" | cut -f1) MiB"
  rm -f "$dir"/bench.sqlite*
fi

echo "== ClickHouse, one server"
h=$(port); t=$(port)
start one "$h" "$t" ""
"$dev" bench clickhouse "${flags[@]}" --clickhouse "http://127.0.0.1:$h/?database=bench"
echo "data size $(du -sm "$dir/one/data/data/bench" | cut -f1) MiB"

echo "== ClickHouse, two shards"
h1=$(port); t1=$(port); h2=$(port); t2=$(port)
cluster="<remote_servers><bench><shard><replica><host>127.0.0.1</host><port>$t1</port></replica></shard><shard><replica><host>127.0.0.1</host><port>$t2</port></replica></shard></bench></remote_servers>"
start shard1 "$h1" "$t1" "$cluster"
start shard2 "$h2" "$t2" "$cluster"
"$dev" bench clickhouse "${flags[@]}" --clickhouse "http://127.0.0.1:$h1/?database=bench&cluster=bench&shards=127.0.0.1:$h1,127.0.0.1:$h2"

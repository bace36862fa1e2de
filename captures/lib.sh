# Helpers shared by captures/generate.sh and captures/talk/generate.sh (sourced, not run).
# They expect WORK (scratch folder) and LOGS (log folder) to be set, and use TD_PID and
# UAS_PIDS, which the caller's cleanup trap kills. NS_CAP, when set, is a command prefix that
# runs tcpdump in a network namespace (e.g. `ip netns exec NAME`).

# die MESSAGE: print it with the last SIPp/tcpdump log lines and stop
die() {
    echo "generate.sh: $*" >&2
    if [[ -n ${LOGS:-} && -d $LOGS ]]; then
        echo "--- last SIPp/tcpdump log lines:" >&2
        tail -n 30 "$LOGS"/* >&2 2>/dev/null || true
    fi
    exit 1
}

# csv NAME LINE...: write a SIPp injection file $WORK/NAME.csv
csv() {
    local name=$1; shift
    { echo SEQUENTIAL; printf '%s\n' "$@"; } >"$WORK/$name.csv"
}

# cap_start NAME IFACE BPF: start tcpdump writing $WORK/NAME.pcap (at most 150 s)
cap_start() {
    : >"$LOGS/tcpdump-$1.err"
    ${NS_CAP[@]+"${NS_CAP[@]}"} timeout -s INT 150 tcpdump -i "$2" -U --immediate-mode -Z root -s 0 \
        -w "$WORK/$1.pcap" "$3" 2>"$LOGS/tcpdump-$1.err" </dev/null &
    TD_PID=$!
    local i
    for i in $(seq 50); do
        grep -q "listening on" "$LOGS/tcpdump-$1.err" && break
        sleep 0.1
    done
    grep -q "listening on" "$LOGS/tcpdump-$1.err" || die "tcpdump did not start: $(cat "$LOGS/tcpdump-$1.err")"
    sleep 0.5
}

# cap_stop: stop tcpdump cleanly (SIGINT) and wait for it
cap_stop() {
    sleep 0.5
    kill -INT "$TD_PID"
    wait "$TD_PID" || true
    TD_PID=""
    sleep 0.2
}

# uas_wait: wait for every background UAS to finish
uas_wait() {
    local p
    for p in "${UAS_PIDS[@]}"; do
        wait "$p" || die "SIPp UAS (pid $p) failed"
    done
    UAS_PIDS=()
}

# work_start NAME: a scratch folder WORK (with LOGS) for a generator; at exit every process the
# helpers started (TD_PID, UAS_PIDS, KAM_PID) is stopped, the namespace NS (when netns_start made
# one) deleted and WORK removed.
work_start() {
    WORK=$(mktemp -d "/tmp/$1.XXXXXX")
    LOGS=$WORK/logs
    mkdir -p "$LOGS"
    TD_PID=""
    UAS_PIDS=()
    KAM_PID=""
    trap work_cleanup EXIT
}

work_cleanup() {
    local p
    for p in $TD_PID "${UAS_PIDS[@]}" $KAM_PID; do
        kill "$p" 2>/dev/null || true
    done
    if [[ -n ${NS:-} ]]; then ip netns del "$NS" 2>/dev/null || true; fi
    rm -rf "$WORK"
}

# netns_start NAME: a fresh network namespace NAME with its loopback up, so nothing else on the
# host's loopback can collide with the ports; IN_NS runs a command in it, NS_CAP puts tcpdump there
netns_start() {
    NS=$1
    ip netns del "$NS" 2>/dev/null || true
    ip netns add "$NS"
    ip netns exec "$NS" ip link set lo up
    IN_NS=(ip netns exec "$NS")
    NS_CAP=("${IN_NS[@]}")
}

# ns_wait_port udp|tcp PORT: until a socket is bound (UDP) or listening (TCP) on PORT, in the
# namespace when netns_start made one, else on the host
ns_wait_port() {
    local i
    for i in $(seq 50); do
        ${IN_NS[@]+"${IN_NS[@]}"} ss -Hln"${1:0:1}" "( sport = :$2 )" 2>/dev/null | grep -q . && return 0
        sleep 0.1
    done
    die "nothing listening on $1 port $2"
}

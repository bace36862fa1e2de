#!/usr/bin/env bash
# Regenerate the reconcile samples: twelve real calls through Kamailio (a stateful proxy with the
# acc and dialog modules, kamailio.cfg) between SIPp callers and SIPp callees on 127.0.0.1, in a
# network namespace of their own. Kamailio writes its accounting records (acc transactions and
# dialog CDRs) to its log; tcpdump captures the same SIP on the namespace's loopback.
#
#   sudo bash captures/reconcile/generate.sh
#
# Writes, beside this script:
#   kamailio.pcap / kamailio-acc.log       the matched pair: ledger and wire agree
#   kamailio.expected.ndjson               each captured call as tshark sees it (captures/expected.py)
#   variant-dropped-row-acc.log            the ledger with one answered call's records removed
#   variant-missing-call.pcap              the wire without one busy call (tshark, by Call-ID)
#   variant-skewed-acc.log                 the ledger with the PBX clock 3 s fast
#   variant-rounded-acc.log                the ledger billing every answered call up to the minute
#   *.expected.json                        what reconcile must report for each pair (from the plan
#                                          below, not from callscope)
# Needs root (network namespace, tcpdump) and the Debian packages kamailio, sip-tester, tcpdump,
# tshark, python3, iproute2. Takes about 40 s. Call-IDs, times and tags change on every run; the
# calls, numbers, outcomes and planted disagreements do not.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CAPTURES=$(cd "$HERE/.." && pwd)
# shellcheck source=../lib.sh
source "$CAPTURES/lib.sh"
SCEN=$CAPTURES/scenarios
NS=callscope-reconcile
SKEW=3                    # seconds the skewed PBX clock is fast

[[ $(id -u) -eq 0 ]] || die "must run as root (network namespace, tcpdump): sudo $0"
missing=""
for t in kamailio:kamailio sipp:sip-tester tcpdump:tcpdump tshark:tshark python3:python3 ip:iproute2 ss:iproute2; do
    command -v "${t%%:*}" >/dev/null 2>&1 || missing+=" ${t#*:}"
done
[[ -z $missing ]] || die "missing tools; install them with: apt-get install -y$missing"

work_start callscope-reconcile
netns_start "$NS"

# callee DIGIT SCENARIO CALLS [SIPP-ARGS...]: a SIPp UAS on 537DIGIT (dialled numbers ending in DIGIT)
callee() {
    local port=537$1 scen=$2 calls=$3; shift 3
    (cd "$LOGS" && exec "${IN_NS[@]}" timeout 60 sipp -i 127.0.0.1 -mi 127.0.0.1 -p "$port" -nostdin -trace_err \
        -sf "$scen" -m "$calls" "$@" </dev/null >>"$LOGS/sipp-uas.out" 2>&1) &
    UAS_PIDS+=($!)
    ns_wait_port udp "$port"
}

# caller NAME SCENARIO SIPP-ARGS...: a SIPp UAC on 5381 through Kamailio, to completion
caller() {
    local name=$1 scen=$2; shift 2
    (cd "$LOGS" && exec "${IN_NS[@]}" timeout 60 sipp 127.0.0.1:5360 -i 127.0.0.1 -mi 127.0.0.1 -p 5381 -nostdin -trace_err \
        -sf "$scen" -l 1 -mp 16000 -cid_str "$name-%u-%p@%s" "$@" </dev/null >>"$LOGS/sipp-uac.out" 2>&1) \
        || die "SIPp UAC $name failed"
}

echo "== Kamailio on 127.0.0.1:5360 (acc + dialog CDRs to its log)"
"${IN_NS[@]}" timeout 120 kamailio -f "$HERE/kamailio.cfg" -DD -E -Y "$WORK" -P "$WORK/kamailio.pid" \
    </dev/null 2>"$WORK/kamailio.log" >"$LOGS/kamailio.out" &
KAM_PID=$!
ns_wait_port udp 5360

# SIP only (the proxy and every SIPp signalling port); the RTP SIPp plays is left out
cap_start kamailio lo "udp and (port 5360 or portrange 5371-5381)"

echo "== answered, caller hangs up (3 calls)"
csv answered "+442079460001;+15550100001;" "+442079460002;+15550200001;" "+442079460003;+15550300001;"
callee 1 "$SCEN/uas-answer.xml" 3 -mp 16100
caller answered "$SCEN/uac-call.xml" -inf "$WORK/answered.csv" -m 3 -d 1500
uas_wait

echo "== answered, callee hangs up (2 calls)"
csv callee-bye "+33142685301;" "+33142685302;"
callee 2 "$SCEN/uas-answer-bye.xml" 2 -mp 16100 -d 2000
caller callee-bye "$SCEN/uac-callee-bye.xml" -inf "$WORK/callee-bye.csv" -s +15550400002 -m 2
uas_wait

echo "== busy 486 (2 calls)"
csv busy "+4930123401;+15550500003;" "+4930123402;+15550600003;"
callee 3 "$SCEN/uas-486.xml" 2
caller busy "$HERE/scenarios/uac-reject-or-timeout.xml" -inf "$WORK/busy.csv" -m 2
uas_wait

echo "== caller cancels while ringing (1 call)"
csv cancel "+390612345601;+15550700004;"
callee 4 "$SCEN/uas-ring-cancel.xml" 1
caller cancel "$SCEN/uac-cancel.xml" -inf "$WORK/cancel.csv" -m 1
uas_wait

echo "== no answer: the callee rings, Kamailio's fr_inv_timer (4 s) cancels it, 408 to the caller (1 call)"
csv timeout "+34911234501;+15550800004;"
callee 4 "$SCEN/uas-ring-cancel.xml" 1
caller timeout "$HERE/scenarios/uac-reject-or-timeout.xml" -inf "$WORK/timeout.csv" -m 1
uas_wait

echo "== 480 Temporarily Unavailable (1 call)"
csv unavailable "+4721234501;+15550900005;"
callee 5 "$CAPTURES/scenarios/uas-480.xml" 1
caller unavailable "$HERE/scenarios/uac-reject-or-timeout.xml" -inf "$WORK/unavailable.csv" -m 1
uas_wait

echo "== 503 Service Unavailable (2 calls)"
csv failed "+61298765401;+15551000006;" "+61298765402;+15551100006;"
callee 6 "$SCEN/uas-503.xml" 2
caller failed "$HERE/scenarios/uac-reject-or-timeout.xml" -inf "$WORK/failed.csv" -m 2
uas_wait

sleep 0.5
cap_stop
kill "$KAM_PID"; wait "$KAM_PID" || true; KAM_PID=""

echo "== checks"
calls=$(tshark -n -r "$WORK/kamailio.pcap" -d udp.port==5360-5381,sip -Y 'sip.Method == "INVITE"' \
        -T fields -e sip.Call-ID 2>/dev/null | sort -u | wc -l)
[[ $calls -eq 12 ]] || die "expected 12 calls in the capture, got $calls"
records=$(grep -c 'ACC: ' "$WORK/kamailio.log" || true)
cdrs=$(grep -c 'log_write_cdr' "$WORK/kamailio.log" || true)
echo "capture: $calls calls; Kamailio log: $records acc records, $cdrs dialog CDRs"
[[ $cdrs -eq 12 ]] || die "expected 12 dialog CDRs, got $cdrs"

# The ledger: Kamailio's own log lines, its acc and CDR records and everything else it wrote.
install -m 0644 "$WORK/kamailio.pcap" "$HERE/kamailio.pcap"
install -m 0644 "$WORK/kamailio.log" "$HERE/kamailio-acc.log"

# What tshark sees of each call (captures/expected.py, an oracle independent of callscope): the
# Kamailio reader's calls are checked against it.
python3 "$CAPTURES/expected.py" "$HERE/kamailio.pcap" >"$HERE/kamailio.expected.ndjson"

echo "== variants and expected reports"
python3 "$HERE/variants.py" "$HERE" "$SKEW"
ls -l "$HERE"/*.pcap "$HERE"/*.log "$HERE"/*.expected.json

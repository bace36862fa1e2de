#!/usr/bin/env bash
# Regenerate captures/two-interfaces/: one real SIPp call on 127.0.0.1 captured at the same time
# by two tcpdumps, on `lo` (Ethernet frames) and on `any` (Linux cooked v2 frames). The same
# packets, with the same kernel timestamps, but not the same frame bytes: they are two
# different frames for callscope's duplicate filter (README "Input formats"), with --jobs 1
# and with --jobs 2 alike, so the call comes out with every message seen twice.
#
#   sudo captures/two-interfaces/generate.sh
#
# Needs root (tcpdump) and the Debian packages sip-tester, tcpdump and iproute2 (ss).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CAPTURES=$(cd "$HERE/.." && pwd)
# shellcheck source=../lib.sh
source "$CAPTURES/lib.sh"
SCEN=$CAPTURES/scenarios
[[ $(id -u) -eq 0 ]] || die "must run as root (tcpdump): sudo $0"
WORK=$(mktemp -d /tmp/callscope-two-ifaces.XXXXXX)
LOGS=$WORK/logs
mkdir -p "$LOGS"
TD_PID=""; TD2_PID=""; UAS_PIDS=()
cleanup() { local p; for p in $TD_PID $TD2_PID "${UAS_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
FILTER="udp and (port 5060 or port 5061)"
cap_start lo-eth lo "$FILTER"
TD2_PID=$TD_PID
cap_start any-sll2 any "$FILTER"
csv call '+447700900321;+442079460100;'
(cd "$LOGS" && exec timeout 40 sipp -i 127.0.0.1 -p 5060 -nostdin -sf "$SCEN/uas-answer.xml" -m 1 -mp 16100 \
    </dev/null >>"$LOGS/sipp-uas.out" 2>&1) &
UAS_PIDS+=($!)
for i in $(seq 50); do ss -Hlnu "( sport = :5060 )" | grep -q . && break; sleep 0.1; done
(cd "$LOGS" && exec timeout 40 sipp 127.0.0.1:5060 -i 127.0.0.1 -p 5061 -nostdin -sf "$SCEN/uac-call.xml" \
    -inf "$WORK/call.csv" -m 1 -d 300 -mp 16000 -cid_str "two-ifaces-%u-%p@%s" </dev/null >>"$LOGS/sipp-uac.out" 2>&1) \
    || die "SIPp UAC failed"
uas_wait
cap_stop
TD_PID=$TD2_PID
cap_stop
cp "$WORK/lo-eth.pcap" "$HERE/lo-eth.pcap"
cp "$WORK/any-sll2.pcap" "$HERE/any-sll2.pcap"
echo "wrote $HERE/lo-eth.pcap and $HERE/any-sll2.pcap"

#!/usr/bin/env bash
# Regenerate captures/websocket-call.pcap and its sidecar: one call from a SIP-over-WebSocket
# client (RFC 7118) through Kamailio to a SIPp UAS over UDP.
#
#   sudo bash captures/websocket/generate.sh
#
# Needs root (network namespace, tcpdump) and the Debian packages kamailio,
# kamailio-websocket-modules, sip-tester, tcpdump, tshark, wireshark-common (editcap), python3
# and iproute2.
# Everything runs on 127.0.0.1 inside a network namespace of its own (so nothing else on the
# host's loopback can collide with the ports): Kamailio listens on TCP 8080 (WebSocket) and
# UDP 5060; ws_client.py (standard library only) opens ws://127.0.0.1:8080/ with the `sip`
# subprotocol and sends INVITE, ACK, a ping, BYE (after 1.5 s) and a close frame, each SIP
# message in one masked text frame; Kamailio relays them over UDP to `sipp` on 5070
# (captures/scenarios/uas-proxied.xml: 180, 200 echoing Record-Route). Takes ~10 s.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CAPTURES=$(dirname "$HERE")
# shellcheck source=../lib.sh
source "$CAPTURES/lib.sh"
NS=callscope-ws
NAME=websocket-call

[[ $(id -u) -eq 0 ]] || die "must run as root (netns, tcpdump): sudo bash $0"
missing=""
for t in kamailio:kamailio sipp:sip-tester tcpdump:tcpdump tshark:tshark editcap:wireshark-common python3:python3 ip:iproute2 ss:iproute2; do
    if ! command -v "${t%%:*}" >/dev/null 2>&1 && [[ " $missing " != *" ${t#*:} "* ]]; then
        missing+=" ${t#*:}"
    fi
done
[[ -r /usr/lib/x86_64-linux-gnu/kamailio/modules/websocket.so ]] || missing+=" kamailio-websocket-modules"
[[ -z $missing ]] || die "missing tools; install them with: apt-get install -y$missing"

work_start callscope-ws
netns_start "$NS"

echo "== $NAME: WebSocket client -> Kamailio (ws 8080) -> UDP -> SIPp UAS (5070), caller BYE"
"${IN_NS[@]}" timeout 60 kamailio -f "$HERE/kamailio.cfg" -DD -E -Y "$WORK" -P "$WORK/kamailio.pid" \
    </dev/null >"$LOGS/kamailio.out" 2>&1 &
KAM_PID=$!
ns_wait_port tcp 8080
ns_wait_port udp 5060

cap_start "$NAME" lo "tcp port 8080 or udp port 5060 or udp port 5070"
("${IN_NS[@]}" timeout 40 sipp -sf "$CAPTURES/scenarios/uas-proxied.xml" -i 127.0.0.1 -p 5070 -m 1 \
    -nostdin -trace_err </dev/null >>"$LOGS/sipp-uas.out" 2>&1) &
UAS_PIDS+=($!)
ns_wait_port udp 5070
"${IN_NS[@]}" timeout 30 python3 "$HERE/ws_client.py" --talk 1.5 "+15551230107" "+15550107000" \
    >"$LOGS/ws-client.out" 2>&1 || die "ws_client.py failed: $(cat "$LOGS/ws-client.out")"
cat "$LOGS/ws-client.out"
uas_wait
cap_stop
kill "$KAM_PID" 2>/dev/null || true
wait "$KAM_PID" 2>/dev/null || true
KAM_PID=""

# tshark finds the WebSocket by the Upgrade on 8080 (an HTTP port) and decodes its SIP.
ws_sip=$(tshark -n -r "$WORK/$NAME.pcap" -Y "sip && websocket" -T fields -e frame.number 2>/dev/null | wc -l)
udp_sip=$(tshark -n -r "$WORK/$NAME.pcap" -d udp.port==5070,sip -Y "sip && udp" -T fields -e frame.number 2>/dev/null | wc -l)
[[ $ws_sip -eq 7 && $udp_sip -eq 6 ]] \
    || die "expected 7 SIP messages over WebSocket and 6 over UDP, tshark sees $ws_sip and $udp_sip"

cp "$WORK/$NAME.pcap" "$CAPTURES/$NAME.pcap"
chmod 644 "$CAPTURES/$NAME.pcap"
python3 "$CAPTURES/expected.py" "$CAPTURES/$NAME.pcap" >"$CAPTURES/$NAME.expected.ndjson"
# Every SIP message as tshark sees it, with its exact time and hop (TCP = WebSocket, UDP),
# for the test that checks the call's times and merged hops (WebSocketCaptureTests).
tshark -n -r "$CAPTURES/$NAME.pcap" -d udp.port==5070,sip -Y sip -T fields -E header=y \
    -e frame.number -e frame.time_epoch -e tcp.srcport -e udp.srcport -e sip.Method -e sip.Status-Code \
    -e sip.CSeq.method 2>/dev/null >"$CAPTURES/$NAME.sip.tsv"
# The same capture without the frame that carries the client's ACK: a hole in the
# client's WebSocket direction, for the test that reading resumes at the next SIP frame.
ack=$(tshark -n -r "$CAPTURES/$NAME.pcap" -Y 'sip.Method == "ACK" && websocket' -T fields -e frame.number 2>/dev/null)
[[ $ack =~ ^[0-9]+$ ]] || die "no single ACK over WebSocket in $NAME.pcap: '$ack'"
editcap -F pcap "$CAPTURES/$NAME.pcap" "$HERE/websocket-gap.pcap" "$ack"
chmod 644 "$HERE/websocket-gap.pcap"
echo "wrote $CAPTURES/$NAME.pcap ($(stat -c %s "$CAPTURES/$NAME.pcap") bytes; SIP: $ws_sip over WebSocket, $udp_sip over UDP) $NAME.expected.ndjson, $NAME.sip.tsv and websocket/websocket-gap.pcap (frame $ack removed)"

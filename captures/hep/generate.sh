#!/usr/bin/env bash
# Regenerate captures/hep/hep3.pcap, hep2.pcap and direct.pcap: two calls (one answered, one
# busy) from SIPp through Kamailio to a SIPp UAS, with Kamailio's siptrace mirroring every
# SIP message it receives and sends as HEP (version 3, then version 2) to 127.0.0.1:9060,
# as a proxy feeding Homer does.
#
#   sudo bash captures/hep/generate.sh
#
# A third run sends HEPv3 over TCP to 127.0.0.1:9061 (a Python sink accepts the connection):
# hep3-tcp.pcap holds that TCP stream.
# hep3.pcap and hep2.pcap hold only the HEP datagrams (UDP 9060); direct.pcap holds the same
# SIP of the version-3 run as it crossed the loopback (UDP 5060, 5061, 5070). The tests check
# that `calls` finds the same calls in the HEP copies as on the wire. Needs root (network
# namespace, tcpdump) and the Debian packages kamailio, sip-tester, tcpdump, tshark and
# iproute2. Everything runs on 127.0.0.1 in a network namespace of its own. Takes ~15 s.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CAPTURES=$(dirname "$HERE")
SCEN=$CAPTURES/scenarios
# shellcheck source=../lib.sh
source "$CAPTURES/lib.sh"
NS=callscope-hep

[[ $(id -u) -eq 0 ]] || die "must run as root (netns, tcpdump): sudo bash $0"
for t in kamailio sipp tcpdump tshark ip ss; do
    command -v "$t" >/dev/null 2>&1 || die "missing $t; apt-get install -y kamailio sip-tester tcpdump tshark iproute2"
done

work_start callscope-hep
netns_start "$NS"

uas() {
    ("${IN_NS[@]}" timeout 30 sipp -i 127.0.0.1 -p 5070 -nostdin -trace_err "$@" </dev/null >>"$LOGS/sipp-uas.out" 2>&1) &
    UAS_PIDS+=($!)
    ns_wait_port udp 5070
}
uac() {
    (cd "$LOGS" && "${IN_NS[@]}" timeout 30 sipp 127.0.0.1:5060 -i 127.0.0.1 -p 5061 -nostdin -trace_err "$@" \
        </dev/null >>"$LOGS/sipp-uac.out" 2>&1) || die "SIPp UAC $* failed"
}

for version in 3 2 3tcp; do
    echo "== HEP $version: an answered call (caller BYE) and a busy one through Kamailio"
    defines=(-A "HEP_VERSION=${version:0:1}")
    if [[ $version == 3tcp ]]; then
        defines+=(-A HEP_TCP)
        # A HEP collector's TCP port that accepts and discards (tcpdump records the stream).
        ("${IN_NS[@]}" timeout 60 python3 -c 'import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 9061)); s.listen(4)
c, _ = s.accept()
while c.recv(65536): pass' </dev/null >"$LOGS/sink.out" 2>&1) &
        SINK_PID=$!
        ns_wait_port tcp 9061
    fi
    "${IN_NS[@]}" timeout 60 kamailio -f "$HERE/kamailio.cfg" "${defines[@]}" -DD -E -Y "$WORK" \
        -P "$WORK/kamailio.pid" </dev/null >"$LOGS/kamailio-$version.out" 2>&1 &
    KAM_PID=$!
    ns_wait_port udp 5060
    cap_start "run$version" lo "udp port 9060 or tcp port 9061 or udp port 5060 or udp port 5061 or udp port 5070"
    csv answered "+442079460300;+15551230300;"
    uas -sf "$SCEN/uas-proxied.xml" -m 1
    uac -sf "$SCEN/uac-call.xml" -inf "$WORK/answered.csv" -m 1 -d 1000 -mp 16000 -cid_str "hep$version-answered-%u@%s"
    uas_wait
    csv busy "+442079460301;+15551230301;"
    uas -sf "$SCEN/uas-486.xml" -m 1
    uac -sf "$SCEN/uac-reject.xml" -inf "$WORK/busy.csv" -m 1 -cid_str "hep$version-busy-%u@%s"
    uas_wait
    kill "$KAM_PID" 2>/dev/null || true   # Kamailio closes its HEP connection: the sink ends
    wait "$KAM_PID" 2>/dev/null || true
    KAM_PID=""
    if [[ $version == 3tcp ]]; then wait "$SINK_PID" || true; fi
    cap_stop
    tshark -n -r "$WORK/run$version.pcap" -Y "udp.port == 9060 || tcp.port == 9061" -w "$WORK/hep$version.pcap" -F pcap 2>/dev/null
    tshark -n -r "$WORK/run$version.pcap" -Y "!(udp.port == 9060 || tcp.port == 9061)" -w "$WORK/direct$version.pcap" -F pcap 2>/dev/null
    # tshark 4.0 has no HEP dissector: the check is that Kamailio mirrored each SIP message it
    # received or sent (every one on the wire here has the proxy at one end) in one HEP message:
    # one datagram each over UDP, HEP3 headers counted in the stream over TCP.
    if [[ $version == 3tcp ]]; then
        hep=$(tshark -n -r "$WORK/hep$version.pcap" -Y "tcp.dstport == 9061 && tcp.len > 0" -T fields -e tcp.payload 2>/dev/null \
            | tr -d '\n:' | grep -o 48455033 | wc -l)
    else
        hep=$(tshark -n -r "$WORK/hep$version.pcap" -Y 'frame contains "SIP/2.0"' -T fields -e frame.number 2>/dev/null | wc -l)
    fi
    wire=$(tshark -n -r "$WORK/direct$version.pcap" -d udp.port==5060-5099,sip -Y sip -T fields -e frame.number 2>/dev/null | wc -l)
    [[ $hep -gt 10 && $hep -eq $wire ]] || die "HEP $version: $hep HEP datagrams with SIP, $wire SIP messages on the wire"
    cp "$WORK/hep$version.pcap" "$HERE/hep${version/3tcp/3-tcp}.pcap"
    [[ $version == 3 ]] && cp "$WORK/direct3.pcap" "$HERE/direct.pcap"
    echo "HEP $version: $hep datagrams"
done
chmod 644 "$HERE"/*.pcap
ls -l "$HERE"/*.pcap

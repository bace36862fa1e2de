#!/usr/bin/env bash
# Regenerate callscope's speech/RTP sample captures and their sidecars.
#
#   sudo bash captures/talk/generate.sh
#
# Needs root (tcpdump, SIPp RTP playback, network namespaces, nftables) and
# the Debian packages sip-tester tcpdump tshark wireshark-common espeak-ng
# sox python3 iproute2 nftables coreutils.
# Speech is synthesised with espeak-ng (fixed voices and phrases), laid out
# and encoded to G.711 by talk.py (sox), and sent as real RTP by a SIPp UAC
# (caller) and a SIPp UAS (agent): SIPp's rtp_stream action, or
# play_pcap_audio of a pcap written by talk.py when the caller needs
# RFC 4733 events or jitter. The talk calls run on 127.0.0.1 (tcpdump -i lo);
# the impaired call runs between two network namespaces routed through a
# third one (caller 10.77.1.1 -- router -- 10.77.2.1 agent, veth pairs) whose
# nftables forward hook randomly drops the caller's RTP; the capture is taken
# in the agent's namespace, after the drop.
# Every SIPp run is bounded (-m 1, timeout) and reads no stdin.
# Takes about 2-3 minutes; prints a summary at the end.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib.sh
source "$HERE/../lib.sh"
SCEN=$HERE/scenarios
SIPP_TIMEOUT=90          # hard limit per SIPp process, seconds
NS_CALLER=callscope-talk-caller
NS_AGENT=callscope-talk-agent
NS_NET=callscope-talk-net
MAX_PCAP=$((1536 * 1024))  # 1.5 MB per capture

# ---------------------------------------------------------------- checks
[[ $(id -u) -eq 0 ]] || die "must run as root (tcpdump, SIPp RTP, netns, nft): sudo bash $0"
missing=""
for t in sipp:sip-tester tcpdump:tcpdump tshark:tshark capinfos:wireshark-common \
         espeak-ng:espeak-ng sox:sox python3:python3 ip:iproute2 ss:iproute2 nft:nftables \
         timeout:coreutils; do
    if ! command -v "${t%%:*}" >/dev/null 2>&1 && [[ " $missing " != *" ${t#*:} "* ]]; then
        missing+=" ${t#*:}"
    fi
done
[[ -z $missing ]] || die "missing tools; install them with: apt-get install -y$missing"

WORK=$(mktemp -d /tmp/callscope-talk.XXXXXX)
LOGS=$WORK/logs
OUT=$WORK/out
mkdir -p "$LOGS" "$OUT"
TD_PID=""
UAS_PIDS=()
cleanup() {
    local p
    for p in $TD_PID "${UAS_PIDS[@]}"; do
        kill "$p" 2>/dev/null || true
    done
    ip netns del "$NS_CALLER" 2>/dev/null || true
    ip netns del "$NS_AGENT" 2>/dev/null || true
    ip netns del "$NS_NET" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# ---------------------------------------------------------------- helpers
# (die, csv, cap_start, cap_stop and uas_wait are in captures/lib.sh; render, wait_port,
# uas, uac, sip_count, rtp_streams, check_flow and check_streams in talk-lib.sh)
# NS_CAP / NS_UAS / NS_UAC: command prefix to run tcpdump / the UAS / the UAC
# in a network namespace (empty: the host's)
NS_CAP=()
NS_UAS=()
NS_UAC=()

# shellcheck source=talk-lib.sh
source "$HERE/talk-lib.sh"

MEDIA_BPF="udp and (port 5060 or port 5061 or portrange 16000-16399)"

# talk_call NAME CODEC PT CALLER-MODE FROM TO: one call on 127.0.0.1
#   SIP: UAS 127.0.0.1:5060, UAC 127.0.0.1:5061; RTP: caller 16000, agent 16100
talk_call() {
    local name=$1 codec=$2 pt=$3 mode=$4 ms play media
    ms=$(python3 "$HERE/talk.py" prepare "$name" "$WORK") || die "talk.py prepare $name failed"
    if [[ $mode == pcap ]]; then
        play="play_pcap_audio=\"$WORK/$name.caller.pcap\""
        media=media_port
    else
        play="rtp_stream=\"$WORK/$name.caller.g711,1,$pt\""
        media=rtpstream_audio_port
    fi
    render uac-talk.xml "$WORK/uac-$name.xml" "$codec" "$pt" "$media" "$play" $((ms + 300))
    render uas-talk.xml "$WORK/uas-$name.xml" "$codec" "$pt" - "rtp_stream=\"$WORK/$name.agent.g711,1,$pt\""
    csv "$name" "$5;$6;"
    cap_start "$name" lo "$MEDIA_BPF"
    uas 127.0.0.1 5060 -sf "$WORK/uas-$name.xml" -mp 16100 -m 1
    uac 127.0.0.1:5060 127.0.0.1 5061 -sf "$WORK/uac-$name.xml" -inf "$WORK/$name.csv" -mp 16000 \
        -m 1 -cid_str "$name-%u-%p@%s"
    uas_wait
    cap_stop
    python3 "$HERE/talk.py" truth "$name" "$WORK/$name.pcap" "$WORK" "$OUT" || die "talk.py truth $name failed"
    mv "$WORK/$name.pcap" "$OUT/"
}

# ================================================================ talk calls
echo "== talk-inbound: PCMU, caller asks, agent answers at length, 1 s overlap, 3 s dead air, caller BYE"
talk_call talk-inbound PCMU 0 rtp_stream "+14155550123" "18005550199"

echo "== talk-pcma: PCMA, agent-dominated renewal call with a backchannel overlap"
talk_call talk-pcma PCMA 8 rtp_stream "+441632960123" "+442079460500"

echo "== talk-dtmf: PCMU + RFC 4733 telephone-event: IVR prompt, caller keys 4471#, then speech"
talk_call talk-dtmf PCMU 0 pcap "+15125550187" "18005550111"

# ================================================================ impaired call
echo "== rtp-impaired: PCMU both ways between two namespaces; caller's RTP: nft random drop + jitter"
ms=$(python3 "$HERE/talk.py" prepare rtp-impaired "$WORK") || die "talk.py prepare rtp-impaired failed"
render uac-talk.xml "$WORK/uac-rtp-impaired.xml" PCMU 0 media_port \
    "play_pcap_audio=\"$WORK/rtp-impaired.caller.pcap\"" $((ms + 300))
render uas-talk.xml "$WORK/uas-rtp-impaired.xml" PCMU 0 - "rtp_stream=\"$WORK/rtp-impaired.agent.g711,1,0\""
csv rtp-impaired "+12025550143;+12025550100;"
protect=$(python3 -c 'import json,sys; print(", ".join(map(str, json.load(open(sys.argv[1]))["protect_seqs"])))' \
          "$WORK/rtp-impaired.caller.pcap.json")

netns_up() {
    local ns
    for ns in "$NS_CALLER" "$NS_NET" "$NS_AGENT"; do
        ip netns del "$ns" 2>/dev/null || true
        ip netns add "$ns"
        ip -n "$ns" link set lo up
    done
    # caller 10.77.1.1 -- 10.77.1.254 [router] 10.77.2.254 -- 10.77.2.1 agent
    ip link add cstalk-c netns "$NS_CALLER" type veth peer name cstalk-nc netns "$NS_NET"
    ip link add cstalk-a netns "$NS_AGENT" type veth peer name cstalk-na netns "$NS_NET"
    ip -n "$NS_CALLER" addr add 10.77.1.1/24 dev cstalk-c
    ip -n "$NS_NET" addr add 10.77.1.254/24 dev cstalk-nc
    ip -n "$NS_NET" addr add 10.77.2.254/24 dev cstalk-na
    ip -n "$NS_AGENT" addr add 10.77.2.1/24 dev cstalk-a
    ip -n "$NS_CALLER" link set cstalk-c up
    ip -n "$NS_NET" link set cstalk-nc up
    ip -n "$NS_NET" link set cstalk-na up
    ip -n "$NS_AGENT" link set cstalk-a up
    ip -n "$NS_CALLER" route add default via 10.77.1.254
    ip -n "$NS_AGENT" route add default via 10.77.2.254
    ip netns exec "$NS_NET" sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward'
    # the drop point: the router's forward hook, caller's RTP towards the
    # agent (a drop in the sender's own output hook would fail its sendto and
    # stop SIPp's playback). The first/last packets and the reordered and
    # duplicated ones are spared so that the loss count is exact and the
    # reorders/duplicates survive.
    ip netns exec "$NS_NET" nft -f - <<EOF
table inet callscope_impair {
    chain impair {
        type filter hook forward priority 0; policy accept;
        ip daddr 10.77.2.1 udp dport 16100 @th,80,16 { $protect } accept
        ip daddr 10.77.2.1 udp dport 16100 numgen random mod 100 < 4 counter drop
    }
}
EOF
}

NS_CAP=(ip netns exec "$NS_AGENT")
NS_UAS=(ip netns exec "$NS_AGENT")
NS_UAC=(ip netns exec "$NS_CALLER")
ok=""
for attempt in 1 2 3 4 5; do
    netns_up
    cap_start rtp-impaired cstalk-a "udp and (port 5060 or port 5061 or portrange 16000-16399)"
    uas 10.77.2.1 5060 -sf "$WORK/uas-rtp-impaired.xml" -mp 16100 -m 1
    uac 10.77.2.1:5060 10.77.1.1 5061 -sf "$WORK/uac-rtp-impaired.xml" -inf "$WORK/rtp-impaired.csv" \
        -mp 16000 -m 1 -cid_str "rtp-impaired-%u-%p@%s"
    uas_wait
    cap_stop
    drops=$(ip netns exec "$NS_NET" nft list chain inet callscope_impair impair | sed -n 's/.*counter packets \([0-9]*\).*/\1/p')
    read -r loss late dups < <(python3 "$HERE/talk.py" impaired "$WORK/rtp-impaired.pcap" "$WORK" "$OUT")
    echo "   attempt $attempt: nft dropped $drops, capture: loss $loss %, $late late, $dups duplicated"
    if python3 -c "import sys; l=float(sys.argv[1]); sys.exit(0 if 3.0 <= l <= 5.0 else 1)" "$loss" \
        && ((late >= 2 && dups >= 1)); then
        ok=1
        break
    fi
done
[[ -n $ok ]] || echo "   warning: loss/reorder/duplicate targets not met, keeping the last attempt" >&2
ip netns del "$NS_CALLER"
ip netns del "$NS_NET"
ip netns del "$NS_AGENT"
NS_CAP=(); NS_UAS=(); NS_UAC=()
mv "$WORK/rtp-impaired.pcap" "$OUT/"

# ================================================================ checks + install
echo "== sanity checks"
for c in talk-inbound talk-pcma talk-dtmf rtp-impaired; do
    check_flow "$OUT/$c.pcap"
    size=$(stat -c %s "$OUT/$c.pcap")
    ((size < MAX_PCAP)) || die "$c.pcap is $size bytes (limit 1.5 MB)"
done
check_streams "$OUT/talk-inbound.pcap" 0
check_streams "$OUT/talk-pcma.pcap" 8
check_streams "$OUT/talk-dtmf.pcap" 0 101
check_streams "$OUT/rtp-impaired.pcap" 0
[[ $(tshark -n -r "$OUT/talk-dtmf.pcap" -Y "rtpevent && rtp.marker == 1" -T fields \
     -e rtpevent.event_id 2>/dev/null | xargs) == "4 4 7 1 11" ]] || die "talk-dtmf: digits are not 4471#"

# The WAVs are named by their call's Call-ID (which holds SIPp's pid): drop the previous run's.
rm -f "$HERE"/talk-*.wav
for f in "$OUT"/*.pcap "$OUT"/*.wav "$OUT"/*.json; do
    install -m 0644 "$f" "$HERE/$(basename "$f")"
done
for c in talk-inbound talk-pcma talk-dtmf; do
    rtp_streams "$HERE/$c.pcap" >"$HERE/$c.rtp-streams.txt"
done
rtp_streams "$HERE/rtp-impaired.pcap" >"$HERE/rtp-impaired.expected.txt"
chmod 0644 "$HERE"/*.txt

echo "== done"
for c in talk-inbound talk-pcma talk-dtmf rtp-impaired; do
    printf '%-18s %5s packets %8s bytes  call-id %s\n' "$c.pcap" \
        "$(capinfos -c -M "$HERE/$c.pcap" | sed -n 's/^Number of packets: *//p')" \
        "$(stat -c %s "$HERE/$c.pcap")" \
        "$(tshark -n -r "$HERE/$c.pcap" -d udp.port==5061,sip -Y 'sip.Method == "INVITE"' -T fields -e sip.Call-ID 2>/dev/null | head -1)"
done
for c in talk-inbound talk-pcma talk-dtmf; do
    python3 - "$HERE/$c.expected.json" <<'EOF'
import json, os, sys
t = json.load(open(sys.argv[1]))
print(f"{os.path.basename(sys.argv[1])}: caller {t['caller_talk_s']} s, agent {t['agent_talk_s']} s, "
      f"overtalk {t['overtalk_s']} s, agent_share {t['agent_share']}"
      + (f", dtmf {''.join(d['digit'] for d in t['dtmf'])}" if 'dtmf' in t else ""))
EOF
done
cat "$HERE/rtp-impaired.expected.txt"

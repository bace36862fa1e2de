#!/usr/bin/env bash
# Regenerate captures/talk/rtp-timestamp-reset.pcap and its sidecars.
#
#   sudo bash captures/talk/generate-timestamp-reset.sh
#
# Needs root (tcpdump, SIPp RTP playback, a network namespace) and the Debian packages
# sip-tester tcpdump tshark python3 iproute2 coreutils. One PCMU call on 127.0.0.1 between a
# SIPp UAC (caller, 127.0.0.1:5061, RTP 16000) and a SIPp UAS (agent, 127.0.0.1:5060, RTP
# 16100), captured with tcpdump -i lo, in a network namespace of the script's own. The caller
# plays (play_pcap_audio) 6 s of talk-inbound.pcap's caller RTP whose timestamp field restarts
# twice mid-stream while the sequence numbers go on (restamp.py: +40 s from the 101st packet,
# 25 s behind the original from the 201st); the agent streams the same call's agent audio
# (rtp_stream). Takes about 15 s.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib.sh
source "$HERE/../lib.sh"
# shellcheck source=talk-lib.sh
source "$HERE/talk-lib.sh"
SCEN=$HERE/scenarios
SIPP_TIMEOUT=60
NAME=rtp-timestamp-reset

[[ $(id -u) -eq 0 ]] || die "must run as root (tcpdump, SIPp RTP): sudo bash $0"
for t in sipp tcpdump tshark python3 ss ip timeout; do
    command -v "$t" >/dev/null 2>&1 || die "missing $t (apt-get install -y sip-tester tcpdump tshark python3 iproute2 coreutils)"
done

WORK=$(mktemp -d /tmp/callscope-reset.XXXXXX)
LOGS=$WORK/logs
mkdir -p "$LOGS"
TD_PID=""
UAS_PIDS=()
# a network namespace of its own: its 127.0.0.1 clashes with no other SIPp run on the host
NS=callscope-tsreset
NS_CAP=(ip netns exec "$NS"); NS_UAS=(ip netns exec "$NS"); NS_UAC=(ip netns exec "$NS")
cleanup() {
    local p
    for p in $TD_PID "${UAS_PIDS[@]}"; do
        kill "$p" 2>/dev/null || true
    done
    ip netns del "$NS" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
ip netns del "$NS" 2>/dev/null || true
ip netns add "$NS"
ip -n "$NS" link set lo up

ms=$(python3 "$HERE/restamp.py" media "$HERE/talk-inbound.pcap" "$WORK") || die "restamp.py failed"
render uac-talk.xml "$WORK/uac.xml" PCMU 0 media_port "play_pcap_audio=\"$WORK/reset.caller.pcap\"" $((ms + 300))
render uas-talk.xml "$WORK/uas.xml" PCMU 0 - "rtp_stream=\"$WORK/reset.agent.g711,1,0\""
csv "$NAME" "+14155550123;18005550199;"

cap_start "$NAME" lo "udp and (port 5060 or port 5061 or portrange 16000-16399)"
uas 127.0.0.1 5060 -sf "$WORK/uas.xml" -mp 16100 -m 1
uac 127.0.0.1:5060 127.0.0.1 5061 -sf "$WORK/uac.xml" -inf "$WORK/$NAME.csv" -mp 16000 -m 1 \
    -cid_str "$NAME-%u-%p@%s"
uas_wait
cap_stop

check_flow "$WORK/$NAME.pcap"
check_streams "$WORK/$NAME.pcap" 0
install -m 0644 "$WORK/$NAME.pcap" "$HERE/$NAME.pcap"
install -m 0644 "$WORK/reset.caller.pcap.json" "$HERE/$NAME.expected.json"  # .expected.: a sidecar, not an input of `talk captures/talk/`
rtp_streams "$HERE/$NAME.pcap" >"$HERE/$NAME.rtp-streams.txt"
chmod 0644 "$HERE/$NAME.rtp-streams.txt"
echo "== $NAME.pcap: $(stat -c %s "$HERE/$NAME.pcap") bytes"
cat "$HERE/$NAME.rtp-streams.txt"

#!/usr/bin/env bash
# Regenerate the captures of captures/clock/ from one real answered SIPp call on 127.0.0.1,
# captured with tcpdump:
#   clock-step-back.pcap  the capture clock steps back 60 s at the BYE (as a capture box whose
#                         clock an NTP or manual correction sets back mid-call writes it)
#   call-2042.pcap        the same call moved to 2042 (classic pcap: seconds past 2^31)
#   call-2121.pcapng      the same call moved to 2121 in pcapng (seconds past 2^32)
#
#   sudo bash captures/clock/generate.sh
#
# Needs root (tcpdump on lo, SIPp RTP playback) and the Debian packages sip-tester, tcpdump,
# tshark and wireshark-common (editcap, mergecap). The step is made with Wireshark's own tools:
# the packets from the BYE on are cut out with `editcap -r`, shifted with `editcap -t -60` and
# appended unsorted with `mergecap -a`. Only SIP (ports 5060/5061) is captured, so the file is
# a few KB; the RTP SIPp plays is not in it.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib.sh
source "$HERE/../lib.sh"
SCEN=$HERE/../scenarios
STEP_BACK=-60            # seconds added to the BYE and every packet after it

[[ $(id -u) -eq 0 ]] || die "must run as root (tcpdump, SIPp RTP playback): sudo $0"
for t in sipp tcpdump tshark editcap mergecap; do
    command -v "$t" >/dev/null 2>&1 || die "missing $t: apt-get install -y sip-tester tcpdump tshark wireshark-common"
done

work_start callscope-clock

echo "== one answered call, caller hangs up after ~2 s (UDP 5060/5061)"
csv clock "+442079460777;+15551230777;"
cap_start clock lo "udp and (port 5060 or port 5061)"
(cd "$LOGS" && exec timeout 40 sipp -i 127.0.0.1 -mi 127.0.0.1 -p 5060 -nostdin -trace_err \
    -sf "$SCEN/uas-answer.xml" -mp 16100 -m 1 </dev/null >>"$LOGS/sipp-uas.out" 2>&1) &
UAS_PIDS+=($!)
sleep 0.5
(cd "$LOGS" && exec timeout 40 sipp 127.0.0.1:5060 -i 127.0.0.1 -mi 127.0.0.1 -p 5061 -nostdin -trace_err \
    -sf "$SCEN/uac-call.xml" -inf "$WORK/clock.csv" -mp 16000 -m 1 -d 2000 -cid_str "clock-step-%u-%p@%s" \
    </dev/null >>"$LOGS/sipp-uac.out" 2>&1) || die "SIPp UAC failed"
uas_wait
cap_stop

echo "== the clock steps back ${STEP_BACK#-} s at the BYE"
total=$(tshark -r "$WORK/clock.pcap" -T fields -e frame.number 2>/dev/null | wc -l)
bye=$(tshark -r "$WORK/clock.pcap" -Y 'sip.Method == "BYE"' -T fields -e frame.number 2>/dev/null | head -1)
[[ -n $bye && $bye -gt 1 ]] || die "no BYE in the capture"
editcap -r "$WORK/clock.pcap" "$WORK/before.pcap" "1-$((bye - 1))"
editcap -r "$WORK/clock.pcap" "$WORK/after-raw.pcap" "$bye-$total"
editcap -t "$STEP_BACK" "$WORK/after-raw.pcap" "$WORK/after.pcap"
mergecap -a -F pcap -w "$WORK/clock-step-back.pcap" "$WORK/before.pcap" "$WORK/after.pcap"
cp "$WORK/clock-step-back.pcap" "$HERE/clock-step-back.pcap"
tshark -r "$HERE/clock-step-back.pcap" -T fields -e frame.number -e frame.time_epoch -e _ws.col.Info 2>/dev/null
echo "wrote $HERE/clock-step-back.pcap ($total packets, BYE = packet $bye)"

echo "== the call moved past 2038 (pcap) and past 2106 (pcapng)"
editcap -F pcap -t 500000000 "$WORK/clock.pcap" "$HERE/call-2042.pcap"
editcap -F pcapng -t 3000000000 "$WORK/clock.pcap" "$HERE/call-2121.pcapng"

echo "== frame-times.tsv: every frame's time as tshark reads it (the tests' reference)"
{
    printf 'file\tframe\ttime_epoch\n'
    for f in clock-step-back.pcap call-2042.pcap call-2121.pcapng; do
        tshark -r "$HERE/$f" -T fields -e frame.number -e frame.time_epoch 2>/dev/null | sed "s/^/$f\t/"
    done
} >"$HERE/frame-times.tsv"
cat "$HERE/frame-times.tsv"

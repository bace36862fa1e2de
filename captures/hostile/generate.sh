#!/usr/bin/env bash
# Regenerate the hostile captures: real SIPp calls on 127.0.0.1 with what an attacker controls.
#   hostile-udp.pcap    caller IDs and display names written by an attacker (terminal escapes,
#                       spreadsheet formulas, a right-to-left override, HTML in a quoted display
#                       name); the tests check that no output format passes them on unescaped
#                       (README "Security model").
#   rtp-jumps-udp.pcap  one answered call whose caller RTP jumps its timestamp forward by about
#                       2^31 every 20 packets (rtp-jumps.py rewrites SIPp's media file); talk
#                       analysis once died on it with an arithmetic overflow.
#
#   sudo captures/hostile/generate.sh
#
# Needs root (tcpdump on lo, SIPp RTP playback) and the Debian packages sip-tester, tcpdump,
# python3 and iproute2 (ss).
# Every SIPp run is bounded (-m N, timeout) and reads no stdin. Takes about 15 s.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CAPTURES=$(cd "$HERE/.." && pwd)
# shellcheck source=../lib.sh
source "$CAPTURES/lib.sh"
SCEN=$CAPTURES/scenarios
SIPP_TIMEOUT=40

[[ $(id -u) -eq 0 ]] || die "must run as root (tcpdump): sudo $0"
for t in sipp tcpdump ss timeout; do command -v "$t" >/dev/null || die "missing $t (apt-get install sip-tester tcpdump iproute2)"; done

work_start callscope-hostile

# One call per line of the injection file (field0 = From user, field1 = dialled, field2 = an
# extra header). SIPp's fields are ';'-separated, so a ';' inside a value is written %3B; the
# URI user part is percent-decoded by callscope as RFC 3261 §19.1.2 says.
#  1. OSC 0 (retitle the terminal) + SGR 31 (red) in the caller number
#  2. a spreadsheet formula as the caller number
#  3. a right-to-left override (U+202E) before the number
#  4. HTML, with '<' and '>', in the quoted display name of P-Asserted-Identity (RFC 3261 §25.1)
#  5. '@' and tab-led formulas
csv hostile \
    '%1B]0%3Bpwned%07%1B[31m+447700900001;+442079460100;' \
    '=HYPERLINK(%22http%3A//x.example/%22)*cmd|%27 /C calc%27!A0;+442079460100;' \
    '%E2%80%AE+447700900003;+442079460100;' \
    'anonymous;+442079460100;P-Asserted-Identity: "<b>x</b> <img src=x onerror=alert(1)>" <sip:+447700900004@127.0.0.1>' \
    '%40SUM(1+1);%09=2+5;'

cap_start hostile-udp lo "udp and (port 5060 or port 5061 or portrange 16000-16399)"
(cd "$LOGS" && exec timeout "$SIPP_TIMEOUT" sipp -i 127.0.0.1 -mi 127.0.0.1 -p 5060 -nostdin -trace_err \
    -sf "$SCEN/uas-answer.xml" -mp 16100 -m 5 </dev/null >>"$LOGS/sipp-uas.out" 2>&1) &
UAS_PIDS+=($!)
ns_wait_port udp 5060
(cd "$LOGS" && exec timeout "$SIPP_TIMEOUT" sipp 127.0.0.1:5060 -i 127.0.0.1 -mi 127.0.0.1 -p 5061 -nostdin -trace_err \
    -sf "$SCEN/uac-call.xml" -inf "$WORK/hostile.csv" -mp 16000 -m 5 -l 1 -d 500 -cid_str "hostile-%u-%p@%s" \
    </dev/null >>"$LOGS/sipp-uac.out" 2>&1) || die "SIPp UAC failed"
uas_wait
cap_stop

python3 "$HERE/rtp-jumps.py" /usr/share/sip-tester/g711a.pcap "$LOGS/rtp-jumps-media.pcap"
csv jumps '+447700900010;+442079460100;'
cap_start rtp-jumps-udp lo "udp and (port 5060 or port 5061 or portrange 16000-16399)"
(cd "$LOGS" && exec timeout "$SIPP_TIMEOUT" sipp -i 127.0.0.1 -mi 127.0.0.1 -p 5060 -nostdin -trace_err \
    -sf "$SCEN/uas-answer.xml" -mp 16100 -m 1 </dev/null >>"$LOGS/sipp-uas.out" 2>&1) &
UAS_PIDS+=($!)
ns_wait_port udp 5060
(cd "$LOGS" && exec timeout "$SIPP_TIMEOUT" sipp 127.0.0.1:5060 -i 127.0.0.1 -mi 127.0.0.1 -p 5061 -nostdin -trace_err \
    -sf "$HERE/uac-call-jumps.xml" -inf "$WORK/jumps.csv" -mp 16000 -m 1 -d 5500 -cid_str "rtp-jumps-%u-%p@%s" \
    </dev/null >>"$LOGS/sipp-uac.out" 2>&1) || die "SIPp UAC (RTP jumps) failed"
uas_wait
cap_stop

for name in hostile-udp rtp-jumps-udp; do
    cp "$WORK/$name.pcap" "$HERE/$name.pcap"
    echo "wrote $HERE/$name.pcap ($(stat -c %s "$HERE/$name.pcap") bytes)"
done

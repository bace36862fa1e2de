#!/usr/bin/env bash
# Regenerate captures/hostile/html-names-udp.pcap: five SIPp calls on 127.0.0.1 to the site's
# number, each left unanswered (480, so each is a lost call the report lists), whose caller IDs
# an attacker wrote to attack a web page (README "HTML report", "Security model"):
#  1. <script>alert(1)</script> as the From display name and, percent-encoded, the From user
#  2. "><img src=x onerror=alert(1)> (an attribute break-out) in both
#  3. a right-to-left override (U+202E) before the number, in both
#  4. a javascript: URL as the caller (':' percent-encoded in the From user)
#  5. a 10 KB From user and display name
# The From user is percent-decoded by callscope (RFC 3261 §19.1.2), so these reach the caller
# field; the tests check the HTML report holds them only escaped.
#
#   sudo captures/hostile/generate-html.sh
#
# Needs root (tcpdump on lo) and the Debian packages sip-tester, tcpdump and iproute2 (ss).
# Only SIP is captured (no RTP), so the file stays small. Takes about 10 s.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CAPTURES=$(cd "$HERE/.." && pwd)
# shellcheck source=../lib.sh
source "$CAPTURES/lib.sh"
SCEN=$CAPTURES/scenarios
SIPP_TIMEOUT=40

[[ $(id -u) -eq 0 ]] || die "must run as root (tcpdump): sudo $0"
for t in sipp tcpdump ss timeout python3; do command -v "$t" >/dev/null || die "missing $t (apt-get install sip-tester tcpdump iproute2 python3)"; done

work_start callscope-hostile-html

# field0 = From user, field1 = dialled, field2 = From display name as on the wire (a quoted
# string: '"' inside it is written \" as RFC 3261 §25.1 says).
LONG=$(python3 -c 'print("X" * 10240)')
csv html \
    '%3Cscript%3Ealert(1)%3C/script%3E;+442079460100;"<script>alert(1)</script>"' \
    '%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E;+442079460100;"\"><img src=x onerror=alert(1)>"' \
    "%E2%80%AE+447700900003;+442079460100;\"$(printf '\u202e')evil\"" \
    'javascript%3Aalert(1);+442079460100;"javascript:alert(document.cookie)"' \
    "$LONG;+442079460100;\"$LONG\""

cap_start html-names-udp lo "udp and (port 5060 or port 5061)"
(cd "$LOGS" && exec timeout "$SIPP_TIMEOUT" sipp -i 127.0.0.1 -mi 127.0.0.1 -p 5060 -nostdin -trace_err \
    -sf "$SCEN/uas-480.xml" -m 5 </dev/null >>"$LOGS/sipp-uas.out" 2>&1) &
UAS_PIDS+=($!)
ns_wait_port udp 5060
(cd "$LOGS" && exec timeout "$SIPP_TIMEOUT" sipp 127.0.0.1:5060 -i 127.0.0.1 -mi 127.0.0.1 -p 5061 -nostdin -trace_err \
    -sf "$HERE/uac-reject-display.xml" -inf "$WORK/html.csv" -mp 16000 -m 5 -l 1 -cid_str "html-%u-%p@%s" \
    </dev/null >>"$LOGS/sipp-uac.out" 2>&1) || die "SIPp UAC failed"
uas_wait
cap_stop

cp "$WORK/html-names-udp.pcap" "$HERE/html-names-udp.pcap"
echo "wrote $HERE/html-names-udp.pcap ($(stat -c %s "$HERE/html-names-udp.pcap") bytes)"

#!/usr/bin/env bash
# Regenerate callscope's sample captures and their expected-result sidecars.
#
#   sudo captures/generate.sh
#
# Needs root (tcpdump on lo/any, SIPp raw-socket RTP playback) and the Debian
# packages sip-tester, tcpdump, tshark (+ wireshark-common for editcap and
# capinfos), python3, iproute2 (ss) and coreutils (timeout).
# All traffic is real SIPp UAC <-> SIPp UAS traffic on 127.0.0.1, captured
# with tcpdump; every SIPp run is bounded (-m N, timeout) and reads no stdin.
# Takes well under a minute; prints a summary at the end.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$HERE/lib.sh"
SCEN=$HERE/scenarios
AUDIO=/usr/share/sip-tester/g711a.pcap
SIPP_TIMEOUT=40          # hard limit per SIPp process, seconds

# ---------------------------------------------------------------- checks
[[ $(id -u) -eq 0 ]] || die "must run as root (tcpdump, SIPp RTP playback): sudo $0"
missing=""
for t in sipp:sip-tester tcpdump:tcpdump tshark:tshark editcap:wireshark-common \
         capinfos:wireshark-common python3:python3 ss:iproute2 timeout:coreutils; do
    if ! command -v "${t%%:*}" >/dev/null 2>&1 && [[ " $missing " != *" ${t#*:} "* ]]; then
        missing+=" ${t#*:}"
    fi
done
[[ -r $AUDIO || " $missing " == *" sip-tester "* ]] || missing+=" sip-tester"
[[ -z $missing ]] || die "missing tools; install them with: apt-get install -y$missing"

WORK=$(mktemp -d /tmp/callscope-captures.XXXXXX)
LOGS=$WORK/logs
mkdir -p "$LOGS"
TD_PID=""
UAS_PIDS=()
BG_PIDS=()
cleanup() {
    local p
    for p in $TD_PID "${UAS_PIDS[@]}" "${BG_PIDS[@]}"; do
        kill "$p" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

# ---------------------------------------------------------------- helpers
# (die, csv, cap_start, cap_stop and uas_wait are in captures/lib.sh)

# wait_port udp|tcp PORT: until a socket is bound/listening on PORT
wait_port() {
    local i
    for i in $(seq 50); do
        ss -Hln"${1:0:1}" "( sport = :$2 )" 2>/dev/null | grep -q . && return 0
        sleep 0.1
    done
    die "nothing listening on $1 port $2"
}

# uas udp|tcp PORT SIPP-ARGS...: start a SIPp UAS in the background
uas() {
    local proto=$1 port=$2; shift 2
    (cd "$LOGS" && exec timeout "$SIPP_TIMEOUT" sipp -i 127.0.0.1 -mi 127.0.0.1 -p "$port" \
        -nostdin -trace_err "$@" </dev/null >>"$LOGS/sipp-uas.out" 2>&1) &
    UAS_PIDS+=($!)
    wait_port "$proto" "$port"
}

# uac REMOTE_PORT LOCAL_PORT SIPP-ARGS...: run a SIPp UAC to completion
uac() {
    local rport=$1 lport=$2; shift 2
    (cd "$LOGS" && exec timeout "$SIPP_TIMEOUT" sipp "127.0.0.1:$rport" -i 127.0.0.1 -mi 127.0.0.1 \
        -p "$lport" -nostdin -trace_err "$@" </dev/null >>"$LOGS/sipp-uac.out" 2>&1) \
        || die "SIPp UAC $* failed (exit $?)"
}

# sip_count FILE DISPLAY-FILTER: number of SIP messages matching
sip_count() {
    tshark -n -r "$1" -d udp.port==5060-5099,sip -d tcp.port==5060-5099,sip \
        -Y "$2" -T fields -e frame.number 2>/dev/null | wc -l
}

MEDIA="portrange 16000-16399"
UDP_A="udp and (port 5060 or port 5061 or $MEDIA)"

# ================================================================ captures
echo "== answered-udp: 2 answered calls (caller BYE, Q.850 16) + 1 answered call (callee BYE), RTP both ways"
csv answered "+44-20-7946.0001;+15551230001;" "02079460002;+4930123456;"
csv answered-bye '+33142685300;P-Asserted-Identity: "Paris Office" <tel:+33142685300>'
cap_start answered-udp lo "udp and (port 5060 or port 5061 or port 5080 or port 5090 or $MEDIA)"
uas udp 5060 -sf "$SCEN/uas-answer.xml" -mp 16100 -m 2
uac 5060 5061 -sf "$SCEN/uac-call.xml" -inf "$WORK/answered.csv" -mp 16000 \
    -m 2 -l 1 -d 2000 -cid_str "answered-%u-%p@%s"
uas_wait
uas udp 5080 -sf "$SCEN/uas-answer-bye.xml" -mp 16300 -m 1 -d 1500
uac 5080 5090 -sf "$SCEN/uac-callee-bye.xml" -inf "$WORK/answered-bye.csv" -s 0612345678 -mp 16200 \
    -m 1 -cid_str "answered-callee-bye-%u-%p@%s"
uas_wait
cap_stop

echo "== failures-udp: 486, 480, 603 (100+180+final), 503 with Q.850 34 and 404 (100+final)"
cap_start failures-udp lo "udp and (port 5060 or port 5061)"
fail() {  # fail NAME UAS-SCENARIO CSV-LINE
    csv "$1" "$3"
    uas udp 5060 -sf "$SCEN/$2" -m 1
    uac 5060 5061 -sf "$SCEN/uac-reject.xml" -inf "$WORK/$1.csv" -m 1 -mp 16000 -cid_str "$1-%u-%p@%s"
    uas_wait
}
fail busy-486       uas-486.xml "+4916012345678;+4989123456;"
fail noanswer-480   uas-480.xml "0301234567;+14155550123;"
fail congestion-503 uas-503.xml "+15551230003;+61212345678;P-Asserted-Identity: <sip:+15551230003@127.0.0.1>"
fail notfound-404   uas-404.xml "+15551230004;999000;"
fail decline-603    uas-603.xml "+390612345678;+34911234567;"
cap_stop

echo "== cancel-udp: caller cancels while ringing (CANCEL, 200, 487, ACK)"
csv cancel "+1-212-555-0147;02079460099;"
cap_start cancel-udp lo "udp and (port 5060 or port 5061)"
uas udp 5060 -sf "$SCEN/uas-ring-cancel.xml" -m 1
uac 5060 5061 -sf "$SCEN/uac-cancel.xml" -inf "$WORK/cancel.csv" -m 1 -mp 16000 -cid_str "cancel-%u-%p@%s"
uas_wait
cap_stop

echo "== auth-407-udp: INVITE, 407, ACK, INVITE with Proxy-Authorization, answered, BYE (ports 5070/5071)"
csv auth "+46812345678;+4721234567;"
cap_start auth-407-udp lo "udp and (port 5070 or port 5071)"
uas udp 5070 -sf "$SCEN/uas-auth-407.xml" -m 1
uac 5070 5071 -sf "$SCEN/uac-auth.xml" -inf "$WORK/auth.csv" -au "+46812345678" -ap "s3cret" \
    -m 1 -d 1000 -mp 16000 -cid_str "auth-%u-%p@%s"
uas_wait
cap_stop

echo "== hold-udp: answered, hold (a=sendonly) 1 s, resume (a=sendrecv), BYE (ports 5080/5090)"
csv hold "+61298765432;+81312345678;"
cap_start hold-udp lo "udp and (port 5080 or port 5090)"
uas udp 5080 -sf "$SCEN/uas-hold.xml" -m 1
uac 5080 5090 -sf "$SCEN/uac-hold.xml" -inf "$WORK/hold.csv" -m 1 -mp 16000 -cid_str "hold-%u-%p@%s"
uas_wait
cap_stop

echo "== diversion-udp: Diversion header, P-Asserted-Identity differs from From (ports 5060/5062)"
csv diversion "+14155550100;+15550002222;P-Asserted-Identity: <sip:+14155550199@127.0.0.1>"
cap_start diversion-udp lo "udp and (port 5060 or port 5062 or $MEDIA)"
uas udp 5060 -sf "$SCEN/uas-answer.xml" -mp 16100 -m 1
uac 5060 5062 -sf "$SCEN/uac-diversion.xml" -inf "$WORK/diversion.csv" \
    -m 1 -d 1000 -mp 16000 -cid_str "diversion-%u-%p@%s"
uas_wait
cap_stop

echo "== retransmission-udp: UAS silent for 700 ms, UAC retransmits the INVITE at T1 (500 ms)"
csv retrans "+4915112345678;+15551239999;"
cap_start retransmission-udp lo "$UDP_A"
uas udp 5060 -sf "$SCEN/uas-answer-late.xml" -mp 16100 -m 1
uac 5060 5061 -sf "$SCEN/uac-call.xml" -inf "$WORK/retrans.csv" \
    -m 1 -d 1000 -mp 16000 -cid_str "retrans-%u-%p@%s"
uas_wait
cap_stop

echo "== tcp-calls: answered call (TCP 5060) and 486 Busy Here (TCP 5072)"
csv tcp-answered "+441614960000;+442079460123;"
csv tcp-busy "+33612345678;+33198765432;"
cap_start tcp-calls lo "(tcp and (port 5060 or port 5072)) or (udp and $MEDIA)"
uas tcp 5060 -t t1 -sf "$SCEN/uas-answer.xml" -mp 16100 -m 1
uac 5060 5061 -t t1 -sf "$SCEN/uac-call.xml" -inf "$WORK/tcp-answered.csv" \
    -m 1 -d 1500 -mp 16000 -cid_str "tcp-answered-%u-%p@%s"
uas_wait
uas tcp 5072 -t t1 -sf "$SCEN/uas-486.xml" -m 1
uac 5072 5073 -t t1 -sf "$SCEN/uac-reject.xml" -inf "$WORK/tcp-busy.csv" -m 1 -mp 16000 \
    -cid_str "tcp-busy-%u-%p@%s"
uas_wait
cap_stop

echo "== sll-any: answered call captured with tcpdump -i any (Linux cooked capture)"
csv sll "+4930901820;+4940123456;"
cap_start sll-any any "$UDP_A"
uas udp 5060 -sf "$SCEN/uas-answer.xml" -mp 16100 -m 1
uac 5060 5061 -sf "$SCEN/uac-call.xml" -inf "$WORK/sll.csv" \
    -m 1 -d 1000 -mp 16000 -cid_str "sll-%u-%p@%s"
uas_wait
cap_stop

echo "== truncated-udp: capture stops after 200/ACK, before the BYE"
csv truncated "+31201234567;+3215123456;"
cap_start truncated-udp lo "$UDP_A"
uas udp 5060 -sf "$SCEN/uas-answer.xml" -mp 16100 -m 1
uac 5060 5061 -sf "$SCEN/uac-call.xml" -inf "$WORK/truncated.csv" \
    -m 1 -d 3000 -mp 16000 -cid_str "truncated-%u-%p@%s" &
BG_PIDS+=($!)
for i in $(seq 60); do   # wait until the ACK is in the capture file
    [[ $(sip_count "$WORK/truncated-udp.pcap" 'sip.Method == "ACK"') -ge 1 ]] && break
    sleep 0.1
done
sleep 0.3                # some RTP, then cut (the BYE comes ~2.5 s later)
kill -INT "$TD_PID"; wait "$TD_PID" || true; TD_PID=""
wait "${BG_PIDS[0]}" || die "truncated UAC failed"
BG_PIDS=()
uas_wait

echo "== b2bua-udp: caller -> B2BUA hop (same Call-ID, its own tags) -> callee; caller BYE in its own dialog"
csv b2bua "+4420794600777;+4930555777;"
cap_start b2bua-udp lo "udp and (port 5061 or port 5070 or port 5080 or $MEDIA)"
uas udp 5080 -sf "$SCEN/uas-answer.xml" -mp 16100 -m 1
uas udp 5070 -sf "$SCEN/b2bua-relay.xml" -m 1
uac 5070 5061 -sf "$SCEN/uac-call.xml" -inf "$WORK/b2bua.csv" \
    -m 1 -d 1000 -mp 16000 -cid_str "b2bua-%u-%p@%s"
uas_wait
cap_stop

echo "== parallel-udp: INVITE CSeq 1 rings, INVITE CSeq 2 sent beside it and cancelled, CSeq 1 answered"
csv parallel "+3225551234;+3227001234;"
cap_start parallel-udp lo "udp and (port 5060 or port 5061)"
uas udp 5060 -sf "$SCEN/uas-parallel.xml" -m 1
uac 5060 5061 -sf "$SCEN/uac-parallel.xml" -inf "$WORK/parallel.csv" -m 1 -d 1000 -mp 16000 \
    -cid_str "parallel-%u-%p@%s"
uas_wait
cap_stop

echo "== rotated-1/-2: one answered call split in two files in the middle of the call"
csv rotated "+15550100199;+15550100200;"
cap_start rotated-full lo "$UDP_A"
uas udp 5060 -sf "$SCEN/uas-answer.xml" -mp 16100 -m 1
uac 5060 5061 -sf "$SCEN/uac-call.xml" -inf "$WORK/rotated.csv" \
    -m 1 -d 1500 -mp 16000 -cid_str "rotated-%u-%p@%s"
uas_wait
cap_stop
total=$(tshark -n -r "$WORK/rotated-full.pcap" -T fields -e frame.number 2>/dev/null | wc -l)
editcap -c $(((total + 1) / 2)) "$WORK/rotated-full.pcap" "$WORK/rotated-split.pcap"
parts=("$WORK"/rotated-split_*.pcap)
((${#parts[@]} == 2)) || die "editcap produced ${#parts[@]} files"
mv "${parts[0]}" "$WORK/rotated-1.pcap"
mv "${parts[1]}" "$WORK/rotated-2.pcap"
rm -f "$WORK/rotated-full.pcap"

# ================================================================ checks
echo "== sanity checks"
W=$WORK
[[ $(sip_count "$W/truncated-udp.pcap" 'sip.Status-Code == 200 && sip.CSeq.method == "INVITE"') -ge 1 ]] || die "truncated: no 200"
[[ $(sip_count "$W/truncated-udp.pcap" 'sip.Method == "ACK"') -ge 1 ]] || die "truncated: no ACK"
[[ $(sip_count "$W/truncated-udp.pcap" 'sip.Method == "BYE"') -eq 0 ]] || die "truncated: BYE was captured"
[[ $(sip_count "$W/rotated-1.pcap" 'sip.Method == "INVITE"') -ge 1 ]] || die "rotated-1: no INVITE"
[[ $(sip_count "$W/rotated-1.pcap" 'sip.Method == "BYE"') -eq 0 ]] || die "rotated-1: has the BYE"
[[ $(sip_count "$W/rotated-2.pcap" 'sip.Method == "BYE"') -ge 1 ]] || die "rotated-2: no BYE"
capinfos -E "$W/sll-any.pcap" | grep -qi "linux cooked" || die "sll-any: not a Linux cooked capture"
# the retransmitted INVITE must repeat Call-ID, CSeq and Via branch exactly
inv=$(tshark -n -r "$W/retransmission-udp.pcap" -d udp.port==5060-5099,sip -Y 'sip.Method == "INVITE"' \
      -T fields -e sip.Call-ID -e sip.CSeq -e sip.Via.branch 2>/dev/null)
[[ $(wc -l <<<"$inv") -eq 2 && $(sort -u <<<"$inv" | wc -l) -eq 1 ]] \
    || die "retransmission: expected 2 identical INVITEs, got: $inv"
[[ $(sip_count "$W/tcp-calls.pcap" 'tcp && sip.Method == "BYE"') -eq 1 ]] || die "tcp-calls: no BYE over TCP"
# two INVITEs without To tag, CSeq 1 and 2, on two branches of one Call-ID; CSeq 2 cancelled
[[ $(sip_count "$W/parallel-udp.pcap" 'sip.Method == "INVITE" && !sip.to.tag') -eq 2 \
   && $(sip_count "$W/parallel-udp.pcap" 'sip.Method == "CANCEL" && sip.CSeq.seq == 2') -eq 1 ]] \
    || die "parallel: expected two tag-less INVITEs and a CANCEL of CSeq 2"
# the B2BUA answers the caller with its own To tag, not the callee's, under the same Call-ID
b2b=$(tshark -n -r "$W/b2bua-udp.pcap" -d udp.port==5060-5099,sip -Y 'sip.Status-Code == 200 && sip.CSeq.method == "INVITE"' \
      -T fields -e sip.Call-ID -e sip.to.tag 2>/dev/null)
[[ $(wc -l <<<"$b2b") -eq 2 && $(cut -f1 <<<"$b2b" | sort -u | wc -l) -eq 1 && $(cut -f2 <<<"$b2b" | sort -u | wc -l) -eq 2 ]] \
    || die "b2bua: expected two 200s with one Call-ID and two To tags, got: $b2b"

# ================================================================ sidecars + install
echo "== sidecars"
captures=(answered-udp failures-udp cancel-udp auth-407-udp hold-udp diversion-udp
          retransmission-udp tcp-calls sll-any truncated-udp b2bua-udp parallel-udp)
for c in "${captures[@]}"; do
    python3 "$HERE/expected.py" "$W/$c.pcap" >"$W/$c.expected.ndjson"
done
python3 "$HERE/expected.py" "$W/rotated-1.pcap" "$W/rotated-2.pcap" >"$W/rotated.expected.ndjson"

for f in "$W"/*.pcap; do
    size=$(stat -c %s "$f")
    ((size < 2 * 1024 * 1024)) || die "$(basename "$f") is $size bytes (limit 2 MB)"
done
for f in "$W"/*.pcap "$W"/*.expected.ndjson; do
    install -m 0644 "$f" "$HERE/$(basename "$f")"
done

echo "== done"
for c in "${captures[@]}" rotated-1 rotated-2; do
    printf '%-22s %6s packets %8s bytes  %s\n' "$c.pcap" \
        "$(tshark -n -r "$HERE/$c.pcap" -T fields -e frame.number 2>/dev/null | wc -l)" \
        "$(stat -c %s "$HERE/$c.pcap")" "$(capinfos -E "$HERE/$c.pcap" | sed -n 's/^File encapsulation: *//p')"
done
for s in "$HERE"/*.expected.ndjson; do
    python3 - "$s" <<'EOF'
import json, sys, os
rows = [json.loads(l) for l in open(sys.argv[1])]
print(f"{os.path.basename(sys.argv[1])}: " + ", ".join(
    f"{r['caller']}->{r['dialed']} {r['outcome']}({r['final_status']})" for r in rows))
EOF
done

# SIPp and tshark helpers of the speech/RTP sample generators (sourced, not run):
# captures/talk/generate.sh and captures/talk/generate-timestamp-reset.sh. They expect SCEN
# (scenario folder), LOGS, SIPP_TIMEOUT and the NS_UAS / NS_UAC arrays (command prefixes,
# empty for the host) to be set, and captures/lib.sh to be sourced.
# render TEMPLATE OUT CODEC PT MEDIA-KEYWORD PLAY-ATTRIBUTE [PAUSE-MS]
render() {
    sed -e "s|@CODEC@|$3|g" -e "s|@PT@|$4|g" -e "s|@MEDIA@|$5|g" -e "s|@PLAY@|$6|g" \
        -e "s|@PAUSE@|${7:-0}|g" "$SCEN/$1" >"$2"
    ! grep -q '@[A-Z]*@' "$2" || die "unreplaced placeholder in $2"
}

# wait_port PORT: until a UDP socket is bound on PORT (in the UAS namespace)
wait_port() {
    local i
    for i in $(seq 50); do
        "${NS_UAS[@]}" ss -Hlnu "( sport = :$1 )" 2>/dev/null | grep -q . && return 0
        sleep 0.1
    done
    die "nothing listening on udp port $1"
}

# uas IP PORT SIPP-ARGS...: start a SIPp UAS in the background
uas() {
    local ip=$1 port=$2; shift 2
    (cd "$LOGS" && exec "${NS_UAS[@]}" timeout "$SIPP_TIMEOUT" sipp -i "$ip" -mi "$ip" -p "$port" \
        -nostdin -trace_err "$@" </dev/null >>"$LOGS/sipp-uas.out" 2>&1) &
    UAS_PIDS+=($!)
    wait_port "$port"
}

# uac REMOTE LOCAL-IP LOCAL-PORT SIPP-ARGS...: run a SIPp UAC to completion
uac() {
    local remote=$1 ip=$2 lport=$3; shift 3
    (cd "$LOGS" && exec "${NS_UAC[@]}" timeout "$SIPP_TIMEOUT" sipp "$remote" -i "$ip" -mi "$ip" \
        -p "$lport" -nostdin -trace_err "$@" </dev/null >>"$LOGS/sipp-uac.out" 2>&1) \
        || die "SIPp UAC $* failed (exit $?)"
}

# sip_count FILE DISPLAY-FILTER: number of SIP messages matching
sip_count() {
    tshark -n -r "$1" -d udp.port==5061,sip -Y "$2" -T fields -e frame.number 2>/dev/null | wc -l
}

# rtp_streams FILE: tshark's RTP stream statistics (the oracle the tests use)
rtp_streams() {
    (cd "$(dirname "$1")" && tshark -q -r "$(basename "$1")" -o rtp.heuristic_rtp:TRUE -z rtp,streams 2>/dev/null)
}

# check_flow FILE: one complete call, INVITE 100 180 200 ACK BYE 200, nothing else
check_flow() {
    local f=$1 want got
    for want in 'sip.Method == "INVITE"' 'sip.Status-Code == 100' 'sip.Status-Code == 180' \
                'sip.Status-Code == 200 && sip.CSeq.method == "INVITE"' 'sip.Method == "ACK"' \
                'sip.Method == "BYE"' 'sip.Status-Code == 200 && sip.CSeq.method == "BYE"'; do
        got=$(sip_count "$f" "$want")
        [[ $got -eq 1 ]] || die "$(basename "$f"): $got messages match '$want' (want 1)"
    done
    got=$(sip_count "$f" sip)
    [[ $got -eq 7 ]] || die "$(basename "$f"): $got SIP messages (want 7)"
}

# check_streams FILE PT...: exactly one RTP stream each way, with these payload types
check_streams() {
    local f=$1; shift
    local n pts
    n=$(tshark -n -r "$f" -o rtp.heuristic_rtp:TRUE -Y rtp -T fields -e ip.src -e udp.srcport \
        -e ip.dst -e udp.dstport -e rtp.ssrc 2>/dev/null | sort -u | wc -l)
    [[ $n -eq 2 ]] || die "$(basename "$f"): $n RTP streams (want 2)"
    pts=$(tshark -n -r "$f" -o rtp.heuristic_rtp:TRUE -Y rtp -T fields -e rtp.p_type 2>/dev/null | sort -un | xargs)
    [[ $pts == "$*" ]] || die "$(basename "$f"): RTP payload types '$pts' (want '$*')"
}

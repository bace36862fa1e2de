#!/usr/bin/env bash
# Coverage-guided fuzzing of callscope's parsers with libFuzzer (Fuzz/README.md).
#
#   scripts/fuzz.sh [TARGET|all] [SECONDS]     fuzz one target (or all, one after the other)
#   scripts/fuzz.sh --ci                       what .ci/run does: every target, 30 s each
#
# Targets: FuzzSIP FuzzCapture FuzzCDR FuzzStream FuzzWAV FuzzConfig. Builds them with -sanitize=fuzzer,address in
# .build-fuzz/ (debug: overflow checks on), replays every regression input under
# Tests/FuzzRegressions/TARGET/ first, seeds each run from the project's samples and the public
# corpus, and stops with exit status 1 at the first crash, leak, timeout or out-of-memory, the
# input kept in .build-fuzz/crashes/TARGET/ (add it to Tests/FuzzRegressions/TARGET/ with the fix).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ALL=(FuzzSIP FuzzCapture FuzzCDR FuzzStream FuzzWAV FuzzConfig)

target=${1:-all}
seconds=${2:-60}
# --ci: a fixed seed, so a run is repeatable (and a CI failure can be replayed here).
seed_flag=()
if [[ $target == --ci ]]; then target=all; seconds=30; seed_flag=(-seed=1); fi
if [[ $target == all ]]; then targets=("${ALL[@]}"); else targets=("$target"); fi
for t in "${targets[@]}"; do
    [[ " ${ALL[*]} " == *" $t "* ]] || { echo "fuzz.sh: unknown target $t (one of: ${ALL[*]} all)" >&2; exit 64; }
done

SCRATCH=$ROOT/.build-fuzz
export CALLSCOPE_FUZZ=1
# A crashing run would otherwise sit in Swift's backtracer instead of letting libFuzzer report.
export SWIFT_BACKTRACE=enable=no
# Leak checks stay on; libFuzzer reports a leak as a failure.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

build() {
    echo "fuzz.sh: building $1 (-sanitize=fuzzer,address)" >&2
    mkdir -p "$SCRATCH"
    if ! swift build -c debug --scratch-path "$SCRATCH" --product "$1" \
            -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library >"$SCRATCH/build-$1.log" 2>&1; then
        grep -v "warning: Cannot export local symbol" "$SCRATCH/build-$1.log" | tail -n 30 >&2
        echo "fuzz.sh: build of $1 failed" >&2
        exit 1
    fi
}

# seed TARGET DIR: the starting corpus (copies, so libFuzzer's additions never touch the sources)
seed() {
    local dir=$2 f
    mkdir -p "$dir"
    case $1 in
    FuzzSIP)
        # SIP messages cut out of the sample captures by tshark, when it is there.
        if command -v tshark >/dev/null; then
            for f in captures/*.pcap captures/hostile/*.pcap; do
                tshark -n -r "$f" -Y sip -T fields -e udp.payload -e tcp.payload 2>/dev/null | head -n 40 \
                    | python3 -c 'import sys
for i, line in enumerate(sys.stdin):
    hexdigits = line.replace("\t", "").strip()
    if hexdigits:
        open(sys.argv[1] + "-" + str(i), "wb").write(bytes.fromhex(hexdigits))' "$dir/$(basename "$f")"
            done
        fi
        printf 'INVITE sip:+4420@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nf: "<b>" <sip:1@h>;tag=1\r\nt: <sip:2@h>\r\ni: x\r\nCSeq: 1 INVITE\r\nl: 4\r\n\r\nv=0\r\n' >"$dir/compact"
        ;;
    FuzzCapture)
        for f in captures/*.pcap captures/hostile/*.pcap captures/talk/*.pcap captures/hep/*.pcap ../shared/corpus/pcap/*.pcap*; do
            # Small files whole, large ones cut (libFuzzer's -max_len bounds them anyway).
            [[ -f $f ]] && head -c 65536 "$f" >"$dir/$(basename "$f")"
        done
        # Compressed captures go through the decompressor (by magic number) before libpcap.
        gzip -c captures/hold-udp.pcap >"$dir/hold-udp.pcap.gz"
        xz -c captures/cancel-udp.pcap >"$dir/cancel-udp.pcap.xz"
        zstd -q -c captures/answered-udp.pcap >"$dir/answered-udp.pcap.zst"
        ;;
    FuzzCDR)
        local i=0
        for f in cdr-samples/*.csv cdr-samples/asterisk-queue_log cdr-samples/freeswitch-json captures/reconcile/*.log ../shared/corpus/cdr/*.csv \
                 ../shared/corpus/cdr/*.sql ../shared/corpus/cdr/*.json Tests/CLITests/Fixtures/*.csv; do
            # Byte 0 picks the reader: 0 = detection, then each format in CDRFormat order.
            [[ -f $f ]] && { printf "\\x$(printf %02x $((i % 12)))"; head -c 16384 "$f"; } >"$dir/$(basename "$f")-$i"
            i=$((i + 1))
        done
        # Kamailio's acc log through detection (0) and through its own reader (10, kamailio-acc).
        for f in captures/reconcile/kamailio-acc.log; do
            { printf '\x00'; head -c 16384 "$f"; } >"$dir/kamailio-detect"
            { printf '\x0a'; head -c 16384 "$f"; } >"$dir/kamailio-acc"
        done
        # A gzipped Master.csv (selector 0: detection after decompression).
        { printf '\x00'; gzip -c cdr-samples/asterisk-master.csv; } >"$dir/asterisk-master.csv.gz"
        ;;
    FuzzStream)
        # Byte 0 even: a WebSocket stream (the client side of the sample WebSocket capture, and a
        # handshake with masked frames); odd: SCTP chunk records (see Fuzz/FuzzStream).
        python3 - "$dir" <<'PY'
import os, struct, sys
d = sys.argv[1]
def frame(text, mask=b"\x11\x22\x33\x44"):
    p = text.encode()
    head = bytes([0x81, 0x80 | len(p)]) if len(p) < 126 else bytes([0x81, 0xFE]) + struct.pack("!H", len(p))
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(p))
get = b"GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: a\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: sip\r\n\r\n"
invite = "INVITE sip:b@h SIP/2.0\r\nVia: SIP/2.0/WS x.invalid;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"
open(os.path.join(d, "ws-handshake"), "wb").write(b"\x00" + get + frame(invite) + bytes([0x89, 0x80]) + b"\0\0\0\0" + frame("\r\n"))
open(os.path.join(d, "ws-fragmented"), "wb").write(b"\x02" + get + bytes([0x01, 0x85]) + b"\0\0\0\0" + b"INVIT" + bytes([0x80, 0x81]) + b"\0\0\0\0" + b"E")
msg = invite.encode()
parts = [msg[:40], msg[40:90], msg[90:]]
flags = [0x02, 0x00, 0x01]
records = b"".join(bytes([f | 0x20]) + struct.pack("!H", 7 + i) + bytes([0, 3, i, len(p)]) + p for i, (f, p) in enumerate(zip(flags, parts)))
open(os.path.join(d, "sctp-three-fragments"), "wb").write(b"\x01" + records)
PY
        ;;
    FuzzWAV)
        for f in captures/talk/*.wav; do [[ -f $f ]] && head -c 32768 "$f" >"$dir/$(basename "$f")"; done
        ;;
    FuzzConfig)
        # Byte 0 picks the reader: 0 campaigns YAML, 1 campaigns CSV, 2 a local date, 3 control
        # rules, 4 shifts, 5 the site profile (see Fuzz/FuzzConfig).
        for f in Tests/SiteConfigurationTests/Fixtures/*.yaml Tests/CLITests/Fixtures/*.yaml; do
            [[ -f $f ]] && { printf '\x00'; cat "$f"; } >"$dir/$(basename "$f")"
        done
        for f in Tests/SiteConfigurationTests/Fixtures/*.csv; do
            [[ -f $f ]] && { printf '\x01'; cat "$f"; } >"$dir/$(basename "$f")"
        done
        printf '\x00campaigns:\n  - &c {name: A, numbers: [1]}\n  - <<: *c\n    name: B\n' >"$dir/anchors.yaml"
        printf '\x022026-10-25T01:30' >"$dir/date-repeated"
        printf '\x022026-03-29 01:30:00.5' >"$dir/date-skipped"
        for f in cdr-samples/team-day/rules.yaml; do [[ -f $f ]] && { printf '\x03'; cat "$f"; } >"$dir/rules-$(basename "$f")"; done
        for f in cdr-samples/team-day/shifts.csv; do [[ -f $f ]] && { printf '\x04'; cat "$f"; } >"$dir/shifts-$(basename "$f")"; done
        for f in examples/*.yaml; do [[ -f $f ]] && { printf '\x05'; cat "$f"; } >"$dir/profile-$(basename "$f")"; done
        ;;
    esac
}

status=0
for t in "${targets[@]}"; do
    build "$t"
    bin=$SCRATCH/debug/$t
    regressions=Tests/FuzzRegressions/$t
    if compgen -G "$regressions/*" >/dev/null; then
        echo "fuzz.sh: $t: replaying $(ls "$regressions" | wc -l) regression inputs" >&2
        "$bin" -runs=0 "$regressions"/* >"$SCRATCH/$t-regressions.log" 2>&1 \
            || { tail -n 40 "$SCRATCH/$t-regressions.log" >&2; echo "fuzz.sh: $t: a regression input fails again" >&2; exit 1; }
    fi
    corpus=$SCRATCH/corpus/$t
    [[ -d $corpus ]] || seed "$t" "$corpus"
    crashes=$SCRATCH/crashes/$t
    mkdir -p "$crashes"
    dict=()
    [[ $t == FuzzSIP || $t == FuzzCapture ]] && dict=(-dict=Fuzz/sip.dict)
    [[ $t == FuzzConfig ]] && dict=(-dict=Fuzz/config.dict)
    echo "fuzz.sh: $t: fuzzing for $seconds s from $(ls "$corpus" | wc -l) seeds" >&2
    if ! "$bin" "$corpus" ${dict[@]+"${dict[@]}"} ${seed_flag[@]+"${seed_flag[@]}"} -max_total_time="$seconds" -max_len=65536 -timeout=20 \
            -rss_limit_mb=3072 -artifact_prefix="$crashes/" -print_final_stats=1 >"$SCRATCH/$t.log" 2>&1; then
        tail -n 60 "$SCRATCH/$t.log" >&2
        echo "fuzz.sh: $t: FAILED, input kept in $crashes/" >&2
        status=1
        break
    fi
    runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$SCRATCH/$t.log" | grep -oE '[0-9]+$' || echo "?")
    echo "fuzz.sh: $t: no crash in $runs executions" >&2
done
exit $status

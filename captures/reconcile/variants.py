#!/usr/bin/env python3
"""Make the reconcile variants from the real pair kamailio.pcap + kamailio-acc.log, and write the
report reconcile must give for each pair (README "Reconcile"), from what this script plants, not
from callscope.

    python3 variants.py DIR SKEW_SECONDS

Kamailio's acc records carry `timestamp=` (epoch seconds), `time_attr=` (seconds.milliseconds,
acc time_mode 2) and `call_id=`; its dialog CDRs `start_time=`, `end_time=`, `duration=` and the
`call_id=` of cdr_extra. Variants:
  dropped-row   every record of the second answered call removed from the ledger -> wire-only
  missing-call  the first busy call filtered out of the capture (tshark, by Call-ID) -> CDR-only
  skewed        every ledger time SKEW seconds later (a PBX clock running fast) -> offset SKEW
  rounded       every answered call's BYE moved so the talk time is whole minutes, rounded up,
                as a carrier bills -> talk and end mismatches on every answered call
"""
import json
import math
import os
import re
import subprocess
import sys

DIR, SKEW = sys.argv[1], float(sys.argv[2])
LOG = os.path.join(DIR, "kamailio-acc.log")
PCAP = os.path.join(DIR, "kamailio.pcap")
lines = open(LOG, encoding="utf-8").read().splitlines(keepends=True)


def field(line, name):
    m = re.search(r"(?:^|[;:] ?)" + re.escape(name) + r"=([^;\n]*)", line)
    return m.group(1) if m else None


def is_record(line):
    return "ACC: " in line or "log_write_cdr" in line


def call_id(line):
    return field(line, "call_id") if is_record(line) else None


calls = []
for line in lines:
    cid = call_id(line)
    if cid and cid not in calls:
        calls.append(cid)
assert len(calls) == 12, f"expected 12 calls in the ledger, got {len(calls)}"


def named(prefix):
    return [c for c in calls if c.startswith(prefix + "-")]


answered = named("answered") + named("callee-bye")
assert len(answered) == 5, answered


def expected(name, capture, cdr, matched, cdr_only=(), wire_only=(), mismatches=None, offset=0.0, billed=None):
    doc = {
        "capture": capture, "cdr": cdr, "matched": matched,
        "cdr_only": sorted(cdr_only), "wire_only": sorted(wire_only),
        "mismatches": {k: sorted(v) for k, v in sorted((mismatches or {}).items())},
        "clock_offset_s": offset,
    }
    if billed is not None:
        doc["billed_talk_s"] = billed
    with open(os.path.join(DIR, name + ".expected.json"), "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")


def write(name, out):
    with open(os.path.join(DIR, name), "w", encoding="utf-8") as f:
        f.writelines(out)


def shift_times(line, seconds, names=("timestamp", "time_attr", "start_time", "end_time")):
    """The line with every named time moved by `seconds` (integers stay integers)."""
    for n in names:
        value = field(line, n)
        if value is None:
            continue
        if "." in value:
            decimals = len(value.split(".")[1])
            new = f"{float(value) + seconds:.{decimals}f}"
        else:
            new = str(int(value) + int(round(seconds)))
        line = re.sub(r"((?:^|[;:] ?)" + n + r"=)" + re.escape(value), lambda m: m.group(1) + new, line, count=1)
    return line


# The real pair: everything agrees, same clock.
expected("kamailio", "kamailio.pcap", "kamailio-acc.log", 12)

# A CDR row dropped: the second answered call never reached the ledger.
dropped = answered[1]
write("variant-dropped-row-acc.log", [l for l in lines if call_id(l) != dropped])
expected("variant-dropped-row", "kamailio.pcap", "variant-dropped-row-acc.log", 11, wire_only=[dropped])

# A call missing from the capture: the first busy call.
missing = named("busy")[0]
subprocess.run(["tshark", "-n", "-r", PCAP, "-d", "udp.port==5360-5381,sip",
                "-Y", f'!(sip.Call-ID == "{missing}")', "-F", "pcap",
                "-w", os.path.join(DIR, "variant-missing-call.pcap")], check=True, stderr=subprocess.DEVNULL)
expected("variant-missing-call", "variant-missing-call.pcap", "kamailio-acc.log", 11, cdr_only=[missing])

# The PBX clock SKEW seconds fast: every ledger time moves, nothing else disagrees.
write("variant-skewed-acc.log", [shift_times(l, SKEW) if is_record(l) else l for l in lines])
expected("variant-skewed", "kamailio.pcap", "variant-skewed-acc.log", 12, offset=SKEW)

# Billed up to the minute: each answered call's BYE record (and its CDR's end and duration) moved
# so that answer -> end is a whole number of minutes, at least one.
answer_at, bye_at = {}, {}
for l in lines:
    cid = call_id(l)
    if cid in answered and "ACC: " in l:
        if field(l, "method") == "INVITE" and field(l, "code") == "200":
            answer_at[cid] = float(field(l, "time_attr"))
        elif field(l, "method") == "BYE":
            bye_at[cid] = float(field(l, "time_attr"))
billed_total = 0
rounded = []
for l in lines:
    cid = call_id(l)
    if cid in answered:
        talk = bye_at[cid] - answer_at[cid]
        billed = max(1, math.ceil(talk / 60)) * 60
        delta = answer_at[cid] + billed - bye_at[cid]
        if "ACC: " in l and field(l, "method") == "BYE":
            new_end = answer_at[cid] + billed
            l = re.sub(r"time_attr=[0-9.]+", f"time_attr={new_end:.3f}", l, count=1)
            l = re.sub(r"timestamp=[0-9]+", f"timestamp={int(new_end)}", l, count=1)
        elif "log_write_cdr" in l:
            l = shift_times(l, delta, names=("end_time",))
            start, end = float(field(l, "start_time")), float(field(l, "end_time"))
            l = re.sub(r"duration=[0-9.]+", f"duration={end - start:.3f}", l, count=1)
    rounded.append(l)
for cid in answered:
    billed_total += max(1, math.ceil((bye_at[cid] - answer_at[cid]) / 60)) * 60
write("variant-rounded-acc.log", rounded)
expected("variant-rounded", "kamailio.pcap", "variant-rounded-acc.log", 12,
         mismatches={"talk": answered, "end": answered}, billed=billed_total)
print(f"variants: dropped {dropped}, missing {missing}, skew {SKEW} s, rounded {len(answered)} calls ({billed_total} s billed)")

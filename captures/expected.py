#!/usr/bin/env python3
"""Compute the expected per-call summary (NDJSON) of one or more captures.

This is the independent oracle for callscope's tests: it does not parse
packets itself, it reads tshark's PDML dissection of the capture(s) and
applies the call rules documented in captures/README.md.

Usage:
    expected.py [--ports 5060-5099] FILE.pcap [FILE2.pcap ...] > X.expected.ndjson

Several files are read as one capture in the order given (rotated files).
SIP is decoded on UDP and TCP ports in --ports (tshark decode-as), which
covers the non-standard ports used by the sample captures.
"""
import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from urllib.parse import unquote

SEPARATORS = re.compile(r"[ \-.()]")


def tshark_pdml(path, ports):
    cmd = ["tshark", "-n", "-r", path,
           "-d", f"udp.port=={ports},sip", "-d", f"tcp.port=={ports},sip",
           "-o", "sip.desegment_headers:TRUE", "-o", "sip.desegment_body:TRUE",
           "-Y", "sip", "-T", "pdml"]
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL).stdout
    return ET.fromstring(out)


def epoch_us(text):
    """'1795594102.920516000' -> integer microseconds (exact, no floats)."""
    sec, _, frac = text.partition(".")
    frac = (frac + "000000")[:6]
    return int(sec) * 1_000_000 + int(frac)


def first(elem, name):
    for f in elem.iter("field"):
        if f.get("name") == name:
            return f.get("show")
    return None


def messages(path, ports):
    """Yield one dict per SIP message, in capture order."""
    root = tshark_pdml(path, ports)
    for pkt in root.findall("packet"):
        frame = next(p for p in pkt.findall("proto") if p.get("name") == "frame")
        t_us = epoch_us(first(frame, "frame.time_epoch"))
        frame_no = int(first(frame, "frame.number"))
        for idx, sip in enumerate(p for p in pkt.findall("proto") if p.get("name") == "sip"):
            m = {"file": os.path.basename(path), "frame": frame_no, "idx": idx, "t": t_us,
                 "method": None, "ruri": None, "status": None, "headers": {},
                 "sdp_attrs": [], "sdp_conn": []}
            for f in sip:
                name = f.get("name")
                if name == "sip.Request-Line":
                    m["method"] = first(f, "sip.Method")
                    m["ruri"] = first(f, "sip.r-uri")
                elif name == "sip.Status-Line":
                    m["status"] = int(first(f, "sip.Status-Code"))
                elif name == "sip.msg_hdr":
                    for h in f:
                        hn = h.get("name", "")
                        if hn.startswith("sip."):
                            m["headers"].setdefault(hn[4:].lower(), []).append(h.get("show") or "")
            for f in sip.iter("field"):
                if f.get("name") in ("sdp.media_attr", "sdp.session_attr"):
                    m["sdp_attrs"].append((f.get("show") or "").strip().lower())
                elif f.get("name") == "sdp.connection_info.address":
                    m["sdp_conn"].append(f.get("show"))
            h = m["headers"]
            m["call_id"] = (h.get("call-id") or [None])[0]
            cseq = (h.get("cseq") or ["0 ?"])[0].split()
            m["cseq"] = (int(cseq[0]), cseq[1].upper() if len(cseq) > 1 else "")
            m["from_tag"] = param((h.get("from") or [""])[0], "tag")
            m["to_tag"] = param((h.get("to") or [""])[0], "tag")
            m["branch"] = param(split_list((h.get("via") or [""])[0])[0], "branch")
            m["is_request"] = m["method"] is not None
            if m["call_id"] is not None and (m["is_request"] or m["status"] is not None):
                yield m


def split_list(value):
    """Split a header value on commas outside quotes and <>."""
    parts, cur, quote, angle = [], "", False, False
    for ch in value:
        if ch == '"':
            quote = not quote
        elif ch == "<" and not quote:
            angle = True
        elif ch == ">" and not quote:
            angle = False
        if ch == "," and not quote and not angle:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    parts.append(cur.strip())
    return parts


def param(value, name):
    """Header parameter (outside <...>), e.g. tag or branch."""
    if ">" in value:
        value = value[value.rindex(">") + 1:]
    for p in value.split(";")[1:]:
        k, _, v = p.strip().partition("=")
        if k.lower() == name:
            return v.strip()
    return None


def uri_of(value):
    """The URI in a name-addr or addr-spec header value."""
    value = split_list(value)[0]
    m = re.search(r"<([^>]*)>", value)
    if m:
        return m.group(1).strip()
    return value.split(";")[0].strip()


def user_of(uri):
    """User part of a sip:/sips:/tel: URI, normalised (visual separators removed)."""
    if uri is None:
        return None
    scheme, _, rest = uri.partition(":")
    scheme = scheme.lower()
    if scheme in ("sip", "sips"):
        if "@" not in rest:
            return None
        user = rest.split("@", 1)[0].split(":", 1)[0]   # drop password
    elif scheme == "tel":
        user = rest
    else:
        return None
    user = unquote(user.split(";", 1)[0])
    user = SEPARATORS.sub("", user)
    return user or None


def reason_cause(msg):
    """Q.850 cause if a Q.850 Reason is present, else SIP cause, else None."""
    if msg is None:
        return None
    found = {}
    for value in msg["headers"].get("reason", []):
        for r in split_list(value):
            proto, *params = [x.strip() for x in r.split(";")]
            for p in params:
                k, _, v = p.partition("=")
                if k.strip().lower() == "cause" and v.strip().isdigit():
                    found.setdefault(proto.upper(), int(v.strip()))
    if "Q.850" in found:
        return found["Q.850"]
    return found.get("SIP")


def iso_ms(t_us):
    if t_us is None:
        return None
    dt = datetime.datetime.fromtimestamp(t_us // 1_000_000, tz=datetime.timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % ((t_us % 1_000_000) // 1000)


def ms_round(d_us):
    """Microseconds -> integer milliseconds, rounded half up."""
    return (d_us + 500) // 1000


def sec3(d_us):
    return None if d_us is None else ms_round(d_us) / 1000


def outcome_of(final, cancelled):
    if final is None:
        return "unknown"
    s = final["status"]
    if 200 <= s < 300:
        return "answered"
    if 300 <= s < 400:
        return "redirected"
    if s == 487 or cancelled:
        return "abandoned"
    if s in (486, 600):
        return "busy"
    if s in (480, 408):
        return "no_answer"
    if s in (500, 502, 503, 504):
        return "congestion"
    if s in (403, 404, 484, 603):
        return "rejected"
    cause = reason_cause(final)
    if cause == 17:
        return "busy"
    if cause in (18, 19):
        return "no_answer"
    if cause in (34, 38, 41, 42):
        return "congestion"
    if 500 <= s < 600:
        return "congestion"
    return "rejected"


def is_hold(m):
    return any(a in ("sendonly", "inactive") for a in m["sdp_attrs"]) or "0.0.0.0" in m["sdp_conn"]


def answer_and_bye(msgs, inv0, inv_resps):
    """The call's answer and the BYE that ended it, when a hop rewrites tags.

    The caller's own INVITEs are those with its From tag; the call's dialog
    is the one of the first 2xx on one of their Via branches (what the caller received; else
    the first 2xx), timed at the first 2xx with that To tag on any hop. Each hop (From tag of
    the 2xx) has one answered dialog, its first 2xx; the first BYE in any of them ends the call.
    """
    own = [m for m in msgs if m["method"] == "INVITE" and not m["to_tag"]
           and m["from_tag"] == inv0["from_tag"]]
    own_branches = {(m["cseq"][0], m["branch"]) for m in own}
    oks = [m for m in inv_resps if 200 <= m["status"] < 300]
    if not oks:
        return None, None
    received = next((m for m in oks if m["from_tag"] == inv0["from_tag"]
                     and (m["cseq"][0], m["branch"]) in own_branches), oks[0])
    answer = next(m for m in oks if m["to_tag"] == received["to_tag"])
    dialogs = {received["from_tag"]: received["to_tag"]}
    for m in oks:
        dialogs.setdefault(m["from_tag"], m["to_tag"])
    tags = set(dialogs.values())
    bye = next((m for m in msgs if m["method"] == "BYE"
                and (m["to_tag"] in tags or m["from_tag"] in tags)), None)
    return answer, bye


def summarize(call_id, msgs):
    invites = [m for m in msgs if m["method"] == "INVITE" and not m["to_tag"]]
    inv0 = invites[0]
    start = inv0["t"]
    init_cseqs = {m["cseq"][0] for m in invites}
    last_cseq = max(init_cseqs)
    inv_resps = [m for m in msgs if not m["is_request"] and m["cseq"][1] == "INVITE"
                 and m["cseq"][0] in init_cseqs]
    ringing = next((m for m in inv_resps if 180 <= m["status"] <= 189), None)
    final = next((m for m in inv_resps if m["status"] >= 200 and m["cseq"][0] == last_cseq), None)
    answer, bye = answer_and_bye(msgs, inv0, inv_resps)
    if answer is not None:
        final = answer   # a 2xx to any of the caller's INVITEs answers the call (README)
    # the caller's CANCEL: on the Via branch of the caller's own INVITE (the first copy seen of
    # each initial CSeq), not a proxy's CANCEL of its downstream branch (its INVITE timer fired)
    first_branch = {}
    for m in invites:
        first_branch.setdefault(m["cseq"][0], m["branch"])
    cancel = next((m for m in msgs if m["method"] == "CANCEL"
                   and first_branch.get(m["cseq"][0]) in (None, m["branch"])), None)

    h = inv0["headers"]
    caller_hdr = (h.get("p-asserted-identity") or h.get("from") or [""])[0]
    caller = user_of(uri_of(caller_hdr))
    diversion = h.get("diversion")
    diverted_from = user_of(uri_of(diversion[0])) if diversion else None

    if answer is not None:
        ended = bye
        ended_at = bye["t"] if bye else None
    else:
        ended = final
        ended_at = final["t"] if final else None
    ending_msg = bye if answer is not None else (cancel if cancel is not None else final)

    if answer is not None:
        ring_us = answer["t"] - start
        talk = sec3(ended_at - answer["t"]) if ended_at is not None else None
    else:
        ring_us = ended_at - start if ended_at is not None else None
        talk = 0.0 if ended_at is not None else None

    # hold: re-INVITEs (INVITE with To tag), first transmission only
    hold_total, hold_start, seen = 0, None, set()
    for m in msgs:
        if m["method"] != "INVITE" or not m["to_tag"]:
            continue
        key = (m["cseq"], m["branch"])
        if key in seen:
            continue
        seen.add(key)
        if not m["sdp_attrs"] and not m["sdp_conn"]:
            continue
        if is_hold(m):
            if hold_start is None:
                hold_start = m["t"]
        elif hold_start is not None:
            hold_total += m["t"] - hold_start
            hold_start = None
    hold_s = sec3(hold_total)
    if hold_start is not None:
        hold_s = sec3(hold_total + ended_at - hold_start) if ended_at is not None else None

    if answer is not None:
        ended_by = None if bye is None else ("caller" if bye["from_tag"] == inv0["from_tag"] else "callee")
    elif cancel is not None:
        ended_by = "caller"
    elif final is not None:
        ended_by = "callee"
    else:
        ended_by = None

    retrans, seen_req, seen_resp = 0, set(), set()
    for m in msgs:
        if m["is_request"]:
            key = (m["method"], m["cseq"], m["branch"])
            seen_set = seen_req
        else:
            # the top Via branch too: a proxy's relayed copy is not a retransmission
            key = (m["status"], m["cseq"], m["to_tag"], m["branch"])
            seen_set = seen_resp
        if key in seen_set:
            retrans += 1
        seen_set.add(key)

    truncated = (answer is not None and bye is None) or final is None

    return {
        "call_id": call_id,
        "source": inv0["file"],
        "start": iso_ms(start),
        "caller": caller,
        "dialed": user_of(inv0["ruri"]),
        "diverted_from": diverted_from,
        "outcome": outcome_of(final, cancel is not None and answer is None),
        "final_status": final["status"] if final else None,
        "reason_cause": reason_cause(ending_msg),
        "pdd_ms": ms_round(ringing["t"] - start) if ringing else None,
        "answered_at": iso_ms(answer["t"]) if answer else None,
        "ended_at": iso_ms(ended_at),
        "ring_s": sec3(ring_us),
        "talk_s": talk,
        "hold_s": hold_s,
        "ended_by": ended_by,
        "packets": len(msgs),
        "retransmissions": retrans,
        "truncated": truncated,
    }, start


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ports", default="5060-5099",
                    help="UDP/TCP port range decoded as SIP (tshark decode-as), default 5060-5099")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()

    by_call = {}
    for path in args.files:
        for m in messages(path, args.ports):
            by_call.setdefault(m["call_id"], []).append(m)

    rows = []
    for call_id, msgs in by_call.items():
        if not any(m["method"] == "INVITE" and not m["to_tag"] for m in msgs):
            continue   # no initial INVITE in the capture: not a call
        rows.append(summarize(call_id, msgs))
    rows.sort(key=lambda r: (r[1], r[0]["call_id"]))
    for row, _ in rows:
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

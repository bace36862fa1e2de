#!/usr/bin/env python3
"""Bundled CDR samples for callscope, with their expected results.

    python3 cdr-samples/generate.py                      # rewrite every sample and sidecar here
    python3 cdr-samples/generate.py --seed 7             # same calls, other ids/uuids/counters
    python3 cdr-samples/generate.py --master-rows 1000000 --out /tmp/big.csv   # benchmark file

One invented day of a call centre (Europe/London, across the spring-forward DST change of
2026-03-29) is written as each PBX would record it. The sidecars are NOT copied from that
ground truth: every `*.expected.ndjson` is derived by re-reading the file just written and
applying the rules of docs/cdr-formats.md (the small readers at the end of this file), so a
reader that follows the spec reproduces them. Choices where the spec is open are marked
"CHOICE" here and listed in README.md. Python 3 standard library only; deterministic.
"""

import argparse
import csv
import io
import json
import os
import random
import sys
import time
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

HERE = os.path.dirname(os.path.abspath(__file__))
LONDON = ZoneInfo("Europe/London")
UTC = timezone.utc
DEFAULT_SEED = 20260329

# ---------------------------------------------------------------------------------------------
# Time and names
# ---------------------------------------------------------------------------------------------


def at(local):
    """Epoch seconds of a Europe/London wall-clock time `YYYY-MM-DD HH:MM:SS`."""
    naive = datetime.strptime(local, "%Y-%m-%d %H:%M:%S")
    return int(naive.replace(tzinfo=LONDON).timestamp())


def wall(epoch, tz=LONDON, fmt="%Y-%m-%d %H:%M:%S"):
    return datetime.fromtimestamp(epoch, tz).strftime(fmt)


def iso(epoch):
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def normalize(user):
    """PhoneNumber.normalize (Sources/CallModel/PhoneNumber.swift)."""
    out = []
    for i, c in enumerate(user):
        if c in " -.()":
            continue
        if c.isdigit() or c in "*#" or (c == "+" and i == 0):
            out.append(c)
        else:
            return user
    s = "".join(out)
    return user if s in ("", "+") else s


def opt_number(value):
    """Common rule: empty or NULL -> null, else normalised."""
    if value is None or value == "" or value == "NULL":
        return None
    return normalize(value)


def channel_agent(channel):
    """ChannelName.agent (Sources/CDRImport/Core/ChannelName.swift)."""
    name = channel
    if "/" in name:
        name = name[name.index("/") + 1:]
    if "@" in name:
        name = name[:name.index("@")]
    elif ";" in name:
        name = name[:name.index(";")]
    if "/" in channel and "@" not in channel:
        dash = name.rfind("-")
        if dash > 0:
            name = name[:dash]
    name = name.strip(" ")
    return name or None


# OutcomeMapping (Sources/CDRImport/Core/OutcomeMapping.swift), the parts the samples use.
# lastapp values whose ANSWERED on the caller's own row is the application's (README "Outcomes").
SYSTEM_APPS = {"Queue", "Playback", "Background", "BackGround", "Read", "VoiceMail", "VoiceMailMain", "WaitExten",
               "Answer", "Wait", "MusicOnHold", "Festival", "SayDigits", "SayNumber", "SayAlpha", "Record", "Echo",
               "Milliwatt", "Hangup"}

ASTERISK_DISPOSITION = {"ANSWERED": "answered", "NO ANSWER": "no_answer", "BUSY": "busy",
                        "FAILED": "rejected", "CONGESTION": "congestion", "CANCEL": "abandoned"}
FREESWITCH_CAUSE = {"NORMAL_CLEARING": ("answered", 16), "USER_BUSY": ("busy", 17),
                    "NO_ANSWER": ("no_answer", 19), "ORIGINATOR_CANCEL": ("abandoned", 487),
                    "CALL_REJECTED": ("rejected", 21)}


def unconnected_q850(cause):
    if cause in (0, 16, 31):
        return "abandoned"
    if cause == 17:
        return "busy"
    if cause in (18, 19):
        return "no_answer"
    if cause in (34, 38, 41, 42, 44, 47):
        return "congestion"
    if cause in (1, 3, 21, 22, 27, 28):
        return "rejected"
    return "unknown"


# ---------------------------------------------------------------------------------------------
# The ground truth: one night and morning of a support line
# ---------------------------------------------------------------------------------------------
# Tracking numbers: +442079460100 (IVR, then queue `support`), +442079460200 (straight into the
# queue, ringing), +442079460300 (straight to agent 203). Agents 201, 202, 203.
# Clocks go forward at 2026-03-29 01:00 GMT -> 02:00 BST. Times below are London wall clock.
# attempts: (agent, seconds after queue entry the ring starts, ring seconds, result)

TRACK_IVR, TRACK_QUEUE, TRACK_DIRECT = "+442079460100", "+442079460200", "+442079460300"


class GT:
    def __init__(self, key, kind, start, caller, dialed, result, *, ivr=0, attempts=(), talk=0,
                 ended_by=None, agent=None, name="", src_empty=False, exit_after=None, ring=0):
        self.key, self.kind, self.t0, self.caller, self.dialed = key, kind, at(start), caller, dialed
        self.result, self.ivr, self.talk, self.ended_by, self.agent = result, ivr, talk, ended_by, agent
        self.name, self.src_empty, self.exit_after, self.ring = name, src_empty, exit_after, ring
        self.tq = self.t0 + ivr                     # queue entry (queue calls)
        self.attempts = [(a, self.tq + s, self.tq + s + d, r) for a, s, d, r in attempts]
        if kind in ("queue", "queue-ivr"):
            if result == "answered":
                self.tc = self.attempts[-1][2]     # the agent answered
                self.te = self.tc + talk
                self.agent = self.attempts[-1][0]
            elif result == "abandoned":
                self.tc, self.te = None, self.attempts[-1][2]
            else:                                   # timeout / empty
                self.tc, self.te = None, self.tq + exit_after
        else:
            self.tc = self.t0 + ring if result == "answered" else None
            self.te = (self.tc + talk) if self.tc is not None else self.t0 + ring


CALLS = [
    GT("A01", "queue-ivr", "2026-03-28 22:41:07", "+447700900123", TRACK_IVR, "answered", ivr=9,
       attempts=[("202", 1, 15, "noanswer"), ("201", 17, 6, "answer")], talk=184, ended_by="caller"),
    GT("A02", "queue", "2026-03-28 22:52:40", "02079460857", TRACK_QUEUE, "answered",
       attempts=[("203", 1, 11, "answer")], talk=95, ended_by="callee", name="Hackney Dental"),
    GT("A03", "queue", "2026-03-28 23:05:12", "07700900456", TRACK_QUEUE, "abandoned",
       attempts=[("201", 1, 15, "noanswer"), ("202", 17, 8, "cancel")], ended_by="caller"),
    GT("A04", "queue", "2026-03-28 23:18:55", "+447700900789", TRACK_QUEUE, "timeout",
       attempts=[("201", 1, 15, "noanswer"), ("202", 17, 15, "noanswer")], exit_after=60),
    GT("A05", "queue", "2026-03-29 00:20:30", "+441632960001", TRACK_QUEUE, "empty", exit_after=0),
    GT("A06", "queue-ivr", "2026-03-29 00:59:30", "+447700900321", TRACK_IVR, "answered", ivr=7,
       attempts=[("202", 1, 5, "answer")], talk=48, ended_by="callee"),   # ends 02:00:31 BST
    GT("A07", "direct", "2026-03-29 09:02:15", "07700900654", TRACK_DIRECT, "busy", agent="203", ring=2),
    GT("A08", "direct", "2026-03-29 09:10:03", "+447700900987", TRACK_DIRECT, "noanswer", agent="203",
       ring=20, name="Bristol Office", src_empty=True),
    GT("A09", "outbound", "2026-03-29 09:15:44", "201", "07700900123", "answered", ring=12, talk=250,
       ended_by="callee"),
    GT("A10", "outbound", "2026-03-29 09:25:00", "202", "+33142685300", "failed", ring=1),
    GT("A11", "outbound", "2026-03-29 09:31:20", "203", "02079460999", "noanswer", ring=30),
    GT("A12", "internal", "2026-03-29 09:40:05", "202", "203", "answered", ring=4, talk=62,
       ended_by="caller"),
    GT("A13", "queue-ivr", "2026-03-29 09:48:30", "+447700900111", TRACK_IVR, "answered", ivr=11,
       attempts=[("201", 1, 3, "answer")], talk=311, ended_by="caller"),
]
BY_KEY = {c.key: c for c in CALLS}


# ---------------------------------------------------------------------------------------------
# Expected records (README "Output schema", without legs and media)
# ---------------------------------------------------------------------------------------------


def expected(call_id, source, fmt, start, caller, dialed, outcome, answered_at, ended_at, *, packets,
             reason_cause=None, ended_by=None, agent=None, queue=None, wait=None, truncated=False):
    stop = answered_at if answered_at is not None else ended_at
    ring = None if stop is None else stop - start
    if ended_at is None:
        talk = None
    else:
        talk = 0 if answered_at is None else max(0, ended_at - answered_at)
    if wait is None:            # "Common": answered_at - start, else ended_at - start
        wait = ring
    sec = lambda v: None if v is None else round(float(v), 3)
    return {
        "call_id": call_id, "source": source, "start": iso(start), "caller": caller, "dialed": dialed,
        "diverted_from": None, "outcome": outcome, "final_status": None, "reason_cause": reason_cause,
        "pdd_ms": None, "answered_at": iso(answered_at), "ended_at": iso(ended_at), "ring_s": sec(ring),
        "talk_s": sec(talk), "hold_s": 0.0, "ended_by": ended_by, "packets": packets,
        "retransmissions": 0, "truncated": truncated, "transport": None, "agent": agent, "queue": queue,
        "wait_s": sec(wait), "direction": None, "format": fmt,
    }


def sidecar(sample_path):
    """`X.csv` -> `X.expected.ndjson` (as captures/ does: `X.pcap` -> `X.expected.ndjson`)."""
    stem, ext = os.path.splitext(sample_path)
    return (stem if ext in (".csv", ".json") else sample_path) + ".expected.ndjson"


def is_extension(number):
    """README "Direction": an extension is 2 to 5 digits (the default --extension-pattern)."""
    return number is not None and number.isdigit() and 2 <= len(number) <= 5


def finalize(record):
    """What the CLI decides after the readers, for every call (README "Direction"): the
    direction from the numbers and the queue (no --own-numbers in the tests), and for an
    outbound call from an extension, that extension as the agent."""
    r = dict(record)
    caller_ext, dialed_ext = is_extension(r["caller"]), is_extension(r["dialed"])
    if caller_ext and dialed_ext:
        r["direction"] = "internal"
    elif r["queue"] is not None:
        r["direction"] = "inbound"
    elif caller_ext:
        r["direction"] = "outbound"
        r["agent"] = r["caller"]
    elif dialed_ext or r["queue"] is not None:
        r["direction"] = "inbound"
    else:
        r["direction"] = None
    return r


def write_sidecar(path, records):
    records = sorted((finalize(r) for r in records), key=lambda r: (r["start"], r["call_id"]))
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return records


# ---------------------------------------------------------------------------------------------
# Asterisk: cdr_csv Master.csv (21 fields) and the matching queue_log
# ---------------------------------------------------------------------------------------------


def q(s):
    return '"' + s.replace('"', '""') + '"'


class AsteriskPBX:
    """Channel names, uniqueids and CDR rows as Asterisk 13+ with FreePBX-style Local queue members writes them."""

    def __init__(self, rng):
        self.counter = rng.randrange(0x10, 0x40)
        self.seq = rng.randrange(20, 60)
        self.rows = []      # (end, order, fields)
        self.qlog = []      # (epoch, order, line)
        self.order = 0

    def channel(self, tech_peer, t):
        name = f"{tech_peer}-{self.counter:08x}"
        self.counter += 1
        uid = f"{t}.{self.seq}"
        self.seq += 1
        return name, uid

    def local(self, agent, t):
        name = f"Local/{agent}@from-queue-{self.counter:08x}"
        self.counter += 1
        uid1, uid2 = f"{t}.{self.seq}", f"{t}.{self.seq + 1}"
        self.seq += 2
        return name + ";1", name + ";2", uid1, uid2

    def row(self, *, src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata, start, answer,
            end, billsec, disposition, uniqueid, linkedid):
        self.order += 1
        self.rows.append((end, self.order, dict(
            src=src, dst=dst, dcontext=dcontext, clid=clid, channel=channel, dstchannel=dstchannel,
            lastapp=lastapp, lastdata=lastdata, start=start, answer=answer, end=end,
            duration=end - start, billsec=billsec, disposition=disposition, uniqueid=uniqueid,
            linkedid=linkedid)))

    def log(self, t, callid, queue, agent, event, *data):
        self.order += 1
        self.qlog.append((t, self.order, "|".join([str(t), callid, queue, agent, event, *map(str, data)])))

    def master_lines(self, rows=None):
        out = []
        for seq, (_, _, r) in enumerate(sorted(rows if rows is not None else self.rows, key=lambda x: (x[0], x[1]))):
            out.append(master_line(r, self.first_sequence + seq))
        return out


def master_fields(r, sequence):
    """The 21 fields as cdr_csv writes them: strings quoted, integers bare, no answer -> empty."""
    answer = q(wall(r["answer"])) if r["answer"] is not None else ""
    return [
        q(""), q(r["src"]), q(r["dst"]), q(r["dcontext"]), q(r["clid"]), q(r["channel"]),
        q(r["dstchannel"]), q(r["lastapp"]), q(r["lastdata"]), q(wall(r["start"])), answer,
        q(wall(r["end"])), str(r["duration"]), str(r["billsec"]), q(r["disposition"]),
        q("DOCUMENTATION"), q(r["uniqueid"]), q(""), q(""), q(r["linkedid"]), str(sequence)]


def master_line(r, sequence):
    return ",".join(master_fields(r, sequence))


def member(agent):
    return f"Local/{agent}@from-queue/n"


def build_asterisk(rng):
    pbx = AsteriskPBX(rng)
    pbx.first_sequence = rng.randrange(100, 400)
    qdata = {"queue-ivr": "support,t,,,300", "queue": "support,tr,,,60"}
    day1 = at("2026-03-28 22:00:00")
    # Agent and queue member events (callid NONE): these are AgentEvents, not calls.
    pbx.log(day1, "NONE", "NONE", "NONE", "QUEUESTART", "")
    for i, a in enumerate(("201", "202", "203")):
        t = at("2026-03-28 22:30:00") + 7 * i
        chan, _ = pbx.channel(f"SIP/{a}", t)
        pbx.log(t, "NONE", "NONE", f"Agent/{a}", "AGENTLOGIN", chan)
        pbx.log(t + 1, "NONE", "support", member(a), "ADDMEMBER", "")
    pbx.log(at("2026-03-28 23:10:00"), "NONE", "support", member("203"), "PAUSE", "Break")
    pbx.log(at("2026-03-28 23:40:00"), "NONE", "support", member("203"), "UNPAUSE", "")
    for i, a in enumerate(("201", "202", "203")):
        t = at("2026-03-28 23:45:00") + 4 * i
        pbx.log(t, "NONE", "support", member(a), "REMOVEMEMBER", "")
        pbx.log(t + 1, "NONE", "NONE", f"Agent/{a}", "AGENTLOGOFF", "", 4500 + 4 * i)
    pbx.log(at("2026-03-29 00:50:00"), "NONE", "support", member("202"), "ADDMEMBER", "")
    for i, a in enumerate(("201", "203")):
        t = at("2026-03-29 08:55:00") + 11 * i
        chan, _ = pbx.channel(f"SIP/{a}", t)
        pbx.log(t, "NONE", "NONE", f"Agent/{a}", "AGENTLOGIN", chan)
        pbx.log(t + 1, "NONE", "support", member(a), "ADDMEMBER", "")

    for c in CALLS:
        if c.kind in ("queue", "queue-ivr"):
            chan, u0 = pbx.channel("SIP/siptrunk", c.t0)
            c.linkedid = u0
            clid = f'"{c.name}" <{c.caller}>'
            common = dict(src=c.caller, dst=c.dialed, dcontext="from-trunk", clid=clid, uniqueid=u0, linkedid=u0)
            pbx.log(c.tq, u0, "support", "NONE", "ENTERQUEUE", "", c.caller, 1)
            agent_chan = agent_uid = None
            for agent, rs, re, res in c.attempts:
                l1, l2, _, uid2 = pbx.local(agent, rs)
                achan, auid = pbx.channel(f"SIP/{agent}", rs)
                leg2 = dict(src=c.caller, dst=agent, dcontext="from-queue", clid=clid, channel=l2,
                            dstchannel=achan, lastapp="Dial", lastdata=f"SIP/{agent},,t", start=rs,
                            uniqueid=uid2, linkedid=u0)
                if res == "answer":
                    # The Local pair is optimised away once the agent answers: the caller's row
                    # carries SIP/20x as its dstchannel, the ;2 half ends with billsec 0.
                    pbx.row(**leg2, answer=c.tc, end=c.tc, billsec=0, disposition="ANSWERED")
                    agent_chan, agent_uid = achan, auid
                    pbx.log(c.tc, u0, "support", member(agent), "CONNECT", c.tc - c.tq, auid, c.tc - rs)
                else:
                    pbx.row(**leg2, answer=None, end=re, billsec=0, disposition="NO ANSWER")
                    pbx.row(**common, channel=chan, dstchannel=l1, lastapp="Queue", lastdata=qdata[c.kind],
                            start=rs, answer=None, end=re, billsec=0, disposition="NO ANSWER")
                    event = "RINGNOANSWER" if res == "noanswer" else "RINGCANCELED"
                    pbx.log(re, u0, "support", member(agent), event, (re - rs) * 1000)
            if c.result == "answered":
                calltime = c.te - c.tc
                event = "COMPLETECALLER" if c.ended_by == "caller" else "COMPLETEAGENT"
                pbx.log(c.te, u0, "support", member(c.agent), event, c.tc - c.tq, calltime, 1)
                # IVR path: answered by Answer()/Background at arrival, so answer == start and
                # billsec is the time bridged to the agent. Ringing path: answered when the agent answered.
                answer = c.t0 if c.kind == "queue-ivr" else c.tc
                pbx.row(**common, channel=chan, dstchannel=agent_chan, lastapp="Queue", lastdata=qdata[c.kind],
                        start=c.t0, answer=answer, end=c.te, billsec=calltime, disposition="ANSWERED")
            elif c.result == "abandoned":
                pbx.log(c.te, u0, "support", "NONE", "ABANDON", 1, 1, c.te - c.tq)
                pbx.row(**common, channel=chan, dstchannel="", lastapp="Queue", lastdata=qdata[c.kind],
                        start=c.t0, answer=None, end=c.te, billsec=0, disposition="NO ANSWER")
            elif c.result == "timeout":
                pbx.log(c.te, u0, "support", "NONE", "EXITWITHTIMEOUT", 1, 1, c.te - c.tq)
                pbx.row(**common, channel=chan, dstchannel="", lastapp="Hangup", lastdata="",
                        start=c.t0, answer=None, end=c.te, billsec=0, disposition="NO ANSWER")
            elif c.result == "empty":
                pbx.log(c.te, u0, "support", "NONE", "EXITEMPTY", 1, 1, c.te - c.tq)
                pbx.row(**common, channel=chan, dstchannel="", lastapp="Congestion", lastdata="",
                        start=c.t0, answer=None, end=c.te, billsec=0, disposition="CONGESTION")
        elif c.kind == "direct":
            chan, u0 = pbx.channel("SIP/siptrunk", c.t0)
            c.linkedid = u0
            achan, _ = pbx.channel(f"SIP/{c.agent}", c.t0)
            disposition = {"busy": "BUSY", "noanswer": "NO ANSWER"}[c.result]
            pbx.row(src="" if c.src_empty else c.caller, dst=c.dialed, dcontext="from-trunk",
                    clid=f'"{c.name}" <{c.caller}>', channel=chan, dstchannel=achan, lastapp="Dial",
                    lastdata=f"SIP/{c.agent},20", start=c.t0, answer=None, end=c.te, billsec=0,
                    disposition=disposition, uniqueid=u0, linkedid=u0)
        else:   # outbound / internal, from an agent's phone
            chan, u0 = pbx.channel(f"SIP/{c.caller}", c.t0)
            c.linkedid = u0
            if c.kind == "outbound":
                dchan, _ = pbx.channel("SIP/siptrunk", c.t0)
                lastdata = f"SIP/siptrunk/{c.dialed},300,T"
            else:
                dchan, _ = pbx.channel(f"SIP/{c.dialed}", c.t0)
                lastdata = f"SIP/{c.dialed},20,tT"
            disposition = {"answered": "ANSWERED", "failed": "FAILED", "noanswer": "NO ANSWER"}[c.result]
            pbx.row(src=c.caller, dst=c.dialed, dcontext="from-internal", clid=f'"Agent {c.caller}" <{c.caller}>',
                    channel=chan, dstchannel=dchan, lastapp="Dial", lastdata=lastdata, start=c.t0,
                    answer=c.tc, end=c.te, billsec=(c.te - c.tc) if c.tc else 0, disposition=disposition,
                    uniqueid=u0, linkedid=u0)
    return pbx


def read_master(path, tz=LONDON):
    """Spec reader for cdr_csv Master.csv (21 fields). Returns (calls, legs by call, bad lines)."""
    names = ["accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp", "lastdata",
             "start", "answer", "end", "duration", "billsec", "disposition", "amaflags", "uniqueid",
             "userfield", "peeraccount", "linkedid", "sequence"]
    source = os.path.basename(path)
    groups, bad = {}, []
    with open(path, newline="", encoding="utf-8") as f:
        for index, fields in enumerate(csv.reader(f)):
            line = index + 1        # no quoted line breaks in the good rows
            if len(fields) != 21:
                bad.append(line)
                continue
            r = dict(zip(names, fields))
            try:
                r["start"] = parse_local(r["start"], tz)
                r["answer"] = parse_local(r["answer"], tz) if r["answer"] else None
                r["end"] = parse_local(r["end"], tz)
                r["billsec"] = int(r["billsec"])
            except ValueError:
                bad.append(line)
                continue
            if "E+" in r["dst"] or "E+" in r["src"]:
                bad.append(line)
                continue
            r["index"] = index
            groups.setdefault(r["linkedid"], []).append(r)
    calls = []
    for linkedid, rows in groups.items():
        first = min(rows, key=lambda r: (r["start"], r["index"]))
        caller = opt_number(first["src"])
        if caller is None and "<" in first["clid"]:
            caller = opt_number(first["clid"][first["clid"].rindex("<") + 1:].rstrip(">"))
        # README "Outcomes": the caller's own Queue/IVR row with nobody bridged is the system's
        # answer; every other ANSWERED row is a person's. (These samples have no IVR-only call,
        # no transfer: tests/CDRImportTests/Fixtures/call-centre covers those.)
        def system_row(r):
            return (r["disposition"] == "ANSWERED" and r["uniqueid"] == linkedid and not r["dstchannel"]
                    and r["lastapp"] in SYSTEM_APPS)

        def app_billed(r):
            return (r["uniqueid"] == linkedid and r["dstchannel"] and r["lastapp"] in SYSTEM_APPS
                    and r["end"] - r["billsec"] <= r["start"] + 1)

        def answer_of(r):
            return r["end"] - r["billsec"] if r["answer"] in (None, r["start"]) else r["answer"]

        person = [r for r in rows if r["disposition"] == "ANSWERED" and not system_row(r)]
        agent = answered_at = None
        if person:
            outcome = "answered"
            informative = [r for r in person if not app_billed(r)] or person
            answered_at = min(answer_of(r) for r in informative)
            named = [r for r in person if r["dstchannel"]]
            devices = [r for r in named if not r["dstchannel"].startswith("Local/")] or named
            if devices:
                leg = min(devices, key=lambda r: (answer_of(r), r["index"]))
                agent = channel_agent(leg["dstchannel"])
        else:
            outcome = ASTERISK_DISPOSITION.get(first["disposition"], "unknown")
        queue = next((r["lastdata"].split(",")[0] for r in sorted(rows, key=lambda r: r["index"])
                      if r["lastapp"] == "Queue"), None)
        calls.append(expected(linkedid, source, "asterisk-csv", min(r["start"] for r in rows), caller,
                              opt_number(first["dst"]), outcome, answered_at, max(r["end"] for r in rows),
                              packets=len(rows), agent=agent, queue=queue))
    uniqueids = {linkedid: {r["uniqueid"] for r in rows} for linkedid, rows in groups.items()}
    return calls, uniqueids, bad


def parse_local(text, tz):
    naive = datetime.strptime(text, "%Y-%m-%d %H:%M:%S")    # strict: no d/m/y, no missing seconds
    return int(naive.replace(tzinfo=tz).timestamp())


def read_queue_log(path):
    """Spec reader for queue_log: one call per callid with an ENTERQUEUE."""
    source = os.path.basename(path)
    events = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("|")
            if parts[1] != "NONE":
                events.setdefault(parts[1], []).append(parts)
    calls = {}
    for callid, evs in events.items():
        enter = next((e for e in evs if e[4] == "ENTERQUEUE"), None)
        if enter is None:
            continue
        start, queue = int(enter[0]), enter[2]
        outcome, answered_at, ended_at, ended_by, agent, wait = "unknown", None, None, None, None, None
        finished = False
        for e in evs:
            t, ev, data = int(e[0]), e[4], e[5:]
            if ev == "CONNECT":
                outcome, answered_at, agent, wait = "answered", t, channel_agent(e[3]), int(data[0])
            elif ev in ("COMPLETEAGENT", "COMPLETECALLER"):
                ended_at, finished = t, True
                ended_by = "callee" if ev == "COMPLETEAGENT" else "caller"
            elif ev == "ABANDON":
                outcome, ended_at, ended_by, wait, finished = "abandoned", t, "caller", int(data[2]), True
            elif ev == "EXITWITHTIMEOUT":     # CHOICE: ended_by null (the queue gave up, not a party)
                outcome, ended_at, wait, finished = "no_answer", t, int(data[2]), True
            elif ev == "EXITEMPTY":
                outcome, ended_at, wait, finished = "congestion", t, int(data[2]), True
        calls[callid] = expected(callid, source, "queue-log", start, opt_number(enter[6]), None, outcome,
                                 answered_at, ended_at, packets=len(evs), ended_by=ended_by, agent=agent,
                                 queue=queue, wait=wait, truncated=not finished)
    return calls


def join(cdr_calls, uniqueids, queue_calls):
    """Spec join: a queue call whose callid is the CDR call's call_id or one of its uniqueids
    enriches it (queue, agent, wait_s, ended_by; and the outcome when the CDR call was not
    answered and the queue says abandoned, no_answer or congestion) and is not output on its own."""
    out, used = [], set()
    for call in cdr_calls:
        ids = {call["call_id"]} | uniqueids[call["call_id"]]
        match = next((qc for cid, qc in queue_calls.items() if cid in ids), None)
        call = dict(call)
        if match is not None:
            used.add(match["call_id"])
            for field in ("queue", "agent", "wait_s", "ended_by"):
                call[field] = match[field]
            # The queue decides its part whatever the CDR disposition (README "Outcomes").
            if match["outcome"] == "answered":
                call["outcome"], call["answered_at"] = "answered", match["answered_at"]
            elif match["outcome"] in ("abandoned", "no_answer", "congestion"):
                call["outcome"], call["answered_at"], call["agent"] = match["outcome"], None, None
            # ring_s and talk_s follow the answer the queue decided.
            parse = lambda v: None if v is None else datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp()
            start, answered, ended = parse(call["start"]), parse(call["answered_at"]), parse(call["ended_at"])
            stop = answered if answered is not None else ended
            call["ring_s"] = None if stop is None else round(stop - start, 3)
            call["talk_s"] = None if ended is None else (0.0 if answered is None else round(max(0, ended - answered), 3))
        out.append(call)
    out += [qc for cid, qc in queue_calls.items() if cid not in used]
    return out


def write_asterisk(rng):
    pbx = build_asterisk(rng)
    lines = pbx.master_lines()
    path = os.path.join(HERE, "asterisk-master.csv")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    qpath = os.path.join(HERE, "asterisk-queue_log")
    with open(qpath, "w", encoding="utf-8", newline="\n") as f:
        for _, _, line in sorted(pbx.qlog, key=lambda x: (x[0], x[1])):
            f.write(line + "\n")
    cdr, uniqueids, bad = read_master(path)
    assert not bad, bad
    queue = read_queue_log(qpath)
    write_sidecar(sidecar(path), cdr)
    write_sidecar(sidecar(qpath), list(queue.values()))
    write_sidecar(os.path.join(HERE, "asterisk-master+asterisk-queue_log.expected.ndjson"), join(cdr, uniqueids, queue))
    write_bad_master(pbx)
    return {"asterisk-master.csv": (len(lines), cdr), "asterisk-queue_log": (len(pbx.qlog), list(queue.values()))}


def write_bad_master(pbx):
    """A few good rows (A07, A09, A12) with bad ones between them; the unterminated quote is last
    because a quote left open swallows the rest of the file."""
    row = {}
    for _, _, r in pbx.rows:
        for c in CALLS:
            if r["uniqueid"] == r["linkedid"] == c.linkedid:
                row[c.key] = r
    seq = pbx.first_sequence + 900
    short = master_fields(row["A08"], seq + 1)
    del short[17]                                               # 20 fields: userfield lost
    sci = master_fields(row["A10"], seq + 3)
    sci[2] = "9.12678E+11"                                      # dst re-saved by a spreadsheet
    dated = master_fields(row["A11"], seq + 4)
    dated[9], dated[10], dated[11] = "10/02/2020 22:41", "", "10/02/2020 22:42"   # seconds lost
    unterminated = master_fields(row["A04"], seq + 6)[:17] + ['"call back re ticket 4471']
    lines = [master_line(row["A07"], seq), ",".join(short), master_line(row["A09"], seq + 2),
             ",".join(sci), ",".join(dated), master_line(row["A12"], seq + 5), ",".join(unterminated)]
    path = os.path.join(HERE, "asterisk-master-bad.csv")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    errors = [(2, "field count"), (4, "scientific notation"), (5, "date"), (7, "unterminated quote")]
    with open(os.path.join(HERE, "asterisk-master-bad.expected-errors.txt"), "w", encoding="utf-8") as f:
        for line, keyword in errors:
            f.write(f"asterisk-master-bad.csv:{line}: {keyword}\n")
    # The calls of the good rows (lines 1, 3, 6), derived like any other Master.csv.
    tmp = path + ".good.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("\n".join([lines[0], lines[2], lines[5]]) + "\n")
    calls, _, _ = read_master(tmp)
    os.remove(tmp)
    for call in calls:
        call["source"] = os.path.basename(path)
    write_sidecar(sidecar(path), calls)


# ---------------------------------------------------------------------------------------------
# FreeSWITCH: mod_cdr_csv (default template, legs "ab") and mod_json_cdr (A-legs)
# ---------------------------------------------------------------------------------------------


def fs_uuid(rng):
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[rng.randrange(4)]}{h[17:20]}-{h[20:]}"


def write_freeswitch_csv(rng):
    """A/B legs of a FreeSWITCH box serving the same numbers (no queue app: inbound calls are
    bridged to the agent that took them in the ground truth)."""
    rows = []   # (end, order, fields)
    cause_of = {"busy": "USER_BUSY", "noanswer": "NO_ANSWER", "failed": "CALL_REJECTED",
                "abandoned": "ORIGINATOR_CANCEL", "answered": "NORMAL_CLEARING"}
    for key in ("A01", "A02", "A03", "A06", "A07", "A08", "A09", "A10", "A12"):
        c = BY_KEY[key]
        a_uuid, b_uuid = fs_uuid(rng), fs_uuid(rng)
        inbound = c.kind not in ("outbound", "internal")
        if c.kind in ("queue", "queue-ivr"):
            agent, b_start = c.attempts[-1][0], c.attempts[-1][1]
        elif c.kind == "direct":
            agent, b_start = c.agent, c.t0
        else:
            agent, b_start = c.dialed, c.t0
        cause = cause_of[c.result]
        answered = c.result == "answered"
        name = c.name or (c.caller if inbound else f"Agent {c.caller}")
        codec = "PCMA" if answered else ""

        def leg(uuid, bleg, number, dest, context, start):
            ans = wall(c.tc) if answered else ""
            billsec = c.te - c.tc if answered else 0
            return [name, number, dest, context, wall(start), ans, wall(c.te), str(c.te - start),
                    str(billsec), cause, uuid, bleg, c.caller if not inbound else "", codec, codec]
        a = leg(a_uuid, b_uuid, c.caller, c.dialed, "public" if inbound else "default", c.t0)
        b = leg(b_uuid, "", c.caller, agent if inbound or c.kind == "internal" else c.dialed, "default", b_start)
        rows.append((c.te, len(rows), b))       # the B-leg's record is written first
        rows.append((c.te, len(rows), a))
    path = os.path.join(HERE, "freeswitch-master.csv")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for _, _, r in sorted(rows, key=lambda x: (x[0], x[1])):
            f.write(",".join(q(v) for v in r) + "\n")
    calls = read_freeswitch_csv(path)
    write_sidecar(sidecar(path), calls)
    return {"freeswitch-master.csv": (len(rows), calls)}


def read_freeswitch_csv(path, tz=LONDON):
    names = ["caller_id_name", "caller_id_number", "destination_number", "context", "start_stamp",
             "answer_stamp", "end_stamp", "duration", "billsec", "hangup_cause", "uuid", "bleg_uuid",
             "accountcode", "read_codec", "write_codec"]
    with open(path, newline="", encoding="utf-8") as f:
        rows = [dict(zip(names, r)) for r in csv.reader(f)]
    by_uuid = {r["uuid"]: r for r in rows}
    blegs = {r["bleg_uuid"] for r in rows if r["bleg_uuid"]}
    calls = []
    for a in rows:
        if a["uuid"] in blegs:
            continue
        b = by_uuid.get(a["bleg_uuid"])
        legs = [a] + ([b] if b else [])
        t = lambda v: parse_local(v, tz) if v else None
        answered = int(a["billsec"]) > 0
        outcome, q850 = FREESWITCH_CAUSE[a["hangup_cause"]]
        agent = b["destination_number"] if b and int(b["billsec"]) > 0 else None
        calls.append(expected(a["uuid"], os.path.basename(path), "freeswitch-csv",
                              min(t(l["start_stamp"]) for l in legs), opt_number(a["caller_id_number"]),
                              opt_number(a["destination_number"]), "answered" if answered else outcome,
                              t(a["answer_stamp"]) if answered else None, max(t(l["end_stamp"]) for l in legs),
                              packets=len(legs), reason_cause=q850, agent=opt_number(agent) if agent else None))
    return calls


def write_freeswitch_json(rng):
    """Three mod_json_cdr documents, one A-leg each (log-b-leg false, the default), one file per
    document as mod_json_cdr's log-dir writes them, pretty-printed with tabs, values not URL-encoded."""
    folder = os.path.join(HERE, "freeswitch-json")
    os.makedirs(folder, exist_ok=True)
    for old in os.listdir(folder):
        if old.endswith(".cdr.json"):
            os.remove(os.path.join(folder, old))
    docs = []
    # J1: A13 through mod_callcenter; J2: A09 outbound; J3: a busy extension, refused at once.
    c = BY_KEY["A13"]
    docs.append(dict(c=c, caller=c.caller, dest=c.dialed, start=c.t0, answer=c.t0 + 1, end=c.te,
                     cause="NORMAL_CLEARING", context="public",
                     disposition="recv_bye" if c.ended_by == "caller" else "send_bye",
                     cc=dict(cc_queue="support", cc_agent="201", cc_side="member",
                             cc_queue_joined_epoch=c.tq, cc_queue_answered_epoch=c.tc,
                             cc_queue_terminated_epoch=c.te, cc_cause="answered"),
                     app=[("answer", ""), ("playback", "ivr/welcome.wav"), ("callcenter", "support")]))
    c = BY_KEY["A09"]
    docs.append(dict(c=c, caller=c.caller, dest=c.dialed, start=c.t0, answer=c.tc, end=c.te,
                     cause="NORMAL_CLEARING", disposition="send_bye", context="default", cc={},
                     app=[("set", "effective_caller_id_number=+442079460100"),
                          ("bridge", f"sofia/gateway/siptrunk/{c.dialed}")]))
    c = BY_KEY["A07"]
    docs.append(dict(c=c, caller=c.caller, dest=c.dialed, start=c.t0, answer=0, end=c.t0,
                     cause="USER_BUSY", disposition="send_refuse", context="public", cc={},
                     app=[("bridge", "user/203@default")]))
    for d in docs:
        uuid = fs_uuid(rng)
        billsec = d["end"] - d["answer"] if d["answer"] else 0
        v = {
            "uuid": uuid, "call_uuid": uuid, "direction": "inbound",
            "channel_name": f"sofia/{'external' if d['context'] == 'public' else 'internal'}/{d['caller']}@192.0.2.10",
            "sip_from_user": d["caller"], "sip_to_user": d["dest"], "sip_req_user": d["dest"],
            "sip_via_protocol": "udp", "caller_id_name": d["c"].name or d["caller"],
            "caller_id_number": d["caller"], "destination_number": d["dest"],
            "start_epoch": str(d["start"]), "start_uepoch": str(d["start"] * 1000000),
            "answer_epoch": str(d["answer"]), "answer_uepoch": str(d["answer"] * 1000000),
            "end_epoch": str(d["end"]), "end_uepoch": str(d["end"] * 1000000),
            "start_stamp": wall(d["start"]), "answer_stamp": wall(d["answer"]) if d["answer"] else "",
            "end_stamp": wall(d["end"]), "duration": str(d["end"] - d["start"]), "billsec": str(billsec),
            "progresssec": "1" if d["answer"] else "0",
            "waitsec": str(d["answer"] - d["start"]) if d["answer"] else "0",
            "hangup_cause": d["cause"], "hangup_cause_q850": str(FREESWITCH_CAUSE[d["cause"]][1]),
            "sip_hangup_disposition": d["disposition"],
            "last_app": d["app"][-1][0], "last_arg": d["app"][-1][1],
        }
        for k, val in d["cc"].items():
            v[k] = str(val)
        doc = {
            "core-uuid": "5e1c0f0e-2b7d-4c1a-9a53-0c2d7e9b1f00", "switchname": "fs-lon-01",
            "channel_data": {"state": "CS_REPORTING", "direction": "inbound", "state_number": "11"},
            "variables": v,
            "app_log": {"applications": [{"app_name": n, "app_data": a} for n, a in d["app"]]},
            "callflow": [{"dialplan": "XML", "profile_index": "1",
                          "caller_profile": {"username": d["caller"], "dialplan": "XML",
                                             "caller_id_name": v["caller_id_name"],
                                             "caller_id_number": d["caller"], "destination_number": d["dest"],
                                             "context": d["context"], "uuid": uuid},
                          "times": {"created_time": str(d["start"] * 1000000),
                                    "answered_time": str(d["answer"] * 1000000),
                                    "hangup_time": str(d["end"] * 1000000)}}],
        }
        with open(os.path.join(folder, f"{uuid}.cdr.json"), "w", encoding="utf-8", newline="\n") as f:
            f.write(json.dumps(doc, indent="\t") + "\n")
    # One sidecar for the folder (kept outside it, so that the folder holds only CDR documents).
    all_calls = [read_freeswitch_json(os.path.join(folder, name))
                 for name in sorted(os.listdir(folder)) if name.endswith(".cdr.json")]
    write_sidecar(os.path.join(HERE, "freeswitch-json.expected.ndjson"), all_calls)
    return {"freeswitch-json/": (len(docs), all_calls)}


def read_freeswitch_json(path):
    with open(path, encoding="utf-8") as f:
        v = json.load(f)["variables"]
    num = lambda k: int(v[k]) if v.get(k) not in (None, "", "0") else None
    billsec = int(v["billsec"])
    outcome, q850 = FREESWITCH_CAUSE[v["hangup_cause"]]
    joined, q_answered = num("cc_queue_joined_epoch"), num("cc_queue_answered_epoch")
    answered_at = None
    if billsec > 0:
        outcome = "answered"
        # CHOICE: a queued call is answered when the agent answered (cc_queue_answered_epoch),
        # not when mod_callcenter answered the caller (answer_epoch); "Common" answered_at rule.
        answered_at = q_answered if q_answered else num("answer_epoch")
    wait = (q_answered - joined) if (joined and q_answered) else int(v["waitsec"])
    ended_by = {"recv_bye": "caller", "recv_cancel": "caller",
                "send_bye": "callee", "send_cancel": "callee"}.get(v["sip_hangup_disposition"])
    return expected(v["uuid"], os.path.basename(path), "freeswitch-json", int(v["start_epoch"]),
                    opt_number(v["caller_id_number"]), opt_number(v["destination_number"]), outcome,
                    answered_at, int(v["end_epoch"]), packets=1, reason_cause=q850, ended_by=ended_by,
                    agent=opt_number(v.get("cc_agent", "")), queue=v.get("cc_queue") or None, wait=wait)


# ---------------------------------------------------------------------------------------------
# Cisco CUCM flat file: names row, types row, 129 columns (CUCM 10.x CDR schema)
# ---------------------------------------------------------------------------------------------

CUCM_COLUMNS = """
cdrRecordType:INTEGER globalCallID_callManagerId:INTEGER globalCallID_callId:INTEGER
origLegCallIdentifier:INTEGER dateTimeOrigination:INTEGER origNodeId:INTEGER origSpan:INTEGER
origIpAddr:INTEGER callingPartyNumber:VARCHAR(50) callingPartyUnicodeLoginUserID:VARCHAR(128)
origCause_location:INTEGER origCause_value:INTEGER origPrecedenceLevel:INTEGER
origMediaTransportAddress_IP:INTEGER origMediaTransportAddress_Port:INTEGER
origMediaCap_payloadCapability:INTEGER origMediaCap_maxFramesPerPacket:INTEGER
origMediaCap_g723BitRate:INTEGER origVideoCap_Codec:INTEGER origVideoCap_Bandwidth:INTEGER
origVideoCap_Resolution:INTEGER origVideoTransportAddress_IP:INTEGER
origVideoTransportAddress_Port:INTEGER origRSVPAudioStat:VARCHAR(64) origRSVPVideoStat:VARCHAR(64)
destLegIdentifier:INTEGER destNodeId:INTEGER destSpan:INTEGER destIpAddr:INTEGER
originalCalledPartyNumber:VARCHAR(50) finalCalledPartyNumber:VARCHAR(50)
finalCalledPartyUnicodeLoginUserID:VARCHAR(128) destCause_location:INTEGER destCause_value:INTEGER
destPrecedenceLevel:INTEGER destMediaTransportAddress_IP:INTEGER destMediaTransportAddress_Port:INTEGER
destMediaCap_payloadCapability:INTEGER destMediaCap_maxFramesPerPacket:INTEGER
destMediaCap_g723BitRate:INTEGER destVideoCap_Codec:INTEGER destVideoCap_Bandwidth:INTEGER
destVideoCap_Resolution:INTEGER destVideoTransportAddress_IP:INTEGER
destVideoTransportAddress_Port:INTEGER destRSVPAudioStat:VARCHAR(64) destRSVPVideoStat:VARCHAR(64)
dateTimeConnect:INTEGER dateTimeDisconnect:INTEGER lastRedirectDn:VARCHAR(50) pkid:UNIQUEIDENTIFIER
originalCalledPartyNumberPartition:VARCHAR(50) callingPartyNumberPartition:VARCHAR(50)
finalCalledPartyNumberPartition:VARCHAR(50) lastRedirectDnPartition:VARCHAR(50) duration:INTEGER
origDeviceName:VARCHAR(129) destDeviceName:VARCHAR(129) origCallTerminationOnBehalfOf:INTEGER
destCallTerminationOnBehalfOf:INTEGER origCalledPartyRedirectOnBehalfOf:INTEGER
lastRedirectRedirectOnBehalfOf:INTEGER origCalledPartyRedirectReason:INTEGER
lastRedirectRedirectReason:INTEGER destConversationId:INTEGER globalCallId_ClusterID:VARCHAR(50)
joinOnBehalfOf:INTEGER comment:VARCHAR(2048) authCodeDescription:VARCHAR(50)
authorizationLevel:INTEGER clientMatterCode:VARCHAR(32) origDTMFMethod:INTEGER destDTMFMethod:INTEGER
callSecuredStatus:INTEGER origConversationId:INTEGER origMediaCap_Bandwidth:INTEGER
destMediaCap_Bandwidth:INTEGER authorizationCodeValue:VARCHAR(32)
outpulsedCallingPartyNumber:VARCHAR(50) outpulsedCalledPartyNumber:VARCHAR(50)
origIpv4v6Addr:VARCHAR(64) destIpv4v6Addr:VARCHAR(64) origVideoCap_Codec_Channel2:INTEGER
origVideoCap_Bandwidth_Channel2:INTEGER origVideoCap_Resolution_Channel2:INTEGER
origVideoTransportAddress_IP_Channel2:INTEGER origVideoTransportAddress_Port_Channel2:INTEGER
origVideoChannel_Role_Channel2:INTEGER destVideoCap_Codec_Channel2:INTEGER
destVideoCap_Bandwidth_Channel2:INTEGER destVideoCap_Resolution_Channel2:INTEGER
destVideoTransportAddress_IP_Channel2:INTEGER destVideoTransportAddress_Port_Channel2:INTEGER
destVideoChannel_Role_Channel2:INTEGER IncomingProtocolID:INTEGER IncomingProtocolCallRef:VARCHAR(32)
OutgoingProtocolID:INTEGER OutgoingProtocolCallRef:VARCHAR(32) currentRoutingReason:INTEGER
origRoutingReason:INTEGER lastRedirectingRoutingReason:INTEGER huntPilotPartition:VARCHAR(50)
huntPilotDN:VARCHAR(50) calledPartyPatternUsage:INTEGER IncomingICID:VARCHAR(50)
IncomingOrigIOI:VARCHAR(50) IncomingTermIOI:VARCHAR(50) OutgoingICID:VARCHAR(50)
OutgoingOrigIOI:VARCHAR(50) OutgoingTermIOI:VARCHAR(50) outpulsedOriginalCalledPartyNumber:VARCHAR(50)
outpulsedLastRedirectingNumber:VARCHAR(50) wasCallQueued:INTEGER totalWaitTimeInQueue:INTEGER
callingPartyNumber_uri:VARCHAR(255) originalCalledPartyNumber_uri:VARCHAR(255)
finalCalledPartyNumber_uri:VARCHAR(255) lastRedirectDn_uri:VARCHAR(255)
mobileCallingPartyNumber:VARCHAR(50) finalMobileCalledPartyNumber:VARCHAR(50)
origMobileDeviceName:VARCHAR(129) destMobileDeviceName:VARCHAR(129) origMobileCallDuration:INTEGER
destMobileCallDuration:INTEGER mobileCallType:INTEGER originalCalledPartyPattern:VARCHAR(50)
finalCalledPartyPattern:VARCHAR(50) lastRedirectingPartyPattern:VARCHAR(50)
huntPilotPattern:VARCHAR(50)
""".split()
CUCM_NAMES = [c.split(":", 1)[0] for c in CUCM_COLUMNS]
CUCM_TYPES = [c.split(":", 1)[1] for c in CUCM_COLUMNS]
HUNT = {TRACK_IVR: "5100", TRACK_QUEUE: "5200"}
DEVICES = {"201": "SEP00AABB000201", "202": "SEP00AABB000202", "203": "SEP00AABB000203"}
IPS = {"gw": ("192.168.10.2", 34252992), "201": ("192.168.20.201", 3373574336),
       "202": ("192.168.20.202", 3390351552), "203": ("192.168.20.203", 3407128768)}


def write_cucm(rng):
    rows = []
    callid = rng.randrange(800000, 900000)
    leg_id = rng.randrange(70000000, 80000000)

    def leg(gcid, *, calling, original, final, orig_t, connect, disconnect, orig_cause, dest_cause,
            orig_dev, dest_dev, hunt=None, queued_wait=0, redirect=None):
        nonlocal leg_id
        r = {n: (0 if t == "INTEGER" else "") for n, t in zip(CUCM_NAMES, CUCM_TYPES)}
        leg_id += 2
        o_ip = IPS["gw"] if orig_dev.startswith("LON-") else IPS[calling]
        d_ip = IPS["gw"] if dest_dev.startswith("LON-") else IPS[final]
        r.update(cdrRecordType=1, globalCallID_callManagerId=1, globalCallID_callId=gcid,
                 origLegCallIdentifier=leg_id, dateTimeOrigination=orig_t, origNodeId=1, origSpan=0,
                 origIpAddr=o_ip[1], callingPartyNumber=calling, origCause_value=orig_cause,
                 origPrecedenceLevel=4, destLegIdentifier=leg_id + 1, destNodeId=1, destIpAddr=d_ip[1],
                 originalCalledPartyNumber=original, finalCalledPartyNumber=final,
                 destCause_value=dest_cause, destPrecedenceLevel=4, dateTimeConnect=connect,
                 dateTimeDisconnect=disconnect, lastRedirectDn=redirect or original, pkid=fs_uuid(rng),
                 originalCalledPartyNumberPartition="PT_Internal", callingPartyNumberPartition="",
                 finalCalledPartyNumberPartition="PT_Internal", lastRedirectDnPartition="PT_Internal",
                 duration=(disconnect - connect) if connect else 0, origDeviceName=orig_dev,
                 destDeviceName=dest_dev, origCallTerminationOnBehalfOf=12 if orig_cause else 0,
                 destCallTerminationOnBehalfOf=12 if dest_cause else 0, origRSVPAudioStat="0",
                 origRSVPVideoStat="0", destRSVPAudioStat="0", destRSVPVideoStat="0",
                 globalCallId_ClusterID="StandAloneCluster", origDTMFMethod=3, destDTMFMethod=3,
                 origIpv4v6Addr=o_ip[0], destIpv4v6Addr=d_ip[0], IncomingProtocolID=2 if orig_dev.startswith("LON-") else 0,
                 OutgoingProtocolID=2 if dest_dev.startswith("LON-") else 0, calledPartyPatternUsage=2,
                 originalCalledPartyPattern=original, finalCalledPartyPattern=final)
        if connect:
            r.update(origMediaTransportAddress_IP=o_ip[1], origMediaTransportAddress_Port=rng.randrange(16384, 32767, 2),
                     origMediaCap_payloadCapability=4, origMediaCap_maxFramesPerPacket=20,
                     destMediaTransportAddress_IP=d_ip[1], destMediaTransportAddress_Port=rng.randrange(16384, 32767, 2),
                     destMediaCap_payloadCapability=4, destMediaCap_maxFramesPerPacket=20,
                     origMediaCap_Bandwidth=64, destMediaCap_Bandwidth=64)
        if hunt:
            r.update(huntPilotDN=hunt, huntPilotPartition="PT_Internal", huntPilotPattern=hunt,
                     lastRedirectDn=hunt, origCalledPartyRedirectReason=0, lastRedirectRedirectReason=0)
        if queued_wait:
            r.update(wasCallQueued=1, totalWaitTimeInQueue=queued_wait)
        rows.append((disconnect, len(rows), r))

    for key in ("A01", "A02", "A03", "A06", "A07", "A08", "A09", "A10", "A12"):
        c = BY_KEY[key]
        callid += rng.randrange(1, 4)
        if c.kind in ("queue", "queue-ivr"):
            hunt = HUNT[c.dialed]
            agent = c.attempts[-1][0]
            connect = c.tc if c.result == "answered" else 0
            queued = (c.attempts[-1][1] - c.t0) if (c.result == "answered" and len(c.attempts) > 1) else 0
            if key == "A02":
                # Agent 203 answers, then transfers the caller to 201 after a consultation:
                # two legs share the globalCallID.
                tx = c.tc + 40
                leg(callid, calling=normalize(c.caller), original=c.dialed, final="203", orig_t=c.t0,
                    connect=c.tc, disconnect=tx, orig_cause=0, dest_cause=16, orig_dev="LON-CUBE-01",
                    dest_dev=DEVICES["203"], hunt=hunt)
                leg(callid, calling="203", original="201", final="201", orig_t=tx - 12, connect=tx - 7,
                    disconnect=c.te + 40, orig_cause=16, dest_cause=0, orig_dev=DEVICES["203"],
                    dest_dev=DEVICES["201"])
                continue
            leg(callid, calling=normalize(c.caller), original=c.dialed, final=agent, orig_t=c.t0,
                connect=connect, disconnect=c.te, orig_cause=16 if c.ended_by == "caller" else 0,
                dest_cause=16 if c.ended_by != "caller" else 0, orig_dev="LON-CUBE-01",
                dest_dev=DEVICES[agent], hunt=hunt, queued_wait=queued)
        elif c.kind == "direct":
            cause = {"busy": 17, "noanswer": 19}[c.result]
            leg(callid, calling=normalize(c.caller), original=c.dialed, final=c.agent, orig_t=c.t0, connect=0,
                disconnect=c.te, orig_cause=0, dest_cause=cause, orig_dev="LON-CUBE-01", dest_dev=DEVICES[c.agent])
        else:
            answered = c.result == "answered"
            outbound = c.kind == "outbound"
            dial = "9" + ("00" + c.dialed[1:] if c.dialed.startswith("+") else c.dialed)   # 9 for an outside line
            leg(callid, calling=c.caller, original=c.dialed if not outbound else dial,
                final=c.dialed if not outbound else dial, orig_t=c.t0,
                connect=c.tc if answered else 0, disconnect=c.te,
                orig_cause=16 if (answered and c.ended_by == "caller") else 0,
                dest_cause=21 if c.result == "failed" else (16 if c.ended_by != "caller" else 0),
                orig_dev=DEVICES[c.caller], dest_dev="LON-CUBE-01" if outbound else DEVICES[c.dialed])
    path = os.path.join(HERE, "cucm-cdr.csv")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(",".join(q(n) for n in CUCM_NAMES) + "\n")
        f.write(",".join(CUCM_TYPES) + "\n")
        for _, _, r in sorted(rows, key=lambda x: (x[0], x[1])):
            f.write(",".join(str(r[n]) if t == "INTEGER" else q(str(r[n])) for n, t in zip(CUCM_NAMES, CUCM_TYPES)) + "\n")
    calls = read_cucm(path)
    write_sidecar(sidecar(path), calls)
    return {"cucm-cdr.csv": (len(rows), calls)}


def read_cucm(path):
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        names = next(reader)
        rows = [dict(zip(names, r)) for r in reader if r[0] != "INTEGER"]
    groups = {}
    for i, r in enumerate(rows):
        r["i"] = i
        groups.setdefault(f"{r['globalCallID_callManagerId']}-{r['globalCallID_callId']}", []).append(r)
    calls = []
    for call_id, legs in groups.items():
        n = lambda r, k: int(r[k])
        first = min(legs, key=lambda r: (n(r, "dateTimeOrigination"), r["i"]))
        connected = sorted((r for r in legs if n(r, "dateTimeConnect")), key=lambda r: (n(r, "dateTimeConnect"), r["i"]))
        last = max(legs, key=lambda r: (n(r, "dateTimeDisconnect"), r["i"]))
        cause = lambda r: n(r, "origCause_value") or n(r, "destCause_value")
        answered_at = n(connected[0], "dateTimeConnect") if connected else None
        outcome = "answered" if connected else unconnected_q850(cause(first))
        hunt = next((r["huntPilotDN"] for r in legs if r["huntPilotDN"]), None)
        wait = next((n(r, "totalWaitTimeInQueue") for r in legs if n(r, "totalWaitTimeInQueue")), None)
        calls.append(expected(call_id, os.path.basename(path), "cucm", n(first, "dateTimeOrigination"),
                              opt_number(first["callingPartyNumber"]), opt_number(first["originalCalledPartyNumber"]),
                              outcome, answered_at, n(last, "dateTimeDisconnect"), packets=len(legs),
                              # CHOICE: reason_cause for every call, from the leg that ended last;
                              # agent from the first connected leg.
                              reason_cause=cause(last) if connected else cause(first),
                              agent=opt_number(connected[0]["finalCalledPartyNumber"]) if connected else None,
                              queue=hunt, wait=wait))
    return calls


# ---------------------------------------------------------------------------------------------
# A made-up PBX export read through a mapping (mapped-csv)
# ---------------------------------------------------------------------------------------------

GENERIC_MAPPING = """\
# Column mapping of generic-export.csv ("Acme CloudPBX" call report) for callscope --mapping.
delimiter: ";"
time_format: "%d/%m/%Y %H:%M:%S"
timezone: "Europe/London"
columns:
  call_id: CallRef
  caller: From
  dialed: To
  agent: Agent
  queue: Queue
  start: Started
  answer: Answered
  end: Ended
  wait: QueueWait
  outcome: Result
outcomes:
  Answered: answered
  Abandoned: abandoned
  Timeout: no_answer
  No answer: no_answer
  No agents: congestion
  Busy: busy
  Failed: rejected
"""
GENERIC_OUTCOMES = {"Answered": "answered", "Abandoned": "abandoned", "Timeout": "no_answer",
                    "No answer": "no_answer", "No agents": "congestion", "Busy": "busy", "Failed": "rejected"}


def spaced(number):
    """How the export prints numbers: `+44 20 7946 0100`, `07700 900456`."""
    if number.startswith("+44"):
        rest = number[3:]
        return f"+44 {rest[:2]} {rest[2:6]} {rest[6:]}" if rest.startswith("20") else f"+44 {rest[:4]} {rest[4:]}"
    if number.startswith("+33"):
        return f"+33 {number[3]} {number[4:6]} {number[6:8]} {number[8:10]} {number[10:]}"
    if number.startswith("020"):
        return f"{number[:3]} {number[3:7]} {number[7:]}"
    if number.startswith("07"):
        return f"{number[:5]} {number[5:]}"
    return number


def write_generic(rng):
    result = {"answered": "Answered", "abandoned": "Abandoned", "timeout": "Timeout", "empty": "No agents",
              "busy": "Busy", "noanswer": "No answer", "failed": "Failed"}
    fmt = "%d/%m/%Y %H:%M:%S"
    lines = ["CallRef;From;To;Agent;Queue;Started;Answered;Ended;QueueWait;Result"]
    ref = rng.randrange(10000, 20000)
    for key in ("A01", "A03", "A04", "A05", "A06", "A07", "A09", "A10", "A12", "A13"):
        c = BY_KEY[key]
        ref += rng.randrange(1, 9)
        queued = c.kind in ("queue", "queue-ivr")
        agent = c.agent if c.result == "answered" and c.kind != "outbound" else ""
        if c.kind == "outbound":
            agent = c.caller                    # this PBX names the agent who placed the call
        elif c.kind == "internal" and c.result == "answered":
            agent = c.dialed
        wait = ""
        if queued:
            wait = str((c.tc if c.tc else c.te) - c.tq)
        lines.append(";".join([
            f"LON-{ref:06d}", spaced(c.caller), spaced(c.dialed), agent, "Support" if queued else "",
            wall(c.t0, fmt=fmt), wall(c.tc, fmt=fmt) if c.tc else "", wall(c.te, fmt=fmt), wait,
            result[c.result]]))
    path = os.path.join(HERE, "generic-export.csv")
    with open(path, "w", encoding="utf-8", newline="\r\n") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(HERE, "generic-export.mapping.yaml"), "w", encoding="utf-8", newline="\n") as f:
        f.write(GENERIC_MAPPING)
    calls = read_generic(path)
    write_sidecar(sidecar(path), calls)
    return {"generic-export.csv": (len(lines) - 1, calls)}


def read_generic(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    t = lambda v: int(datetime.strptime(v, "%d/%m/%Y %H:%M:%S").replace(tzinfo=LONDON).timestamp()) if v else None
    groups = {}
    for r in rows:
        groups.setdefault(r["CallRef"], []).append(r)
    calls = []
    for ref, rs in groups.items():
        r = rs[0]
        outcome = GENERIC_OUTCOMES[r["Result"]]
        calls.append(expected(ref, os.path.basename(path), "mapped-csv", min(t(x["Started"]) for x in rs),
                              opt_number(r["From"]), opt_number(r["To"]), outcome,
                              t(r["Answered"]) if outcome == "answered" else None,
                              max(t(x["Ended"]) for x in rs), packets=len(rs), agent=opt_number(r["Agent"]),
                              queue=r["Queue"] or None,
                              # CHOICE: an empty wait cell is "not given" -> the Common rule.
                              wait=int(r["QueueWait"]) if r["QueueWait"] else None))
    return calls


# ---------------------------------------------------------------------------------------------
# The benchmark file: a large Master.csv
# ---------------------------------------------------------------------------------------------


def write_big_master(n_rows, out, seed):
    """N rows of 21-field Master.csv, ~3 rows per call (linkedid), wall clock in UTC."""
    rng = random.Random(seed)
    rand = rng.random
    t = 1767225600                                  # 2026-01-01 00:00:00 UTC
    seq = 1000
    chan = 0x100
    minute_cache = {}

    def w(e):
        m = e - e % 60
        p = minute_cache.get(m)
        if p is None:
            if len(minute_cache) > 4096:
                minute_cache.clear()
            p = minute_cache[m] = time.strftime("%Y-%m-%d %H:%M:", time.gmtime(m))
        return f'"{p}{e % 60:02d}"'
    written = 0
    sequence = 1
    with open(out, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as f:
        buf = []
        while written < n_rows:
            t += 1 + int(rand() * 40)
            caller = f"+4477009{int(rand() * 100000):05d}" if rand() < 0.6 else f"07700{int(rand() * 1000000):06d}"
            did = ("+442079460100", "+442079460200", "+442079460300")[int(rand() * 3)]
            u0 = f"{t}.{seq}"
            seq += 1
            tc = f"SIP/siptrunk-{chan:08x}"
            chan += 1
            clid = f'""""" <{caller}>"'       # "" <number>, quotes doubled
            head = f'"","{caller}","{did}","from-trunk",{clid},"{tc}",'
            tail = f',"DOCUMENTATION","{u0}","","","{u0}",'
            rows = []
            x = rand()
            if x < 0.55:            # queue, one or two agents rung, answered: 3-4 rows
                ivr = 5 + int(rand() * 10)
                tq = t + ivr
                rs = tq + 1
                if rand() < 0.5:
                    a = 201 + int(rand() * 3)
                    lo = f"Local/{a}@from-queue-{chan:08x}"
                    ac = f"SIP/{a}-{chan + 1:08x}"
                    chan += 2
                    re = rs + 15
                    rows.append((re, f'"","{caller}","{a}","from-queue",{clid},"{lo};2","{ac}","Dial","SIP/{a},,t",{w(rs)},,{w(re)},15,0,"NO ANSWER","DOCUMENTATION","{t}.{seq + 1}","","","{u0}",'))
                    rows.append((re, f'{head}"{lo};1","Queue","support,t,,,300",{w(rs)},,{w(re)},15,0,"NO ANSWER"{tail}'))
                    seq += 2
                    rs = re + 1
                a = 201 + int(rand() * 3)
                ring = 2 + int(rand() * 12)
                tca = rs + ring
                talk = 10 + int(rand() * 600)
                te = tca + talk
                lo = f"Local/{a}@from-queue-{chan:08x}"
                ac = f"SIP/{a}-{chan + 1:08x}"
                chan += 2
                rows.append((tca, f'"","{caller}","{a}","from-queue",{clid},"{lo};2","{ac}","Dial","SIP/{a},,t",{w(rs)},{w(tca)},{w(tca)},{ring},0,"ANSWERED","DOCUMENTATION","{t}.{seq + 1}","","","{u0}",'))
                seq += 2
                rows.append((te, f'{head}"{ac}","Queue","support,t,,,300",{w(t)},{w(t)},{w(te)},{te - t},{talk},"ANSWERED"{tail}'))
            elif x < 0.75:          # queue, abandoned after one or two agents rang: 3-5 rows
                rs = t + 1
                for _ in range(1 + int(rand() * 2)):
                    a = 201 + int(rand() * 3)
                    lo = f"Local/{a}@from-queue-{chan:08x}"
                    ac = f"SIP/{a}-{chan + 1:08x}"
                    chan += 2
                    re = rs + 15
                    rows.append((re, f'"","{caller}","{a}","from-queue",{clid},"{lo};2","{ac}","Dial","SIP/{a},,t",{w(rs)},,{w(re)},15,0,"NO ANSWER","DOCUMENTATION","{t}.{seq + 1}","","","{u0}",'))
                    rows.append((re, f'{head}"{lo};1","Queue","support,tr,,,60",{w(rs)},,{w(re)},15,0,"NO ANSWER"{tail}'))
                    seq += 2
                    rs = re + 1
                te = rs + int(rand() * 10)
                rows.append((te, f'{head}"","Queue","support,tr,,,60",{w(t)},,{w(te)},{te - t},0,"NO ANSWER"{tail}'))
            elif x < 0.85:          # direct to an extension: busy / no answer, 1 row
                a = 201 + int(rand() * 3)
                ac = f"SIP/{a}-{chan:08x}"
                chan += 1
                busy = rand() < 0.4
                te = t + (2 if busy else 20)
                disp = "BUSY" if busy else "NO ANSWER"
                rows.append((te, f'{head}"{ac}","Dial","SIP/{a},20",{w(t)},,{w(te)},{te - t},0,"{disp}"{tail}'))
            else:                   # outbound from an agent, 1 row
                a = 201 + int(rand() * 3)
                ac = f"SIP/{a}-{chan:08x}"
                trunk = f"SIP/siptrunk-{chan + 1:08x}"
                chan += 2
                ring = 3 + int(rand() * 20)
                if rand() < 0.7:
                    talk = 20 + int(rand() * 400)
                    te = t + ring + talk
                    rows.append((te, f'"","{a}","{caller}","from-internal","""Agent {a}"" <{a}>","{ac}","{trunk}","Dial","SIP/siptrunk/{caller},300,T",{w(t)},{w(t + ring)},{w(te)},{te - t},{talk},"ANSWERED"{tail}'))
                else:
                    te = t + ring
                    rows.append((te, f'"","{a}","{caller}","from-internal","""Agent {a}"" <{a}>","{ac}","{trunk}","Dial","SIP/siptrunk/{caller},300,T",{w(t)},,{w(te)},{te - t},0,"NO ANSWER"{tail}'))
            rows.sort(key=lambda r: r[0])
            for _, r in rows:
                if written == n_rows:
                    break
                buf.append(f"{r}{sequence}\n")
                sequence += 1
                written += 1
            if len(buf) >= 8192:
                f.write("".join(buf))
                buf.clear()
        f.write("".join(buf))
    return written


# ---------------------------------------------------------------------------------------------
# A day of a small team: queue_log agent events (stock file, table export, SQL dump) and the
# agent figures of docs/metrics.md "Agent states", computed from the plan second by second
# ---------------------------------------------------------------------------------------------

TEAM_DAY = "2026-03-31"
TEAM_DIR = os.path.join(HERE, "team-day")
TEAM_ACW_REASONS = {"acw", "wrap", "wrapup", "after call work"}
# agent: login, logoff (None: still logged in at the end of the log), queues, how they log in.
# 303 logs in late (shift 09:00); 304 never logs off (a session open at the end of the input).
TEAM = {
    "301": dict(login="08:58:00", logoff="17:02:10", queues=["sales", "support"], style="member"),
    "302": dict(login="09:00:05", logoff="17:00:30", queues=["support"], style="agent"),
    "303": dict(login="09:25:40", logoff="17:01:00", queues=["sales"], style="member"),
    "304": dict(login="09:01:00", logoff=None, queues=["support", "sales"], style="member"),
}
# Planned not-ready pauses: 302's 45-minute break is the long break; 302's 14:00 pause has no reason.
TEAM_PAUSES = {
    "301": [("12:30:00", "13:00:00", "Lunch")],
    "302": [("10:30:00", "11:15:00", "Break"), ("14:00:00", "14:05:00", "")],
    "303": [("13:00:00", "13:45:00", "Lunch")],
    "304": [("15:00:00", "15:20:00", "Training")],
}


def team_at(hms):
    return at(f"{TEAM_DAY} {hms}")


def team_plan(rng):
    """Simulates the day: returns (log lines as (epoch, order, fields)), and the ground truth
    per agent: sessions, pauses (start, end, reason, acw), calls (answer, end, transferred),
    ring-no-answers."""
    events = []
    order = [0]

    def log(t, callid, queue, agent, event, *data):
        order[0] += 1
        events.append((t, order[0], [str(t), callid, queue, agent, event, *map(str, data)]))

    truth = {a: dict(sessions=[], pauses=[], calls=[], rona=0) for a in TEAM}
    log(team_at("08:00:00"), "NONE", "NONE", "NONE", "QUEUESTART", "")
    for a, cfg in TEAM.items():
        t = team_at(cfg["login"])
        if cfg["style"] == "agent":
            log(t, "NONE", "NONE", f"Agent/{a}", "AGENTLOGIN", f"SIP/{a}-000001{a[-1]}a")
        for i, queue in enumerate(cfg["queues"]):
            if cfg["style"] == "member":
                log(t + i, "NONE", queue, member(a), "ADDMEMBER", "")
    busy_until = {a: 0 for a in TEAM}           # on a call or in after-call work until
    pauses = {a: [(team_at(s), team_at(e), r, False) for s, e, r in TEAM_PAUSES[a]] for a in TEAM}

    def logged_in(a, t):
        cfg = TEAM[a]
        return team_at(cfg["login"]) + len(cfg["queues"]) <= t and (cfg["logoff"] is None or t < team_at(cfg["logoff"]) - 60)

    def paused(a, t, until=None):
        until = t + 1 if until is None else until
        return any(s < until and t < e for s, e, _, _ in pauses[a])

    def available(a, queue, t):
        return queue in TEAM[a]["queues"] and logged_in(a, t) and not paused(a, t) and busy_until[a] <= t

    sequence = 7
    t = team_at("09:05:00")
    end_of_calls = team_at("16:50:00")
    n = 0
    dropped = transferred_blind = transferred_attended = False
    while t < end_of_calls:
        n += 1
        queue = "support" if n % 3 else "sales"
        callid = f"{t}.{sequence}"
        sequence += 1
        log(t, callid, queue, "NONE", "ENTERQUEUE", "", f"+4477009{rng.randrange(10000, 99999)}", 1)
        wait_start = t
        answered = False
        now = t
        while now - wait_start <= 90 and not answered:
            candidates = [a for a in sorted(TEAM) if available(a, queue, now)]
            rng.shuffle(candidates)
            for a in candidates:
                rona_chance = 0.5 if a == "302" else 0.08
                if rng.random() < rona_chance:
                    ring_end = now + 15
                    log(ring_end, callid, queue, member(a), "RINGNOANSWER", 15000)
                    truth[a]["rona"] += 1
                    busy_until[a] = max(busy_until[a], ring_end)
                    now = ring_end
                    continue
                ring = rng.randrange(3, 9)
                answer = now + ring
                if paused(a, now, answer + 1) or not logged_in(a, answer):
                    continue
                if a == "304" and not dropped and team_at("11:00:00") <= answer:
                    talk, dropped, how = 3, True, "COMPLETEAGENT"       # the dropped call: 304 hangs up at once
                else:
                    talk = rng.randrange(60, 420)
                    how = "COMPLETECALLER" if rng.random() < 0.6 else "COMPLETEAGENT"
                    if a == "304" and not transferred_blind and team_at("13:00:00") <= answer:
                        how, transferred_blind = "BLINDTRANSFER", True
                    elif a == "301" and not transferred_attended and team_at("14:00:00") <= answer:
                        how, transferred_attended = "ATTENDEDTRANSFER", True
                end = answer + talk
                log(answer, callid, queue, member(a), "CONNECT", answer - wait_start, f"{answer}.{sequence + 100}", ring)
                if how == "BLINDTRANSFER":
                    log(end, callid, queue, member(a), how, "2000", "from-internal", answer - wait_start, talk, 1)
                elif how == "ATTENDEDTRANSFER":
                    log(end, callid, queue, member(a), how, "BRIDGE", f"{end}.{sequence + 200}", answer - wait_start, talk, 1)
                else:
                    log(end, callid, queue, member(a), how, answer - wait_start, talk, 1)
                truth[a]["calls"].append((answer, end, how.endswith("TRANSFER")))
                busy_until[a] = end
                # After-call work: an ACW pause 1-3 s after the call, 20-60 s long, half the time.
                if rng.random() < 0.5:
                    ps = end + rng.randrange(1, 4)
                    pe = ps + rng.randrange(20, 61)
                    if not paused(a, ps, pe + 1) and logged_in(a, pe):
                        reason = "ACW" if rng.random() < 0.7 else "Wrapup"
                        pauses[a].append((ps, pe, reason, True))
                        busy_until[a] = pe
                answered = True
                break
            if not answered:
                now += 20
        if not answered:
            log(wait_start + 90, callid, queue, "NONE", "ABANDON", 1, 1, 90)
        t += rng.randrange(240, 900)

    # Pauses: the member of two queues pauses every queue (PAUSEALL, then PAUSE per queue with
    # the reason; UNPAUSEALL, then UNPAUSE per queue), the others their queue.
    for a in TEAM:
        for ps, pe, reason, acw in pauses[a]:
            queues = TEAM[a]["queues"]
            if len(queues) > 1:
                log(ps, "NONE", "NONE", member(a), "PAUSEALL", "")
                for queue in queues:
                    log(ps, "NONE", queue, member(a), "PAUSE", reason)
                log(pe, "NONE", "NONE", member(a), "UNPAUSEALL", "")
                for queue in queues:
                    log(pe, "NONE", queue, member(a), "UNPAUSE", "")
            else:
                log(ps, "NONE", queues[0], member(a), "PAUSE", reason)
                log(pe, "NONE", queues[0], member(a), "UNPAUSE", "")
            truth[a]["pauses"].append((ps, pe, reason, acw))
    for a, cfg in TEAM.items():
        if cfg["logoff"] is None:
            continue
        t = team_at(cfg["logoff"])
        for i, queue in enumerate(cfg["queues"]):
            if cfg["style"] == "member":
                log(t - len(cfg["queues"]) + 1 + i, "NONE", queue, member(a), "REMOVEMEMBER", "")
        if cfg["style"] == "agent":
            log(t, "NONE", "NONE", f"Agent/{a}", "AGENTLOGOFF", f"SIP/{a}-000001{a[-1]}a", t - team_at(cfg["login"]))
    events.sort(key=lambda e: (e[0], e[1]))
    end_of_input = events[-1][0]
    for a, cfg in TEAM.items():
        start = team_at(cfg["login"])
        if cfg["logoff"] is None:
            truth[a]["sessions"].append((start, end_of_input, True))
        else:
            truth[a]["sessions"].append((start, team_at(cfg["logoff"]), False))
    return events, truth


def team_figures(truth, day_label):
    """The agent figures, second by second from the plan (whole seconds only), as
    docs/metrics.md "Agent states" defines them. One day: the day row and the all row agree."""
    rows = []
    for a in sorted(truth):
        g = truth[a]
        lo = min(s for s, _, _ in g["sessions"])
        hi = max(e for _, e, _ in g["sessions"])
        hi = max([hi] + [e for _, e, _ in g["calls"]])
        f = dict(logged_in_s=0, paused_s=0, idle_s=0, talk_s=0, hold_s=0, acw_s=0)
        reasons = {}
        for t in range(lo, hi):
            in_session = any(s <= t < e for s, e, _ in g["sessions"])
            on_call = any(s <= t < e for s, e, _ in g["calls"])
            pause = next((p for p in g["pauses"] if p[0] <= t < p[1]), None)
            if in_session:
                f["logged_in_s"] += 1
            if on_call:
                f["talk_s"] += 1
            elif in_session:
                if pause is not None:
                    reasons[pause[2]] = reasons.get(pause[2], 0) + 1
                    near = pause[2].lower() in TEAM_ACW_REASONS and any(abs(pause[0] - e) <= 10 for _, e, _ in g["calls"])
                    f["acw_s" if near else "paused_s"] += 1
                else:
                    f["idle_s"] += 1
        work = f["talk_s"] + f["hold_s"] + f["acw_s"]
        handled = len(g["calls"])
        pauses = sum(1 for p in g["pauses"]
                     if not (p[2].lower() in TEAM_ACW_REASONS and any(abs(p[0] - e) <= 10 for _, e, _ in g["calls"]))
                     and any(s <= p[0] < e for s, e, _ in g["sessions"]))
        available = f["logged_in_s"] - f["paused_s"]
        first_login = min(s for s, _, _ in g["sessions"])
        closed = [e for _, e, open_ in g["sessions"] if not open_]
        base = dict(agent=a, **f, pause_reasons=dict(sorted(reasons.items())), pauses=pauses, handled=handled,
                    aht_s=work / handled if handled else None,
                    occupancy=work / available if available else None,
                    utilisation=work / f["logged_in_s"] if f["logged_in_s"] else None,
                    rona=g["rona"], transfers=sum(1 for c in g["calls"] if c[2]),
                    first_login=iso(first_login), last_logoff=iso(max(closed)) if closed else None,
                    session_open=any(open_ for _, _, open_ in g["sessions"]))
        for day in (day_label, "all"):
            rows.append(dict(base, day=day))
    return rows


def write_team_day(rng):
    events, truth = team_plan(rng)
    os.makedirs(TEAM_DIR, exist_ok=True)
    with open(os.path.join(TEAM_DIR, "queue_log"), "w", encoding="utf-8", newline="\n") as f:
        for _, _, fields in events:
            f.write("|".join(fields) + "\n")
    # The realtime table (id, time, callid, queuename, agent, event, data1..data5), time as
    # the local wall clock Asterisk writes: as a CSV export with a header, and as a mysqldump.
    def table_row(i, fields):
        data = (fields[5:] + [""] * 5)[:5]
        return [str(i), wall(int(fields[0])), fields[1], fields[2], fields[3], fields[4], *data]
    columns = ["id", "time", "callid", "queuename", "agent", "event", "data1", "data2", "data3", "data4", "data5"]
    with open(os.path.join(TEAM_DIR, "queue_log.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        for i, (_, _, fields) in enumerate(events, 1):
            w.writerow(table_row(i, fields))
    sql = ["-- MySQL dump of the Asterisk realtime queue_log table (cdr-samples/generate.py)", "",
           "DROP TABLE IF EXISTS `queue_log`;", "CREATE TABLE `queue_log` (",
           "  `id` bigint NOT NULL AUTO_INCREMENT,", "  `time` datetime DEFAULT NULL,",
           "  `callid` varchar(80) DEFAULT NULL,", "  `queuename` varchar(256) DEFAULT NULL,",
           "  `agent` varchar(80) DEFAULT NULL,", "  `event` varchar(32) DEFAULT NULL,"]
    sql += [f"  `data{i}` varchar(100) DEFAULT NULL," for i in range(1, 6)]
    sql += ["  PRIMARY KEY (`id`)", ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;", "", "LOCK TABLES `queue_log` WRITE;"]
    tuples = ["(" + ",".join([r[0]] + ["'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'" for v in r[1:]]) + ")"
              for r in (table_row(i, fields) for i, (_, _, fields) in enumerate(events, 1))]
    for k in range(0, len(tuples), 50):
        sql.append("INSERT INTO `queue_log` VALUES " + ",".join(tuples[k:k + 50]) + ";")
    sql += ["UNLOCK TABLES;", ""]
    with open(os.path.join(TEAM_DIR, "queue_log.sql"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(sql))
    rows = team_figures(truth, wall(team_at("12:00:00"), fmt="%Y-%m-%d"))
    with open(os.path.join(TEAM_DIR, "agents.expected.ndjson"), "w", encoding="utf-8", newline="\n") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    calls = sum(1 for _, _, e in events if e[4] == "ENTERQUEUE")
    print(f"team-day/queue_log: {len(events)} records, {calls} queue calls, {len(TEAM)} agents")
    return {}


# ---------------------------------------------------------------------------------------------


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed for ids, uuids and counters (default %(default)s)")
    p.add_argument("--master-rows", type=int, help="write a large Master.csv of this many rows to --out instead")
    p.add_argument("--out", help="output path for --master-rows")
    args = p.parse_args()
    if args.master_rows is not None:
        if not args.out:
            p.error("--master-rows needs --out")
        started = time.monotonic()
        n = write_big_master(args.master_rows, args.out, args.seed)
        print(f"{args.out}: {n} rows, {os.path.getsize(args.out) / 1e6:.1f} MB in {time.monotonic() - started:.1f} s",
              file=sys.stderr)
        return
    rng = random.Random(args.seed)
    summary = {}
    for writer in (write_asterisk, write_freeswitch_csv, write_freeswitch_json, write_cucm, write_generic):
        summary.update(writer(rng))
    # Its own generator, so that the day of the team never changes the samples above.
    write_team_day(random.Random(args.seed + 1))
    for name, (records, calls) in summary.items():
        outcomes = {}
        for c in calls:
            outcomes[c["outcome"]] = outcomes.get(c["outcome"], 0) + 1
        print(f"{name}: {records} records, {len(calls)} calls "
              + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))


if __name__ == "__main__":
    main()

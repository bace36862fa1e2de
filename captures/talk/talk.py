#!/usr/bin/env python3
"""Audio, RTP and ground-truth helper for captures/talk/generate.sh.

  talk.py prepare NAME WORK          synthesise the call's speech (espeak-ng),
                                     lay out the caller and agent tracks,
                                     encode them to G.711 (sox) and, for calls
                                     whose caller plays a pcap, write SIPp's
                                     input pcap; prints the track length in ms
  talk.py truth NAME PCAP WORK OUT   talk spans relative to the capture
                                     (OUT/NAME.expected.json) and the stereo
                                     recording built from the captured RTP
                                     payloads (OUT/CALL-ID.wav)
  talk.py impaired PCAP WORK OUT     what the capture of the impaired call
                                     really contains (OUT/rtp-impaired.loss.expected.json);
                                     prints "loss_pct reordered duplicates"

Everything is deterministic except what the capture itself measures (send
start of each SIPp, kernel random drops): fixed espeak-ng voices and phrases,
fixed seeds for the noise floor, RTP identifiers and jitter.
"""
import json
import os
import random
import re
import struct
import subprocess
import sys

RATE = 8000
FRAME = 160                      # samples per 20 ms RTP packet
THRESH = 328                     # |sample| >= 1 % of full scale (-40 dBFS) is speech
NOISE_SIGMA = 20                 # noise floor, about -64 dBFS RMS, under the whole track
PEAK_DB = -3                     # every clip is normalised to this peak (sox norm)
PCAP_EPOCH = 1700000000.0        # base time of SIPp input pcaps (must not be 0)
EVENT_PT = 101                   # RFC 4733 telephone-event payload type

CALLER_US = ["-v", "en-us", "-s", "175", "-p", "40"]
AGENT_GB_F = ["-v", "en-gb+f3", "-s", "170", "-p", "60"]
CALLER_SCOT = ["-v", "en-gb-scotland", "-s", "170", "-p", "35"]
AGENT_US_F = ["-v", "en-us+f2", "-s", "175", "-p", "55"]
IVR_F = ["-v", "en-gb-x-rp+f4", "-s", "165", "-p", "50"]

# Script entries: side, id, text (or dtmf digits) and where the clip starts:
#   at=S       at S seconds in the track
#   gap=G      G seconds after the end of everything placed before (so a
#              dead-air gap of exactly G when G is large)
#   overlap=O  O seconds before the end of the latest clip of the other side
CALLS = {
    "talk-inbound": {
        "codec": "PCMU", "pt": 0, "noise_seed": 1101, "caller_mode": "rtp_stream",
        "voices": {"caller": CALLER_US, "agent": AGENT_GB_F},
        "script": [
            ("caller", "C1", "Hi, I'm calling about a charge on my bill that I don't recognise.", {"at": 0.6}),
            ("agent", "A1", "Thanks for calling, I can help. What was the date and the amount?", {"gap": 0.7}),
            ("caller", "C2", "The twelfth of March, forty two dollars.", {"gap": 0.6}),
            ("agent", "A2", "I can see forty two dollars to a streaming service on the twelfth. "
                            "It is a yearly renewal that started automatically.",
             {"gap": 0.8}),
            ("caller", "C3", "Oh, but I cancelled that last year.", {"overlap": 1.0}),
            ("agent", "A3", "I have stopped the renewal, and you will get a refund in three to five days.",
             {"gap": 3.0}),
            ("caller", "C4", "Great, thank you so much, bye.", {"gap": 0.6}),
        ],
        "tail": 0.8,
    },
    "talk-pcma": {
        "codec": "PCMA", "pt": 8, "noise_seed": 1108, "caller_mode": "rtp_stream",
        "voices": {"caller": CALLER_SCOT, "agent": AGENT_US_F},
        "script": [
            ("agent", "A1", "Good afternoon, renewals team, this is Sam. How can I help?", {"at": 0.5}),
            ("caller", "C1", "Hi, I'd like to renew my home insurance before it runs out.", {"gap": 0.6}),
            ("agent", "A2", "Of course. Your policy is due at the end of the month, and the new premium "
                            "is three hundred and twelve pounds, with the same cover as last year.",
             {"gap": 0.7}),
            ("caller", "C2", "Okay, that sounds fine.", {"overlap": 0.8}),
            ("agent", "A3", "I can take the payment now, or set up monthly instalments at no extra cost.",
             {"gap": 0.5}),
            ("caller", "C3", "Monthly instalments, please.", {"gap": 0.9}),
            ("agent", "A4", "Perfect, that's all set up. Your documents will arrive by email within the hour.",
             {"gap": 0.6}),
        ],
        "tail": 0.8,
    },
    "talk-dtmf": {
        "codec": "PCMU", "pt": 0, "noise_seed": 1133, "caller_mode": "pcap", "rtp_seed": 4733,
        "voices": {"caller": CALLER_US, "agent": IVR_F},
        "script": [
            ("agent", "A1", "Welcome to Example Bank. Please enter your account number, followed by "
                            "the hash key.", {"at": 0.5}),
            ("caller", "D1", {"dtmf": "4471#"}, {"gap": 1.0}),
            ("agent", "A2", "Thank you. In a few words, please tell me why you are calling.", {"gap": 0.8}),
            ("caller", "C1", "I'd like to check my balance please.", {"gap": 0.6}),
            ("agent", "A3", "Your balance is one thousand two hundred and four pounds. Goodbye.", {"gap": 0.7}),
        ],
        "tail": 0.8,
    },
    "rtp-impaired": {
        "codec": "PCMU", "pt": 0, "noise_seed": 1199, "caller_mode": "pcap", "rtp_seed": 5150,
        "voices": {"caller": CALLER_US, "agent": AGENT_GB_F},
        "script": [
            ("caller", "C1", "I am reading a short passage so that every gap in the audio can be heard. "
                             "The quick brown fox jumps over the lazy dog, and then it runs back "
                             "across the field.", {"at": 0.4}),
            ("agent", "A1", "Yes, I can hear you, but the line is breaking up a little.", {"gap": 0.5}),
            ("caller", "C2", "Let me say it again: the quick brown fox jumps over the lazy dog.",
             {"gap": 0.5}),
        ],
        "tail": 0.6,
        # jitter of the caller's stream, applied to SIPp's input pcap (SIPp
        # paces by the pcap timestamps): uniform 0..JITTER_MS extra delay per
        # packet, plus delay spikes (packet index -> ms) that make packets
        # arrive after their successors, plus duplicated packets
        "jitter": {"uniform_ms": 10.0, "spikes": {180: 47.0, 420: 29.0}, "duplicate": [300, 560],
                   "dup_after_ms": 3.0},
    },
}

DTMF_EVENTS = {str(d): d for d in range(10)}
DTMF_EVENTS.update({"*": 10, "#": 11, "A": 12, "B": 13, "C": 14, "D": 15})
DTMF_TONE_PKTS = 8         # 8 x 20 ms = 160 ms tone (duration field 1280)
DTMF_END_REPEATS = 2       # the end packet is sent 3 times in all
DTMF_GAP_PKTS = 6          # 120 ms of audio packets between two digits


def dump_json(obj, path):
    """JSON with one key per line and number arrays (spans) kept on one line."""
    text = json.dumps(obj, indent=1, ensure_ascii=False)
    text = re.sub(r"\[\s*([-0-9.eE,\s]+?)\s*\]",
                  lambda m: "[" + ", ".join(x.strip() for x in m.group(1).split(",")) + "]", text)
    with open(path, "w") as f:
        f.write(text + "\n")


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def sox_to_s16(src, dst, effects=()):
    run(["sox", "-D", "-R", src, "-t", "raw", "-r", str(RATE), "-c", "1", "-b", "16",
         "-e", "signed-integer", dst, *effects])


def read_s16(path):
    with open(path, "rb") as f:
        data = f.read()
    return list(struct.unpack("<%dh" % (len(data) // 2), data))


def write_s16(path, samples):
    with open(path, "wb") as f:
        f.write(struct.pack("<%dh" % len(samples), *samples))


def g711_encode(s16, out, codec):
    enc = "u-law" if codec == "PCMU" else "a-law"
    run(["sox", "-D", "-R", "-t", "raw", "-r", str(RATE), "-c", "1", "-b", "16", "-e", "signed-integer",
         s16, "-t", "raw", "-r", str(RATE), "-c", "1", "-b", "8", "-e", enc, out])


def synth(text, voice, work, tag):
    wav = os.path.join(work, tag + ".espeak.wav")
    raw = os.path.join(work, tag + ".s16")
    run(["espeak-ng", *voice, "-w", wav, text])
    sox_to_s16(wav, raw, ["norm", str(PEAK_DB)])
    x = read_s16(raw)
    loud = [i for i, v in enumerate(x) if abs(v) >= THRESH]
    if not loud:
        sys.exit(f"talk.py: clip {tag} is silent")
    x = x[loud[0]:loud[-1] + 1]
    # longest run below the threshold inside the clip (pauses between words)
    longest = run_len = 0
    for v in x:
        run_len = run_len + 1 if abs(v) < THRESH else 0
        longest = max(longest, run_len)
    return x, longest / RATE


def layout(name, work):
    cfg = CALLS[name]
    placed = []                    # (side, id, start_sample, samples or None, info)
    end_all = 0
    last_end = {"caller": 0, "agent": 0}
    for side, cid, what, where in cfg["script"]:
        if isinstance(what, dict):   # DTMF: a run of 20 ms slots without audio
            digits = what["dtmf"]
            n = len(digits) * (DTMF_TONE_PKTS + DTMF_END_REPEATS) + (len(digits) - 1) * DTMF_GAP_PKTS
            samples, pause = None, None
            length = n * FRAME
        else:
            samples, pause = synth(what, cfg["voices"][side], work, f"{name}.{cid}")
            length = len(samples)
        if "at" in where:
            start = round(where["at"] * RATE)
        elif "gap" in where:
            start = end_all + round(where["gap"] * RATE)
        else:
            other = "agent" if side == "caller" else "caller"
            start = last_end[other] - round(where["overlap"] * RATE)
        if samples is None:          # DTMF starts on a packet boundary
            start = -(-start // FRAME) * FRAME
        placed.append((side, cid, start, samples, what, pause, length))
        last_end[side] = max(last_end[side], start + length)
        end_all = max(end_all, start + length)
    total = end_all + round(cfg["tail"] * RATE)
    total = -(-total // FRAME) * FRAME   # whole packets: SIPp's rtp_stream wraps a partial one
    return placed, total


def prepare(name, work):
    cfg = CALLS[name]
    placed, total = layout(name, work)
    rng = random.Random(cfg["noise_seed"])
    tracks = {}
    for side in ("caller", "agent"):
        t = [round(rng.gauss(0, NOISE_SIGMA)) for _ in range(total)]
        for s, cid, start, samples, what, pause, length in placed:
            if s == side and samples is not None:
                for i, v in enumerate(samples):
                    t[start + i] += v
        tracks[side] = [max(-32768, min(32767, v)) for v in t]
        s16 = os.path.join(work, f"{name}.{side}.s16")
        write_s16(s16, tracks[side])
        g711_encode(s16, os.path.join(work, f"{name}.{side}.g711"), cfg["codec"])
    clips, dtmf = [], []
    for s, cid, start, samples, what, pause, length in placed:
        if samples is None:
            slot = start // FRAME
            for k, d in enumerate(what["dtmf"]):
                first = slot + k * (DTMF_TONE_PKTS + DTMF_END_REPEATS + DTMF_GAP_PKTS)
                dtmf.append({"digit": d, "event": DTMF_EVENTS[d], "slot": first,
                             "start": first * FRAME / RATE, "duration_s": DTMF_TONE_PKTS * FRAME / RATE,
                             "packets": DTMF_TONE_PKTS + DTMF_END_REPEATS})
        else:
            clips.append({"id": cid, "side": s, "text": what, "start": start / RATE,
                          "end": (start + length) / RATE, "max_internal_pause_s": round(pause, 3)})
    lay = {"name": name, "codec": cfg["codec"], "pt": cfg["pt"], "length_s": total / RATE,
           "clips": clips, "dtmf": dtmf}
    with open(os.path.join(work, f"{name}.layout.json"), "w") as f:
        json.dump(lay, f, indent=1)
    if cfg["caller_mode"] == "pcap":
        write_input_pcap(name, cfg, work, lay)
    print(round(total * 1000 / RATE))


# ------------------------------------------------------------------ SIPp input pcap
def pcap_write(path, pkts, sport=16000, dport=16100):
    """Ethernet/IPv4/UDP pcap of (time, rtp bytes); SIPp rewrites addresses and ports."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for t, rtp in pkts:
            udp = struct.pack("!HHHH", sport, dport, 8 + len(rtp), 0) + rtp
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0,
                             bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
            csum = 0
            for i in range(0, 20, 2):
                csum += (ip[i] << 8) | ip[i + 1]
            while csum >> 16:
                csum = (csum & 0xFFFF) + (csum >> 16)
            ip = ip[:10] + struct.pack("!H", ~csum & 0xFFFF) + ip[12:]
            frame = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00" + ip + udp
            sec = int(t)
            usec = int(round((t - sec) * 1e6))
            if usec == 1000000:
                sec, usec = sec + 1, 0
            f.write(struct.pack("<IIII", sec, usec, len(frame), len(frame)) + frame)


def write_input_pcap(name, cfg, work, lay):
    rng = random.Random(cfg["rtp_seed"])
    ssrc = rng.getrandbits(32)
    seq0 = rng.randrange(1000, 30000)
    ts0 = rng.getrandbits(31)
    with open(os.path.join(work, f"{name}.caller.g711"), "rb") as f:
        audio = f.read()
    slots = len(audio) // FRAME
    events = {}                       # slot -> (event, duration, end, marker)
    for d in lay["dtmf"]:
        for k in range(DTMF_TONE_PKTS + DTMF_END_REPEATS):
            n = min(k + 1, DTMF_TONE_PKTS)
            events[d["slot"] + k] = (d["event"], d["slot"], n * FRAME, k >= DTMF_TONE_PKTS - 1, k == 0)
    pkts = []                         # (nominal slot, rtp bytes)
    seq = seq0
    for slot in range(slots):
        if slot in events:
            ev, ev_slot, dur, end, marker = events[slot]
            hdr = struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | EVENT_PT, seq & 0xFFFF,
                              (ts0 + ev_slot * FRAME) & 0xFFFFFFFF, ssrc)
            body = struct.pack("!BBH", ev, (0x80 if end else 0) | 10, dur)
        else:
            hdr = struct.pack("!BBHII", 0x80, (0x80 if slot == 0 else 0) | cfg["pt"], seq & 0xFFFF,
                              (ts0 + slot * FRAME) & 0xFFFFFFFF, ssrc)
            body = audio[slot * FRAME:(slot + 1) * FRAME]
        pkts.append((slot, hdr + body))
        seq += 1
    timed = []
    jit = cfg.get("jitter")
    jrng = random.Random(cfg["rtp_seed"] + 1)
    for i, (slot, rtp) in enumerate(pkts):
        t = slot * FRAME / RATE
        if jit and i > 0:             # the first packet anchors the stream
            t += jrng.uniform(0, jit["uniform_ms"]) / 1000 + jit["spikes"].get(i, 0) / 1000
        timed.append((t, i, rtp))
        if jit and i in jit["duplicate"]:
            timed.append((t + jit["dup_after_ms"] / 1000, i, rtp))
    timed.sort(key=lambda x: (x[0], x[1]))
    pcap_write(os.path.join(work, f"{name}.caller.pcap"), [(PCAP_EPOCH + t, rtp) for t, i, rtp in timed])
    info = {"ssrc": "0x%08X" % ssrc, "seq0": seq0, "ts0": ts0, "packets": len(pkts),
            "packets_in_pcap": len(timed)}
    if jit:
        order = [i for t, i, rtp in timed]
        info["sent_out_of_order"] = [seq0 + i for n, i in enumerate(order)
                                     if n and i < max(order[:n]) and order[:n].count(i) == 0]
        info["duplicated"] = [seq0 + i for i in jit["duplicate"]]
        info["protect_seqs"] = sorted({(seq0 + i) & 0xFFFF for k in list(jit["spikes"]) + jit["duplicate"]
                                       for i in range(k - 2, k + 3)}
                                      | {(seq0 + i) & 0xFFFF for i in list(range(5)) + list(range(len(pkts) - 5, len(pkts)))})
    with open(os.path.join(work, f"{name}.caller.pcap.json"), "w") as f:
        json.dump(info, f, indent=1)


# ------------------------------------------------------------------ capture analysis
FIELDS = ["frame.number", "frame.time_epoch", "ip.src", "udp.srcport", "ip.dst", "udp.dstport",
          "rtp.ssrc", "rtp.seq", "rtp.timestamp", "rtp.p_type", "rtp.marker", "sip.Call-ID",
          "sip.Method", "sip.Status-Code", "sip.CSeq.method", "sdp.connection_info.address",
          "sdp.media.port", "rtpevent.event_id", "rtpevent.end_of_event", "rtpevent.duration", "rtp.payload"]


def dissect(pcap):
    out = subprocess.run(["tshark", "-n", "-r", pcap, "-o", "rtp.heuristic_rtp:TRUE",
                          "-d", "udp.port==5061,sip", "-Y", "sip || rtp", "-T", "fields",
                          "-E", "separator=\t", "-E", "occurrence=f", *sum([["-e", f] for f in FIELDS], [])],
                         check=True, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        v = dict(zip(FIELDS, line.split("\t")))
        rows.append(v)
    return rows


def call_media(rows):
    """Call-ID and the RTP endpoint of each side, from the SDP of INVITE and 200."""
    call_id = caller = agent = None
    for r in rows:
        if r["sip.Method"] == "INVITE" and r["sdp.media.port"] and caller is None:
            call_id = r["sip.Call-ID"]
            caller = (r["sdp.connection_info.address"], int(r["sdp.media.port"]))
        if r["sip.Status-Code"] == "200" and r["sip.CSeq.method"] == "INVITE" and r["sdp.media.port"]:
            agent = (r["sdp.connection_info.address"], int(r["sdp.media.port"]))
    if not (call_id and caller and agent):
        sys.exit("talk.py: no INVITE/200 with SDP in the capture")
    return call_id, caller, agent


def side_packets(rows, ep):
    return [r for r in rows if r["rtp.ssrc"] and (r["ip.src"], int(r["udp.srcport"])) == ep]


def truth(name, pcap, work, out):
    cfg = CALLS[name]
    with open(os.path.join(work, f"{name}.layout.json")) as f:
        lay = json.load(f)
    rows = dissect(pcap)
    call_id, caller_ep, agent_ep = call_media(rows)
    pk = {"caller": side_packets(rows, caller_ep), "agent": side_packets(rows, agent_ep)}
    first = {s: float(pk[s][0]["frame.time_epoch"]) for s in pk}
    origin = min(first.values())
    off = {s: first[s] - origin for s in pk}
    stats = {}
    for s in pk:                         # where each audio packet arrived vs. where its slot should be
        ts0 = int(pk[s][0]["rtp.timestamp"])
        errs = sorted(abs(float(r["frame.time_epoch"]) - first[s] - ((int(r["rtp.timestamp"]) - ts0) % 2**32) / RATE)
                      for r in pk[s] if r["rtp.p_type"] == str(cfg["pt"]))
        stats[s] = {"rtp_start_s": round(off[s], 6), "src": "%s:%d" % (caller_ep if s == "caller" else agent_ep),
                    "ssrc": pk[s][0]["rtp.ssrc"], "packets": len(pk[s]),
                    "arrival_vs_rtp_timestamp_ms": {"median": round(1000 * errs[len(errs) // 2], 3),
                                                    "max": round(1000 * errs[-1], 3)}}

    def spans(side, base):
        return [[round(base + c["start"], 3), round(base + c["end"], 3)] for c in lay["clips"] if c["side"] == side]

    def total(sp):
        return sum(e - s for s, e in sp)

    def overlap(a, b):
        return sum(max(0.0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)

    exact = {s: [(off[s] + c["start"], off[s] + c["end"]) for c in lay["clips"] if c["side"] == s] for s in pk}
    ct, at = total(exact["caller"]), total(exact["agent"])
    # the recording: each side's payloads placed by RTP timestamp, the side's start delay kept
    delay = {s: round(off[s] * RATE) for s in pk}
    wav_exact = {s: [((delay[s] + round(c["start"] * RATE)) / RATE, (delay[s] + round(c["end"] * RATE)) / RATE)
                     for c in lay["clips"] if c["side"] == s] for s in pk}
    silence = b"\xff" if cfg["codec"] == "PCMU" else b"\xd5"
    length = max(delay[s] + round(lay["length_s"] * RATE) for s in pk)
    raws = {}
    for s in pk:
        buf = bytearray(silence * length)
        ts0 = int(pk[s][0]["rtp.timestamp"])
        for r in pk[s]:
            if r["rtp.p_type"] != str(cfg["pt"]):
                continue            # telephone-event packets carry no audio
            pos = delay[s] + (int(r["rtp.timestamp"]) - ts0) % 2**32
            data = bytes.fromhex(r["rtp.payload"].replace(":", ""))
            buf[pos:pos + len(data)] = data
        raws[s] = os.path.join(work, f"{name}.{s}.rec.g711")
        with open(raws[s], "wb") as f:
            f.write(buf[:length])
    enc = "u-law" if cfg["codec"] == "PCMU" else "a-law"
    wav_out = ["-b", "16", "-e", "signed-integer"] if cfg["codec"] == "PCMU" else ["-b", "8", "-e", "a-law"]
    inp = ["-t", "raw", "-r", str(RATE), "-c", "1", "-b", "8", "-e", enc]
    run(["sox", "-D", "-R", "-M", *inp, raws["caller"], *inp, raws["agent"], "-r", str(RATE), *wav_out,
         os.path.join(out, f"{call_id}.wav")])  # named by Call-ID: how talk pairs a recording with its call
    res = {
        "call_id": call_id,
        "caller_spans": spans("caller", off["caller"]),
        "agent_spans": spans("agent", off["agent"]),
        "caller_talk_s": round(ct, 3),
        "agent_talk_s": round(at, 3),
        "overtalk_s": round(overlap(exact["caller"], exact["agent"]), 3),
        "agent_share": round(at / (ct + at), 3),
        "origin": "seconds after the first RTP packet of the call in the capture (either direction), "
                  "frame.time_epoch %.6f" % origin,
        "wav_caller_spans": [[round(s, 3), round(e, 3)] for s, e in wav_exact["caller"]],
        "wav_agent_spans": [[round(s, 3), round(e, 3)] for s, e in wav_exact["agent"]],
        "wav": {"file": f"{call_id}.wav", "channels": "left = caller, right = agent", "rate": RATE,
                "encoding": "PCM16" if cfg["codec"] == "PCMU" else "G.711 A-law",
                "origin": "file start = the origin above; spans relative to the file start"},
        "codec": cfg["codec"], "payload_type": cfg["pt"],
        "rtp": stats,
        "clips": [{"side": c["side"], "id": c["id"], "text": c["text"],
                   "max_internal_pause_s": c["max_internal_pause_s"]} for c in lay["clips"]],
        "notes": ("A span is one espeak-ng utterance as placed in that side's audio file, trimmed of the "
                  "clip's own leading/trailing silence (first/last sample with |x| >= %d, i.e. 1%% of full "
                  "scale, -40 dBFS), shifted by the arrival of that side's first RTP packet. Short pauses "
                  "between words stay inside a span (max_internal_pause_s per clip). Both tracks carry a "
                  "seeded noise floor (sigma %d, about -64 dBFS) everywhere; outside the spans there is "
                  "nothing else. caller_talk_s/agent_talk_s = sum of span lengths; overtalk_s = time both "
                  "sides speak; agent_share = agent_talk_s / (caller_talk_s + agent_talk_s). Values are "
                  "rounded to ms. Audio sample n of a side's file is in the packet whose RTP timestamp is "
                  "the side's first timestamp + n - n %% 160, so the spans are exact when packets are placed by "
                  "RTP timestamp from the side's first packet; by arrival time, packets deviate by "
                  "rtp.<side>.arrival_vs_rtp_timestamp_ms (SIPp's rtp_stream sends an occasional packet "
                  "together with the previous one, up to 20 ms early)." % (THRESH, NOISE_SIGMA)),
    }
    if lay["dtmf"]:
        ev = [r for r in pk["caller"] if r["rtp.p_type"] == str(EVENT_PT)]
        res["dtmf"] = [{"digit": d["digit"], "start": round(off["caller"] + d["start"], 3),
                        "duration_s": d["duration_s"], "packets": d["packets"]} for d in lay["dtmf"]]
        res["dtmf_payload_type"] = EVENT_PT
        res["dtmf_packets"] = len(ev)
        res["notes"] += (" DTMF: RFC 4733 telephone-event (PT %d) in the caller's stream, same SSRC, "
                         "replacing audio packets; 'start' is the arrival of the event's first packet, "
                         "duration the event's final duration field (1280 = 160 ms); the end packet is "
                         "sent 3 times (with new sequence numbers). The caller is silent around the "
                         "digits, the WAV has silence where the events are." % EVENT_PT)
    dump_json(res, os.path.join(out, f"{name}.expected.json"))
    print("%s: call_id=%s caller %.3f s agent %.3f s overtalk %.3f s agent_share %.3f arrival-vs-ts max %s ms"
          % (name, call_id, ct, at, res["overtalk_s"], res["agent_share"],
             "/".join(str(stats[s]["arrival_vs_rtp_timestamp_ms"]["max"]) for s in ("caller", "agent"))))


def impaired(pcap, work, out):
    name = "rtp-impaired"
    with open(os.path.join(work, f"{name}.caller.pcap.json")) as f:
        sent = json.load(f)
    rows = dissect(pcap)
    call_id, caller_ep, agent_ep = call_media(rows)
    cp = side_packets(rows, caller_ep)
    ap = side_packets(rows, agent_ep)
    seqs = [int(r["rtp.seq"]) for r in cp]
    seq0 = sent["seq0"]
    rel = [(s - seq0) % 65536 for s in seqs]
    expected = set(range(sent["packets"]))
    got = set(rel)
    missing = sorted(expected - got)
    dups = sorted({x for x in rel if rel.count(x) > 1})
    late = [rel[n] for n in range(1, len(rel)) if rel[n] < max(rel[:n])]
    loss_pct = 100.0 * len(missing) / sent["packets"]
    res = {
        "call_id": call_id,
        "impaired_direction": "caller -> agent (%s:%d -> %s:%d)" % (*caller_ep, *agent_ep),
        "clean_direction": "agent -> caller (%s:%d -> %s:%d), SIPp rtp_stream" % (*agent_ep, *caller_ep),
        "caller_ssrc": sent["ssrc"],
        "caller_packets_sent": sent["packets_in_pcap"],
        "caller_packets_distinct": sent["packets"],
        "caller_packets_captured": len(cp),
        "lost_seqs": [(seq0 + m) & 0xFFFF for m in missing],
        "lost": len(missing),
        "loss_pct": round(loss_pct, 2),
        "duplicated_seqs": [(seq0 + d) & 0xFFFF for d in dups],
        "late_seqs": [(seq0 + x) & 0xFFFF for x in late],
        "agent_packets_captured": len(ap),
        "agent_ssrc": ap[0]["rtp.ssrc"] if ap else None,
        "notes": ("Loss: real kernel drops by an nftables rule (numgen random mod 100 < 4) in the forward "
                  "hook of a router namespace between the caller's and the agent's namespaces, on the "
                  "caller's RTP; the capture is taken in the agent's namespace, after the drop point. "
                  "lost_seqs = sequence numbers SIPp sent that are not in the capture. Jitter, reordering and duplicates: SIPp play_pcap_audio of a "
                  "generated input pcap whose send times are 20 ms slots plus a seeded uniform 0-10 ms "
                  "delay and two delay spikes (packets sent after their successors), with two packets "
                  "present twice; SIPp paces by the pcap timestamps and keeps the RTP headers. "
                  "late_seqs = packets that arrived after a higher sequence number. tshark counts "
                  "Lost as expected minus received, so each duplicate lowers its Lost by one."),
    }
    dump_json(res, os.path.join(out, f"{name}.loss.expected.json"))
    print("%.2f %d %d" % (loss_pct, len(late), len(dups)))


def main():
    cmd = sys.argv[1:]
    if cmd[:1] == ["prepare"] and len(cmd) == 3:
        prepare(cmd[1], cmd[2])
    elif cmd[:1] == ["truth"] and len(cmd) == 5:
        truth(*cmd[1:])
    elif cmd[:1] == ["impaired"] and len(cmd) == 4:
        impaired(*cmd[1:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()

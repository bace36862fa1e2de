#!/usr/bin/env python3
"""Compares callscope's RTP stream figures with tshark's `rtp,streams` on the same capture.

Usage: scripts/compare-rtp-tshark.py CALLSCOPE FILE...
Prints one line per stream: tshark's packets/lost/max delta/mean/max jitter beside ours,
and exits 1 when a stream is missing on either side or a figure differs beyond tolerance.
"""
import json, re, subprocess, sys

ROW = re.compile(r"^\s*[\d.]+\s+[\d.]+\s+(\S+)\s+(\d+)\s+(\S+)\s+(\d+)\s+(0x[0-9A-Fa-f]+)\s+(.+?)\s+(\d+)\s+(-?\d+)\s+\(.*?\)\s+([\d.-]+)\s+([\d.-]+)\s+([\d.-]+)\s+([\d.-]+)\s+([\d.-]+)\s+([\d.-]+)")

def endpoint(ip, port):
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"

def tshark_streams(path):
    out = subprocess.run(["tshark", "-q", "-r", path, "-o", "rtp.heuristic_rtp:TRUE", "-z", "rtp,streams"],
                         capture_output=True, text=True).stdout
    streams = {}
    for line in out.splitlines():
        m = ROW.match(line)
        if m:
            key = (endpoint(m[1], m[2]), endpoint(m[3], m[4]), int(m[5], 16))
            streams[key] = dict(payload=m[6], packets=int(m[7]), lost=int(m[8]), max_delta=float(m[11]),
                                mean_jitter=float(m[13]), max_jitter=float(m[14]))
    return streams

def our_streams(binary, path):
    out = subprocess.run([binary, "calls", path, "--format", "json"], capture_output=True, text=True)
    streams = {}
    doc = json.loads(out.stdout) if out.stdout.strip() else []
    for call in doc:
        for s in call.get("streams", []):
            streams[(s["source"], s["destination"], int(s["ssrc"], 16))] = s
    return streams

def main():
    binary, paths = sys.argv[1], sys.argv[2:]
    bad = 0
    for path in paths:
        theirs, ours = tshark_streams(path), our_streams(binary, path)
        for key in sorted(set(theirs) | set(ours), key=str):
            t, o = theirs.get(key), ours.get(key)
            if t is None or o is None:
                print(f"{path}: {key}: only in {'tshark' if o is None else 'callscope'}")
                bad += 1
                continue
            diffs = []
            if t["packets"] != o["packets"]: diffs.append(f"packets {t['packets']} vs {o['packets']}")
            if t["lost"] != o["lost"]: diffs.append(f"lost {t['lost']} vs {o['lost']}")
            for name, ours_name, tol in [("max_delta", "max_delta_ms", 0.002), ("mean_jitter", "mean_jitter_ms", 0.01), ("max_jitter", "max_jitter_ms", 0.01)]:
                if abs(t[name] - float(o[ours_name])) > max(tol, 0.01 * t[name]):
                    diffs.append(f"{name} {t[name]} vs {o[ours_name]}")
            status = "ok" if not diffs else "DIFF " + "; ".join(diffs)
            bad += bool(diffs)
            print(f"{path.split('/')[-1]}: {key[0]} -> {key[1]} {key[2]:#010x}: {t['packets']} pkts lost {t['lost']} maxΔ {t['max_delta']} jit {t['mean_jitter']}/{t['max_jitter']}: {status}")
    sys.exit(1 if bad else 0)

main()

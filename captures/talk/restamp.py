#!/usr/bin/env python3
"""Media for rtp-timestamp-reset.pcap (run by generate-timestamp-reset.sh).

  restamp.py media SOURCE.pcap WORK   write WORK/reset.caller.pcap (SIPp play_pcap_audio input),
                                      WORK/reset.agent.g711 (SIPp rtp_stream input) and
                                      WORK/reset.caller.pcap.json (what was rewritten)

The caller's audio is the first PACKETS packets of talk-inbound.pcap's caller stream
(127.0.0.1:16000 -> 16100, PCMU, one packet per 20 ms), kept as they are (SSRC, sequence
numbers, payload, marker) except the RTP timestamp field: from packet RESETS[k].index on,
the timestamps restart from a new base, as a gateway switching to T.38 and back or a media
server restarting its stream does, while the sequence numbers go on. Sent 20 ms apart.
The agent's audio is the same call's agent payloads, sent by SIPp's rtp_stream.
"""
import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from talk import PCAP_EPOCH, pcap_write  # noqa: E402

PACKETS = 300
# From packet `index` on, timestamp = original + `offset` (clock units, 8 kHz):
# +40 s (a restart far ahead: 2.5 s of RFC 3550 jitter if it is taken as transit time),
# then -25 s (a restart behind the stream's first timestamp).
RESETS = [{"index": 100, "offset": 40 * 8000}, {"index": 200, "offset": -25 * 8000}]


def udp_payloads(path, sport, dport):
    """RTP payloads of an Ethernet/IPv4/UDP pcap (tcpdump -i lo), in capture order."""
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    if magic not in (0xA1B2C3D4, 0xA1B23C4D):
        raise SystemExit(f"{path}: not a little-endian pcap")
    if struct.unpack("<I", data[20:24])[0] != 1:
        raise SystemExit(f"{path}: not Ethernet")
    pos, out = 24, []
    while pos + 16 <= len(data):
        incl = struct.unpack("<I", data[pos + 8:pos + 12])[0]
        frame = data[pos + 16:pos + 16 + incl]
        pos += 16 + incl
        if len(frame) < 42 or frame[12:14] != b"\x08\x00" or frame[23] != 17:
            continue
        ihl = (frame[14] & 0x0F) * 4
        udp = frame[14 + ihl:]
        s, d, length = struct.unpack("!HHH", udp[:6])
        if (s, d) == (sport, dport):
            out.append(udp[8:length])
    return out


def media(source, work):
    caller = udp_payloads(source, 16000, 16100)[:PACKETS]
    agent = udp_payloads(source, 16100, 16000)[:PACKETS]
    if len(caller) < PACKETS or len(agent) < PACKETS:
        raise SystemExit(f"{source}: fewer than {PACKETS} RTP packets each way")
    pkts, offset, resets = [], 0, []
    for i, rtp in enumerate(caller):
        for r in RESETS:
            if r["index"] == i:
                offset = r["offset"]
                resets.append({"sequence": struct.unpack("!H", rtp[2:4])[0], "offset": offset})
        ts = (struct.unpack("!I", rtp[4:8])[0] + offset) & 0xFFFFFFFF
        pkts.append((PCAP_EPOCH + i * 0.020, rtp[:4] + struct.pack("!I", ts) + rtp[8:]))
    pcap_write(os.path.join(work, "reset.caller.pcap"), pkts)
    with open(os.path.join(work, "reset.agent.g711"), "wb") as f:
        f.write(b"".join(rtp[12:] for rtp in agent))
    first = caller[0]
    info = {"ssrc": "0x%08X" % struct.unpack("!I", first[8:12])[0],
            "packets": PACKETS, "first_sequence": struct.unpack("!H", first[2:4])[0],
            "first_timestamp": struct.unpack("!I", first[4:8])[0],
            "resets": resets,
            "note": "from the packet with sequence number `sequence` on, the RTP timestamp is the "
                    "original plus `offset` (8 kHz units, modulo 2^32); subtract it to get the steady stream"}
    with open(os.path.join(work, "reset.caller.pcap.json"), "w") as f:
        json.dump(info, f, indent=1)
    print(PACKETS * 20)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "media":
        media(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(__doc__)

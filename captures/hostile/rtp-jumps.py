#!/usr/bin/env python3
"""Write a copy of SIPp's G.711 A-law media file whose RTP timestamp jumps forward by
0x7FFF0000 clock units (about 3 days at 8 kHz, just under 2^31) every 20 packets, sequence
numbers going on: a hostile or broken sender. SIPp replays it as a call's RTP
(captures/hostile/generate.sh). Usage: rtp-jumps.py IN.pcap OUT.pcap"""
import struct
import sys

JUMP = 0x7FFF0000
EVERY = 20

def main(src, dst):
    data = open(src, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    assert magic == 0xA1B2C3D4, "expects a little-endian microsecond pcap"
    assert struct.unpack("<I", data[20:24])[0] == 1, "expects Ethernet frames"
    out = bytearray(data[:24])
    offset, index = 24, 0
    while offset + 16 <= len(data):
        header = data[offset:offset + 16]
        length = struct.unpack("<I", header[8:12])[0]
        frame = bytearray(data[offset + 16:offset + 16 + length])
        offset += 16 + length
        ihl = (frame[14] & 0x0F) * 4
        rtp = 14 + ihl + 8
        if frame[12:14] == b"\x08\x00" and frame[14 + 9] == 17 and len(frame) >= rtp + 12:
            timestamp = struct.unpack("!I", frame[rtp + 4:rtp + 8])[0]
            timestamp = (timestamp + JUMP * (index // EVERY)) & 0xFFFFFFFF
            frame[rtp + 4:rtp + 8] = struct.pack("!I", timestamp)
            frame[14 + ihl + 6:14 + ihl + 8] = b"\x00\x00"  # UDP checksum: none (RFC 768)
            index += 1
        out += header + frame
    open(dst, "wb").write(out)
    print(f"{dst}: {index} RTP packets, {index // EVERY} jumps of {JUMP:#x}")

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

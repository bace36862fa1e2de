#!/usr/bin/env python3
"""A SIP-over-WebSocket caller (RFC 7118) as a WebRTC browser client behaves, for callscope's samples.

Usage: ws_client.py [--url ws://127.0.0.1:8080/] [--talk SECONDS] CALLER CALLEE

Standard library only (raw socket): it sends the HTTP Upgrade with
`Sec-WebSocket-Protocol: sip` and checks the `101 Switching Protocols` answer and its
Sec-WebSocket-Accept (RFC 6455 §4), then sends each SIP message as one masked text frame
(RFC 6455 §5.3, RFC 7118 §5) with a fresh random masking key, as browsers do: INVITE (with an
SDP offer), ACK of the 2xx along the Record-Route set, a ping in the middle of the call,
BYE after --talk seconds, and a close frame (status 1000) once the BYE is answered.
The Via and Contact use a `.invalid` host and `transport=ws`, as JsSIP and SIP.js write them.
Exits non-zero if the call is not answered or the BYE is not answered with 200.
"""
import argparse
import base64
import hashlib
import os
import random
import re
import socket
import struct
import sys
import time

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def frame(opcode, payload):
    """One client frame: FIN set, masked with a random key (RFC 6455 §5.2, §5.3)."""
    key = os.urandom(4)
    n = len(payload)
    if n < 126:
        header = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
    elif n < 65536:
        header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
    masked = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    return header + key + masked


class Connection:
    def __init__(self, url, timeout):
        m = re.match(r"ws://([^:/]+):(\d+)(/.*)?$", url)
        if not m:
            sys.exit(f"ws_client: unsupported URL {url}")
        self.host, self.port, self.path = m.group(1), int(m.group(2)), m.group(3) or "/"
        self.sock = socket.create_connection((self.host, self.port), timeout=timeout)
        self.buffer = b""
        self.handshake()

    def handshake(self):
        key = base64.b64encode(os.urandom(16)).decode()
        request = (f"GET {self.path} HTTP/1.1\r\n"
                   f"Host: {self.host}:{self.port}\r\n"
                   "Upgrade: websocket\r\n"
                   "Connection: Upgrade\r\n"
                   f"Sec-WebSocket-Key: {key}\r\n"
                   "Sec-WebSocket-Version: 13\r\n"
                   "Sec-WebSocket-Protocol: sip\r\n"
                   f"Origin: http://{self.host}\r\n"
                   "User-Agent: callscope-ws-client\r\n\r\n")
        self.sock.sendall(request.encode())
        while b"\r\n\r\n" not in self.buffer:
            self.fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        if not lines[0].startswith("HTTP/1.1 101"):
            sys.exit(f"ws_client: upgrade refused: {lines[0]}")
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        if headers.get("sec-websocket-accept") != accept:
            sys.exit("ws_client: wrong Sec-WebSocket-Accept")
        if headers.get("sec-websocket-protocol", "").lower() != "sip":
            sys.exit("ws_client: server did not choose the sip subprotocol")

    def fill(self):
        data = self.sock.recv(65536)
        if not data:
            sys.exit("ws_client: connection closed by the server")
        self.buffer += data

    def send(self, opcode, payload):
        self.sock.sendall(frame(opcode, payload))

    def receive(self):
        """The next frame from the server: (opcode, payload); servers do not mask (§5.1)."""
        while True:
            if len(self.buffer) >= 2:
                b0, b1 = self.buffer[0], self.buffer[1]
                n, at = b1 & 0x7F, 2
                if n == 126 and len(self.buffer) >= 4:
                    n, at = struct.unpack("!H", self.buffer[2:4])[0], 4
                elif n == 127 and len(self.buffer) >= 10:
                    n, at = struct.unpack("!Q", self.buffer[2:10])[0], 10
                if (b1 & 0x7F) < 126 or at > 2:
                    if b1 & 0x80:
                        sys.exit("ws_client: masked frame from the server")
                    if len(self.buffer) >= at + n:
                        payload, self.buffer = self.buffer[at:at + n], self.buffer[at + n:]
                        return b0 & 0x0F, payload
            self.fill()

    def receive_sip(self):
        """The next SIP message (text frame), answering nothing else."""
        while True:
            opcode, payload = self.receive()
            if opcode in (0x1, 0x2):
                return payload.decode()
            if opcode == 0x8:
                sys.exit("ws_client: server closed the WebSocket")


def header(message, name):
    m = re.search(rf"^{name}:\s*(.*)$", message, re.I | re.M)
    return m.group(1).strip() if m else None


def all_headers(message, name):
    return [v.strip() for v in re.findall(rf"^{name}:\s*(.*)$", message, re.I | re.M)]


def status(message):
    m = re.match(r"SIP/2\.0 (\d{3})", message)
    return int(m.group(1)) if m else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default="ws://127.0.0.1:8080/")
    ap.add_argument("--talk", type=float, default=1.5, help="seconds between ACK and BYE")
    ap.add_argument("--call-id", default=None)
    ap.add_argument("caller")
    ap.add_argument("callee")
    args = ap.parse_args()

    ws = Connection(args.url, timeout=10)
    local, _ = ws.sock.getsockname()
    host = "%08x.invalid" % random.getrandbits(32)
    user = "%08x" % random.getrandbits(32)
    call_id = args.call_id or "ws-%d-%d@%s" % (os.getpid(), int(time.time()), host)
    from_tag = "%010d" % random.getrandbits(30)
    proxy = f"{ws.host}:{ws.port}"
    contact = f"<sip:{user}@{host};transport=ws;ob>"
    sdp = ("v=0\r\n"
           f"o=- {random.getrandbits(31)} 2 IN IP4 {local}\r\n"
           "s=-\r\n"
           f"c=IN IP4 {local}\r\n"
           "t=0 0\r\n"
           "m=audio 16600 RTP/AVP 0 8 101\r\n"
           "a=rtpmap:0 PCMU/8000\r\n"
           "a=rtpmap:8 PCMA/8000\r\n"
           "a=rtpmap:101 telephone-event/8000\r\n"
           "a=sendrecv\r\n")

    def request(method, ruri, cseq, to, branch, routes=(), body="", ctype=None):
        lines = [f"{method} {ruri} SIP/2.0",
                 f"Via: SIP/2.0/WS {host};branch={branch};rport",
                 "Max-Forwards: 70"]
        lines += [f"Route: {r}" for r in routes]
        lines += [f"From: <sip:{args.caller}@{ws.host}>;tag={from_tag}",
                  f"To: {to}",
                  f"Call-ID: {call_id}",
                  f"CSeq: {cseq} {method}",
                  f"Contact: {contact}",
                  "User-Agent: callscope-ws-client"]
        if ctype:
            lines.append(f"Content-Type: {ctype}")
        lines.append(f"Content-Length: {len(body.encode())}")
        return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()

    def branch():
        return "z9hG4bK%016x" % random.getrandbits(64)

    ruri = f"sip:{args.callee}@{ws.host}"
    invite_branch = branch()
    ws.send(0x1, request("INVITE", ruri, 1, f"<{ruri}>", invite_branch, body=sdp, ctype="application/sdp"))
    while True:
        answer = ws.receive_sip()
        code = status(answer)
        if code is not None and code >= 200:
            break
    if not 200 <= code < 300:
        sys.exit(f"ws_client: INVITE answered {code}")
    to = header(answer, "To")
    target = re.search(r"<([^>]*)>", header(answer, "Contact")).group(1)
    routes = []
    for value in all_headers(answer, "Record-Route"):
        routes += [r.strip() for r in value.split(",")]
    routes.reverse()  # a UAC's route set is the 2xx's Record-Route in reverse (RFC 3261 §12.1.2)
    ws.send(0x1, request("ACK", target, 1, to, branch(), routes))

    time.sleep(args.talk / 2)
    ws.send(0x9, b"callscope")  # keep-alive ping in the middle of the call; the pong is in the capture
    opcode, payload = ws.receive()
    if opcode != 0xA or payload != b"callscope":
        sys.exit(f"ws_client: expected a pong, got opcode {opcode}")
    time.sleep(args.talk / 2)

    ws.send(0x1, request("BYE", target, 2, to, branch(), routes))
    code = status(ws.receive_sip())
    if code != 200:
        sys.exit(f"ws_client: BYE answered {code}")
    ws.send(0x8, struct.pack("!H", 1000) + b"bye")
    opcode, _ = ws.receive()
    ws.sock.close()
    print(f"ws_client: call {call_id} answered and ended; close echoed: {opcode == 0x8}")


if __name__ == "__main__":
    main()

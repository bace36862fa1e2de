import CallModel
import Foundation
import PacketDecoding
import Testing
@testable import CallReconstruction
import TestSupport

/// One SIP message of `captures/websocket-call.sip.tsv`: tshark's view of the capture
/// (written by captures/websocket/generate.sh), with exact times.
private struct TsharkMessage {
    var nanoseconds: Int64
    var overWebSocket: Bool
    var label: String  // method, or status code
    var cseqMethod: String

    static func load() throws -> [TsharkMessage] {
        let text = try String(contentsOfFile: TestPaths.capture("websocket-call.sip.tsv"), encoding: .utf8)
        return try text.split(separator: "\n").dropFirst().map { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            try #require(f.count == 7)
            let parts = f[1].split(separator: ".")
            let seconds = try #require(Int64(parts[0])), fraction = try #require(Int64(parts[1].prefix(9)))
            return TsharkMessage(
                nanoseconds: seconds * 1_000_000_000 + fraction, overWebSocket: !f[2].isEmpty,
                label: f[4].isEmpty ? f[5] : f[4], cseqMethod: f[6])
        }
    }
}

/// `captures/websocket-call.pcap`: a SIP-over-WebSocket client (RFC 7118) calls through
/// Kamailio, which relays over UDP to SIPp (captures/websocket/generate.sh).
@Suite struct WebSocketCaptureTests {
    @Test func callOverWebSocketAndUDPIsOneCall() throws {
        let tshark = try TsharkMessage.load()
        try #require(tshark.count == 13)
        let result = Fixtures.analyze([TestPaths.capture("websocket-call.pcap")])
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.summary.sipMessages == tshark.count)
        let call = try #require(result.calls.first)
        #expect(result.calls.count == 1)
        #expect(call.transport == "ws")
        #expect(call.outcome == .answered)
        #expect(call.endedBy == .caller)
        #expect(call.truncated == false)
        // Both hops are in the call: 7 messages over WebSocket, 6 over UDP, none a retransmission.
        #expect(call.packets == tshark.count)
        #expect(tshark.filter(\.overWebSocket).count == 7)
        #expect(call.retransmissions == 0)
        // Times are tshark's: the caller's INVITE (over WebSocket), the first 2xx to it (the
        // callee's, on the UDP hop), the caller's BYE (over WebSocket).
        let invite = try #require(tshark.first { $0.label == "INVITE" })
        let answer = try #require(tshark.first { $0.label == "200" && $0.cseqMethod == "INVITE" })
        let bye = try #require(tshark.first { $0.label == "BYE" })
        #expect(invite.overWebSocket && !answer.overWebSocket && bye.overWebSocket)
        #expect(call.start.nanoseconds == invite.nanoseconds)
        #expect(call.answeredAt?.nanoseconds == answer.nanoseconds)
        #expect(call.endedAt?.nanoseconds == bye.nanoseconds)
        #expect(call.talkTime?.nanoseconds == bye.nanoseconds - answer.nanoseconds)
        #expect(call.caller == "+15551230107")
        #expect(call.dialed == "+15550107000")
    }
}

/// `captures/websocket/websocket-gap.pcap`: `websocket-call.pcap` without the frame of the client's ACK
/// (captures/websocket/generate.sh removes it with editcap): a hole in the client's direction.
@Suite struct WebSocketGapTests {
    @Test func readingResumesAtTheNextSIPFrame() throws {
        let tshark = try TsharkMessage.load()
        let result = Fixtures.analyze([TestPaths.capture("websocket/websocket-gap.pcap")])
        let call = try #require(result.calls.first)
        #expect(result.calls.count == 1)
        // Only the lost ACK is missing: the BYE after the hole (and after a ping) is read.
        #expect(call.packets == tshark.count - 1)
        #expect(call.transport == "ws")
        #expect(call.outcome == .answered && call.endedBy == .caller && !call.truncated)
        let warnings = result.diagnostics.map(\.message)
        #expect(warnings.count == 2, "\(warnings)")
        #expect(warnings.first?.hasSuffix("bytes never captured; 0 buffered WebSocket bytes dropped, reading resumes at the next frame that starts a SIP message") == true)
        // What is skipped is the ping between the ACK and the BYE: 2 header bytes, 4 of mask, 9 of payload.
        #expect(warnings.last?.hasSuffix(": 15 bytes skipped to the next WebSocket frame that starts a SIP message") == true)
    }
}

/// TLS cannot be read: a capture with TLS connections says so once, where the first began.
@Suite struct TLSNoticeTests {
    /// `heplify__sip_ipv4_tcp_retrans.pcap` holds two TLS connections to port 443 (tshark:
    /// `tls.handshake.type == 1` in frames 61 and 72) beside its SIP over TCP and UDP.
    @Test func tlsConnectionsAreReportedOnce() {
        let result = Fixtures.analyze([Corpus.pcapFile("heplify__sip_ipv4_tcp_retrans.pcap")])
        let notices = result.diagnostics.filter { $0.message.contains("TLS") }
        #expect(notices.count == 1)
        #expect(notices.first?.severity == .warning)
        #expect(notices.first?.packet == 61)
        #expect(notices.first?.message == "2 TLS connections, the first TCP 192.168.1.252:52796 -> 192.168.1.3:443: encrypted, so any SIP over TLS or secure WebSocket (wss) in them is not read")
    }
}

/// The per-direction rules of ``WebSocketStreams`` on hand-written handshakes and frames.
@Suite struct WebSocketStreamsTests {
    static let client = FlowKey(source: Endpoint(address: .v4(0x7F00_0001), port: 40000), destination: Endpoint(address: .v4(0x7F00_0001), port: 8443), transport: .tcp)
    static let request = "GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: a\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: sip\r\n\r\n"
    static let invite = "INVITE sip:b@h SIP/2.0\r\nVia: SIP/2.0/WS x.invalid;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n\r\n"

    /// A masked text frame holding `text`.
    static func frame(_ text: String) -> [UInt8] {
        Build.webSocketFrame(0x1, Array(text.utf8), mask: [0x11, 0x22, 0x33, 0x44])
    }

    /// Feeds `chunks` for `flow`; returns whether each was taken, the SIP messages and warnings.
    static func feed(_ streams: inout WebSocketStreams, _ flow: FlowKey, _ chunks: [[UInt8]]) -> (taken: [Bool], messages: [String], warnings: [String], tls: Int) {
        var taken: [Bool] = [], messages: [String] = [], warnings: [String] = [], tls = 0
        for chunk in chunks {
            taken.append(chunk.withUnsafeBytes { bytes in
                streams.take(flow, bytes) { output in
                    switch output {
                    case .message(let raw): messages.append(String(decoding: raw.prefix(6), as: UTF8.self))
                    case .warning(let text): warnings.append(text)
                    case .tls: tls += 1
                    }
                }
            })
        }
        return (taken, messages, warnings, tls)
    }

    @Test func handshakeSplitAcrossSegmentsThenFrames() {
        var streams = WebSocketStreams()
        let bytes = Array(Self.request.utf8) + Self.frame(Self.invite) + Self.frame("\r\n\r\n")
        for split in 1..<bytes.count {
            var fresh = WebSocketStreams()
            let result = Self.feed(&fresh, Self.client, [Array(bytes[..<split]), Array(bytes[split...])])
            #expect(result.messages == ["INVITE"] && result.warnings.isEmpty && result.taken == [true, true], "split at \(split)")
        }
        #expect(Self.feed(&streams, Self.client, [bytes]).messages == ["INVITE"])
    }

    /// A RST or FIN the reassembler later reopens (RFC 5961: bytes that go on after a RST) leaves
    /// the direction a WebSocket: its next frames are still read as SIP messages; a new handshake
    /// on the same ports (a reused port) starts afresh.
    @Test func framesAfterACloseAreStillWebSocket() {
        var streams = WebSocketStreams()
        #expect(Self.feed(&streams, Self.client, [Array(Self.request.utf8) + Self.frame(Self.invite)]).messages == ["INVITE"])
        #expect(streams.close(Self.client) == nil)
        let after = Self.feed(&streams, Self.client, [Self.frame(Self.invite.replacing("INVITE sip", with: "BYE sip").replacing("1 INVITE", with: "2 BYE"))])
        #expect(after.taken == [true] && after.messages == ["BYE si"] && after.warnings.isEmpty)
        _ = streams.close(Self.client)
        let reopened = Self.feed(&streams, Self.client, [Array(Self.request.utf8) + Self.frame(Self.invite)])
        #expect(reopened.taken == [true] && reopened.messages == ["INVITE"])
    }

    @Test func refusedUpgradeReturnsTheClientDirection() {
        var streams = WebSocketStreams()
        #expect(Self.feed(&streams, Self.client, [Array(Self.request.utf8)]).taken == [true])
        #expect(Self.feed(&streams, Self.client.reversed, [Array("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n".utf8)]).taken == [true])
        // The client's next bytes are not WebSocket frames: the caller frames them as it would.
        #expect(Self.feed(&streams, Self.client, [Array(Self.invite.utf8)]).taken == [false])
    }

    @Test func otherSubprotocolsAreNotRead() {
        var streams = WebSocketStreams()
        let chat = Self.request.replacing("Protocol: sip", with: "Protocol: chat")
        let result = Self.feed(&streams, Self.client, [Array(chat.utf8) + Self.frame(Self.invite), Self.frame(Self.invite)])
        #expect(result.taken == [true, true] && result.messages.isEmpty && result.warnings.isEmpty)
    }

    @Test func malformedFramesAndHolesAreReported() {
        var streams = WebSocketStreams()
        let result = Self.feed(&streams, Self.client, [Array(Self.request.utf8) + [0xC1, 0x00], Self.frame(Self.invite)])
        // The bad frame (RSV1, empty) is skipped; the next SIP frame is read.
        #expect(result.messages == ["INVITE"])
        #expect(result.warnings == [
            "TCP 127.0.0.1:40000 -> 127.0.0.1:8443: WebSocket frame compressed (RSV1, permessage-deflate, RFC 7692): not read; reading resumes at the next frame that starts a SIP message",
            "TCP 127.0.0.1:40000 -> 127.0.0.1:8443: 2 bytes skipped to the next WebSocket frame that starts a SIP message",
        ])

        // A hole: the half-received frame is dropped; the tail of the lost frame is skipped up to
        // the next frame that starts a SIP message.
        var other = WebSocketStreams()
        _ = Self.feed(&other, Self.client, [Array(Self.request.utf8) + Array(Self.frame(Self.invite).prefix(30))])
        #expect(other.gap(Self.client, missingBytes: 100) == "TCP 127.0.0.1:40000 -> 127.0.0.1:8443: 100 bytes never captured; 30 buffered WebSocket bytes dropped, reading resumes at the next frame that starts a SIP message")
        let tail = Array(Self.frame(Self.invite).suffix(40))
        let resumed = Self.feed(&other, Self.client, [tail + Self.frame(Self.invite)])
        #expect(resumed.messages == ["INVITE"])
        #expect(resumed.warnings == ["TCP 127.0.0.1:40000 -> 127.0.0.1:8443: 40 bytes skipped to the next WebSocket frame that starts a SIP message"])
        #expect(other.close(Self.client) == nil)
    }

    @Test func notSIPMessagesAreReportedAndTLSIsCounted() {
        var streams = WebSocketStreams()
        let result = Self.feed(&streams, Self.client, [Array(Self.request.utf8) + Self.frame("{\"hello\":1}")])
        #expect(result.warnings == ["TCP 127.0.0.1:40000 -> 127.0.0.1:8443: WebSocket message of 11 bytes is not SIP, skipped"])
        let clientHello: [UInt8] = [0x16, 0x03, 0x01, 0x00, 0x80, 0x01, 0x00, 0x00, 0x7C, 0x03, 0x03]
        let tls = Self.feed(&streams, Self.client.reversed, [clientHello, Array(Self.invite.utf8)])
        #expect(tls.tls == 1 && tls.taken == [true, true] && tls.messages.isEmpty)
    }
}

import CallscopeBase
import Testing
@testable import SIPParsing
import TestSupport

private func sip(_ method: String, cseq: Int) -> [UInt8] {
    Array("\(method) sip:+15550107000@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/WS h.invalid;branch=z9hG4bK\(cseq)\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>\r\nCall-ID: ws-1@h.invalid\r\nCSeq: \(cseq) \(method)\r\nContent-Length: 0\r\n\r\n".utf8)
}

/// One client direction with every kind of frame: a masked INVITE (16-bit length), a BYE
/// fragmented in three frames with a ping between two of them, an unmasked binary OPTIONS
/// whose length is written in the 64-bit form, an empty keep-alive, and a close (1000).
private let invite = sip("INVITE", cseq: 1) + Array(repeating: UInt8(ascii: "x"), count: 100)
private let bye = sip("BYE", cseq: 2)
private let options = sip("OPTIONS", cseq: 3)
private let stream: [UInt8] =
    Build.webSocketFrame(0x1, invite, mask: [0x37, 0xFA, 0x21, 0x3D])
    + Build.webSocketFrame(0x1, Array(bye[..<40]), fin: false, mask: [1, 2, 3, 4])
    + Build.webSocketFrame(0x9, Array("ka".utf8), mask: [9, 9, 9, 9])
    + Build.webSocketFrame(0x0, Array(bye[40..<41]), fin: false, mask: [0xFF, 0, 0xFF, 0])
    + Build.webSocketFrame(0x0, Array(bye[41...]), mask: [5, 6, 7, 8])
    + Build.webSocketFrame(0x2, options, length: 64)
    + Build.webSocketFrame(0x1, [])
    + Build.webSocketFrame(0x8, [0x03, 0xE8] + Array("bye".utf8), mask: [0xA0, 0xB0, 0xC0, 0xD0])

private let expectedEvents = [
    "text \(invite.count) INVITE", "control ping 2", "text \(bye.count) BYE", "binary \(options.count) OPTIONS",
    "text 0 -", "close 1000",
]

/// Feeds `chunks` to one decoder; the events as text, and the error that stopped it.
private func decode(_ chunks: [[UInt8]], maxMessageBytes: Int = 1 << 20) -> (events: [String], error: WebSocketError?, buffered: Int) {
    var decoder = WebSocketDecoder(maxMessageBytes: maxMessageBytes)
    var events: [String] = []
    for chunk in chunks {
        var failure: WebSocketError?
        chunk.withUnsafeBytes { bytes in
            do throws(WebSocketError) {
                try decoder.append(bytes) { event in
                    switch event {
                    case .message(let payload, let binary):
                        let method = payload.firstIndex(of: 0x20).map { String(decoding: payload[..<$0], as: UTF8.self) } ?? "-"
                        events.append("\(binary ? "binary" : "text") \(payload.count) \(method)")
                        if ["INVITE", "BYE", "OPTIONS"].contains(method) { #expect(Array(payload) == (method == "INVITE" ? invite : method == "BYE" ? bye : options)) }
                    case .control(let opcode, let length): events.append("control \(opcode == .ping ? "ping" : "pong") \(length)")
                    case .close(let code): events.append("close \(code.map(String.init) ?? "-")")
                    case .resynchronized(let skipped): events.append("resynchronized \(skipped)")
                    }
                }
            } catch {
                failure = error
            }
        }
        if let failure { return (events, failure, decoder.bufferedByteCount) }
    }
    return (events, nil, decoder.bufferedByteCount)
}

@Suite struct WebSocketDecoderTests {
    @Test func wholeStream() {
        let result = decode([stream])
        #expect(result.events == expectedEvents)
        #expect(result.error == nil)
        #expect(result.buffered == 0)
    }

    /// The stream cut in two at every byte, and fed one byte at a time: same events.
    @Test func splitAtEveryByte() {
        for split in 1..<stream.count {
            let result = decode([Array(stream[..<split]), Array(stream[split...])])
            #expect(result.events == expectedEvents, "split at \(split)")
            #expect(result.error == nil && result.buffered == 0, "split at \(split)")
        }
        let result = decode(stream.map { [$0] })
        #expect(result.events == expectedEvents)
    }

    /// Every prefix: only the complete frames come out; nothing traps; the rest is held.
    @Test func everyPrefixHoldsTheIncompleteFrame() {
        for end in 0..<stream.count {
            let result = decode([Array(stream[..<end])])
            #expect(result.error == nil)
            #expect(result.events.count <= expectedEvents.count)
            #expect(result.events == Array(expectedEvents.prefix(result.events.count)))
        }
    }

    @Test func headerLengthForms() throws {
        let payload = Array(repeating: UInt8(7), count: 300)
        for (form, size) in [(16, 4), (64, 10)] {
            let bytes = Build.webSocketFrame(0x2, payload, mask: [1, 2, 3, 4], length: form)
            let header = try bytes.withUnsafeBytes { try WebSocketFrameHeader.read($0, maxPayloadLength: 1000) }
            #expect(header == WebSocketFrameHeader(fin: true, opcode: .binary, maskingKey: 0x0102_0304, payloadLength: 300, headerLength: size + 4))
        }
    }

    /// Malformed frames throw a typed error naming the fault (RFC 6455 §5.2, §5.4, §5.5).
    @Test(arguments: [
        (Build.webSocketFrame(0x1, bye, rsv: 0x4), "permessage-deflate"),
        (Build.webSocketFrame(0x1, bye, rsv: 0x2), "reserved bits 0x2"),
        (Build.webSocketFrame(0x3, bye), "reserved opcode 0x3"),
        (Build.webSocketFrame(0xB, []), "reserved opcode 0xb"),
        ([0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 5] + Array(repeating: 0, count: 5), "high bit is set"),
        ([0x82, 0xFF, 0, 0, 1, 0, 0, 0, 0, 0, 1, 2, 3, 4], "1099511627776 bytes"),
        (Build.webSocketFrame(0x9, [1], fin: false), "fragmented"),
        (Build.webSocketFrame(0x9, Array(repeating: 1, count: 126)), "126 bytes, more than 125"),
        (Build.webSocketFrame(0x8, Array(repeating: 1, count: 200), length: 64), "200 bytes, more than 125"),
        (Build.webSocketFrame(0x0, bye), "continuation frame with no message begun"),
        (Build.webSocketFrame(0x1, [1], fin: false) + Build.webSocketFrame(0x2, [2]), "inside an unfinished fragmented message"),
    ])
    func malformedFrames(bytes: [UInt8], reason: String) {
        let result = decode([bytes], maxMessageBytes: 1 << 20)
        let error = result.error
        #expect(error != nil)
        #expect(error?.description.contains(reason) == true, "\(String(describing: error))")
        // Also when the frame comes a byte at a time: the error is raised as soon as the header shows it.
        #expect(decode(bytes.map { [$0] }).error == result.error)
    }

    /// A length above the limit is refused from the header alone: nothing is buffered for it.
    @Test func oversizedFramesAreRefusedBeforeBuffering() {
        let header = Array(Build.webSocketFrame(0x1, Array(repeating: 0, count: 2000), mask: [1, 2, 3, 4]).prefix(8))
        let result = decode([header], maxMessageBytes: 1000)
        #expect(result.error?.description == "WebSocket frame of 2000 bytes, more than the 1000 bytes its message may still hold")
        // Fragments count together.
        let fragments = Build.webSocketFrame(0x1, Array(repeating: 0, count: 600), fin: false) + Build.webSocketFrame(0x0, Array(repeating: 0, count: 600))
        #expect(decode([fragments], maxMessageBytes: 1000).error?.description == "WebSocket frame of 600 bytes, more than the 400 bytes its message may still hold")
    }

    /// After a hole: the tail of a frame, a continuation, a ping and a text frame that is not SIP
    /// are skipped; reading resumes at the INVITE, at every split of the bytes.
    @Test func resynchronizesAtTheNextSIPFrame() {
        let noise = Array(Build.webSocketFrame(0x1, Array("JSON {\"sip:\": 1}".utf8), mask: [1, 2, 3, 4]))
        let skipped = Array(Build.webSocketFrame(0x1, bye, mask: [7, 7, 7, 7]).suffix(33)) + Build.webSocketFrame(0x0, [1, 2, 3])
            + Build.webSocketFrame(0x9, [], mask: [1, 1, 1, 1]) + noise
        let after = skipped + stream
        for split in 0...after.count {
            var decoder = WebSocketDecoder()
            Array(stream.prefix(30)).withUnsafeBytes { try? decoder.append($0) { _ in } }
            #expect(decoder.resynchronize() == 30)
            var events: [String] = []
            for chunk in [Array(after[..<split]), Array(after[split...])] {
                chunk.withUnsafeBytes { bytes in
                    do throws(WebSocketError) {
                        try decoder.append(bytes) { event in
                            events.append(Self.describe(event))
                        }
                    } catch {
                        events.append("error \(error)")
                    }
                }
            }
            #expect(events.prefix(2) == ["resynchronized \(skipped.count)", "message \(invite.count)"], "split at \(split)")
            #expect(events.count == 2 + expectedEvents.count - 1, "split at \(split)")
        }
    }

    /// A decoder event as the resynchronisation tests compare it.
    static func describe(_ event: WebSocketDecoder.Event) -> String {
        switch event {
        case .resynchronized(let count): "resynchronized \(count)"
        case .message(let payload, _): "message \(payload.count)"
        default: "other"
        }
    }

    /// After a malformed frame the decoder seeks the next SIP frame in the bytes it was given:
    /// appending nothing until it stops throwing reads the rest of the chunk.
    @Test(arguments: [Build.webSocketFrame(0x3, bye), Build.webSocketFrame(0x1, bye, rsv: 0x4), Build.webSocketFrame(0x9, bye), Build.webSocketFrame(0x0, bye, mask: [1, 2, 3, 4])])
    func recoversAfterAMalformedFrame(bad: [UInt8]) {
        var decoder = WebSocketDecoder()
        var events: [String] = [], errors = 0
        var input = bad + stream
        while true {
            let threw: Bool = input.withUnsafeBytes { bytes in
                do throws(WebSocketError) {
                    try decoder.append(bytes) { event in
                        events.append(Self.describe(event))
                    }
                    return false
                } catch {
                    return true
                }
            }
            guard threw else { break }
            errors += 1
            input = []
        }
        #expect(errors == 1)
        #expect(events.prefix(2) == ["resynchronized \(bad.count)", "message \(invite.count)"])
        #expect(events.count == 1 + expectedEvents.count)
    }

    /// Any byte sequence: the decoder returns or throws, never traps, and holds at most one frame.
    @Test func arbitraryBytesNeverTrap() {
        var rng = Xoshiro256(seed: 0x5EED)
        for _ in 0..<3000 {
            var bytes: [UInt8] = []
            for _ in 0..<rng.below(64) { bytes.append(UInt8(truncatingIfNeeded: rng.next() >> 33)) }
            let result = decode([bytes, bytes], maxMessageBytes: 4096)
            #expect(result.buffered <= 4096 + 14)
            var seeking = WebSocketDecoder(maxMessageBytes: 4096)
            seeking.resynchronize()
            bytes.withUnsafeBytes { try? seeking.append($0) { _ in } }
            #expect(seeking.bufferedByteCount <= 4096 + 14)
            // Recovering after every malformed frame ends: each throw consumes a byte.
            var recovering = WebSocketDecoder(maxMessageBytes: 4096)
            var failures = 0
            var input = bytes + bytes
            while failures <= input.count + bytes.count * 2 {
                let threw = input.withUnsafeBytes { raw in (try? recovering.append(raw) { _ in }) == nil }
                guard threw else { break }
                failures += 1
                input = []
            }
            #expect(failures <= bytes.count * 2)
        }
    }
}

@Suite struct WebSocketHandshakeTests {
    static let request = "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: xmpp, SIP\r\n\r\n"
    static let response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: sip\r\n\r\n"

    private func parse(_ text: String) -> WebSocketHandshake.Parse {
        Array(text.utf8).withUnsafeBytes { WebSocketHandshake.parse($0) }
    }

    @Test func requestAndResponse() {
        #expect(parse(Self.request + "\u{81}") == .handshake(WebSocketHandshake(kind: .request, carriesSIP: true, length: Self.request.utf8.count)))
        #expect(parse(Self.response) == .handshake(WebSocketHandshake(kind: .response(switched: true), carriesSIP: true, length: Self.response.utf8.count)))
    }

    @Test func everyPrefixNeedsMoreBytes() {
        for text in [Self.request, Self.response] {
            for end in 1..<text.utf8.count {
                #expect(parse(String(decoding: Array(text.utf8)[..<end], as: UTF8.self)) == .needMoreBytes, "\(end)")
            }
        }
    }

    @Test func otherSubprotocolsRefusalsAndPlainHTTP() {
        let xmpp = Self.request.replacing("xmpp, SIP", with: "xmpp, sipx")
        #expect(parse(xmpp) == .handshake(WebSocketHandshake(kind: .request, carriesSIP: false, length: xmpp.utf8.count)))
        let refused = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
        #expect(parse(refused) == .handshake(WebSocketHandshake(kind: .response(switched: false), carriesSIP: false, length: refused.utf8.count)))
        #expect(parse("GET /index.html HTTP/1.1\r\nHost: h\r\n\r\n") == .notHandshake)
        #expect(parse("INVITE sip:a@h SIP/2.0\r\n\r\n") == .notHandshake)
        #expect(parse("HTTP/1.1 1x1 Odd\r\n\r\n") == .notHandshake)
        #expect(parse("GET / HTTP/1.1\r\n" + String(repeating: "X-Long: y\r\n", count: 2000)) == .notHandshake)
    }
}

import Testing
@testable import SIPParsing
import TestSupport

/// Two messages as a TCP stream carries them: an INVITE with SDP, then a BYE.
private let stream: [UInt8] = Array((SIPSamples.invite + "BYE sip:+15550100@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK2\r\nFrom: <sip:a@h>;tag=1SIPpTag001\r\nTo: <sip:b@h>;tag=x\r\nCall-ID: 1-4242@127.0.0.1\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n").utf8)

/// Feeds `chunks` to a framer and returns the Call-ID and CSeq of each message and the skipped byte count.
private func frame(_ chunks: [[UInt8]]) throws -> (messages: [String], skipped: Int) {
    var framer = SIPStreamFramer()
    var messages: [String] = []
    var skipped = 0
    var failure: SIPParseError?
    for chunk in chunks {
        chunk.withUnsafeBytes { bytes in
            framer.append(bytes) { event in
                switch event {
                case .message(let raw):
                    do {
                        if let m = try SIPMessage.parse(raw) { messages.append("\(m.label) \(m.cseq?.number ?? 0) body=\(m.body.count)") }
                    } catch let error as SIPParseError { failure = error } catch {}
                case .skipped(let count, _): skipped += count
                }
            }
        }
    }
    if let failure { throw failure }
    return (messages, skipped)
}

@Suite struct SIPStreamFramerTests {
    static let expected = ["INVITE 1 body=129", "BYE 2 body=0"]

    @Test func severalMessagesInOneSegment() throws {
        let result = try frame([stream])
        #expect(result.messages == Self.expected)
        #expect(result.skipped == 0)
    }

    /// A message split across two segments at every possible byte.
    @Test(arguments: 1..<stream.count)
    func splitAtEveryByte(at split: Int) throws {
        let result = try frame([Array(stream[..<split]), Array(stream[split...])])
        #expect(result.messages == Self.expected)
    }

    @Test func oneByteAtATime() throws {
        let result = try frame(stream.map { [$0] })
        #expect(result.messages == Self.expected)
    }

    /// CRLF keep-alives between messages (RFC 5626 §3.5.1) are not garbage.
    @Test func keepAlivesAreSkippedSilently() throws {
        let result = try frame([Array("\r\n\r\n".utf8), stream, Array("\r\n".utf8)])
        #expect(result.messages == Self.expected)
        #expect(result.skipped == 0)
    }

    /// A stream joined in the middle of a body resynchronises at the next start line and reports what it skipped.
    @Test func joinMidMessageResynchronises() throws {
        let tail = Array("a=rtpmap:0 PCMU/8000\r\n".utf8)
        let result = try frame([tail + stream])
        #expect(result.messages == Self.expected)
        #expect(result.skipped == tail.count)
    }

    @Test func incompleteMessageIsHeldBack() {
        var framer = SIPStreamFramer()
        var count = 0
        Array(stream.prefix(200)).withUnsafeBytes { bytes in
            framer.append(bytes) { _ in count += 1 }
        }
        #expect(count == 0)
        #expect(framer.bufferedByteCount == 200)
        #expect(framer.reset() == 200)
        #expect(framer.bufferedByteCount == 0)
    }

    @Test func compactContentLength() throws {
        let text = "MESSAGE sip:b@h SIP/2.0\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>\r\ni: m1\r\nCSeq: 1 MESSAGE\r\nl:5\r\n\r\nhelloOPTIONS sip:h SIP/2.0\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:h>\r\nCall-ID: o\r\nCSeq: 2 OPTIONS\r\n\r\n"
        let result = try frame([Array(text.utf8)])
        #expect(result.messages == ["MESSAGE 1 body=5", "OPTIONS 2 body=0"])
    }
}

extension SIPStreamFramerTests {
    /// A TCP stream whose first segment ends inside the request line is still taken as SIP.
    @Test(arguments: ["INVITE sip:+155", "INV", "SIP/2.0 2", "\r\nBYE "])
    func firstSegmentInsideTheStartLine(prefix: String) {
        Array(prefix.utf8).withUnsafeBytes { #expect(SIPStreamFramer.firstStartLine(in: $0) == 0) }
    }

    @Test(arguments: ["GET / HTTP/1.1\r\n", "\u{16}\u{03}\u{01}binary", "hello world\n"])
    func otherStreamsAreNotSIP(prefix: String) {
        Array(prefix.utf8).withUnsafeBytes { #expect(SIPStreamFramer.firstStartLine(in: $0) == nil) }
    }

    /// Junk without line ends after a message is skipped once past the header limit, so the
    /// buffer stays bounded.
    @Test func endlessJunkIsSkippedNotBuffered() {
        var framer = SIPStreamFramer(maxHeaderBytes: 1024)
        var skipped = 0
        let junk = [UInt8](repeating: UInt8(ascii: "x"), count: 700)
        for _ in 0..<10 {
            junk.withUnsafeBytes { bytes in
                framer.append(bytes) { event in if case .skipped(let n, _) = event { skipped += n } }
            }
        }
        #expect(framer.bufferedByteCount <= 1024 + 700)
        #expect(skipped + framer.bufferedByteCount == 7000)
        #expect(skipped > 0)
    }
}

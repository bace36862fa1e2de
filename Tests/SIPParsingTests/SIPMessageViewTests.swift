import Testing
@testable import SIPParsing
import TestSupport

/// The in-place reading (`SIPMessageView`) the call tracker uses: ranges that hold what the owned
/// `SIPMessage` holds, and byte comparisons that agree with `String` equality.
@Suite struct SIPMessageViewTests {
    /// Reads `text` in place and hands `body` the view.
    func view<R>(_ text: String, _ body: (SIPMessageView) -> R) throws -> R? {
        try Array(text.utf8).withUnsafeBytes { buffer in try SIPMessageView.parse(buffer, body) }
    }

    @Test func rangesHoldTheFieldsOfTheMessage() throws {
        let fields: [String?]? = try view(SIPSamples.invite) { v in
            [v.string(v.callID), v.string(v.from?.tag), v.string(v.to?.tag), v.string(v.topViaBranch),
             v.string(v.requestURI), v.string(v.from?.displayName), v.string(v.from.map(\.uri)), v.label]
        }
        #expect(fields == ["1-4242@127.0.0.1", "1SIPpTag001", nil, "z9hG4bK-1-0", "sip:+15550100@127.0.0.1:5060",
                           "Alice", "sip:+44-20-7946-0001@127.0.0.1:5061", "INVITE"])
        let body = try view(SIPSamples.invite) { $0.body.count }
        #expect(body == 129)
    }

    /// A folded message is read from an unfolded copy: the same fields, problems and body as
    /// the message read whole.
    @Test func foldedHeadersAreReadFromAnUnfoldedCopy() throws {
        let text = "BYE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP p1;branch=z9hG4bKtop,\r\n SIP/2.0/UDP p2\r\nFrom: <sip:x@y>;tag=1\r\nNoColon\r\nTo:\r\n\t<sip:a@b>\r\n ;tag=2\r\nCall-ID: fold\r\nCSeq: 2 BYE\r\nContent-Length: 9\r\n\r\nbody text"
        let fields: [String?]? = try view(text) { v in
            [v.string(v.topViaBranch), v.string(v.to?.tag), v.string(v.to.map(\.uri)), v.string(v.body), v.problems.first]
        }
        #expect(fields == ["z9hG4bKtop", "2", "sip:a@b", "body text", "header line without a colon ignored"])
    }

    /// Tags compare as `String`s do: byte for byte, and by canonical equivalence when a byte is not ASCII.
    @Test(arguments: [
        ("abc", "abc", true), ("abc", "abd", false), ("abc", "ab", false),
        ("caf\u{E9}", "cafe\u{301}", true),  // precomposed against decomposed é
        ("x\u{212A}", "xK", true),  // KELVIN SIGN is canonically K
    ])
    func tagsCompareAsStrings(tag: String, other: String, equal: Bool) throws {
        let text = "BYE sip:a@b SIP/2.0\r\nFrom: <sip:x@y>;tag=\(tag)\r\nTo: <sip:a@b>\r\nCall-ID: c\r\nCSeq: 2 BYE\r\n\r\n"
        let result = try view(text) { $0.equals($0.from?.tag, other) }
        #expect(result == equal)
        #expect((tag == other) == equal)
    }

    @Test func missingHeaderThrowsAsTheOwnedParse() {
        let text = "BYE sip:a@b SIP/2.0\r\nFrom: <sip:x@y>;tag=1\r\nTo: <sip:a@b>\r\nCSeq: 2 BYE\r\n\r\n"
        #expect(throws: SIPParseError.missingHeader("Call-ID")) { _ = try view(text) { _ in () } }
    }
}

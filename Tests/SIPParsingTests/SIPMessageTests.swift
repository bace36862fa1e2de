import CallModel
import Testing
@testable import SIPParsing
import TestSupport

@Suite struct SIPMessageParsingTests {
    @Test func parsesRequestLineHeadersAndSDP() throws {
        let message = try #require(try SIPMessage.parse(Array(SIPSamples.invite.utf8)))
        #expect(message.method == .invite)
        #expect(message.requestURI == "sip:+15550100@127.0.0.1:5060")
        #expect(message.callID == "1-4242@127.0.0.1")
        #expect(message.cseq == CSeq(number: 1, method: .invite))
        #expect(message.topViaBranch == "z9hG4bK-1-0")
        #expect(message.from?.displayName == "Alice")
        #expect(message.from?.tag == "1SIPpTag001")
        #expect(message.from?.user == "+44-20-7946-0001")
        #expect(message.to?.tag == nil)
        #expect(message.contentLength == 129)
        #expect(message.contentType == "application/sdp")
        #expect(message.body.count == 129)
        #expect(message.problems.isEmpty)
        let sdp = try #require(message.sessionDescription)
        #expect(sdp.address == "127.0.0.1")
        #expect(sdp.media.count == 1)
        #expect(sdp.media[0].port == 6000)
        #expect(sdp.media[0].formats == [8])
        #expect(sdp.media[0].rtpmap[8] == "PCMA/8000")
        #expect(sdp.effective(0).direction == "sendrecv")
    }
}

extension SIPMessageParsingTests {
    /// Compact header names (RFC 3261 §7.3.3) and mixed-case long names.
    @Test func compactAndCaseInsensitiveHeaderNames() throws {
        let text = "INVITE sip:1002@10.0.0.2 SIP/2.0\r\nv: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKabc\r\nf: <sip:1001@10.0.0.1>;tag=f1\r\nt: <sip:1002@10.0.0.2>\r\ni: compact@10.0.0.1\r\ncSeQ: 7 INVITE\r\nm: <sip:1001@10.0.0.1:5062>\r\nc: Application/SDP\r\nl: 0\r\n\r\n"
        let message = try #require(try SIPMessage.parse(Array(text.utf8)))
        #expect(message.callID == "compact@10.0.0.1")
        #expect(message.from?.user == "1001")
        #expect(message.from?.tag == "f1")
        #expect(message.to?.user == "1002")
        #expect(message.topViaBranch == "z9hG4bKabc")
        #expect(message.cseq?.number == 7)
        #expect(message.contact?.uri == "sip:1001@10.0.0.1:5062")
        #expect(message.contentType == "application/sdp")
        #expect(message.contentLength == 0)
    }

    /// A header value continued on the next line (RFC 3261 §7.3.1) and a second Via header
    /// that must not replace the topmost branch.
    @Test func foldedHeadersAndTopVia() throws {
        let text = "BYE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP p1;branch=z9hG4bKtop,\r\n SIP/2.0/UDP p2;branch=z9hG4bKsecond\r\nVia: SIP/2.0/UDP p3;branch=z9hG4bKthird\r\nFrom: <sip:x@y>;tag=1\r\nTo:\r\n\t<sip:a@b>\r\n ;tag=2\r\nCall-ID: fold\r\nCSeq: 2 BYE\r\nReason: SIP;cause=200;text=\"Call completed elsewhere\",\r\n  Q.850;cause=16\r\nContent-Length: 0\r\n\r\n"
        let message = try #require(try SIPMessage.parse(Array(text.utf8)))
        #expect(message.topViaBranch == "z9hG4bKtop")
        #expect(message.to?.uri == "sip:a@b")
        #expect(message.to?.tag == "2")
        #expect(message.reasons == [
            SIPReason(protocolName: "SIP", cause: 200, text: "Call completed elsewhere"),
            SIPReason(protocolName: "Q.850", cause: 16, text: nil),
        ])
    }

    @Test func statusLine() throws {
        let text = "SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=a\r\nTo: <sip:b@h>;tag=b\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nReason: Q.850;cause=17\r\nContent-Length: 0\r\n\r\n"
        let message = try #require(try SIPMessage.parse(Array(text.utf8)))
        #expect(message.startLine == .response(status: 486, reason: "Busy Here"))
        #expect(message.statusCode == 486)
        #expect(message.to?.tag == "b")
        #expect(message.reasons.first?.isQ850 == true)
        #expect(message.reasons.first?.cause == 17)
    }

    /// Identity headers: P-Asserted-Identity with two values, Remote-Party-ID, Diversion, History-Info.
    @Test func identityHeaders() throws {
        let text = """
            INVITE sip:08001234567@gw SIP/2.0\r
            Via: SIP/2.0/TCP gw;branch=z9hG4bKx\r
            From: "Anonymous" <sip:anonymous@anonymous.invalid>;tag=9\r
            To: <sip:08001234567@gw>\r
            Call-ID: ids\r
            CSeq: 1 INVITE\r
            P-Asserted-Identity: "Bob, Jr." <sip:+4420%207946%200002@carrier;user=phone>, <tel:+442079460002>\r
            Remote-Party-ID: <sip:+4420794600@carrier>;party=calling;privacy=full\r
            Diversion: <sip:+15550001111@pbx>;reason=unconditional;counter=1\r
            Diversion: <sip:+15550002222@pbx>;reason=no-answer\r
            History-Info: <sip:08001234567@gw>;index=1, <sip:201@pbx>;index=1.1\r
            Content-Length: 0\r
            \r

            """
        let message = try #require(try SIPMessage.parse(Array(text.utf8)))
        #expect(message.assertedIdentities.count == 2)
        #expect(message.assertedIdentities[0].displayName == "Bob, Jr.")
        #expect(message.assertedIdentities[0].user == "+4420 7946 0002")
        #expect(message.assertedIdentities[1].user == "+442079460002")
        #expect(message.remotePartyIDs.first?.parameters["party"] == "calling")
        #expect(message.diversions.map(\.user) == ["+15550001111", "+15550002222"])
        #expect(message.diversions.first?.parameters["reason"] == "unconditional")
        #expect(message.historyInfo.map(\.user) == ["08001234567", "201"])
        #expect(message.from?.user == "anonymous")
    }

    @Test func notSIPReturnsNil() throws {
        #expect(try SIPMessage.parse(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)) == nil)
        #expect(try SIPMessage.parse(Array("\u{80}\u{01}RTP-ish bytes".utf8)) == nil)
        #expect(try SIPMessage.parse([UInt8]()) == nil)
        #expect(SIPMessage.looksLikeSIP(UnsafeRawBufferPointer(start: nil, count: 0)) == false)
    }

    @Test(arguments: ["Call-ID", "CSeq", "From", "To"])
    func missingMandatoryHeaderThrows(_ missing: String) throws {
        let headers = ["Via: SIP/2.0/UDP h;branch=z9hG4bK1", "From: <sip:a@h>;tag=a", "To: <sip:b@h>", "Call-ID: c", "CSeq: 1 INVITE"]
            .filter { !$0.hasPrefix(missing + ":") }
        let text = "INVITE sip:b@h SIP/2.0\r\n" + headers.joined(separator: "\r\n") + "\r\n\r\n"
        #expect(throws: SIPParseError.missingHeader(missing)) { try SIPMessage.parse(Array(text.utf8)) }
    }

    @Test func badCSeqThrows() {
        let text = "INVITE sip:b@h SIP/2.0\r\nFrom: <sip:a@h>;tag=a\r\nTo: <sip:b@h>\r\nCall-ID: c\r\nCSeq: one INVITE\r\n\r\n"
        #expect(throws: SIPParseError.badHeader("CSeq", value: "one INVITE")) { try SIPMessage.parse(Array(text.utf8)) }
    }

    /// A Content-Length larger than the datagram keeps the message and says so.
    @Test func contentLengthBeyondDatagramIsAProblemNotAFailure() throws {
        let text = "SIP/2.0 200 OK\r\nFrom: <sip:a@h>;tag=a\r\nTo: <sip:b@h>;tag=b\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nContent-Length: 500\r\n\r\nv=0\r\n"
        let message = try #require(try SIPMessage.parse(Array(text.utf8)))
        #expect(message.body == Array("v=0\r\n".utf8))
        #expect(message.problems == ["Content-Length 500 but only 5 body bytes"])
    }

    /// A Content-Length repeated with another value: the first wins, in framing and parsing alike.
    @Test func duplicateContentLengthFirstWins() throws {
        let text = "SIP/2.0 200 OK\r\nFrom: <sip:a@h>;tag=a\r\nTo: <sip:b@h>;tag=b\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nContent-Length: 3\r\nl: 5\r\n\r\nabcde"
        let message = try #require(try SIPMessage.parse(Array(text.utf8)))
        #expect(message.body == Array("abc".utf8))
        #expect(message.problems == ["second Content-Length 5 ignored"])
    }

    /// Bare LF line ends (tolerated, RFC 3261 §7.5 asks receivers to be lenient).
    @Test func bareLineFeeds() throws {
        let text = "OPTIONS sip:h SIP/2.0\nFrom: <sip:a@h>;tag=a\nTo: <sip:h>\nCall-ID: lf\nCSeq: 1 OPTIONS\n\n"
        let message = try #require(try SIPMessage.parse(Array(text.utf8)))
        #expect(message.method == .options)
        #expect(message.callID == "lf")
    }
}

@Suite struct URIAndNumberTests {
    @Test(arguments: [
        ("sip:+15550100@example.com", "+15550100"),
        ("sips:alice@example.com;transport=tls", "alice"),
        ("sip:alice:secret@example.com", "alice"),
        ("sip:+1-555-0100;npdi;rn=+15550000@example.com;user=phone", "+1-555-0100"),
        ("tel:+15550100;phone-context=example.com", "+15550100"),
        ("sip:%2B4420794600@[2001:db8::1]:5060", "+4420794600"),
        ("SIP:1001@[::1]", "1001"),
    ])
    func userPart(uri: String, user: String) {
        #expect(SIPURI.user(of: uri) == user)
    }

    @Test func hostPartKeepsIPv6Brackets() {
        #expect(SIPURI.host(of: "sip:1001@[2001:db8::1]:5060;transport=udp") == "[2001:db8::1]")
        #expect(SIPURI.host(of: "sip:example.com:5080") == "example.com")
        #expect(SIPURI.user(of: "sip:example.com") == nil)
        #expect(SIPURI.user(of: "urn:service:sos") == nil)
    }

    @Test(arguments: [
        ("+44-20-7946-0001", "+442079460001"),
        ("(020) 7946.0002", "02079460002"),
        ("+1 555 0100", "+15550100"),
        ("*67#", "*67#"),
        ("alice.smith", "alice.smith"),
        ("anonymous", "anonymous"),
        ("12+34", "12+34"),
    ])
    func numberNormalisation(raw: String, normalised: String) {
        #expect(PhoneNumber.normalize(raw) == normalised)
    }

    @Test func addrSpecParametersBelongToTheHeader() throws {
        let value = try #require(NameAddress.parse("sip:bob@example.com;tag=abc"[...]))
        #expect(value.uri == "sip:bob@example.com")
        #expect(value.tag == "abc")
        #expect(value.displayName == nil)
    }

    /// A quoted display name is one token (RFC 3261 §25.1): a `<` inside it does not open the URI.
    @Test("Angle brackets inside a quoted display name", arguments: [
        (#""<b>x</b> <img src=x onerror=alert(1)>" <sip:+447700900004@127.0.0.1>;tag=9"#, #"<b>x</b> <img src=x onerror=alert(1)>"#, "sip:+447700900004@127.0.0.1"),
        (#""say \"<hi>\"" <tel:+15550100>"#, #"say \"<hi>\""#, "tel:+15550100"),
        (#""Alice" <sip:alice@example.com>"#, "Alice", "sip:alice@example.com"),
        (#""unterminated <sip:bob@example.com>"#, #""unterminated"#, "sip:bob@example.com"),
    ])
    func quotedDisplayNameWithAngles(header: String, display: String, uri: String) throws {
        let value = try #require(NameAddress.parse(header[...]))
        #expect(value.displayName == display)
        #expect(value.uri == uri)
    }
}

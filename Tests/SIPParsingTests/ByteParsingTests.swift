import Testing
@testable import SIPParsing
import TestSupport

/// The byte-level reading of header values (issue 16): what a message keeps, checked on the
/// messages of a real sipp capture (captures/diversion-udp.pcap, captures/scenarios/uac-diversion.xml).
@Suite struct ByteParsingTests {
    static func messages() throws -> [SIPMessage] {
        try ClassicPcapReader.records(TestPaths.capture("diversion-udp.pcap")).compactMap { record in
            try SIPMessage.parse(record.udpPayload)
        }
    }

    @Test func headerParametersAreReadOnBytes() throws {
        let messages = try Self.messages()
        let invite = try #require(messages.first)
        #expect(invite.method == .invite)
        let diversion = try #require(invite.diversions.first)
        #expect(diversion.uri == "sip:+15550001111@127.0.0.1")
        #expect(diversion.tag == nil)
        #expect(diversion.otherParameters == [NameAddress.Parameter(name: "reason", value: "unconditional")])
        #expect(diversion.parameters == ["reason": "unconditional"])
        #expect(diversion.user == "+15550001111")
        #expect(invite.topViaBranch == "z9hG4bK-19175-1-0")
        // The whole top Via is kept only when it has no branch to stand in for it.
        #expect(invite.topVia == nil)
        for message in messages {
            #expect(message.from?.tag != nil)
            #expect(message.callID?.isEmpty == false)
            #expect(message.topViaBranch?.hasPrefix("z9hG4bK") == true)
        }
    }

    @Test func rfc2543ViaWithoutBranchIsKeptWhole() throws {
        // Malformed for RFC 3261 (no branch), as RFC 2543 peers send it.
        let text = "BYE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP p1:5060 ;received=10.0.0.1\r\nFrom: <sip:x@y>;TAG=1;Tag=2\r\nTo: <sip:a@b>;tag=3\r\nCall-ID: old\r\nCSeq: 2 BYE\r\n\r\n"
        let message = try #require(try SIPMessage.parse(Array(text.utf8)))
        #expect(message.topViaBranch == nil)
        #expect(message.topVia == "SIP/2.0/UDP p1:5060 ;received=10.0.0.1")
        #expect(message.from?.tag == "1")  // the first, whatever the name's case
    }
}

import CallModel
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Reports
import Testing

@Suite struct LadderDiagramTests {
    static func message(_ ms: Int64, _ from: String, _ to: String, _ label: String, _ line: String, cseq: UInt32 = 1, method: String = "INVITE") -> SIPMessageSummary {
        SIPMessageSummary(time: Timestamp(nanoseconds: 1_764_000_000_000_000_000 + ms * 1_000_000), source: from, destination: to, transport: "udp",
                          label: label, cseqNumber: cseq, cseqMethod: method, firstLine: line)
    }

    static let call = [
        message(0, "10.0.0.1:5060", "10.0.0.2:5060", "INVITE", "INVITE sip:<script>alert(1)</script>@x SIP/2.0"),
        message(20, "10.0.0.2:5060", "[2001:db8::3]:5080", "INVITE", "INVITE sip:\"><img src=x onerror=alert(1)>@y SIP/2.0"),
        message(150, "[2001:db8::3]:5080", "10.0.0.2:5060", "180", "SIP/2.0 180 Ringing \u{202E}evil"),
        message(160, "10.0.0.2:5060", "10.0.0.1:5060", "486", "SIP/2.0 486 Busy Here"),
        message(170, "10.0.0.1:5060", "10.0.0.2:5060", "ACK", "ACK sip:x SIP/2.0", method: "ACK"),
    ]

    @Test func hostsAreColumnsInOrderOfAppearanceAndArrowsFollowTheMessages() {
        #expect(LadderDiagram.columns(Self.call) == ["10.0.0.1:5060", "10.0.0.2:5060", "[2001:db8::3]:5080"])
        let html = LadderDiagram.render(Self.call, title: "t").html
        let groups = html.components(separatedBy: "<g class=\"message\" data-index=\"").dropFirst()
        #expect(groups.map { $0.prefix { $0 != "\"" } } == ["0", "1", "2", "3", "4"])
        // Labels: the method, or the status line without SIP/2.0; offsets from the first message.
        #expect(html.contains(">INVITE</text>") && html.contains(">486 Busy Here</text>") && html.contains(">+0.170 s</text>"))
        // Arrow directions: the 486 goes right to left (its line starts right of where it ends).
        #expect(LadderDiagram.label(Self.call[2]) == "180 Ringing \u{202E}evil")
    }

    @Test func valuesFromTheWireAreEscaped() throws {
        let html = LadderDiagram.render(Self.call, title: "t").html
        #expect(!html.contains("<script>") && !html.contains("<img"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
        #expect(!html.unicodeScalars.contains("\u{202E}") && html.contains("\\u202eevil"))
        // Well-formed: the markup parses as XML.
        let parser = XMLParser(data: Data(("<root>" + html + "</root>").utf8))
        #expect(parser.parse())
    }

    @Test func longLaddersAreCutAndTheFirstLineIsBounded() throws {
        let many = (0..<(LadderDiagram.messageLimit + 5)).map { Self.message(Int64($0), "a:1", "b:2", "OPTIONS", "OPTIONS sip:b SIP/2.0", method: "OPTIONS") }
        let html = LadderDiagram.render(many, title: "t").html
        #expect(html.components(separatedBy: "<g class=\"message\"").count == LadderDiagram.messageLimit + 1)
        #expect(html.contains("The first \(LadderDiagram.messageLimit) of \(many.count) messages are drawn."))
        let long = Array(("INVITE sip:" + String(repeating: "é", count: 600) + " SIP/2.0\r\nVia: x").utf8)
        let line = long.withUnsafeBytes { SIPMessageSummary.firstLine(of: $0) }
        #expect(line.utf8.count <= SIPMessageSummary.firstLineLimit && line.utf8.count >= SIPMessageSummary.firstLineLimit - 1 && !line.contains("\u{FFFD}"))
        let short = Array("SIP/2.0 200 OK\r\nVia: x".utf8).withUnsafeBytes { SIPMessageSummary.firstLine(of: $0) }
        #expect(short == "SIP/2.0 200 OK")
        #expect(LadderDiagram.render([], title: "t").html.isEmpty)
    }
}

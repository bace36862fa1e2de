import Foundation
import Testing
import TestSupport

/// Caller IDs written to attack a web page, through `report --format html`:
/// `captures/hostile/html-names-udp.pcap` (five SIPp calls to the site's number, each answered
/// 480 so each is a lost call, made by `captures/hostile/generate-html.sh`: `<script>`, an
/// attribute break-out, a right-to-left override, a `javascript:` URL and a 10 KB name in the
/// From header, display name and user) and
/// `Fixtures/hostile-html-master.csv`, six Asterisk cdr_csv rows as `Dial(SIP/20x,,t)` in
/// context `from-trunk` writes them, with the same values in `src`, `clid`, `dst` and one in
/// the `dstchannel` (so in the agent): five NO ANSWER rows (lost calls) and one ANSWERED.
@Suite("Hostile caller IDs in the HTML report")
struct HTMLReportHostileTests {
    static let capture = "captures/hostile/html-names-udp.pcap"
    static let master = "Tests/CLITests/Fixtures/hostile-html-master.csv"

    static func page(_ input: String) throws -> String {
        let result = try CLI.run(["report", "--format", "html", input, "--timezone", "UTC", "--own-numbers", "+442079460100", "-q"])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    @Test("Values from input reach the page only as text", arguments: [capture, master])
    func onlyEscaped(input: String) throws {
        let html = try Self.page(input)
        // The page is well-formed: no value opened or closed an element.
        let root = try XMLNode.parse(html)
        let elements = Set(root.all(where: { _ in true }).map(\.name))
        #expect(elements.isDisjoint(with: ["script", "img", "iframe", "object", "embed", "form", "base", "link", "foreignObject"]), "\(elements)")
        // The only links are the page's own table of contents.
        #expect(root.all(where: { $0.name == "a" }).allSatisfy { $0.attributes["href"]?.hasPrefix("#") == true })
        // No event handler, no javascript: anywhere in an attribute.
        for node in root.all(where: { !$0.attributes.isEmpty }) {
            for (name, value) in node.attributes {
                #expect(!name.lowercased().hasPrefix("on"), "attribute \(name)")
                #expect(!value.lowercased().contains("javascript:") || name == "title", "\(name)=\(value.prefix(80))")
            }
        }
        // The raw markup is not in the bytes; the escaped form is.
        #expect(!html.contains("<script>") && !html.contains("<img"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
        // The right-to-left override is shown, not obeyed; no control character is left.
        #expect(!html.unicodeScalars.contains { $0 == "\u{202E}" || ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) })
        #expect(html.contains("\\u202e+447700900003"))
        // Read back, the lost-calls and table cells give the caller IDs as written (escaping undone).
        let text = root.text
        #expect(text.contains("<script>alert(1)</script>"))
        #expect(text.contains("\"><img src=x onerror=alert(1)>"))
    }

    @Test("A 10 KB caller ID is cut in its cell and kept whole-ish in its title", arguments: [capture, master])
    func longNames(input: String) throws {
        let root = try XMLNode.parse(try Self.page(input))
        let cells = root.all(where: { $0.name == "td" && $0.text.hasPrefix("XXXXXXXX") || $0.name == "td" && $0.text.hasPrefix("YYYYYYYY") })
        // The long caller is a lost call in both inputs (unanswered, to an own number).
        #expect(cells.count == 1)
        for cell in cells {
            #expect(cell.text.count == 81 && cell.text.hasSuffix("…"))
            #expect(cell.attributes["title"]?.count == 2000)
        }
    }

    @Test func capturedValuesAreTheCallersOfCallsJSON() throws {
        // The capture really carries them: callscope's own reading, independent of the page.
        let result = try CLI.run(["calls", Self.capture, "--format", "ndjson"])
        let callers = try CLI.ndjson(result.stdout).map { $0["caller"] as? String ?? "" }
        #expect(callers.count == 5)
        #expect(callers.prefix(4) == ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "\u{202E}+447700900003", "javascript:alert(1)"])
        #expect(callers.last?.utf8.count == 10_240)
        // Lost calls, so the report lists every one.
        let lost = try CLI.run(["lost", Self.capture, "--own-numbers", "+442079460100", "--format", "ndjson", "-q"])
        #expect(try CLI.ndjson(lost.stdout).count == 5)
    }
}

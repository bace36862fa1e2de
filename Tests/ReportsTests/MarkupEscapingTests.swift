import CallMetrics
import CallModel
import Testing
@testable import Reports

/// Text from input in HTML and SVG (README "Security model"): what an attacker puts in a caller
/// ID must come out as text, never as markup, script, a link that runs, or reordered text.
@Suite("Escaping for HTML and SVG")
struct MarkupEscapingTests {
    @Test("Markup characters become entities", arguments: [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("\"><img src=x onerror=alert(1)>", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"),
        ("' onmouseover='alert(1)", "&#39; onmouseover=&#39;alert(1)"),
        ("AT&T <sip:+4420@x>", "AT&amp;T &lt;sip:+4420@x&gt;"),
        ("&lt; already", "&amp;lt; already"),
    ])
    func entities(raw: String, escaped: String) {
        #expect(MarkupEscaping.text(raw) == escaped)
        #expect(MarkupEscaping.attribute(raw) == escaped)
    }

    @Test("Controls and bidirectional overrides become visible escapes, as on a terminal")
    func controlsAndBidi() {
        #expect(MarkupEscaping.text("\u{202E}+447700900003") == "\\u202e+447700900003")
        #expect(MarkupEscaping.text("\u{1B}]0;pwned\u{07}<b>") == "\\x1b]0;pwned\\x07&lt;b&gt;")
        #expect(MarkupEscaping.text("a\u{0}b\u{9B}c\u{2066}") == "a\\x00b\\x9bc\\u2066")
        // Nothing left that XML forbids or that reorders text.
        let out = MarkupEscaping.text("\u{0}\u{1}\u{1F}\u{7F}\u{85}\u{200E}\u{202A}\u{202E}\u{2069}")
        #expect(!out.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || TerminalText.needsEscape($0) })
    }

    @Test func ordinaryTextIsUntouched() {
        for text in ["+447700900123", "Zoë Müller", "東京 03-1234-5678", "support queue", ""] {
            #expect(MarkupEscaping.text(text) == text)
        }
    }

    @Test func tenKilobyteNameIsEscapedWhole() {
        let name = String(repeating: "<x>", count: 3414)  // 10 242 bytes
        let out = MarkupEscaping.text(name)
        #expect(out.utf8.count == 3414 * 9)
        #expect(!out.contains("<") && !out.contains(">"))
    }

    @Test("URL parts are percent-encoded (RFC 3986 §2.3)")
    func urlComponents() {
        #expect(MarkupEscaping.urlComponent("+44 20/7946?x=1&y#z") == "%2B44%2020%2F7946%3Fx%3D1%26y%23z")
        #expect(MarkupEscaping.urlComponent("javascript:alert(1)") == "javascript%3Aalert%281%29")
        #expect(MarkupEscaping.urlComponent("é\u{202E}") == "%C3%A9%E2%80%AE")
        #expect(MarkupEscaping.urlComponent("A-z_0.9~") == "A-z_0.9~")
    }

    @Test("Links from input: scripts and unknown schemes refused, as a browser reads them", arguments: [
        "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "\u{1}javascript:alert(1)",
        "java\tscript:alert(1)", "java\nscript:alert(1)", "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)", "file:///etc/passwd",
    ])
    func refusedURLs(url: String) {
        #expect(MarkupEscaping.safeURL(url) == nil)
    }

    @Test func allowedURLs() {
        #expect(MarkupEscaping.safeURL("https://example.com/a?b=1&c=\"2\"") == "https://example.com/a?b=1&amp;c=&quot;2&quot;")
        #expect(MarkupEscaping.safeURL("tel:+442079460100") == "tel:+442079460100")
        #expect(MarkupEscaping.safeURL("/calls/abc?x=1") == "/calls/abc?x=1")
        #expect(MarkupEscaping.safeURL("calls#lost") == "calls#lost")
    }

    @Test("Markup: text and attribute values are escaped by construction")
    func markupBuilder() {
        let hostile = "\"><img src=x onerror=alert(1)>"
        let cell = Markup.element("td", ["title": hostile, "class": nil], text: "<script>alert(1)</script>")
        #expect(cell.html == "<td title=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\">&lt;script&gt;alert(1)&lt;/script&gt;</td>")
        #expect(Markup.leaf("rect", ["x": "1.5"]).html == "<rect x=\"1.5\"/>")
        #expect((Markup.raw("<b>") + Markup(text: "<b>")).html == "<b>&lt;b&gt;")
    }

    @Test("Chart axes end on a round number above the largest value", arguments: [
        (0.0, 1.0), (3, 3), (7, 8), (13, 15), (97, 100), (100, 100), (101, 120), (1234, 1250), (0.37, 0.4),
    ])
    func axisTop(maximum: Double, top: Double) {
        let axis = SVGChart.axis(maximum: maximum)
        #expect(abs(axis.top - top) < 1e-9, "\(axis)")
        #expect(axis.top >= maximum && axis.top / axis.step <= 6)
    }

    @Test("Count axes step by whole numbers", arguments: [(1.0, 1.0, 1.0), (3, 3, 1), (7, 8, 2), (13, 15, 5), (52, 60, 10)])
    func countAxis(maximum: Double, top: Double, step: Double) {
        let axis = SVGChart.axis(maximum: maximum, integer: true)
        #expect(axis.top == top && axis.step == step, "\(axis)")
    }
}

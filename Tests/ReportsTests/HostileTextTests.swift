import CallModel
import Testing
@testable import Reports

/// Text written by callers (caller IDs, display names, CDR fields) reaching people's tools:
/// terminals, spreadsheets, SVG viewers.
@Suite("Hostile text in outputs")
struct HostileTextTests {
    @Test("Control and bidirectional characters become visible escapes", arguments: [
        ("\u{1B}]0;pwned\u{07}", "\\x1b]0;pwned\\x07"),
        ("\u{1B}[31m+4477\u{1B}[0m", "\\x1b[31m+4477\\x1b[0m"),
        ("a\tb\nc\rd\u{0}", "a\\x09b\\x0ac\\x0dd\\x00"),
        ("del\u{7F} csi\u{9B}", "del\\x7f csi\\x9b"),
        ("\u{202E}+447700900003", "\\u202e+447700900003"),
        ("\u{2066}x\u{2069}\u{200F}\u{061C}", "\\u2066x\\u2069\\u200f\\u061c"),
    ])
    func terminalEscapes(raw: String, shown: String) {
        #expect(TerminalText.escaped(raw) == shown)
    }

    @Test func ordinaryTextIsUntouched() {
        for text in ["+447700900123", "Zoë Müller", "東京 03-1234-5678", "anonymous", "\\x1b literal", ""] {
            #expect(TerminalText.escaped(text) == text)
        }
    }

    @Test func tableCellsAreEscapedButOurColourIsKept() {
        var table = TextTable(columns: [.init("caller", maxWidth: 12), .init("strip", styled: true)])
        table.append(["\u{1B}]0;pwned\u{07}+4420", "\u{1B}[32m█\u{1B}[0m"])
        let text = table.render()
        let lines = text.split(separator: "\n")
        // The hostile cell is escaped, then cut to its column (12 characters with the ellipsis).
        #expect(lines[2].hasPrefix("\\x1b]0;pwne… "))
        #expect(!lines[2].unicodeScalars.contains(where: { $0 == "\u{07}" }))
        // Only our own colour sequence keeps its ESC.
        #expect(text.components(separatedBy: "\u{1B}").count - 1 == 2)
        #expect(lines[2].hasSuffix("\u{1B}[32m█\u{1B}[0m"))
    }

    @Test("Spreadsheet formulas are neutralised, numbers are not", arguments: [
        ("=HYPERLINK(\"http://x\")", true), ("@SUM(1+1)", true), ("\t=1+2", true), ("\r=1", true),
        ("+1+2", true), ("-2+3", true), ("+cmd|' /C calc'!A0", true),
        ("+447700900123", false), ("-", false), ("+", false), ("*21#", false), ("0207946", false),
        ("anonymous", false), ("", false), ("201", false),
    ])
    func formulaCells(value: String, neutralised: Bool) {
        #expect(CSVWriter.isFormulaLike(value) == neutralised)
        var out: [UInt8] = []
        CSVWriter.appendCell(.string(value), to: &out)
        let cell = String(decoding: out, as: UTF8.self)
        if neutralised {
            #expect(cell.hasPrefix("'") || cell.hasPrefix("\"'"), "\(cell)")
        } else {
            #expect(cell == value)
        }
    }

    @Test func svgTextEscapesMarkupQuotesAndControls() {
        #expect(TalkRendering.escape("<b onclick='x'>\"&\"</b>\u{1B}") == "&lt;b onclick=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/b&gt;\\x1b")
    }
}

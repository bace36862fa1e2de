import CallModel
import Foundation
import Testing
import TestSupport
@testable import Reports

/// Tables fitted to a terminal width, and times on the site's clock.
@Suite("Table fitting and site time")
struct TableFitTests {
    func table() -> TextTable {
        var table = TextTable(columns: [
            .init("start", priority: 0, minWidth: 19), .init("caller", maxWidth: 18, priority: 1, minWidth: 8),
            .init("wait s", .right, priority: 2), .init("notes", priority: 9), .init("call id", maxWidth: 28, priority: 3, minWidth: 8),
        ])
        table.append(["2026-03-29 02:30:00", "\u{1B}]0;pwned\u{07}+447700900123", "12.500", "東京東京東京東京東京", "673b0437-dc3f99dd-699f99a7-33aa"])
        table.append(["2026-03-29 02:31:00", "Zoë Müller", "7.000", "-", "1-1966@10.0.2.20"])
        return table
    }

    @Test("Every line fits the terminal; the least important columns go first", arguments: [40, 50, 60, 72, 80, 120])
    func fits(width: Int) {
        let text = table().render(width: .terminal(width))
        for line in text.split(separator: "\n") {
            #expect(TextTable.displayWidth(String(line)) <= width, "\(line)")
        }
        #expect(text.hasPrefix("start"))
        if width < 60 { #expect(!text.contains("notes")) }
    }

    @Test func cutsNeverSplitAnEscapeOrACharacter() {
        for limit in 1...30 {
            let cut = TextTable.cut("\u{1B}]0;pwned\u{07}+44", to: limit)
            #expect(TextTable.displayWidth(cut) <= limit)
            #expect(!cut.contains("\u{1B}"))
            // An escape is whole or absent: `\x1` alone never shows.
            let body = cut.hasSuffix("…") ? String(cut.dropLast()) : cut
            #expect(body.isEmpty || body.hasPrefix("\\x1b") || limit < 5)
            #expect(!body.hasSuffix("\\x0") && !body.hasSuffix("\\x") && !body.hasSuffix("\\"))
        }
        #expect(TextTable.cut("東京東京", to: 4) == "東…")
        #expect(TextTable.cut("e\u{301}e\u{301}e\u{301}", to: 2) == "e\u{301}…")
    }

    @Test func wideCutsNothingAndPipedKeepsTheColumnLimits() {
        let wide = table().render(width: .unbounded)
        #expect(wide.contains("673b0437-dc3f99dd-699f99a7-33aa"))
        #expect(!wide.contains("…"))
        let piped = table().render()
        #expect(piped.contains("673b0437-dc3f99dd-699f99a7-…"))
    }

    @Test("Local times carry the offset in force at each instant (Europe/London, 2026-03-29 01:00 UTC)")
    func londonAcrossTheSpringChange() throws {
        var time = SiteTime(zone: try timeZone("Europe/London"))
        let before = Timestamp(year: 2026, month: 3, day: 29, hour: 0, minute: 59, second: 59, nanosecond: 500_000_000)
        let after = Timestamp(year: 2026, month: 3, day: 29, hour: 1, minute: 30, second: 0)
        #expect(time.iso8601(before) == "2026-03-29T00:59:59.500+00:00")
        #expect(time.iso8601(after) == "2026-03-29T02:30:00.000+01:00")
        #expect(time.tableText(after) == "2026-03-29 02:30:00.000")
        #expect(time.label == "Europe/London")
        var india = SiteTime(zone: try timeZone("Asia/Kolkata"))
        #expect(india.iso8601(after) == "2026-03-29T07:00:00.000+05:30")
        var newYork = SiteTime(zone: try timeZone("America/New_York"))
        #expect(newYork.iso8601(after) == "2026-03-28T21:30:00.000-04:00")
    }

    @Test("The hour repeated when clocks go back shows twice, told apart by its offset (2026-10-25)")
    func londonAcrossTheAutumnChange() throws {
        var time = SiteTime(zone: try timeZone("Europe/London"))
        let first = Timestamp(year: 2026, month: 10, day: 25, hour: 0, minute: 30, second: 0)
        let second = Timestamp(year: 2026, month: 10, day: 25, hour: 1, minute: 30, second: 0)
        #expect(time.iso8601(first) == "2026-10-25T01:30:00.000+01:00")
        #expect(time.iso8601(second) == "2026-10-25T01:30:00.000+00:00")
        // Out of order too: the offset cache is refreshed going backwards.
        #expect(time.iso8601(first) == "2026-10-25T01:30:00.000+01:00")
        #expect(time.period(starts: [second, first]) == "from 2026-10-25 01:30:00 to 2026-10-25 01:30:00 (Europe/London)")
    }

    @Test func utcUnderAnyNameShowsUTC() throws {
        for name in ["UTC", "GMT", "Etc/UTC"] {
            #expect(!SiteTime(zone: try timeZone(name)).isLocal)
        }
        #expect(!SiteTime(zone: try timeZone(secondsFromGMT: 0)).isLocal)
        #expect(SiteTime(zone: try timeZone(secondsFromGMT: 3600)).isLocal)
        #expect(SiteTime(zone: try timeZone("Europe/London")).isLocal)
    }
}

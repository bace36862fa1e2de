import CallModel
import Foundation
import SiteConfiguration
import Testing

/// `--from`, `--to` and `--before` as the site's wall clock.
@Suite struct LocalDateTimeTests {
    static let london = TimeZone(identifier: "Europe/London") ?? TimeZone(secondsFromGMT: 0)!

    @Test(arguments: [
        ("2026-03-28", "2026-03-28T00:00:00.000Z"),          // GMT
        ("2026-06-01", "2026-05-31T23:00:00.000Z"),          // BST
        ("2026-06-01T08:30", "2026-06-01T07:30:00.000Z"),
        ("2026-06-01 08:30:15", "2026-06-01T07:30:15.000Z"),
        ("2026-03-29T01:30", "2026-03-29T01:30:00.000Z"),    // skipped by the spring change: read as GMT
        ("2026-10-25T01:30", "2026-10-25T00:30:00.000Z"),    // repeated in autumn: the earlier (BST) instant
    ])
    func localTimesInLondon(_ text: String, _ utc: String) throws {
        let instant = try #require(LocalDateTime.instant(text, in: Self.london))
        #expect(instant.iso8601 == utc)
    }

    @Test(arguments: ["", "2026-3-28", "28/03/2026", "2026-02-30", "2026-03-28T25:00", "2026-03-28T08", "yesterday", "2026-03-28Z"])
    func notADate(_ text: String) {
        #expect(LocalDateTime.instant(text, in: Self.london) == nil)
    }
}

import CallModel
import Foundation
import SiteConfiguration
import Testing

/// The visits, costs and pools files of README "Visit attribution": times with an offset or
/// local, click-id column names, and every bad row named `file:line: reason` and left out.
@Suite struct VisitsFileTests {
    static let london = TimeZone(identifier: "Europe/London")!

    @Test func timesWithAnOffsetOrLocalAreTheSameInstant() throws {
        let moscow = try #require(ISOInstant.parse("2026-06-10T15:00:00+03:00", zone: Self.london))
        #expect(ISOInstant.parse("2026-06-10T12:00:00Z", zone: Self.london) == moscow)
        #expect(ISOInstant.parse("2026-06-10 13:00:00", zone: Self.london) == moscow)  // BST
        #expect(ISOInstant.parse("2026-06-10T13:00", zone: Self.london) == moscow)
        #expect(ISOInstant.parse("2026-06-10T07:00:00-0500", zone: Self.london) == moscow)
        #expect(ISOInstant.parse("2026-06-10T12:00:00.250Z", zone: Self.london)?.nanoseconds == moscow.nanoseconds + 250_000_000)
        for bad in ["2026-06-10", "10/06/2026 12:00:00", "2026-06-10T12:00:00+25:00", "2026-13-10T12:00:00Z", ""] {
            #expect(ISOInstant.parse(bad, zone: Self.london) == nil, "\(bad)")
        }
    }

    @Test func csvRowsAreReadAndBadRowsNamedWithTheirLine() {
        let text = """
            number,visitor_id,assigned_at,released_at,utm_source,gclid,yclid
            +442079460500,v1,2026-06-10T12:00:00Z,,google,G-1,
            +442079460501,v2,2026-06-10 13:05:00,2026-06-10 13:10:00,yandex,,Y-2
            +442079460502,,2026-06-10T12:00:00Z,,google,,
            +442079460503,v4,yesterday,,google,,
            +442079460504,v5,2026-06-10T12:00:00Z,2026-06-10T11:00:00Z,google,,
            abc,v6,2026-06-10T12:00:00Z,,google,,
            +442079460506,v7,2026-06-10T12:00:00Z
            """
        let result = VisitsFile.parse(Array(text.utf8), file: "v.csv", zone: Self.london)
        #expect(result.visits.map(\.visitorID) == ["v1", "v2"])
        #expect(result.visits.map(\.clickID) == ["G-1", "Y-2"])
        #expect(result.visits[1].assignedAt == ISOInstant.parse("2026-06-10T12:05:00Z", zone: Self.london))
        #expect(result.problems.map(\.description) == [
            "v.csv:4: no visitor_id.",
            "v.csv:5: assigned_at 'yesterday' is not an ISO-8601 time (2026-03-28T08:00:00+01:00, or local).",
            "v.csv:6: released_at 2026-06-10T11:00:00Z is before assigned_at 2026-06-10T12:00:00Z.",
            "v.csv:7: number 'abc' is not a telephone number.",
            "v.csv:8: 3 fields, the header has 7.",
        ])
    }

    @Test func ndjsonRowsTakeTheSameFields() {
        let text = """
            {"number": "+442079460500", "visitor_id": "v1", "assigned_at": "2026-06-10T15:00:00+03:00", "fbclid": "F-1", "medium": "paid_social"}
            not json
            {"number": 442079460501, "visitor_id": "v2", "assigned_at": "2026-06-10T15:00:00+03:00"}
            """
        let result = VisitsFile.parse(Array(text.utf8), file: "v.ndjson", zone: Self.london)
        #expect(result.visits.map(\.clickID) == ["F-1", nil])
        #expect(result.visits.map(\.number) == ["+442079460500", "442079460501"])
        #expect(result.visits.first?.medium == "paid_social")
        #expect(result.problems.map(\.description) == ["v.ndjson:2: not a JSON object."])
    }

    @Test func costsAndPools() throws {
        let costs = try CostsFile.parse(Array("date,source,medium,campaign,cost\n2026-06-10,google,,,12.5\n2026-06-10,,,,3\n".utf8), file: "c.csv", zone: Self.london)
        #expect(costs.map(\.amount) == [12.5, 3])
        #expect(costs.map(\.source) == ["google", nil])
        #expect(costs.first?.day == ISOInstant.parse("2026-06-09T23:00:00Z", zone: Self.london))
        #expect(throws: ConfigurationError.self) { try CostsFile.parse(Array("date,cost\n10/06/2026,1\n".utf8), file: "c.csv", zone: Self.london) }
        let profile = try SiteProfile.parse("pools:\n  - name: website\n    numbers: [\"+442079460500\", \"+442079460501\"]\n    ttl: 45m\n", file: "p.yaml")
        let pool = try #require(profile.pools?.value.first)
        #expect(pool.name == "website" && pool.numbers.count == 2 && pool.ttl == .seconds(2700))
        #expect(throws: ConfigurationError.self) { try SiteProfile.parse("pools:\n  - name: w\n    numbers: [\"+4420*\"]\n", file: "p.yaml") }
        #expect(throws: ConfigurationError.self) { try SiteProfile.parse("pools:\n  - name: w\n    numbers: [\"1\"]\n    ttl: soon\n", file: "p.yaml") }
    }

    /// Hostile bytes never trap: every prefix of a file, invalid UTF-8, an unterminated quote,
    /// out-of-range times and offsets; every problem names the file and a line of 1 or more.
    @Test func hostileInputIsReportedNeverTrapped() {
        let file = Array("""
            number,visitor_id,assigned_at,released_at,click_id
            +442079460500,v1,2026-06-10T12:00:00+01:00,2026-06-10T12:30:00+01:00,"=cmd|' /C calc'!A0"
            +442079460501,v2,9999-12-31T23:59:59-18:00,,x
            +442079460502,"v3,2026-06-10T12:00:00Z,,
            {"number": "+44", "visitor_id": [1], "assigned_at": 12}
            """.utf8) + [0xFF, 0xFE, 0x0A, 0x2B, 0x31, 0x2C]
        for end in 0...file.count {
            for text in [Array(file[..<end]), Array("{\"number\":1}\n".utf8) + Array(file[..<end])] {
                let result = VisitsFile.parse(text, file: "v", zone: Self.london)
                for problem in result.problems { #expect(problem.file == "v" && (problem.line ?? 1) >= 1) }
                #expect(result.visits.allSatisfy { ($0.releasedAt ?? $0.assignedAt) >= $0.assignedAt })
            }
        }
    }
}

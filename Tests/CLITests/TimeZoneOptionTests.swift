import Foundation
import Testing
import TestSupport

/// `--timezone` takes IANA names and explicit offsets; an abbreviation is a usage error naming
/// the zones it may mean (Foundation alone reads `BST` as Bangladesh, UTC+6, and every local
/// CDR time came out six hours off without a word).
@Suite struct TimeZoneOptionTests {
    static let sample = "cdr-samples/asterisk-master.csv"

    /// Start (UTC) of each call, by Call-ID, with the sample read in `zone`.
    func starts(_ zone: String) throws -> [String: String] {
        let result = try CLI.run(["calls", Self.sample, "--timezone", zone, "--format", "ndjson", "-q"])
        #expect(result.status == 0, "\(result.stderr)")
        var starts: [String: String] = [:]
        for record in try CLI.ndjson(result.stdout) {
            if let id = record["call_id"] as? String, let start = record["start"] as? String { starts[id] = start }
        }
        return starts
    }

    @Test func anAbbreviationIsAUsageErrorWithSuggestions() throws {
        let result = try CLI.run(["calls", Self.sample, "--timezone", "BST"])
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("Time zone 'BST' is an abbreviation, which is ambiguous: it may mean Europe/London (British Summer Time), Asia/Dhaka (Bangladesh Standard Time); give an IANA name such as Europe/London, UTC, or an offset such as +03:00."))
    }

    @Test(arguments: ["IST", "CST", "EST", "CET"])
    func everyReadingCommandRefusesAbbreviations(zone: String) throws {
        for command in ["calls", "report", "lost"] {
            let result = try CLI.run([command, Self.sample, "--timezone", zone])
            #expect(result.status == 64, "\(command) --timezone \(zone)")
            #expect(result.stderr.contains("Time zone '\(zone)' is an abbreviation"))
        }
    }

    @Test func dbPruneRefusesAnAbbreviation() throws {
        let directory = TemporaryDirectory("callscope-prune-zone")
        defer { directory.remove() }
        let path = try directory.write("calls.sqlite", "")  // exists: the zone is checked before the database is opened
        let result = try CLI.run(["db", "prune", "--before", "2026-01-01", "--timezone", "BST", "--db", path])
        #expect(result.status == 64)
        #expect(result.stderr.contains("Asia/Dhaka"))
    }

    /// The sample spans the start of British Summer Time (2026-03-29 01:00 UTC): Europe/London
    /// reads the Saturday-night rows as +00:00 and the Sunday-morning rows as +01:00.
    @Test func anIANANameAndAnOffsetAreRead() throws {
        let london = try starts("Europe/London")
        let plusOne = try starts("+01:00")
        #expect(london.count == 13 && plusOne.count == 13)
        #expect(london["1774737667.54"] == "2026-03-28T22:41:07.000Z")
        #expect(plusOne["1774737667.54"] == "2026-03-28T21:41:07.000Z")
        let summer = try #require(london.first { $0.value.hasPrefix("2026-03-29T08:") })
        #expect(plusOne[summer.key] == summer.value)
    }
}

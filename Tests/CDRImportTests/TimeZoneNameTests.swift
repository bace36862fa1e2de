import CDRImport
import Foundation
import Testing
import TestSupport

/// `TimeZoneName.parse`: IANA names and explicit offsets are zones; abbreviations are refused
/// with the IANA names they may mean (Foundation reads `BST` as Asia/Dhaka, UTC+6).
@Suite struct TimeZoneNameTests {
    static let winter = Date(timeIntervalSince1970: 1_704_110_400)  // 2024-01-01 12:00 UTC
    static let summer = Date(timeIntervalSince1970: 1_719_835_200)  // 2024-07-01 12:00 UTC

    @Test(arguments: [
        ("Europe/London", 0, 3600), ("America/New_York", -18_000, -14_400), ("Asia/Kolkata", 19_800, 19_800),
        ("UTC", 0, 0), ("utc", 0, 0), ("GMT", 0, 0), ("Z", 0, 0),
        ("+01:00", 3600, 3600), ("+0100", 3600, 3600), ("+05", 18_000, 18_000), ("-05:30", -19_800, -19_800), ("+14:00", 50_400, 50_400),
    ])
    func acceptedNames(name: String, winterOffset: Int, summerOffset: Int) throws {
        let zone = try TimeZoneName.parse(name).get()
        #expect(zone.secondsFromGMT(for: Self.winter) == winterOffset)
        #expect(zone.secondsFromGMT(for: Self.summer) == summerOffset)
    }

    @Test func foundationReadsBSTAsBangladesh() throws {
        // Why the rule exists: this is what the old parser passed through.
        let foundation = try timeZone("BST")
        #expect(foundation.secondsFromGMT(for: Self.summer) == 21_600)
    }

    @Test(arguments: [
        ("BST", ["Europe/London", "Asia/Dhaka"]),
        ("IST", ["Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"]),
        ("CST", ["America/Chicago", "Asia/Shanghai", "America/Havana"]),
        ("EST", ["America/New_York", "America/Toronto"]),
        ("cet", ["Europe/Paris", "Europe/Berlin"]),
        ("AEST", ["Australia/Sydney", "Australia/Brisbane"]),
        ("XYZ", []),
        ("Japan", []),
    ])
    func abbreviationsAreRefusedWithSuggestions(name: String, zones: [String]) {
        guard case .failure(let error) = TimeZoneName.parse(name) else {
            Issue.record("\(name) was accepted")
            return
        }
        #expect(error.isAbbreviation)
        #expect(error.suggestions.map(\.zone) == zones)
        for zone in zones { #expect(TimeZone(identifier: zone) != nil, "\(zone) is not a zone Foundation knows") }
    }

    @Test func theMessageNamesTheCandidates() {
        guard case .failure(let error) = TimeZoneName.parse("BST") else { Issue.record("BST was accepted"); return }
        #expect(error.description == "Time zone 'BST' is an abbreviation, which is ambiguous: it may mean Europe/London (British Summer Time), Asia/Dhaka (Bangladesh Standard Time); give an IANA name such as Europe/London, UTC, or an offset such as +03:00.")
    }

    @Test(arguments: ["Mars/Olympus", "+3:00", "+15:00", "+01:60", "+01:00:00", "+", "-ab", "B"])
    func malformedNamesAreUnknown(name: String) {
        guard case .failure(let error) = TimeZoneName.parse(name) else { Issue.record("\(name) was accepted"); return }
        #expect(!error.isAbbreviation)
        #expect(error.description == "Unknown time zone '\(name)': give an IANA name such as Europe/London, UTC, or an offset such as +03:00.")
    }

    @Test func localTimeConverterZoneNamedFollowsTheRule() {
        #expect(LocalTimeConverter.zone(named: "BST") == nil)
        #expect(LocalTimeConverter.zone(named: "Europe/London")?.identifier == "Europe/London")
    }
}

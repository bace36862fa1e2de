import Foundation
import Testing
import TestSupport

/// `--where`, `--sort`, `--limit` and `--call` on the bundled samples (README "Finding calls").
/// cdr-samples/asterisk-master.csv: 13 calls of one night and morning (cdr-samples/README.md).
@Suite struct FindingCallsTests {
    static let sample = "cdr-samples/asterisk-master.csv"
    static let site = ["--timezone", "Europe/London", "--own-numbers", "+442079460100", "+442079460200", "+442079460300"]

    func ids(_ arguments: [String]) throws -> [String] {
        let result = try CLI.run(arguments + ["-q", "-f", "ndjson"])
        #expect(result.status == 0, "\(result.stderr)")
        return try CLI.ndjson(result.stdout).compactMap { $0["call_id"] as? String }
    }

    /// Every record of the sample, to check the selections against independently.
    func all() throws -> [[String: Any]] {
        try CLI.ndjson(try CLI.run(["calls", Self.sample, "-q", "-f", "ndjson"] + Self.site).stdout)
    }

    @Test func whichCallsFailedAndWhy() throws {
        let failed = try ids(["calls", Self.sample, "--where", "outcome!=answered", "--sort", "start"] + Self.site)
        #expect(failed == ["1774739112.65", "1774739935.72", "1774743630.79", "1774771335.84", "1774771803.86", "1774772700.90", "1774773080.92"])
        let expected = try all().filter { $0["outcome"] as? String != "answered" }.compactMap { $0["call_id"] as? String }
        #expect(failed == expected)
    }

    @Test func whoWaitedLongest() throws {
        let longest = try ids(["calls", Self.sample, "--where", "direction=inbound", "--sort", "-wait_s", "--limit", "3"] + Self.site)
        #expect(longest == ["1774739935.72", "1774737667.54", "1774739112.65"])  // 60 s, 32 s, 25 s
        let table = try CLI.run(["calls", Self.sample, "-q", "--sort=-wait_s", "--limit", "1"] + Self.site).stdout
        #expect(table.split(separator: "\n").count == 2 + 1 + 1)
        #expect(table.contains("60.000"))
    }

    @Test func everyCallFromThisNumber() throws {
        let from = try ids(["calls", Self.sample, "--where", "caller~+4477009001*"] + Self.site)
        #expect(from == ["1774737667.54", "1774774110.96"])
        let glob = try ids(["calls", Self.sample, "--where", "caller~+447700900???", "--where", "wait_s>=15", "--where", "wait_s<60"] + Self.site)
        #expect(glob == ["1774737667.54", "1774771803.86", "1774774110.96"])  // waits 32, 20 and 15 s
    }

    @Test func timesCompareOnTheSiteClock() throws {
        // 09:00 in London on 2026-03-29 is 08:00 UTC: the calls from then on.
        let morning = try ids(["calls", Self.sample, "--where", "start>=2026-03-29T09:00"] + Self.site)
        let expected = try all().filter { ($0["start"] as? String ?? "") >= "2026-03-29T08:00" }.compactMap { $0["call_id"] as? String }
        #expect(morning == expected)
        #expect(morning.count == 7)
    }

    @Test func lostTakesTheSameSelection() throws {
        let lost = try ids(["lost", Self.sample, "--where", "queue=support", "--sort", "-wait_s"] + Self.site)
        #expect(lost == ["1774739935.72", "1774739112.65"])
    }

    @Test func anUnknownFieldIsAUsageErrorListingTheFields() throws {
        let result = try CLI.run(["calls", Self.sample, "--where", "colour=red", "-q"])
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("--where: unknown field 'colour'; the fields are: call_id, source, start, caller,"))
        let sort = try CLI.run(["lost", Self.sample, "--sort", "-colour", "-q"])
        #expect(sort.status == 64)
        #expect(sort.stderr.contains("--sort: unknown field 'colour'; the fields are: call_id, start, caller, dialed, queue, outcome, wait_s, withheld, returned,"))
        let bad = try CLI.run(["talk", Self.sample, "--where", "outcome", "-q"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--where 'outcome' has no comparison"))
    }

    static let captures = ["captures/answered-udp.pcap", "captures/failures-udp.pcap"]

    @Test func aCallIDPrefixSelectsItsCall() throws {
        let one = try ids(["calls"] + Self.captures + ["--call", "answered-callee"])
        #expect(one == ["answered-callee-bye-1-19045@127.0.0.1"])
        let talk = try CLI.run(["talk", "captures/talk/talk-inbound.pcap", "captures/talk/talk-pcma.pcap", "--call", "talk-inbound-1", "--color", "never", "-q"])
        #expect(talk.status == 0)
        #expect(talk.stdout.contains("talk-inbound-1-17357@12…"))
        #expect(!talk.stdout.contains("talk-pcma"))
    }

    @Test func anAmbiguousPrefixListsTheCalls() throws {
        let result = try CLI.run(["calls"] + Self.captures + ["--call", "answ", "-q"])
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("""
            --call 'answ' starts 3 call ids; give more of the one you mean:
              answered-1-19034@127.0.0.1
              answered-2-19034@127.0.0.1
              answered-callee-bye-1-19045@127.0.0.1
            """))
        let none = try CLI.run(["talk", "captures/talk/talk-inbound.pcap", "--call", "nothing-like-it", "-q"])
        #expect(none.status == 64)
        #expect(none.stderr.contains("No call with id 'nothing-like-it'"))
    }
}

import Foundation
import Testing
import TestSupport

/// `lost` and `report` say when calls in range have an unknown direction: the inbound figures
/// (lost calls, abandonment, ASA, service level) leave them out, so without `--own-numbers` a
/// capture of inbound calls said "0 lost calls" and nothing else (README "Direction").
///
/// The captures: failures-udp.pcap (5 unanswered calls from outside numbers to outside numbers)
/// and cancel-udp.pcap (1 abandoned call to 02079460099); no number is an extension, so every
/// direction is unknown until the dialled numbers are given as the site's own.
@Suite struct DirectionWarningTests {
    static let captures = ["captures/failures-udp.pcap", "captures/cancel-udp.pcap"]
    static let someNumbers = ["--own-numbers", "+4989123456", "+14155550123", "02079460099"]
    static let allNumbers = someNumbers + ["+61212345678", "999000", "+34911234567"]
    /// The footer's period: the first and last call of the two captures (README "Tables").
    static let period = "from 2026-11-25 08:19:57 to 2026-11-25 08:20:03 (UTC)"
    static func message(_ unknown: Int, of calls: Int) -> String {
        "direction unknown for \(unknown) of \(calls) calls: give the site's numbers, see --own-numbers or the site profile"
    }

    func run(_ arguments: [String]) throws -> ProcessOutput {
        let result = try CLI.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        return result
    }

    @Test func lostWithoutOwnNumbersSaysWhy() throws {
        let result = try run(["lost"] + Self.captures)
        #expect(result.stdout.hasSuffix("\n0 lost calls, 0 not returned yet, calls \(Self.period)\n\nWarning: \(Self.message(6, of: 6))\n"))
        #expect(result.stderr.contains("callscope: warning: \(Self.message(6, of: 6))\n"))
    }

    @Test func lostWithSomeNumbersCountsTheRest() throws {
        let result = try run(["lost"] + Self.captures + Self.someNumbers)
        #expect(result.stdout.hasSuffix("\n3 lost calls, 3 not returned yet, calls \(Self.period)\n\nWarning: \(Self.message(3, of: 6))\n"))
        #expect(result.stderr.contains("callscope: warning: \(Self.message(3, of: 6))\n"))
    }

    @Test func lostWithEveryNumberHasNoWarning() throws {
        let result = try run(["lost"] + Self.captures + Self.allNumbers)
        #expect(!result.stdout.contains("direction unknown"))
        #expect(!result.stderr.contains("direction unknown"))
        #expect(result.stdout.contains(" lost calls, "))
    }

    @Test func reportTableAndStderrSayIt() throws {
        let result = try run(["report"] + Self.captures)
        #expect(result.stdout.hasSuffix("\nWarning: \(Self.message(6, of: 6))\n"))
        #expect(result.stderr.contains("callscope: warning: \(Self.message(6, of: 6))\n"))
    }

    @Test func reportJSONCarriesTheCountAndTheWarning() throws {
        func object(_ extra: [String]) throws -> [String: Any] {
            let result = try run(["report", "-f", "json", "-q"] + Self.captures + extra)
            #expect(result.stderr.isEmpty)  // -q: the report carries it
            return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        }
        let none = try object([])
        #expect(none["direction_unknown_calls"] as? Int == 6)
        #expect(none["warnings"] as? [String] == [Self.message(6, of: 6)])
        let some = try object(Self.someNumbers)
        #expect(some["direction_unknown_calls"] as? Int == 3)
        #expect(some["warnings"] as? [String] == [Self.message(3, of: 6)])
        let all = try object(Self.allNumbers)
        #expect(all["direction_unknown_calls"] as? Int == 0)
        #expect(all["warnings"] as? [String] == [])
    }

    @Test func onlyCallsInRangeAreCounted() throws {
        // 08:19:57.6 and 08:19:58.9 fall before --from; four calls from 08:20:00 are in range.
        let result = try run(["report", "--from", "2026-11-25T08:20", "--timezone", "UTC"] + Self.captures)
        #expect(result.stdout.contains("Warning: \(Self.message(4, of: 4))\n"))
    }

    @Test func otherReportViewsWarnOnStderr() throws {
        let result = try run(["report", "--view", "outbound"] + Self.captures)
        #expect(result.stderr.contains("callscope: warning: \(Self.message(6, of: 6))\n"))
        let known = try run(["report", "--view", "outbound"] + Self.captures + Self.allNumbers)
        #expect(!known.stderr.contains("direction unknown"))
    }
}

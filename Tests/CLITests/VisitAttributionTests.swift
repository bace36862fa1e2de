import Foundation
import Testing
import TestSupport

/// Visit attribution end to end from the CLI on the generated website day
/// (attribution-samples/generate.py): every call's attribution under both touches, and every
/// figure of `report --view attribution`, against the generator's ground truth.
@Suite struct VisitAttributionTests {
    static let day = "attribution-samples/website-day/"
    static let arguments = [
        day + "master.csv", "--timezone", "Europe/London", "--own-numbers", "+4420794605*", "+442079460900",
        "--campaigns", day + "campaigns.yaml", "--visits", day + "visits.csv", "--visits", day + "visits-app.ndjson", "-q",
    ]
    static let fields = ["attribution", "visitor_id", "utm_source", "utm_medium", "utm_campaign", "keyword", "landing_page", "click_id", "ambiguous"]

    static func lines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    static func expected() throws -> [[String: Any]] {
        try lines(String(contentsOfFile: TestPaths.root.path + "/" + day + "expected-calls.ndjson", encoding: .utf8))
    }

    /// The value as text, JSON null as "null", so that output and truth compare as values.
    static func text(_ value: Any?) -> String {
        switch value {
        case nil, is NSNull: "null"
        case let number as NSNumber: number.stringValue
        case let any?: "\(any)"
        }
    }

    @Test(arguments: ["first", "last"]) func everyCallMatchesTheGroundTruth(touch: String) throws {
        let run = try CLI.run(["calls", "--format", "ndjson", "--touch", touch] + Self.arguments)
        #expect(run.status == 0, "\(run.stderr)")
        let calls = Dictionary(uniqueKeysWithValues: try Self.lines(run.stdout).map { (Self.text($0["call_id"]), $0) })
        let truth = try Self.expected()
        #expect(calls.count == truth.count)
        var ambiguous = 0, pool = 0, none = 0, statics = 0
        for expected in truth {
            let id = Self.text(expected["call_id"])
            let call = try #require(calls[id], "call \(id) missing")
            let want = try #require(expected["touch_" + touch] as? [String: Any])
            for field in Self.fields {
                #expect(Self.text(call[field]) == Self.text(want[field]), "\(id) \(field)")
            }
            if Self.text(want["ambiguous"]) == "1" { ambiguous += 1 }
            switch Self.text(want["attribution"]) {
            case "pool": pool += 1
            case "static": statics += 1
            default: none += 1
            }
        }
        // The day holds every case: pool calls, ambiguous ones, static calls, unattributed pool calls.
        #expect(pool > 20 && ambiguous > 0 && statics == 8 && none >= 6, "pool \(pool) ambiguous \(ambiguous) static \(statics) none \(none)")
    }

    @Test func reportFiguresMatchTheGroundTruth() throws {
        let run = try CLI.run(["report", "--view", "attribution", "--by", "utm_source", "--format", "json", "--value", "50",
                               "--costs", Self.day + "costs.csv", "--from", "2026-06-10", "--to", "2026-06-11"] + Self.arguments)
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let truth = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: TestPaths.root.path + "/" + Self.day + "expected-report.json"))) as? [String: Any])
        let rows = try #require(report["rows"] as? [[String: Any]]), wanted = try #require(truth["rows"] as? [[String: Any]])
        #expect(rows.map { Self.text($0["utm_source"]) } == wanted.map { Self.text($0["utm_source"]) })
        for (row, want) in zip(rows, wanted) {
            for (key, value) in want {
                let got = Self.text(row[key]), expected = Self.text(value)
                if let a = Double(got), let b = Double(expected) {
                    #expect(abs(a - b) < 0.00005, "\(Self.text(want["utm_source"])) \(key): \(got) vs \(expected)")
                } else {
                    #expect(got == expected, "\(Self.text(want["utm_source"])) \(key)")
                }
            }
        }
        for key in ["attributed_share", "pool_calls", "static_calls", "unattributed_pool_calls", "ambiguous_calls"] {
            #expect(Double(Self.text(report[key])) == Double(Self.text(truth[key])), "\(key)")
        }
        let exhaustion = try #require((report["pool_exhaustion"] as? [[String: Any]])?.first)
        let wantExhaustion = try #require((truth["pool_exhaustion"] as? [[String: Any]])?.first)
        for key in ["pool", "size", "peak_concurrent", "peak_at", "size_to_avoid"] {
            #expect(Self.text(exhaustion[key]) == Self.text(wantExhaustion[key]), "\(key)")
        }
        let intervals = try #require(exhaustion["intervals"] as? [[String: String]])
        let wantIntervals = try #require(wantExhaustion["intervals"] as? [[String: String]])
        #expect(intervals == wantIntervals)
        #expect(!intervals.isEmpty)
    }
}

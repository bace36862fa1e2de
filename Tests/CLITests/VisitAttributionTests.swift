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

    /// The qualified calls with a click id, in time order, as Google Ads imports them.
    @Test func exportConversionsMatchesTheGroundTruth() throws {
        let run = try CLI.run(["export", "conversions", "--value", "50", "--currency", "gbp"] + Self.arguments)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "Google Click ID,Conversion Name,Conversion Time,Conversion Value,Conversion Currency")
        let wanted = try Self.expected().filter { e in
            let a = e["touch_first"] as? [String: Any]
            return Self.text(e["qualified"]) == "1" && Self.text(e["outbound"]) == "0" && Self.text(a?["click_id"]) != "null"
        }
        #expect(lines.count - 1 == wanted.count && wanted.count > 5)
        for (line, want) in zip(lines.dropFirst(), wanted) {
            let a = want["touch_first"] as? [String: Any]
            let utc = try #require(ISO8601DateFormatter().date(from: Self.text(want["start"]).replacingOccurrences(of: ".000", with: "")))
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "Europe/London")
            formatter.dateFormat = "yyyy-MM-dd HH:mm:ssxxx"
            #expect(line == "\(Self.text(a?["click_id"])),Phone call,\(formatter.string(from: utc)),50.00,GBP")
        }
        let firstTime = try CLI.run(["export", "conversions", "-f", "csv", "--first-time-only"] + Self.arguments)
        let firstTimeWanted = wanted.filter { Self.text($0["first_time"]) == "1" }
        #expect(firstTime.stdout.split(separator: "\n").count - 1 == firstTimeWanted.count && firstTimeWanted.count < wanted.count)
    }

    /// A click id a spreadsheet would run as a formula is exported as text.
    @Test func exportedCellsCannotBeFormulas() throws {
        let dir = TemporaryDirectory()
        let visits = dir.file("visits.csv")
        try "number,visitor_id,assigned_at,click_id\n+442079460500,v1,2026-06-10 08:00:00,=HYPERLINK(\"http://x\")\n".write(toFile: visits, atomically: true, encoding: .utf8)
        let cdr = dir.file("Master.csv")
        try "\"\",\"+447700900100\",\"+442079460500\",\"from-trunk\",\"\",\"SIP/trunk-1\",\"SIP/201-2\",\"Dial\",\"SIP/201,,t\",\"2026-06-10 08:10:00\",\"2026-06-10 08:10:05\",\"2026-06-10 08:15:00\",300,295,\"ANSWERED\",\"DOCUMENTATION\",\"1.1\",\"\",\"\",\"1.1\",1\n"
            .write(toFile: cdr, atomically: true, encoding: .utf8)
        let run = try CLI.run(["export", "conversions", cdr, "--timezone", "Europe/London", "--own-numbers", "+4420794605*",
                               "--pool", "+442079460500", "--visits", visits, "-q"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.split(separator: "\n").last?.hasPrefix("\"'=HYPERLINK(\"\"http://x\"\")\",Phone call,2026-06-10 08:10:00+01:00,") == true, "\(run.stdout)")
    }

    /// import stores the attribution (schema v6) and a later run without visits reads it back.
    @Test func importStoresTheAttributionAndReadsItBack() throws {
        let dir = TemporaryDirectory()
        let db = dir.file("a.sqlite")
        let imported = try CLI.run(["import", "--db", db] + Self.arguments)
        #expect(imported.status == 0, "\(imported.stderr)")
        let fresh = try CLI.run(["calls", "--format", "ndjson"] + Self.arguments)
        let stored = try CLI.run(["calls", "--db", db, "--format", "ndjson", "--timezone", "Europe/London", "-q"])
        #expect(stored.status == 0, "\(stored.stderr)")
        func attributions(_ text: String) throws -> [String] {
            try Self.lines(text).map { call in Self.fields.map { Self.text(call[$0]) }.joined(separator: "|") }.sorted()
        }
        #expect(try attributions(stored.stdout) == attributions(fresh.stdout))
        #expect(try attributions(stored.stdout).contains { $0.hasPrefix("pool|") })
        // The campaigns file declares the pool: read with it but without the visits, the stored
        // attribution stays (the pool alone used to make every stored pool call unattributed).
        let withPools = try CLI.run(["calls", "--db", db, "--format", "ndjson", "--timezone", "Europe/London", "--campaigns", Self.day + "campaigns.yaml", "-q"])
        #expect(withPools.status == 0, "\(withPools.stderr)")
        #expect(try attributions(withPools.stdout) == attributions(fresh.stdout))
    }

    /// `report --by utm_source`: the KPIs per visit source, unattributed calls in their own row.
    @Test func kpisByVisitField() throws {
        let run = try CLI.run(["report", "--by", "utm_source", "--format", "csv"] + Self.arguments)
        #expect(run.status == 0, "\(run.stderr)")
        let keys = run.stdout.split(separator: "\n").dropFirst().compactMap { $0.split(separator: ",").first.map(String.init) }
        #expect(keys == ["all", "direct", "facebook", "google", "newsletter", "radio", "yandex", "(unattributed)", "(outbound)"], "\(keys)")
    }

    /// Bad visit rows are diagnostics naming file and line; the others still attribute.
    @Test func badVisitRowsAreNamedAndSkipped() throws {
        let dir = TemporaryDirectory()
        let visits = dir.file("visits.csv")
        try "number,visitor_id,assigned_at\n+442079460500,v1,soon\n".write(toFile: visits, atomically: true, encoding: .utf8)
        let run = try CLI.run(["calls", Self.day + "master.csv", "--timezone", "Europe/London", "--visits", visits, "--pool", "+442079460500"])
        #expect(run.status == 0)
        #expect(run.stderr.contains("visits.csv:2: assigned_at 'soon' is not an ISO-8601 time"), "\(run.stderr)")
        let poolAndStatic = try CLI.run(["calls", Self.day + "master.csv", "--pool", "+442079460900", "--campaigns", Self.day + "campaigns.yaml", "-q"])
        #expect(poolAndStatic.status == 65)
        #expect(poolAndStatic.stderr.contains("number +442079460900 is in pool 'website' and in the static campaign 'Radio June'"), "\(poolAndStatic.stderr)")
    }

    /// The HTML report gains the attribution section when visits are given; a hostile source is
    /// text on the page, never markup.
    @Test func htmlReportShowsTheAttributionEscaped() throws {
        let dir = TemporaryDirectory()
        let visits = dir.file("visits.csv")
        try "number,visitor_id,assigned_at,source\n+442079460500,v1,2026-06-10 08:00:00,<script>alert(1)</script>\n".write(toFile: visits, atomically: true, encoding: .utf8)
        let cdr = dir.file("Master.csv")
        try "\"\",\"+447700900100\",\"+442079460500\",\"from-trunk\",\"\",\"SIP/trunk-1\",\"SIP/201-2\",\"Dial\",\"SIP/201,,t\",\"2026-06-10 08:10:00\",\"2026-06-10 08:10:05\",\"2026-06-10 08:15:00\",300,295,\"ANSWERED\",\"DOCUMENTATION\",\"1.1\",\"\",\"\",\"1.1\",1\n"
            .write(toFile: cdr, atomically: true, encoding: .utf8)
        let page = try CLI.run(["report", "--format", "html", cdr, "--timezone", "Europe/London", "--own-numbers", "+4420794605*",
                                "--pool", "+442079460500", "+442079460501", "--visits", visits, "-q"])
        #expect(page.status == 0, "\(page.stderr)")
        #expect(page.stdout.contains("<section id=\"attribution\">"))
        #expect(page.stdout.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !page.stdout.contains("<script>alert"))
        let plain = try CLI.run(["report", "--format", "html", cdr, "--timezone", "Europe/London", "-q"])
        #expect(!plain.stdout.contains("id=\"attribution\""))
    }

    /// The table shows where each call came from; lost calls carry the attribution fields too.
    @Test func tableAndLostCallsShowTheAttribution() throws {
        let truth = try Self.expected()
        let table = try CLI.run(["calls", "--wide"] + Self.arguments)
        #expect(table.status == 0, "\(table.stderr)")
        let ambiguous = try #require(truth.first { ($0["touch_first"] as? [String: Any])?["ambiguous"] as? Bool == true })
        let line = try #require(table.stdout.split(separator: "\n").first { $0.hasSuffix(Self.text(ambiguous["call_id"])) })
        let a = try #require(ambiguous["touch_first"] as? [String: Any])
        #expect(line.contains("  \(Self.text(a["utm_source"]))"), "\(line)")
        #expect(line.contains(" * "), "\(line)")
        let lost = try CLI.run(["lost", "-f", "ndjson"] + Self.arguments)
        let records = try Self.lines(lost.stdout)
        #expect(!records.isEmpty)
        let byID = Dictionary(uniqueKeysWithValues: truth.map { (Self.text($0["call_id"]), $0) })
        for record in records {
            let want = try #require(byID[Self.text(record["call_id"])]?["touch_first"] as? [String: Any])
            #expect(Self.text(record["visitor_id"]) == Self.text(want["visitor_id"]) && Self.text(record["attribution"]) == Self.text(want["attribution"]))
        }
    }

    /// The profile's pools: a call to a pool number no visit holds is an unattributed pool call
    /// with no --pool given; config check names the pools.
    @Test func poolsFromTheSiteProfile() throws {
        let dir = TemporaryDirectory()
        let profile = dir.file("callscope.yaml")
        let numbers = (0..<8).map { "\"+4420794605\(String(format: "%02d", $0))\"" }.joined(separator: ", ")
        try "timezone: Europe/London\npools:\n  - name: website\n    numbers: [\(numbers)]\n    ttl: 30m\n".write(toFile: profile, atomically: true, encoding: .utf8)
        let run = try CLI.run(["report", "--view", "attribution", "-f", "json", "--config", profile, Self.day + "master.csv", "--own-numbers", "+4420794605*", "+442079460900",
                               "--visits", Self.day + "visits.csv", "--visits", Self.day + "visits-app.ndjson", "-q"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let truth = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: TestPaths.root.path + "/" + Self.day + "expected-report.json"))) as? [String: Any])
        // Without the campaigns file the radio calls are attributed to nothing; the pool figures are unchanged.
        #expect(Self.text(report["static_calls"]) == "0")
        #expect(Self.text(report["pool_calls"]) == Self.text(truth["pool_calls"]))
        #expect(Self.text(report["unattributed_pool_calls"]) == Self.text(truth["unattributed_pool_calls"]))
        let check = try CLI.run(["config", "check", "--config", profile])
        #expect(check.stdout.contains("website (8 numbers, ttl 1800 s)"), "\(check.stdout)")
    }
}

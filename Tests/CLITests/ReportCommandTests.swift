import Foundation
import Testing
import TestSupport

/// `callscope report` end to end: the figures that follow directly from the calls' sidecars
/// (ground truth, computed here in a few lines) must be the report's. The full definitions
/// are tested with hand-worked call sets in CallMetricsTests.
@Suite struct ReportCommandTests {
    struct Expected {
        var offered = 0, answered = 0, qualified = 0
        var talkSeconds = 0.0
        var talked: [Double] = []
        var pdd: [Double] = []

        init(_ records: [SchemaRecord]) {
            offered = records.count
            for r in records where r.outcome == "answered" {
                answered += 1
                let talk = r.talk_s ?? 0
                talkSeconds += talk
                if talk > 0 { talked.append(talk) }
                if talk >= 60 { qualified += 1 }
            }
            pdd = records.compactMap { $0.pdd_ms.map(Double.init) }
        }
    }

    func report(_ arguments: [String]) throws -> [String: Any] {
        let result = try CLI.run(["report", "--format", "json", "-q"] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        let overall = try #require((object as? [String: Any])?["overall"] as? [String: Any])
        return overall
    }

    func sidecars(_ folder: String, _ names: [String]) throws -> [SchemaRecord] {
        try names.flatMap { name in
            try SchemaRecord.decode(String(contentsOf: TestPaths.root.appendingPathComponent(folder).appendingPathComponent(name), encoding: .utf8))
        }
    }

    func number(_ value: Any?) -> Double? { (value as? NSNumber)?.doubleValue }

    func check(_ overall: [String: Any], _ expected: Expected) {
        #expect(overall["offered"] as? Int == expected.offered)
        #expect(overall["answered"] as? Int == expected.answered)
        #expect(overall["qualified_calls"] as? Int == expected.qualified)
        #expect(abs((number(overall["asr"]) ?? -1) - (Double(expected.answered) / Double(expected.offered))) < 0.00005)
        #expect(abs((number(overall["talk_min"]) ?? -1) - expected.talkSeconds / 60) < 0.0005)
        let acd = expected.talked.isEmpty ? nil : expected.talked.reduce(0, +) / Double(expected.talked.count)
        if let acd { #expect(abs((number(overall["acd_s"]) ?? -1) - acd) <= 0.0005 + 1e-9) } else { #expect(overall["acd_s"] is NSNull) }
        let pdd = expected.pdd.isEmpty ? nil : expected.pdd.reduce(0, +) / Double(expected.pdd.count)
        if let pdd { #expect(abs((number(overall["pdd_ms"]) ?? -1) - pdd) < 0.05) } else { #expect(overall["pdd_ms"] is NSNull) }
    }

    @Test func capturesReportTheirSidecarFigures() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: TestPaths.captures.path).filter { $0.hasSuffix(".expected.ndjson") }
        let overall = try report(CLI.sipSampleCaptures)
        check(overall, Expected(try sidecars("captures", names)))
        // No capture call is inbound without --own-numbers (external to external numbers): the
        // inbound-only ratios have no denominator and are null, never 0.
        #expect(overall["blocked_rate"] is NSNull)
        #expect(overall["service_level"] is NSNull)
        #expect(overall["lost_calls"] as? Int == 0)
    }

    @Test func ownNumbersMakeCaptureCallsInbound() throws {
        let overall = try report(["captures/failures-udp.pcap", "--own-numbers", "+4989123456", "+14155550123", "+61212345678", "999000", "+34911234567"])
        // 486 busy and 503 congestion are blocked; 480 no_answer and the two rejections are not.
        #expect(number(overall["blocked_rate"]) == 0.4)
        #expect(overall["lost_calls"] as? Int == 5)
        #expect(number(overall["service_level"]) == 0)
    }

    @Test func asteriskWithQueueLogReportsTheirSidecarFigures() throws {
        let overall = try report(["cdr-samples/asterisk-master.csv", "cdr-samples/asterisk-queue_log", "--timezone", "Europe/London"])
        let records = try sidecars("cdr-samples", ["asterisk-master+asterisk-queue_log.expected.ndjson"])
        check(overall, Expected(records))
        let inbound = records.filter { $0.direction == "inbound" }
        let lost = inbound.filter { $0.outcome != "answered" }
        #expect(overall["lost_calls"] as? Int == lost.count)
        let blocked = inbound.filter { $0.outcome == "busy" || $0.outcome == "congestion" }
        #expect(abs((number(overall["blocked_rate"]) ?? -1) - Double(blocked.count) / Double(inbound.count)) < 0.00005)
        let waits = inbound.filter { $0.outcome == "answered" }.compactMap(\.wait_s)
        #expect(abs((number(overall["asa_s"]) ?? -1) - waits.reduce(0, +) / Double(waits.count)) < 0.0005)
    }

    /// The metric keys README ("Metric keys (JSON and CSV), named exactly: `...`") documents.
    func documentedMetricKeys() throws -> [String] {
        let readme = try String(contentsOf: TestPaths.root.appendingPathComponent("README.md"), encoding: .utf8)
        let marker = "Metric keys (JSON and CSV), named exactly: `"
        let start = try #require(readme.range(of: marker)).upperBound
        let end = try #require(readme[start...].firstIndex(of: "`"))
        return readme[start..<end].split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" }).map(String.init)
    }

    /// The keys `report` writes are README's, in its order (CSV header) and in every JSON row
    /// (with `key` for groups and `details`), and a rate without denominator is null.
    @Test func metricKeysAreTheDocumentedOnes() throws {
        let keys = try documentedMetricKeys()
        #expect(keys.count == 23)
        let csv = try CLI.run(["report", "cdr-samples/asterisk-master.csv", "--timezone", "Europe/London", "--by", "queue", "-f", "csv", "-q"])
        #expect(csv.status == 0, "\(csv.stderr)")
        #expect(csv.stdout.split(separator: "\n").first.map(String.init) == (["key"] + keys).joined(separator: ","))
        let result = try CLI.run(["report", "cdr-samples/asterisk-master.csv", "--timezone", "Europe/London", "--by", "queue", "-f", "json", "-q"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let overall = try #require(object["overall"] as? [String: Any])
        #expect(Set(overall.keys) == Set(keys + ["details"]))
        let groups = try #require(object["groups"] as? [[String: Any]])
        #expect(!groups.isEmpty)
        for group in groups { #expect(Set(group.keys) == Set(["key"] + keys + ["details"])) }
        // A CDR has no post-dial delay: the mean of none is null, not 0.
        #expect(overall["pdd_ms"] is NSNull)
        #expect((overall["offered"] as? Int ?? 0) > 0)
    }

    @Test func groupsByHourInTheSiteTimeZone() throws {
        let result = try CLI.run(["report", "cdr-samples/generic-export.csv", "--timezone", "Europe/London", "--by", "hour", "-f", "csv", "-q"])
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("key,offered,answered,asr,completion_rate,blocked_rate,abandonment_rate,asa_s,asa_p90_s,service_level,pdd_ms,acd_s,talk_min") == true)
        #expect(lines.dropFirst().first?.hasPrefix("all,10,5,0.5000,") == true)
        // Every group's offered calls add up to all calls.
        let offered = lines.dropFirst(2).compactMap { Int($0.split(separator: ",")[1]) }
        #expect(offered.reduce(0, +) == 10)
    }

    @Test func campaignsViewNeedsACampaignsFile() throws {
        let result = try CLI.run(["report", "cdr-samples/generic-export.csv", "--view", "campaigns"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--view campaigns needs --campaigns FILE (or campaigns in the site profile)."))
    }

    @Test func lostListsEveryUnansweredInboundCall() throws {
        let result = try CLI.run(["lost", "cdr-samples/asterisk-master.csv", "cdr-samples/asterisk-queue_log", "--timezone", "Europe/London", "-f", "ndjson", "-q"])
        let lost = try CLI.ndjson(result.stdout)
        let records = try sidecars("cdr-samples", ["asterisk-master+asterisk-queue_log.expected.ndjson"])
        let expected = records.filter { $0.direction == "inbound" && $0.outcome != "answered" }.map(\.call_id).sorted()
        #expect(lost.compactMap { $0["call_id"] as? String }.sorted() == expected)
    }

    @Test func heatmapOfOneAgent() throws {
        let all = try CLI.run(["heatmap", "cdr-samples/asterisk-master.csv", "--timezone", "Europe/London", "-f", "csv", "-q"])
        let agent = try CLI.run(["heatmap", "cdr-samples/asterisk-master.csv", "--timezone", "Europe/London", "-f", "csv", "-q", "--agent", "201"])
        let records = try SchemaRecord.decode(String(contentsOf: TestPaths.root.appendingPathComponent("cdr-samples/asterisk-master.expected.ndjson"), encoding: .utf8))
        func total(_ csv: String) -> Int { csv.split(separator: "\n").dropFirst().compactMap { Int($0.split(separator: ",")[3]) }.reduce(0, +) }
        #expect(total(all.stdout) == records.count)
        #expect(total(agent.stdout) == records.filter { $0.agent == "201" }.count)
    }

    @Test func heatmapHasOneCellPerWeekdayAndHour() throws {
        let result = try CLI.run(["heatmap", "cdr-samples/generic-export.csv", "--timezone", "Europe/London", "-f", "csv", "-q"])
        let rows = result.stdout.split(separator: "\n").dropFirst()
        #expect(rows.count == 7 * 24)
        #expect(rows.compactMap { Int($0.split(separator: ",")[3]) }.reduce(0, +) == 10)
    }
}

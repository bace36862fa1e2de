import Foundation
import Testing

/// Command-line behaviours an independent review of the metrics found wrong once.
@Suite struct MetricsReviewTests {
    @Test(arguments: [["--short-abandon", "inf"], ["--repeat-window", "1e15"], ["--callback-window", "1e20"], ["--sl-threshold", "nan"], ["--blocked-target=-1"]])
    func absurdThresholdsAreUsageErrors(_ option: [String]) throws {
        let result = try CLI.run(["report", "cdr-samples/generic-export.csv"] + option)
        #expect(result.status == 64)
        #expect(result.stderr.contains("must be a number from 0 to"))
    }

    @Test func fromAfterToIsAUsageError() throws {
        let result = try CLI.run(["report", "cdr-samples/generic-export.csv", "--from", "2026-03-29", "--to", "2026-03-28"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--from must be before --to."))
        #expect(result.stderr.contains("callscope report"))
    }

    @Test func byCampaignNeedsCampaigns() throws {
        let result = try CLI.run(["report", "cdr-samples/generic-export.csv", "--by", "campaign"])
        #expect(result.status == 64)
    }

    /// `+44...` without quotes is a YAML integer; the campaigns file keeps it as text.
    @Test func unquotedYAMLNumbersStayText() throws {
        let result = try CLI.run(["report", "cdr-samples/asterisk-master.csv", "cdr-samples/asterisk-queue_log", "--timezone", "Europe/London",
                                  "--view", "campaigns", "--campaigns", "Tests/CLITests/Fixtures/campaigns-unquoted.yaml", "-f", "csv", "-q"])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = result.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let records = try SchemaRecord.decode(String(contentsOf: CLI.packageRoot.appendingPathComponent("cdr-samples/asterisk-master+asterisk-queue_log.expected.ndjson"), encoding: .utf8))
        let radio = records.filter { $0.dialed == "+442079460100" && $0.direction == "inbound" }.count
        #expect(rows.first { $0.first == "Spring radio" }?[2] == String(radio))
        #expect(radio > 0)
        #expect(rows.first { $0.first == "Search ads" }?[1] == "")  // channel: ~ is no channel
    }

    @Test(arguments: ["cost: nan", "cost: .inf", "cost: -100", "cost: 0x64"])
    func badAmountsAreRejected(_ line: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("callscope-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("c.yaml")
        try "campaigns:\n  - name: A\n    numbers: [\"+442079460100\"]\n    \(line)\n".write(to: file, atomically: true, encoding: .utf8)
        let result = try CLI.run(["report", "cdr-samples/generic-export.csv", "--by", "campaign", "--campaigns", file.path])
        // A configuration file's content is not a usage error: exit status 65, file and line named.
        #expect(result.status == 65)
        #expect(result.stderr.contains("\(file.path):4: campaign 'A': cost "))
        #expect(result.stderr.contains("is not an amount"))
        #expect(result.stdout.isEmpty)
    }

    /// Queue-full and join-empty callers never entered the queue: blocked calls all the same.
    @Test func queueFullCallersAreBlocked() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("callscope-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("queue_log")
        try """
            1711900000|q1|support|NONE|FULL|
            1711900010|q2|support|NONE|JOINEMPTY|1|1|0
            1711900015|q4|support|NONE|JOINUNAVAIL|1|1|0
            1711900020|q3|support|NONE|ENTERQUEUE||+447700900123|1
            1711900050|q3|support|SIP/201|CONNECT|30|q3.1|5
            1711900150|q3|support|SIP/201|COMPLETEAGENT|30|100|1

            """.write(to: log, atomically: true, encoding: .utf8)
        let result = try CLI.run(["report", log.path, "-f", "json", "-q"])
        let overall = try #require(((try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any])?["overall"] as? [String: Any])
        #expect(overall["offered"] as? Int == 4)
        #expect((overall["blocked_rate"] as? NSNumber)?.doubleValue == 0.75)
    }

    /// An outbound call's ring is not a wait: the ASA heatmap shows inbound waits only.
    @Test func asaHeatmapUsesInboundCalls() throws {
        let heat = try CLI.run(["heatmap", "cdr-samples/asterisk-master.csv", "cdr-samples/asterisk-queue_log", "--timezone", "Europe/London", "--metric", "asa", "-f", "csv", "-q"])
        let inbound = try CLI.run(["heatmap", "cdr-samples/asterisk-master.csv", "cdr-samples/asterisk-queue_log", "--timezone", "Europe/London", "--metric", "asa", "--direction", "inbound", "-f", "csv", "-q"])
        #expect(heat.stdout == inbound.stdout)
    }
}

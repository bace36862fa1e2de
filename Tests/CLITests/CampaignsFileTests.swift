import Foundation
import Testing
import TestSupport

/// The campaigns file given to `report --campaigns`: numbers stay text, amounts are checked.
@Suite struct CampaignsFileTests {
    /// `+44...` without quotes is a YAML integer; the campaigns file keeps it as text.
    @Test func unquotedYAMLNumbersStayText() throws {
        let result = try CLI.run(["report", "cdr-samples/asterisk-master.csv", "cdr-samples/asterisk-queue_log", "--timezone", "Europe/London",
                                  "--view", "campaigns", "--campaigns", "Tests/CLITests/Fixtures/campaigns-unquoted.yaml", "-f", "csv", "-q"])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = result.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let records = try SchemaRecord.decode(String(contentsOf: TestPaths.root.appendingPathComponent("cdr-samples/asterisk-master+asterisk-queue_log.expected.ndjson"), encoding: .utf8))
        let radio = records.filter { $0.dialed == "+442079460100" && $0.direction == "inbound" }.count
        #expect(rows.first { $0.first == "Spring radio" }?[2] == String(radio))
        #expect(radio > 0)
        #expect(rows.first { $0.first == "Search ads" }?[1] == "")  // channel: ~ is no channel
    }

    @Test(arguments: ["cost: nan", "cost: .inf", "cost: -100", "cost: 0x64"])
    func badAmountsAreRejected(_ line: String) throws {
        let directory = TemporaryDirectory("callscope")
        defer { directory.remove() }
        let file = directory.url.appendingPathComponent("c.yaml")
        try "campaigns:\n  - name: A\n    numbers: [\"+442079460100\"]\n    \(line)\n".write(to: file, atomically: true, encoding: .utf8)
        let result = try CLI.run(["report", "cdr-samples/generic-export.csv", "--by", "campaign", "--campaigns", file.path])
        // A configuration file's content is not a usage error: exit status 65, file and line named.
        #expect(result.status == 65)
        #expect(result.stderr.contains("\(file.path):4: campaign 'A': cost "))
        #expect(result.stderr.contains("is not an amount"))
        #expect(result.stdout.isEmpty)
    }
}

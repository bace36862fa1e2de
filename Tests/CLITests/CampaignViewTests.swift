import Foundation
import Testing
import TestSupport

/// `report --by campaign` and `report --view campaigns` on the generic export: one word for the
/// calls no campaign claims, and rates as percentages in tables, fractions for machines.
@Suite struct CampaignViewTests {
    static let arguments = ["cdr-samples/generic-export.csv", "--campaigns", "Tests/CLITests/Fixtures/campaigns-unquoted.yaml", "-q"]

    @Test func oneWordForUnattributedCalls() throws {
        let grouped = try CLI.run(["report", "--by", "campaign"] + Self.arguments)
        let view = try CLI.run(["report", "--view", "campaigns"] + Self.arguments)
        #expect(grouped.status == 0 && view.status == 0)
        let keys = grouped.stdout.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(keys.contains("(unattributed)"))
        #expect(!grouped.stdout.contains("(none)"), "\(grouped.stdout)")
        #expect(keys.contains("(outbound)") || keys.contains("(internal)"), "\(grouped.stdout)")
        #expect(view.stdout.contains("\n(unattributed) "))
    }

    @Test func campaignTableShowsPercentagesMachinesFractions() throws {
        let table = try CLI.run(["report", "--view", "campaigns"] + Self.arguments)
        let radio = try #require(table.stdout.split(separator: "\n").first { $0.hasPrefix("Spring radio") })
        #expect(radio.contains(" 66.7% "), "\(radio)")  // 2 qualified of 3 calls
        #expect(radio.hasSuffix("-86.7%"), "\(radio)")  // ROI (160 - 1200) / 1200
        let csv = try CLI.run(["report", "--view", "campaigns", "-f", "csv"] + Self.arguments)
        let row = try #require(csv.stdout.split(separator: "\n").first { $0.hasPrefix("Spring radio") })
        #expect(row.contains(",0.6667,"), "\(row)")
        #expect(row.hasSuffix(",-0.8667"), "\(row)")
    }
}

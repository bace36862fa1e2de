import CallMetrics
import Foundation
import SiteConfiguration
import Testing

/// The campaigns file (README "Campaigns"): both syntaxes read to the same campaigns, and every
/// problem named with its file and line.
@Suite struct CampaignFileTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let cliFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("CLITests/Fixtures")

    static let expected = [
        Campaign(name: "Spring radio", numbers: ["+442079460100", "+4420794601*"], channel: "radio", cost: 1200, revenuePerQualified: 80),
        Campaign(name: "Search ads", numbers: ["02079460200"], channel: "google-ads", cost: nil, revenuePerQualified: 12.5),
    ]

    @Test(arguments: ["campaigns.yaml", "campaigns.csv"])
    func bothSyntaxesReadTheSameCampaigns(_ name: String) throws {
        #expect(try CampaignFile.load(Self.fixtures.appendingPathComponent(name).path) == Self.expected)
    }

    /// `+44...` without quotes is a YAML integer and `0207...` an octal-looking one: both stay text.
    @Test func unquotedNumbersStayText() throws {
        let campaigns = try CampaignFile.load(Self.cliFixtures.appendingPathComponent("campaigns-unquoted.yaml").path)
        #expect(campaigns.map(\.numbers) == [["+442079460100"], ["+442079460200"]])
        #expect(campaigns.map(\.channel) == ["radio", nil])  // `channel: ~` is no channel
        #expect(campaigns.map(\.cost) == [1200, 800])
    }

    @Test func syntaxFollowsTheFileName() {
        #expect(CampaignFile.Syntax(path: "site/Campaigns.YML") == .yaml)
        #expect(CampaignFile.Syntax(path: "c.yaml") == .yaml)
        #expect(CampaignFile.Syntax(path: "c.csv") == .csv)
        #expect(CampaignFile.Syntax(path: "campaigns") == .csv)
    }

    struct Bad: Sendable, CustomStringConvertible {
        var text: String
        var syntax: CampaignFile.Syntax
        var line: Int?
        var message: String
        var description: String { message }
    }

    static let bad: [Bad] = [
        Bad(text: "campaigns:\n  - name: A\n    numbers: [\"1\"]\n    cost: nan\n", syntax: .yaml, line: 4, message: "campaign 'A': cost 'nan' is not an amount"),
        Bad(text: "campaigns:\n  - name: A\n    numbers: [\"1\"]\n    revenue: 0x64\n", syntax: .yaml, line: 4, message: "revenue_per_qualified '0x64' is not an amount"),
        Bad(text: "campaigns:\n  - name: A\n    numbers: [\"1\"]\n    budget: 3\n", syntax: .yaml, line: 4, message: "campaign 1: unknown key 'budget'"),
        Bad(text: "campaigns:\n  - name: A\n    numbers: [\"1\"]\n  - name: A\n    numbers: [\"2\"]\n", syntax: .yaml, line: 4, message: "campaign 'A' is defined twice."),
        Bad(text: "campaigns:\n  - name: A\n    numbers: []\n", syntax: .yaml, line: 3, message: "campaign 'A' has no numbers."),
        Bad(text: "campaigns:\n  - numbers: [\"1\"]\n", syntax: .yaml, line: 2, message: "campaign 1 has no name."),
        Bad(text: "campaigns:\n  - just text\n", syntax: .yaml, line: 2, message: "campaign 1 is not a mapping"),
        Bad(text: "campaigns: 3\n", syntax: .yaml, line: 1, message: "expected a list of campaigns"),
        Bad(text: "campaigns:\n  - name: [A\n", syntax: .yaml, line: 3, message: "not valid YAML"),
        Bad(text: "number,campaign\n1,A\n1,B\n", syntax: .csv, line: 3, message: "number 1 is already in campaign 'A'."),
        Bad(text: "number,campaign,cost\n1,A,-5\n", syntax: .csv, line: 2, message: "cost '-5' is not an amount"),
        Bad(text: "number,campaign\n1,A,x\n", syntax: .csv, line: 2, message: "3 fields, the header has 2."),
        Bad(text: "number;campaign\n1;A\n", syntax: .csv, line: 1, message: "Fields must be separated by commas."),
        Bad(text: "number,campaign\n,A\n", syntax: .csv, line: 2, message: "empty number or campaign."),
        Bad(text: "number,campaign\n1,\"A\n", syntax: .csv, line: 2, message: "a quote is opened and never closed."),
        Bad(text: "", syntax: .csv, line: nil, message: "empty campaigns file."),
    ]

    @Test(arguments: bad)
    func problemsNameFileAndLine(_ bad: Bad) {
        #expect {
            _ = try CampaignFile.parse(Array(bad.text.utf8), syntax: bad.syntax, file: "site/campaigns")
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.kind == .invalid && error.file == "site/campaigns" && error.line == bad.line
                && error.description.hasPrefix("site/campaigns" + (bad.line.map { ":\($0)" } ?? "") + ": ")
                && error.message.contains(bad.message)
        }
    }

    @Test func aMissingFileIsUnreadable() {
        #expect(throws: ConfigurationError(.unreadable, file: "/nonexistent/campaigns.yaml", "cannot read the campaigns file")) {
            try CampaignFile.load("/nonexistent/campaigns.yaml")
        }
    }
}

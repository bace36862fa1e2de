import Foundation
import Testing
import TestSupport

/// `report` options a user can get wrong: each is a usage error (exit status 64) that says why.
@Suite struct ReportOptionValidationTests {
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
}

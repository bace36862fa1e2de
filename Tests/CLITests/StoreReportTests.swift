import Foundation
import Testing
import TestSupport

/// `report --db` computed by the store (docs/performance.md "Store reports") against `report`
/// over the same files in memory: the whole JSON output equal, for every grouping, a date range,
/// other windows and thresholds, and the direction rules of the site.
@Suite struct StoreReportTests {
    let directory = TemporaryDirectory("callscope-store-report")
    var database: String { directory.file("calls.sqlite") }

    /// Every bundled sample that reads without options: the SIP captures and the CDR samples.
    static let files = ["cdr-samples/asterisk-master.csv", "cdr-samples/asterisk-queue_log", "cdr-samples/cucm-cdr.csv",
                        "cdr-samples/freeswitch-master.csv", "cdr-samples/freeswitch-json", "cdr-samples/generic-export.csv"]
        + CLI.sipSampleCaptures
    static let campaigns = ["--campaigns", "Tests/CLITests/Fixtures/campaigns-unquoted.yaml"]
    static let zone = ["--timezone", "Europe/London"]

    static let variants: [[String]] = [
        [], ["--by", "hour"], ["--by", "day"], ["--by", "weekday"], ["--by", "week"], ["--by", "agent"], ["--by", "queue"],
        ["--by", "source"], ["--by", "direction"], ["--by", "dialed"], ["--by", "campaign"],
        ["--from", "2026-03-29", "--to", "2026-03-30", "--by", "hour"],
        ["--repeat-window", "0.05", "--callback-window", "0.5", "--sl-threshold", "10", "--short-abandon", "2", "--by", "day"],
    ]

    func run(_ arguments: [String]) throws -> String {
        let result = try CLI.run(["report", "-f", "json"] + arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return result.stdout
    }

    @Test func theStoreGivesTheFiguresOfTheFilesInMemory() throws {
        let imported = try CLI.run(["import", "--db", database, "-q"] + Self.files + Self.zone)
        #expect(imported.status == 0, "\(imported.stderr)")
        for variant in Self.variants {
            let options = Self.zone + Self.campaigns + variant
            let stored = try run(["--db", database, "-q"] + options)
            let inMemory = try run(Self.files + ["-q"] + options)
            #expect(stored.contains("\"offered\""))
            #expect(stored == inMemory, "\(variant)")
        }
        // The table and CSV too, and the summary line on stderr.
        let table = try CLI.run(["report", "--db", database] + Self.zone)
        let files = try CLI.run(["report"] + Self.files + Self.zone)
        #expect(table.stdout == files.stdout)
        let storedLine = try #require(table.stderr.split(separator: "\n").last)
        #expect(storedLine.hasPrefix("callscope: 0 inputs, ") && storedLine.contains(" stored calls, "), "\(table.stderr)")
        let csv = try CLI.run(["report", "--db", database, "-f", "csv", "-q", "--by", "hour"] + Self.zone)
        #expect(csv.stdout == (try CLI.run(["report", "-f", "csv", "-q", "--by", "hour"] + Self.files + Self.zone)).stdout)
    }

    /// The site's direction rules given to import and report alike apply to the stored calls as to the files'.
    @Test func directionRulesApplyAsInMemory() throws {
        let rules = ["--own-numbers", "+44800*", "--extension-pattern", "XXX"]
        let imported = try CLI.run(["import", "--db", database, "-q"] + Self.files + Self.zone + rules)
        #expect(imported.status == 0, "\(imported.stderr)")
        for variant in [["--by", "direction"], ["--by", "agent"]] {
            #expect(try run(["--db", database, "-q"] + Self.zone + rules + variant) == (try run(Self.files + ["-q"] + Self.zone + rules + variant)), "\(variant)")
        }
    }

    /// A store holding queue_log calls of their own (no CDR to join them to) is read whole, as
    /// before: the same figures as the file.
    @Test func queueLogCallsAreReadWhole() throws {
        let queueLog = ["cdr-samples/team-day/queue_log"]
        let imported = try CLI.run(["import", "--db", database, "-q"] + queueLog + Self.zone)
        #expect(imported.status == 0, "\(imported.stderr)")
        for variant in [[], ["--by", "agent"]] {
            #expect(try run(["--db", database, "-q"] + Self.zone + variant) == (try run(queueLog + ["-q"] + Self.zone + variant)))
        }
    }
}

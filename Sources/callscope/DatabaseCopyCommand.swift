import ArgumentParser
import CallStore
import Foundation
import Reports

/// `callscope db copy`: every call of one store into another, SQLite to ClickHouse or back
/// (README "ClickHouse", docs/clickhouse.md "From SQLite to ClickHouse").
struct DatabaseCopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy every stored call (legs and SIP messages included) into another store: --db PATH --to-clickhouse URL, or --clickhouse URL --to-db PATH.",
        discussion: "Each UTC day is recorded in the destination's ledger as copy:SOURCE:DAY: running the copy again stores nothing twice, and stores what changed in the source since.")

    @OptionGroup var location: DatabaseLocation

    @Option(help: ArgumentHelp("The ClickHouse store to copy into (created when missing; docs/clickhouse.md).", valueName: "http://host:8123/?database=NAME"))
    var toClickhouse: String?

    @Option(help: ArgumentHelp("The SQLite database to copy into (created when missing).", valueName: "path"))
    var toDb: String?

    @Flag(name: .shortAndLong, help: "Print no progress and no summary on stderr.")
    var quiet = false

    func validate() throws {
        if (toClickhouse == nil) == (toDb == nil) { throw ValidationError("Give where to copy to: --to-clickhouse URL or --to-db PATH.") }
        if location.db != nil && location.clickhouse != nil { throw ValidationError("Give --db or --clickhouse, not both.") }
        if let toClickhouse { _ = try StoreOpening.endpoint(toClickhouse) }
    }

    func run() throws {
        let source = try location.openForReading()
        let destination = try StoreOpening.forWriting(clickhouse: toClickhouse, path: toDb ?? "")
        if destination.location == source.location { throw ValidationError("The source and the destination are the same store (\(source.location)).") }
        if !quiet { StandardError.line("callscope: copying \(source.location) into \(destination.location)") }
        let summary: StoreCopy.Summary
        do {
            summary = try StoreCopy().copy(from: source, to: destination) { _, outcome in
                if quiet { return }
                if case .alreadyImported = outcome { return }
                StandardError.line("  \(TerminalText.escaped(outcome.description))")
            }
        } catch { throw CommandFailure.database(error) }
        if !quiet {
            let c = summary.counts
            StandardError.line("callscope: \(summary.calls) calls over \(summary.days) days: \(c.inserted) new, \(c.updated) updated, \(c.unchanged) unchanged (\(summary.alreadyCopied) days already copied)")
        }
    }
}

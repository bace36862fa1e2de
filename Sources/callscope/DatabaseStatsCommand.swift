import ArgumentParser
import CallStore
import Reports

/// `callscope db stats`: what the database holds.
struct DatabaseStatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Counts per format and source, the date range, and the last imports.")

    @OptionGroup var location: DatabaseLocation

    func run() throws {
        let database = try location.openForReading()
        let stats: StoreStats
        do { stats = try database.stats(lastImports: 10) } catch { throw CommandFailure.database(error) }
        var out = "database \(TerminalText.escaped(stats.path)) (schema v\(stats.schemaVersion))\n"
        out += "\(stats.calls) calls, \(stats.legs) legs, from \(stats.firstStart?.iso8601 ?? "-") to \(stats.lastStart?.iso8601 ?? "-"), \(stats.files) files imported\n\n"
        out += "format / source calls\n"
        // File names and sources come from input: shown through TerminalText like every table.
        for entry in stats.bySource { out += "  \(TerminalText.escaped(entry.format))  \(TerminalText.escaped(entry.source))  \(entry.calls)\n" }
        out += "\nlast imports\n"
        for entry in stats.lastImports {
            out += "  \(entry.importedAt.iso8601)  \(TerminalText.escaped(entry.file.path))  \(entry.rows) rows (\(entry.badRows) bad), \(entry.calls) calls: \(entry.counts.inserted) new, \(entry.counts.updated) updated, \(entry.counts.unchanged) unchanged\n"
        }
        Output.write(out)
    }
}

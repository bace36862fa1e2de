import ArgumentParser
import CDRImport
import CallModel
import CallStore
import Foundation

/// `callscope db prune`: deletes old calls, keeping the file ledger.
struct DatabasePruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete the calls that started before a date (the file ledger is kept, so old files are not re-imported).")

    @OptionGroup var location: DatabaseLocation

    @Option(help: ArgumentHelp("Delete calls starting before this date or time (YYYY-MM-DD or YYYY-MM-DDTHH:MM, in --timezone).", valueName: "date"))
    var before: String

    @Option(help: ArgumentHelp("Time zone of --before (default: the site profile's timezone, else the machine's).", valueName: "zone"))
    var timezone: String?

    func validate() throws {
        _ = try cutoff()
    }

    func cutoff() throws -> Timestamp {
        if let timezone, case .failure(let error) = TimeZoneName.parse(timezone) { throw ValidationError(error.description) }
        let zone = (try? location.settings(timezone: timezone))?.timeZone ?? timezone.flatMap(LocalTimeConverter.zone(named:)) ?? .current
        return try PeriodOptions.instant(before, option: "--before", timeZone: zone)
    }

    func run() throws {
        if location.clickhouse != nil { throw ValidationError("db prune works on the SQLite database; on ClickHouse drop old partitions (docs/clickhouse.md).") }
        _ = try location.settings()  // a bad profile is a configuration error, not a silent default
        let cutoff = try cutoff()
        let database = try location.open(writing: true)
        let deleted: Int
        do { deleted = try database.prune(before: cutoff) } catch { throw CommandFailure.database(error) }
        Output.write("deleted \(deleted) calls that started before \(cutoff.iso8601)\n")
    }
}

import ArgumentParser
import CallStore
import Foundation
import SiteConfiguration

/// `callscope db`: looking after the database; `db stats` and `db prune` in files of their own.
struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Look after the callscope database.",
        subcommands: [DatabaseStatsCommand.self, DatabasePruneCommand.self, DatabaseCopyCommand.self]
    )
}

/// `--db` and `--config`: which database the `db` subcommands look after.
struct DatabaseLocation: ParsableArguments {
    @Option(help: ArgumentHelp("The database. Default: the site profile's database, else $CALLSCOPE_DB, else ./callscope.sqlite.", valueName: "path"))
    var db: String?

    @Option(help: ArgumentHelp("A ClickHouse store instead of --db (docs/clickhouse.md); db stats and db copy only.", valueName: "http://host:8123/?database=NAME"))
    var clickhouse: String?

    @Option(help: ArgumentHelp("The site profile (YAML, README \"Site profile\"). Default: $CALLSCOPE_CONFIG, else ./callscope.yaml when it exists.", valueName: "file"))
    var config: String?

    /// The effective settings: `--db` (and `timezone`, when given) over the site profile.
    func settings(timezone: String? = nil) throws -> SiteSettings {
        SiteSettings(profile: try SiteSettings.loadProfile(option: config), timezone: timezone, db: db)
    }

    /// The store to read (`db stats`): ClickHouse with `--clickhouse`, else the SQLite database, which must exist.
    func openForReading() throws -> any CallStoring {
        if let clickhouse { return try StoreOpening.forReading(clickhouse: clickhouse, path: "") }
        return try open()
    }

    /// Opens the database, which must exist (`import` creates it); read-only unless `writing`.
    func open(writing: Bool = false) throws -> CallDatabase {
        let path = try settings().storeDatabase.value
        guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("No database at '\(path)': create it with 'callscope import FILES'.") }
        do { return writing ? try CallDatabase(path: path) : try CallDatabase.opened(forReading: path) } catch { throw CommandFailure.database(error) }
    }
}

import ArgumentParser
import CallStore
import Foundation

/// `callscope db`: looking after the database; `db stats` and `db prune` in files of their own.
struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Look after the callscope database.",
        subcommands: [DatabaseStatsCommand.self, DatabasePruneCommand.self]
    )
}

/// `--db`: which database the `db` subcommands look after.
struct DatabaseLocation: ParsableArguments {
    @Option(help: ArgumentHelp("The database. Default: $CALLSCOPE_DB, else ./callscope.sqlite.", valueName: "path"))
    var db: String?

    /// Opens the database, which must exist (`import` creates it); read-only unless `writing`.
    func open(writing: Bool = false) throws -> CallDatabase {
        let path = db ?? CallDatabase.defaultPath()
        guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("No database at '\(path)': create it with 'callscope import FILES'.") }
        do { return writing ? try CallDatabase(path: path) : try CallDatabase.opened(forReading: path) } catch { throw CommandFailure.database(error) }
    }
}

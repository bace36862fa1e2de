import ArgumentParser
import CDRImport
import CallModel
import CallStore
import Foundation
import Reports

/// `callscope import`: stores the calls of captures and CDR files in the database, once.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Store the calls of captures and CDR files in the callscope database.",
        discussion: """
            Idempotent: a file already imported with the same content is skipped and says so; \
            calls already stored (same natural key) are stored once, updated when a later file \
            has them complete. Each file is imported in one transaction (WAL mode): an import \
            killed half-way leaves the database as before that file, and a re-run completes it. \
            A second import at the same time waits up to 10 s, then stops with a message. \
            Schema: docs/store.md.
            """
    )

    @OptionGroup var input: InputOptions

    func validate() throws {
        if input.inputs.isEmpty { throw ValidationError("Give the files to import.") }
        if input.inputs.contains("-") { throw ValidationError("import reads files (their content is hashed for the ledger): save standard input to a file first.") }
    }

    func run() throws {
        let path = input.db ?? CallDatabase.defaultPath()
        let database: CallDatabase
        do { database = try CallDatabase(path: path) } catch { throw DatabaseFailure(message: error.description) }
        let files = input.expandedInputs()
        let names = files.map { String($0.split(separator: "/").last ?? Substring($0)) }
        if let duplicate = Dictionary(grouping: names, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw ValidationError("Two inputs are named '\(duplicate)': calls are tied to files by name, so import them in separate runs.")
        }
        // Hash before parsing: a file that grows meanwhile is recorded with its older content
        // and imported again next time (natural keys keep that free of duplicates).
        var identities: [String: FileIdentity] = [:]
        for file in files where FileManager.default.fileExists(atPath: file) {
            identities[file] = try? FileIdentity.of(path: file)
        }
        let (collected, finish) = try input.collect(readDatabase: false)
        let callsBySource = Dictionary(grouping: collected.calls, by: \.source)
        var failed = false
        for (file, name) in zip(files, names) where !collected.unreadable.contains(file) && !collected.skipped.contains(file) {
            do {
                let identity: FileIdentity
                if let known = identities[file] { identity = known } else { identity = try FileIdentity.of(path: file) }
                let calls = callsBySource[name] ?? []
                let rows = collected.rowsByInput[file] ?? (calls.reduce(0) { $0 + $1.packets }, 0)
                let outcome = try database.importFile(identity, calls: calls, rows: rows.rows, badRows: rows.badRows)
                if !input.quiet { StandardError.line("callscope: \(outcome)") }
            } catch {
                failed = true
                StandardError.line("callscope: \(file): \(error.description)")
            }
        }
        if !input.quiet { StandardError.line("callscope: database \(path)") }
        try finish()
        if failed { throw ExitCode(1) }
    }
}

/// `callscope db stats` and `callscope db prune`.
struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Look after the callscope database.",
        subcommands: [Stats.self, Prune.self]
    )

    struct Location: ParsableArguments {
        @Option(help: ArgumentHelp("The database. Default: $CALLSCOPE_DB, else ./callscope.sqlite.", valueName: "path"))
        var db: String?

        func open() throws -> CallDatabase {
            let path = db ?? CallDatabase.defaultPath()
            guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("No database at '\(path)': create it with 'callscope import FILES'.") }
            do { return try CallDatabase(path: path) } catch { throw DatabaseFailure(message: error.description) }
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Counts per format and source, the date range, and the last imports.")
        @OptionGroup var location: Location

        func run() throws {
            let database = try location.open()
            let stats: StoreStats
            do { stats = try database.stats() } catch { throw DatabaseFailure(message: error.description) }
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

    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete the calls that started before a date (the file ledger is kept, so old files are not re-imported).")
        @OptionGroup var location: Location

        @Option(help: ArgumentHelp("Delete calls starting before this date or time (YYYY-MM-DD or YYYY-MM-DDTHH:MM, in --timezone).", valueName: "date"))
        var before: String

        @Option(help: ArgumentHelp("Time zone of --before (default the machine's).", valueName: "zone"))
        var timezone: String?

        func run() throws {
            let zone = timezone.flatMap(LocalTimeConverter.zone(named:)) ?? .current
            let cutoff = try MetricsOptionsGroup.localTime(before, option: "--before", timeZone: zone)
            let database = try location.open()
            let deleted: Int
            do { deleted = try database.prune(before: cutoff) } catch { throw DatabaseFailure(message: error.description) }
            Output.write("deleted \(deleted) calls that started before \(cutoff.iso8601)\n")
        }
    }
}

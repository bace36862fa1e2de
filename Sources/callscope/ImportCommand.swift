import ArgumentParser
import CallIngest
import CallStore
import Foundation

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
        if let clickhouse = input.clickhouse { return try run(clickhouse: clickhouse) }
        let site = try input.settings()
        let path = site.storeDatabase.value
        // An existing database is checked before the inputs are read; a new one is created
        // only once some input could be read (a mistyped file name leaves no empty database).
        let existing = FileManager.default.fileExists(atPath: path)
        let database: CallDatabase?
        do {
            if existing { database = try CallDatabase(path: path) } else { try CallDatabase.checkCreatable(path); database = nil }
        } catch { throw CommandFailure.database(error) }
        var batch = ImportBatch(files: InputDiscovery.expand(input.inputs, recordings: false))
        if let duplicate = ImportBatch.duplicateName(in: batch.files) {
            throw ValidationError("Two inputs are named '\(duplicate)': calls are tied to files by name, so import them in separate runs.")
        }
        batch.hashFiles()
        let (collected, finish) = try input.collect(site: site, readDatabase: false)
        let skipping = collected.unreadable.union(collected.skipped)
        guard let database = try database ?? openNew(path, creating: batch.files.contains { !skipping.contains($0) }) else {
            try finish()
            throw ExitCode(1)
        }
        try store(batch, collected: collected, skipping: skipping, finish: finish, into: database)
    }

    /// `import --clickhouse`: the server is reached (and the schema made) before the inputs are read.
    private func run(clickhouse: String) throws {
        let site = try input.settings()
        let store = try StoreOpening.forWriting(clickhouse: clickhouse, path: "")
        var batch = ImportBatch(files: InputDiscovery.expand(input.inputs, recordings: false))
        if let duplicate = ImportBatch.duplicateName(in: batch.files) {
            throw ValidationError("Two inputs are named '\(duplicate)': calls are tied to files by name, so import them in separate runs.")
        }
        batch.hashFiles()
        let (collected, finish) = try input.collect(site: site, readDatabase: false)
        try self.store(batch, collected: collected, skipping: collected.unreadable.union(collected.skipped), finish: finish, into: store)
    }

    /// Stores each file's calls, printing each outcome, then the summary; exit status 1 when a file was not stored.
    private func store(_ batch: ImportBatch, collected: CollectedCalls, skipping: Set<String>, finish: () throws -> Void, into store: any CallStoring) throws {
        let stored = batch.store(calls: collected.calls, rows: collected.rowsByInput, skipping: skipping, in: store) { file, result in
            switch result {
            case .success(let outcome): if !input.quiet { StandardError.line("callscope: \(outcome)") }
            case .failure(let error): StandardError.line("callscope: \(file): \(error.description)")
            }
        }
        if !input.quiet { StandardError.line("callscope: database \(store.location)") }
        try finish()
        if !stored { throw ExitCode(1) }
    }

    /// The new database at `path`, or nil (nothing created) when no input could be read.
    private func openNew(_ path: String, creating: Bool) throws -> CallDatabase? {
        guard creating else { return nil }
        do { return try CallDatabase(path: path) } catch { throw CommandFailure.database(error) }
    }
}

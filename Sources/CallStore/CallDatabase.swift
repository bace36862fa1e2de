import CallModel
import Foundation
import GRDB

/// A callscope database: calls, their legs and the ledger of imported files in one SQLite file.
///
/// Owns a GRDB `DatabasePool` in WAL mode, so reports read a consistent snapshot while an import
/// writes. Every file is imported in one `BEGIN IMMEDIATE` transaction: a process killed half-way
/// leaves the database as it was before that file, and a re-run imports it. Another process that
/// imports at the same time waits for the write lock up to `busyTimeout` seconds, then fails with
/// "database is locked by another import". The schema is documented in docs/store.md.
///
/// ```swift
/// let db = try CallDatabase(path: CallDatabase.defaultPath())
/// let outcome = try db.importFile(try FileIdentity.of(path: "Master.csv"), calls: calls, rows: 120, badRows: 0)
/// print(outcome)                      // Master.csv: 118 calls, 118 new, 0 updated, 0 unchanged
/// let week = try db.calls(from: monday, to: nextMonday)
/// ```
public final class CallDatabase: @unchecked Sendable {
    /// The database file as given.
    public let path: String
    /// Seconds a writer waits for another process's transaction before failing.
    public let busyTimeout: Double
    let pool: DatabasePool

    /// `CALLSCOPE_DB` when set and not empty, else `./callscope.sqlite`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment["CALLSCOPE_DB"], !path.isEmpty { return path }
        return "callscope.sqlite"
    }

    /// Opens (creating when missing) the database at `path` and migrates it to the current schema.
    ///
    /// - Throws: `StoreError` when the file is not a callscope database, was written by a newer
    ///   callscope, cannot be opened, or another process holds the write lock past `busyTimeout`.
    public convenience init(path: String, busyTimeout: Double = 10) throws(StoreError) {
        try self.init(path: path, busyTimeout: busyTimeout, migrateUpTo: nil)
    }

    /// Opens the database, migrating only up to `migrateUpTo` (tests build old-schema files with it).
    init(path: String, busyTimeout: Double, migrateUpTo: String?) throws(StoreError) {
        self.path = path
        self.busyTimeout = busyTimeout
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "callscope"
        configuration.prepareDatabase { db in
            // Bulk imports touch indexes at random: a bigger page cache keeps them in memory.
            try db.execute(sql: "PRAGMA cache_size = -131072; PRAGMA journal_size_limit = 67108864")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StoreError.wrapping(error, path: path, busyTimeout: busyTimeout, doing: "cannot open")
        }
        try check()
        let migrator = CallSchema.migrator()
        do {
            // A current database needs no write lock to open: an import running elsewhere does not block reports.
            if migrateUpTo == nil, try pool.read(migrator.hasCompletedMigrations) { return }
            if let migrateUpTo {
                try migrator.migrate(pool, upTo: migrateUpTo)
            } else {
                try migrator.migrate(pool)
            }
        } catch {
            throw StoreError.wrapping(error, path: path, busyTimeout: busyTimeout, doing: "cannot migrate the schema")
        }
    }

    /// Refuses files that another application made, and databases from a newer callscope.
    private func check() throws(StoreError) {
        let (applicationID, userVersion, tables, superseded) = try read("cannot open") { db in
            let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
            let userVersion = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
            let superseded = try db.tableExists("grdb_migrations") && CallSchema.migrator().hasBeenSuperseded(db)
            return (applicationID, userVersion, tables, superseded)
        }
        if tables > 0 && applicationID != CallSchema.applicationID { throw .notCallscope(path) }
        if userVersion > CallSchema.currentVersion || superseded {
            throw .newerSchema(path, version: max(userVersion, CallSchema.currentVersion + 1))
        }
    }

    /// The schema version of the open database (`PRAGMA user_version`).
    public func schemaVersion() throws(StoreError) -> Int {
        try read("cannot read the schema version") { db in try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 }
    }

    // MARK: - Error mapping

    func read<T>(_ action: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw StoreError.wrapping(error, path: path, busyTimeout: busyTimeout, doing: action)
        }
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction: the write lock is taken (or waited for)
    /// before anything is read, so the ledger check and the writes see the same state.
    func writeTransaction<T>(_ action: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                guard let result else { throw StoreError(.sqlite, "\(path): \(action): transaction produced no result") }
                return result
            }
        } catch {
            throw StoreError.wrapping(error, path: path, busyTimeout: busyTimeout, doing: action)
        }
    }
}

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
    /// How the file was opened.
    public let accessMode: Access
    /// A `DatabasePool` (WAL, readers beside a writer), or a `DatabaseQueue` on an immutable
    /// file in a read-only directory.
    let pool: any DatabaseWriter

    /// How a command uses the database.
    public enum Access: Sendable, Hashable {
        /// `import`, `db prune`: created when missing, migrated, written.
        case readWrite
        /// Reports: opened read-only (`SQLITE_OPEN_READONLY`), so a file the user may only read
        /// is enough. In a directory that cannot be written (a read-only share or mount) the
        /// file is opened `immutable=1`: WAL mode needs a `-shm` file beside the database, which
        /// cannot be created there, and SQLite refuses a read-only WAL open without one
        /// (sqlite.org/wal.html "Read-Only Databases"). Immutable means SQLite takes no locks
        /// and reads no `-wal`: right for a share nobody writes through while it is read.
        case readOnly
    }

    /// `CALLSCOPE_DB` when set and not empty, else `./callscope.sqlite`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment["CALLSCOPE_DB"], !path.isEmpty { return path }
        return "callscope.sqlite"
    }

    /// Opens the database at `path`: read-write (creating when missing and migrating to the
    /// current schema) or read-only (it must exist, with the current schema; ``opened(forReading:)``
    /// migrates an old one first when it can).
    ///
    /// - Throws: `StoreError` when the file is not a callscope database, was written by a newer
    ///   callscope, cannot be opened, its directory cannot be written (read-write), or another
    ///   process holds the write lock past `busyTimeout`.
    public convenience init(path: String, busyTimeout: Double = 10, access: Access = .readWrite) throws(StoreError) {
        try self.init(path: path, busyTimeout: busyTimeout, migrateUpTo: nil, access: access)
    }

    /// Opens an existing database for a command that only reads it: read-only, unless its schema
    /// is older than this callscope's and its directory can be written, where it is migrated
    /// first (as before read-only opens, a report upgrades an old database).
    public static func opened(forReading path: String, busyTimeout: Double = 10) throws(StoreError) -> CallDatabase {
        do {
            return try CallDatabase(path: path, busyTimeout: busyTimeout, access: .readOnly)
        } catch where error.kind == .needsMigration && isDirectoryWritable(of: path) {
            return try CallDatabase(path: path, busyTimeout: busyTimeout, access: .readWrite)
        }
    }

    /// Opens the database, migrating only up to `migrateUpTo` (tests build old-schema files with it).
    init(path: String, busyTimeout: Double, migrateUpTo: String?, access: Access = .readWrite) throws(StoreError) {
        self.path = path
        self.busyTimeout = busyTimeout
        self.accessMode = access
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "callscope"
        configuration.readonly = access == .readOnly
        configuration.prepareDatabase { db in
            // Bulk imports touch indexes at random: a bigger page cache keeps them in memory.
            try db.execute(sql: "PRAGMA cache_size = -131072")
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA journal_size_limit = 67108864") }
        }
        let writable = Self.isDirectoryWritable(of: path)
        if access == .readWrite && !writable {
            throw .readOnlyDirectory(path)
        }
        do {
            if access == .readOnly && !writable {
                pool = try DatabaseQueue(path: Self.immutableURI(path), configuration: configuration)
            } else {
                pool = try DatabasePool(path: path, configuration: configuration)
            }
        } catch {
            throw StoreError.wrapping(error, path: path, busyTimeout: busyTimeout, doing: "cannot open")
        }
        try check()
        let migrator = CallSchema.migrator()
        do {
            // A current database needs no write lock to open: an import running elsewhere does not block reports.
            if migrateUpTo == nil, try pool.read(migrator.hasCompletedMigrations) { return }
        } catch {
            throw StoreError.wrapping(error, path: path, busyTimeout: busyTimeout, doing: "cannot read the schema")
        }
        if access == .readOnly { throw .needsMigration(path) }
        do {
            if let migrateUpTo {
                try migrator.migrate(pool, upTo: migrateUpTo)
            } else {
                try migrator.migrate(pool)
            }
        } catch {
            throw StoreError.wrapping(error, path: path, busyTimeout: busyTimeout, doing: "cannot migrate the schema")
        }
    }

    /// Throws what opening `path` read-write would for its directory (read-only), without
    /// creating anything: `import` checks this before reading its inputs.
    public static func checkCreatable(_ path: String) throws(StoreError) {
        if !isDirectoryWritable(of: path) { throw .readOnlyDirectory(path) }
    }

    /// Whether the directory holding `path` can be written (where SQLite creates the `-wal`,
    /// `-shm` and journal files). `access(2)`: false on a read-only mount even for root.
    static func isDirectoryWritable(of path: String) -> Bool {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return access(directory.isEmpty ? "." : directory, W_OK) == 0
    }

    /// `file:PATH?immutable=1` with the path percent-encoded as SQLite URIs need
    /// (sqlite.org/uri.html; the system SQLite is built with SQLITE_USE_URI).
    static func immutableURI(_ path: String) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        let encoded = absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute
        return "file:\(encoded)?immutable=1"
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

import ArgumentParser
import CallStore
import ClickHouseStore

/// The one place that picks the store a command uses: a ClickHouse server (`--clickhouse URL`,
/// docs/clickhouse.md) or the SQLite database (`--db`, docs/store.md). Commands get an
/// `any CallStoring` and do not know which.
enum StoreOpening {
    /// The ClickHouse endpoint of `--clickhouse`, or a usage error naming what is wrong (never the URL: it may hold a password).
    static func endpoint(_ url: String) throws -> ClickHouseEndpoint {
        do { return try ClickHouseEndpoint(parsing: url) } catch { throw ValidationError("--clickhouse: \(error.description)") }
    }

    /// The store `import` writes: ClickHouse when `clickhouse` is given (the database and tables
    /// are created when missing), else the SQLite file at `path`.
    static func forWriting(clickhouse: String?, path: String) throws -> any CallStoring {
        do {
            if let clickhouse { return try ClickHouseStore(endpoint: try endpoint(clickhouse), creating: true) }
            return try CallDatabase(path: path)
        } catch let error as StoreError { throw CommandFailure.database(error) }
    }

    /// The store a reading command reads, which must exist: ClickHouse when `clickhouse` is given, else the SQLite file at `path`.
    static func forReading(clickhouse: String?, path: String) throws -> any CallStoring {
        do {
            if let clickhouse { return try ClickHouseStore(endpoint: try endpoint(clickhouse), creating: false) }
            return try CallDatabase.opened(forReading: path)
        } catch let error as StoreError { throw CommandFailure.database(error) }
    }
}

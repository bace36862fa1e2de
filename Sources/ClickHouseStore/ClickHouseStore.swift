import CallModel
import CallStore
import Foundation

/// The call store in ClickHouse (docs/clickhouse.md): the same calls, legs, SIP message summaries and ledger as the
/// SQLite ``CallDatabase`` and the same rules (one call per natural key, a file in the ledger
/// imported once, a truncated copy never replacing a complete call), over the HTTP interface.
///
/// Calls are in a `ReplacingMergeTree` sorted by UTC day and natural key: an import inserts the
/// new and changed calls with a version above the stored one, and reads use `FINAL`, so a call
/// imported twice, or an insert repeated after a lost answer, is read once.
///
/// ```swift
/// let store = try ClickHouseStore(endpoint: ClickHouseEndpoint(parsing: "http://127.0.0.1:8123/?database=calls"))
/// print(try store.importFile(try FileIdentity.of(path: "Master.csv"), calls: calls, rows: 120, badRows: 0))
/// let week = try store.calls(from: monday, to: nextMonday, legs: true)
/// ```
public final class ClickHouseStore: CallStoring {
    public let endpoint: ClickHouseEndpoint
    /// `SELECT version()` of the server, e.g. `18.16.1`.
    public let serverVersion: String
    let client: ClickHouseClient
    /// Rows per INSERT: each is one block, written whole or not at all.
    let insertBatch = 100_000

    public var location: String { endpoint.description }

    /// Connects, creates the database and tables when missing and applies the migrations this
    /// callscope knows; refuses a database migrated by a newer callscope.
    /// - Parameter creating: false for reading commands: a missing database is an error, not created.
    public init(endpoint: ClickHouseEndpoint, creating: Bool = true) throws(StoreError) {
        self.endpoint = endpoint
        client = ClickHouseClient(endpoint: endpoint)
        // Every server answers a trivial query within seconds, or the store is not opened: a
        // server or shard that is down is named now, not after the long deadline of an import.
        let local = endpoint.cluster == nil ? "" : "_local"
        let servers = endpoint.cluster == nil ? [endpoint] : endpoint.shards.map(endpoint.server)
        for server in servers + (endpoint.cluster != nil && !endpoint.shards.contains(endpoint.base) ? [endpoint] : []) {
            var probe = ClickHouseClient(endpoint: server)
            probe.timeout = .seconds(5)
            probe.retries = 1
            _ = try probe.query("SELECT 1", database: false)
        }
        serverVersion = String(decoding: try client.query("SELECT version()", database: false), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        // One server: its tables. A cluster: the local tables on every shard, then the
        // Distributed tables on every shard and on the server of the URL.
        for server in servers {
            try Self.migrate(ClickHouseClient(endpoint: server), local: local, creating: creating)
        }
        if let cluster = endpoint.cluster {
            for server in servers + (endpoint.shards.contains(endpoint.base) ? [] : [endpoint]) {
                let shard = ClickHouseClient(endpoint: server)
                if !(try Self.databaseExists(shard)) { _ = try shard.query("CREATE DATABASE IF NOT EXISTS \(endpoint.database)", database: false) }
                for statement in ClickHouseSchema.distributed(cluster: cluster, database: endpoint.database) { _ = try shard.query(statement) }
            }
        }
    }

    /// Creates the database when missing (`creating`), refuses a newer schema, applies the missing migrations.
    private static func migrate(_ client: ClickHouseClient, local: String, creating: Bool) throws(StoreError) {
        let endpoint = client.endpoint
        if !(try databaseExists(client)) {
            guard creating else { throw StoreError.server("\(endpoint): no database '\(endpoint.database)': create it with 'callscope import FILES --clickhouse URL'") }
            _ = try client.query("CREATE DATABASE IF NOT EXISTS \(endpoint.database)", database: false)
        }
        _ = try client.query(ClickHouseSchema.versionTable)
        let version = try schemaVersion(client)
        if version > ClickHouseSchema.currentVersion {
            throw StoreError.server("\(endpoint): created by a newer callscope (schema v\(version)); this callscope knows up to v\(ClickHouseSchema.currentVersion)")
        }
        for (index, statements) in ClickHouseSchema.migrations(local: local).enumerated() where index + 1 > version {
            for statement in statements { _ = try client.query(statement) }
            _ = try client.query("INSERT INTO callscope_schema VALUES (\(index + 1), \(now().nanoseconds))")
        }
    }

    private static func databaseExists(_ client: ClickHouseClient) throws(StoreError) -> Bool {
        let count = try client.query("SELECT count() FROM system.databases WHERE name = '\(client.endpoint.database)'", database: false)
        return String(decoding: count, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) != "0"
    }

    private static func schemaVersion(_ client: ClickHouseClient) throws(StoreError) -> Int {
        Int(String(decoding: try client.query("SELECT max(version) FROM callscope_schema"), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// The highest migration applied (0 for a new database).
    public func schemaVersion() throws(StoreError) -> Int {
        try Self.schemaVersion(ClickHouseClient(endpoint: endpoint.shards.first.map(endpoint.server) ?? endpoint))
    }

    // MARK: - Import

    /// What is stored under a natural key, as far as the update rule needs it.
    struct Stored {
        var version: UInt64
        var hash: Int64
        var truncated: Bool
        var hasQueue: Bool
    }

    public func importFile(_ file: FileIdentity, calls: [Call], rows: Int, badRows: Int) throws(StoreError) -> ImportOutcome {
        let previous = try ledgerEntry(file)
        var stored = try storedVersions(of: calls)
        let now = UInt64(max(0, Self.now().nanoseconds))
        var counts = ImportCounts()
        // The version each changed key is written with; the last one of a key wins within a file.
        var writes: [String: (call: Call, hash: Int64, media: String?, version: UInt64)] = [:]
        var order: [String] = []
        for call in calls {
            let key = CallRow.naturalKey(call)
            let media = MediaJSON.encode(call.media)
            let hash = ContentHash.of(call, media: media)
            if let old = stored[key] {
                if old.hash == hash || (!old.truncated && call.truncated) { counts.unchanged += 1; continue }
                if previous != nil {
                    let completes = old.truncated && !call.truncated
                    let enriches = !old.hasQueue && call.queue != nil
                    guard completes || enriches else { counts.unchanged += 1; continue }
                }
                counts.updated += 1
            } else {
                counts.inserted += 1
            }
            let version = max(now, (stored[key]?.version ?? 0) + 1)
            stored[key] = Stored(version: version, hash: hash, truncated: call.truncated, hasQueue: call.queue != nil)
            if writes[key] == nil { order.append(key) }
            writes[key] = (call, hash, media, version)
        }
        // Legs and messages first, then calls, then the ledger: a run stopped half-way leaves no
        // call without its legs, and no ledger row for a file whose calls are not all stored.
        func insertChildren(into table: String, _ append: (Call, String, UInt64, inout [UInt8]) -> Void, count: (Call) -> Int) throws(StoreError) {
            var rows: [UInt8] = []
            var pending = 0
            for key in order {
                guard let write = writes[key] else { continue }
                append(write.call, key, write.version, &rows)
                pending += count(write.call)
                if pending >= insertBatch { try client.insert(into: table, rows: rows); rows.removeAll(keepingCapacity: true); pending = 0 }
            }
            if !rows.isEmpty { try client.insert(into: table, rows: rows) }
        }
        try insertChildren(into: "legs", { ClickHouseRows.appendLegs($0, key: $1, version: $2, to: &$3) }, count: \.legs.count)
        try insertChildren(into: "messages", { ClickHouseRows.appendMessages($0, key: $1, version: $2, to: &$3) }, count: \.messages.count)
        var callRows: [UInt8] = []
        var callCount = 0
        let name = file.path
        for key in order {
            guard let write = writes[key] else { continue }
            ClickHouseRows.appendCall(write.call, key: key, version: write.version, hash: write.hash, media: write.media, file: name, to: &callRows)
            callCount += 1
            if callCount >= insertBatch { try client.insert(into: "calls", rows: callRows); callRows.removeAll(keepingCapacity: true); callCount = 0 }
        }
        if !callRows.isEmpty { try client.insert(into: "calls", rows: callRows) }

        if let previous {
            guard counts.inserted > 0 || counts.updated > 0 else { return .alreadyImported(file: file, importedAt: previous.entry.importedAt) }
            var entry = previous.entry
            entry.counts.inserted += counts.inserted
            entry.counts.updated += counts.updated
            try writeLedger(entry, version: max(now, previous.version + 1))
            return .completed(file: file, importedAt: previous.entry.importedAt, counts: counts)
        }
        let entry = LedgerEntry(file: file, rows: rows, calls: calls.count, badRows: badRows, counts: counts, importedAt: Timestamp(nanoseconds: Int64(now)))
        try writeLedger(entry, version: now)
        return .imported(file: file, counts: counts)
    }

    /// The ledger row of `file` (same path and content), if any, with its version.
    private func ledgerEntry(_ file: FileIdentity) throws(StoreError) -> (entry: LedgerEntry, version: UInt64)? {
        let sql = "SELECT \(Self.ledgerColumns), version FROM files FINAL WHERE path = \(Self.literal(file.path)) AND sha256 = \(Self.literal(file.sha256)) FORMAT TabSeparated"
        var rows = TabSeparatedRows(try client.query(sql))
        guard let fields = rows.next() else { return nil }
        let row = TabSeparatedRow(fields: fields)
        return (Self.ledgerEntry(from: row), row.uint64(10))
    }

    static let ledgerColumns = "path, size, sha256, rows, calls, bad_rows, inserted, updated, unchanged, imported_at_ns"

    static func ledgerEntry(from r: TabSeparatedRow) -> LedgerEntry {
        LedgerEntry(file: FileIdentity(path: r.string(0), size: r.int64(1), sha256: r.string(2)), rows: r.int(3), calls: r.int(4), badRows: r.int(5),
                    counts: ImportCounts(inserted: r.int(6), updated: r.int(7), unchanged: r.int(8)), importedAt: Timestamp(nanoseconds: r.int64(9)))
    }

    /// What is stored of the keys of `calls`. A few keys (a live run's call) are matched as a
    /// literal list; many go to a temporary `Memory` table on the server of the URL and the
    /// stored calls of the same days are matched against it there (`GLOBAL IN`, which a cluster
    /// sends to every shard). Either way only the calls already stored come back.
    /// - Complexity: one scan of the days the calls start on; the answer is O(stored keys).
    private func storedVersions(of calls: [Call]) throws(StoreError) -> [String: Stored] {
        guard let first = calls.first else { return [:] }
        var low = first.start.nanoseconds
        var high = low
        for call in calls { low = min(low, call.start.nanoseconds); high = max(high, call.start.nanoseconds) }
        var staging: String?
        let keys: String
        if calls.count <= Self.literalKeys {
            keys = calls.map { Self.literal(CallRow.naturalKey($0)) }.joined(separator: ", ")
        } else {
            var rows: [UInt8] = []
            for call in calls {
                var o = JSONObject()
                o.add("natural_key", CallRow.naturalKey(call))
                o.finish(into: &rows)
            }
            let table = "import_keys_\(UInt64.random(in: 0...UInt64.max))"
            _ = try client.query("CREATE TABLE \(table) (natural_key String) ENGINE = Memory")
            staging = table
            try client.insert(into: table, rows: rows, distributed: false)
            keys = "SELECT natural_key FROM \(table)"
        }
        defer { if let staging { _ = try? client.query("DROP TABLE IF EXISTS \(staging)") } }
        let sql = """
            SELECT natural_key, version, content_hash, truncated, queue IS NOT NULL FROM calls FINAL
            WHERE \(ClickHouseSchema.day) >= \(Self.floorDay(low)) AND \(ClickHouseSchema.day) <= \(Self.floorDay(high))
              AND natural_key \(staging == nil ? "IN" : "GLOBAL IN") (\(keys))
            FORMAT TabSeparated
            """
        var stored: [String: Stored] = [:]
        for fields in TabSeparatedRows(try client.query(sql)) {
            let row = TabSeparatedRow(fields: fields)
            stored[row.string(0)] = Stored(version: row.uint64(1), hash: row.int64(2), truncated: row.bool(3), hasQueue: row.bool(4))
        }
        return stored
    }

    /// Up to this many keys are looked up as a literal list rather than through a staging table.
    static let literalKeys = 1_000

    /// A ClickHouse string literal: quotes and backslashes escaped.
    static func literal(_ s: String) -> String {
        var out = "'"
        for scalar in s.unicodeScalars {
            switch scalar {
            case "'": out += "\\'"
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\0": out += "\\0"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "'"
    }

    func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func writeLedger(_ entry: LedgerEntry, version: UInt64) throws(StoreError) {
        var o = JSONObject()
        o.add("path", entry.file.path); o.add("sha256", entry.file.sha256); o.add("size", entry.file.size)
        o.add("rows", Int64(entry.rows)); o.add("bad_rows", Int64(entry.badRows)); o.add("calls", Int64(entry.calls))
        o.add("inserted", Int64(entry.counts.inserted)); o.add("updated", Int64(entry.counts.updated)); o.add("unchanged", Int64(entry.counts.unchanged))
        o.add("imported_at_ns", entry.importedAt.nanoseconds); o.add("version", version)
        var bytes: [UInt8] = []
        o.finish(into: &bytes)
        try client.insert(into: "files", rows: bytes)
    }
}

extension ClickHouseStore {
    /// The wall clock, as the SQLite store reads it for the ledger.
    static func now() -> Timestamp { Timestamp(nanoseconds: Int64(Date().timeIntervalSince1970 * 1e9)) }
}

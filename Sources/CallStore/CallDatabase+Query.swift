import CallModel
import Foundation
import GRDB

extension CallDatabase {
    /// Stored calls with `from <= start < to` (either bound may be nil), legs included, ordered by
    /// start (then by storage order). Uses the `calls_on_start` index.
    ///
    /// Reads one snapshot: an import committing meanwhile is either wholly seen or not at all.
    /// - Complexity: O(log N + k) for k calls in the range.
    ///
    /// - Parameter legs: false skips the legs (reports that only need the calls read faster).
    /// - Parameter messages: true reads each call's SIP messages too (`calls --format json`, the ladder).
    public func calls(from: Timestamp?, to: Timestamp?, legs: Bool = true, messages: Bool = false) throws(StoreError) -> [Call] {
        let lower = from?.nanoseconds ?? .min
        let upper = to?.nanoseconds
        let (rangeSQL, arguments): (String, StatementArguments) = upper.map { ("c.start_ns >= ? AND c.start_ns < ?", [lower, $0]) }
            ?? ("c.start_ns >= ?", [lower])
        return try read("cannot read calls") { db in
            var calls: [Call] = []
            let callStatement = try db.makeStatement(sql: "SELECT \(CallRow.selectColumns) FROM calls c WHERE \(rangeSQL) ORDER BY c.start_ns, c.id")
            try callStatement.setArguments(arguments)
            var ids: [Int64] = []
            try forEachRow(db, callStatement) { row in
                calls.append(CallRow.call(from: row))
                if legs || messages { ids.append(row.int64(0)) }
            }
            guard !ids.isEmpty else { return calls }
            // Rows of a child table for the same calls in the same order: walk both lists together.
            func attach(_ columns: String, from table: String, as alias: String, _ add: (inout Call, Columns) -> Void) throws {
                let statement = try db.makeStatement(sql: """
                    SELECT \(columns) FROM calls c JOIN \(table) \(alias) ON \(alias).call = c.id
                    WHERE \(rangeSQL) ORDER BY c.start_ns, c.id, \(alias).seq
                    """)
                try statement.setArguments(arguments)
                var position = 0
                try forEachRow(db, statement) { row in
                    let call = row.int64(0)
                    while position < ids.count && ids[position] != call { position += 1 }
                    if position < ids.count { add(&calls[position], row) }
                }
            }
            if messages { try attach(CallRow.selectMessageColumns, from: "messages", as: "m") { $0.messages.append(CallRow.message(from: $1)) } }
            if legs { try attach(CallRow.selectLegColumns, from: "legs", as: "l") { $0.legs.append(CallRow.leg(from: $1)) } }
            return calls
        }
    }

    /// Every stored call, legs included (and SIP messages when `messages`), ordered by start.
    /// - Complexity: O(N).
    public func allCalls(messages: Bool = false) throws(StoreError) -> [Call] {
        try calls(from: nil, to: nil, messages: messages)
    }

    /// Deletes the calls that started before `before`, with their legs; returns how many.
    ///
    /// The ledger keeps its rows, so re-running an old import does not bring pruned calls back
    /// (its file is already imported). The file does not shrink until `VACUUM`.
    public func prune(before: Timestamp) throws(StoreError) -> Int {
        try writeTransaction("cannot prune") { db in
            try db.execute(sql: "DELETE FROM legs WHERE call IN (SELECT id FROM calls WHERE start_ns < ?)", arguments: [before.nanoseconds])
            try db.execute(sql: "DELETE FROM messages WHERE call IN (SELECT id FROM calls WHERE start_ns < ?)", arguments: [before.nanoseconds])
            try db.execute(sql: "DELETE FROM calls WHERE start_ns < ?", arguments: [before.nanoseconds])
            let deleted = db.changesCount
            // Remember the horizon so that later imports do not bring the pruned calls back.
            try db.execute(sql: """
                INSERT INTO meta (key, value) VALUES ('pruned_before_ns', ?)
                ON CONFLICT(key) DO UPDATE SET value = max(value, excluded.value)
                """, arguments: [before.nanoseconds])
            return deleted
        }
    }

    /// Counts per format and source, date range, and the last imports (`callscope db stats`).
    public func stats(lastImports: Int = 10) throws(StoreError) -> StoreStats {
        try read("cannot read statistics") { db in
            let calls = try Int.fetchOne(db, sql: "SELECT count(*) FROM calls") ?? 0
            let legs = try Int.fetchOne(db, sql: "SELECT count(*) FROM legs") ?? 0
            let range = try Row.fetchOne(db, sql: "SELECT min(start_ns), max(start_ns) FROM calls")
            let first = (range?[0] as Int64?).map(Timestamp.init(nanoseconds:))
            let last = (range?[1] as Int64?).map(Timestamp.init(nanoseconds:))
            let sources = try Row.fetchAll(db, sql: "SELECT format, source, count(*) FROM calls GROUP BY format, source ORDER BY format, source")
                .map { StoreStats.SourceCount(format: $0[0], source: $0[1], calls: $0[2]) }
            let files = try Int.fetchOne(db, sql: "SELECT count(*) FROM files") ?? 0
            let imports = try Row.fetchAll(db, sql: """
                SELECT path, size, sha256, rows, calls, bad_rows, inserted, updated, unchanged, imported_at_ns
                FROM files ORDER BY imported_at_ns DESC, id DESC LIMIT ?
                """, arguments: [lastImports]).map { row in
                LedgerEntry(
                    file: FileIdentity(path: row[0], size: row[1], sha256: row[2]), rows: row[3], calls: row[4], badRows: row[5],
                    counts: ImportCounts(inserted: row[6], updated: row[7], unchanged: row[8]),
                    importedAt: Timestamp(nanoseconds: row[9]))
            }
            let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            return StoreStats(path: path, schemaVersion: version, calls: calls, legs: legs, firstStart: first, lastStart: last,
                              bySource: sources, files: files, lastImports: imports)
        }
    }
}

/// What `callscope db stats` shows.
public struct StoreStats: Sendable, Hashable {
    /// Stored calls of one format from one source file name.
    public struct SourceCount: Sendable, Hashable {
        public var format: String
        public var source: String
        public var calls: Int
        package init(format: String, source: String, calls: Int) { self.format = format; self.source = source; self.calls = calls }
    }

    public var path: String
    public var schemaVersion: Int
    public var calls: Int
    public var legs: Int
    /// Start of the earliest and latest stored calls; nil when the store is empty.
    public var firstStart: Timestamp?
    public var lastStart: Timestamp?
    /// Ordered by format, then source.
    public var bySource: [SourceCount]
    /// Rows in the ledger.
    public var files: Int
    /// The most recent imports first.
    public var lastImports: [LedgerEntry]

    package init(path: String, schemaVersion: Int, calls: Int, legs: Int, firstStart: Timestamp?, lastStart: Timestamp?,
                 bySource: [SourceCount], files: Int, lastImports: [LedgerEntry]) {
        self.path = path; self.schemaVersion = schemaVersion; self.calls = calls; self.legs = legs; self.firstStart = firstStart
        self.lastStart = lastStart; self.bySource = bySource; self.files = files; self.lastImports = lastImports
    }

    /// Calls per format, ordered by format.
    public var byFormat: [(format: String, calls: Int)] {
        var totals: [(format: String, calls: Int)] = []
        for entry in bySource {
            if totals.last?.format == entry.format { totals[totals.count - 1].calls += entry.calls } else { totals.append((entry.format, entry.calls)) }
        }
        return totals
    }
}

/// One row of the `files` ledger.
public struct LedgerEntry: Sendable, Hashable {
    public var file: FileIdentity
    public var rows: Int
    public var calls: Int
    public var badRows: Int
    public var counts: ImportCounts
    public var importedAt: Timestamp

    package init(file: FileIdentity, rows: Int, calls: Int, badRows: Int, counts: ImportCounts, importedAt: Timestamp) {
        self.file = file; self.rows = rows; self.calls = calls; self.badRows = badRows; self.counts = counts; self.importedAt = importedAt
    }
}

extension CallDatabase {
    /// The stored call with this Call-ID (or CDR key) that started at `start`, with its legs and
    /// SIP messages; nil when none is stored. Uses the `calls_on_start` index.
    /// - Complexity: O(log N) plus the calls that started at the same nanosecond.
    public func call(callID: String, start: Timestamp) throws(StoreError) -> Call? {
        try read("cannot read the call") { db in
            let statement = try db.makeStatement(sql: "SELECT \(CallRow.selectColumns) FROM calls c WHERE c.start_ns = ? AND c.call_id = ? ORDER BY c.id LIMIT 1")
            try statement.setArguments([start.nanoseconds, callID])
            var found: (id: Int64, call: Call)?
            try forEachRow(db, statement) { row in found = (row.int64(0), CallRow.call(from: row)) }
            guard var (id, call) = found else { return nil }
            let legs = try db.makeStatement(sql: "SELECT \(CallRow.selectLegColumns) FROM legs l WHERE l.call = ? ORDER BY l.seq")
            try legs.setArguments([id])
            try forEachRow(db, legs) { row in call.legs.append(CallRow.leg(from: row)) }
            let messages = try db.makeStatement(sql: "SELECT \(CallRow.selectMessageColumns) FROM messages m WHERE m.call = ? ORDER BY m.seq")
            try messages.setArguments([id])
            try forEachRow(db, messages) { row in call.messages.append(CallRow.message(from: row)) }
            return call
        }
    }}

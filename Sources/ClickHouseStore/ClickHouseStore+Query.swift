import CallModel
import CallStore
import Foundation

extension ClickHouseStore {
    /// Stored calls with `from <= start < to` (either bound nil), ordered by start then natural
    /// key, legs included unless `legs` is false, SIP message summaries when `messages` is true.
    /// One version per key (`FINAL`); the legs and messages read are those written with that version.
    /// - Complexity: the months of the range are read (the partition); within them, the days.
    public func calls(from: Timestamp?, to: Timestamp?, legs: Bool, messages: Bool = false) throws(StoreError) -> [Call] {
        let range = Self.rangeCondition(from: from, to: to)
        let sql = "SELECT \(ClickHouseRows.callColumns.joined(separator: ", ")) FROM calls FINAL WHERE \(range) ORDER BY start_ns, natural_key FORMAT TabSeparated"
        var calls: [Call] = []
        var index: [String: (position: Int, version: UInt64)] = [:]
        for fields in TabSeparatedRows(try client.query(sql)) {
            let row = TabSeparatedRow(fields: fields)
            if legs || messages { index[row.string(0)] = (calls.count, row.uint64(1)) }
            calls.append(ClickHouseRows.call(from: row))
        }
        guard !calls.isEmpty else { return calls }
        /// Rows of a child table of the calls read, in `seq` order; those of an older version of a call (replaced since) are skipped.
        func attach(_ columns: [String], from table: String, _ add: (inout Call, TabSeparatedRow) -> Void) throws(StoreError) {
            let sql = "SELECT \(columns.joined(separator: ", ")) FROM \(table) FINAL WHERE \(range) ORDER BY natural_key, version, seq FORMAT TabSeparated"
            for fields in TabSeparatedRows(try client.query(sql)) {
                let row = TabSeparatedRow(fields: fields)
                guard let owner = index[row.string(0)], owner.version == row.uint64(1) else { continue }
                add(&calls[owner.position], row)
            }
        }
        if legs { try attach(ClickHouseRows.legColumns, from: "legs") { $0.legs.append(ClickHouseRows.leg(from: $1)) } }
        if messages { try attach(ClickHouseRows.messageColumns, from: "messages") { $0.messages.append(ClickHouseRows.message(from: $1)) } }
        return calls
    }

    /// `start_ns` within `[from, to)`, with the day (the sort key's first column) bounded too so
    /// that the primary index is used.
    static func rangeCondition(from: Timestamp?, to: Timestamp?) -> String {
        var parts: [String] = []
        if let from {
            parts.append("start_ns >= \(from.nanoseconds)")
            parts.append("\(ClickHouseSchema.day) >= \(floorDay(from.nanoseconds))")
        }
        if let to {
            parts.append("start_ns < \(to.nanoseconds)")
            parts.append("\(ClickHouseSchema.day) <= \(floorDay(to.nanoseconds))")
        }
        return parts.isEmpty ? "1" : parts.joined(separator: " AND ")
    }

    /// `intDiv` as ClickHouse computes it (truncating toward zero), so the bound matches the column.
    static func floorDay(_ ns: Int64) -> Int64 { ns / 86_400_000_000_000 }

    /// Counts per format and source, the date range and the last imports (`db stats`).
    public func stats(lastImports: Int) throws(StoreError) -> StoreStats {
        var totals = TabSeparatedRows(try client.query("SELECT count(), min(start_ns), max(start_ns) FROM calls FINAL FORMAT TabSeparated"))
        let total = TabSeparatedRow(fields: totals.next() ?? [])
        let calls = total.int(0)
        let legs = Int(text(try client.query("""
            SELECT count() FROM legs FINAL WHERE (natural_key, version) GLOBAL IN (SELECT natural_key, version FROM calls FINAL)
            """))) ?? 0
        let sources = TabSeparatedRows(try client.query("SELECT format, source, count() FROM calls FINAL GROUP BY format, source ORDER BY format, source FORMAT TabSeparated"))
            .map { fields in
                let r = TabSeparatedRow(fields: fields)
                return StoreStats.SourceCount(format: r.string(0), source: r.string(1), calls: r.int(2))
            }
        let files = Int(text(try client.query("SELECT count() FROM files FINAL"))) ?? 0
        let imports = TabSeparatedRows(try client.query("""
            SELECT \(Self.ledgerColumns) FROM files FINAL ORDER BY imported_at_ns DESC, path DESC LIMIT \(max(0, lastImports)) FORMAT TabSeparated
            """)).map { Self.ledgerEntry(from: TabSeparatedRow(fields: $0)) }
        return StoreStats(path: location, schemaVersion: try schemaVersion(), calls: calls, legs: legs,
                          firstStart: calls > 0 ? Timestamp(nanoseconds: total.int64(1)) : nil,
                          lastStart: calls > 0 ? Timestamp(nanoseconds: total.int64(2)) : nil,
                          bySource: sources, files: files, lastImports: imports)
    }
}

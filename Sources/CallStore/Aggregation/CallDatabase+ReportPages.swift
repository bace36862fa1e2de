#if canImport(GRDBSQLite)
import GRDBSQLite
#else
import SQLite3
#endif
import CallMetrics
import CallModel
import Foundation
import GRDB

extension CallDatabase {
    /// ``metricRows(from:to:legs:)`` read from the report pages (schema v7, ``ReportPage``):
    /// one blob per UTC day instead of one SQLite row per call. Pages missing (never built, or
    /// dropped by the triggers because their day's calls changed) are built from the calls in
    /// one write transaction, which then reads every page of the range, so the rows are one
    /// consistent state of the store. A store that cannot be written (a read-only file or
    /// directory) reads the missing days' calls row by row instead.
    /// - Complexity: O(d + k) for the k calls of the d days in the range, once its pages exist.
    public func pagedMetricRows(from: Timestamp?, to: Timestamp?, legs: Bool) throws(StoreError) -> MetricRows {
        if let rows = try read("cannot read the report pages", { db in try ReportPages.rows(db, from: from, to: to, legs: legs, build: false) }) {
            return rows
        }
        guard let writer = pageWriter() else { return try metricRows(from: from, to: to, legs: legs) }
        return try writer.writeTransaction("cannot build the report pages") { db -> MetricRows in
            guard let rows = try ReportPages.rows(db, from: from, to: to, legs: legs, build: true) else {
                throw StoreError(.sqlite, "\(path): a report page just built cannot be read")
            }
            return rows
        }
    }

    /// This database when it was opened for writing, else the same file opened read-write when
    /// the file and its directory can be written; nil otherwise.
    private func pageWriter() -> CallDatabase? {
        if accessMode == .readWrite { return self }
        guard Self.isDirectoryWritable(of: path), access(path, W_OK) == 0 else { return nil }
        return try? CallDatabase(path: path, busyTimeout: busyTimeout, access: .readWrite)
    }
}

/// Reading and building the report pages of a range in one transaction.
enum ReportPages {
    /// The rows of the calls with `from <= start < to` from the pages of their days; nil when a
    /// page is missing or unreadable and `build` is false. With `build` (in a write
    /// transaction) missing pages are built first.
    static func rows(_ db: Database, from: Timestamp?, to: Timestamp?, legs: Bool, build: Bool) throws -> MetricRows? {
        let lower = from?.nanoseconds ?? .min
        let upper = to?.nanoseconds
        let span = try Row.fetchOne(db, sql: upper == nil ? "SELECT min(start_ns), max(start_ns) FROM calls WHERE start_ns >= ?"
                                        : "SELECT min(start_ns), max(start_ns) FROM calls WHERE start_ns >= ? AND start_ns < ?",
                                    arguments: upper.map { [lower, $0] } ?? [lower])
        guard let span, let first: Int64 = span[0], let last: Int64 = span[1] else { return MetricRows() }
        let days = ReportPage.day(of: first)...ReportPage.day(of: last)
        if build {
            let have = Set(try Int64.fetchAll(db, sql: "SELECT day FROM report_pages WHERE day BETWEEN ? AND ?", arguments: [days.lowerBound, days.upperBound]))
            var strings = try ReportStrings(db)
            let insert = try db.makeStatement(sql: "INSERT OR REPLACE INTO report_pages (day, calls, rows) VALUES (?, ?, ?)")
            for day in days where !have.contains(day) {
                let bounds = ReportPage.bounds(of: day)
                let rows = try MetricRowReader.read(db, from: bounds.lower.map(Timestamp.init(nanoseconds:)),
                                                    to: bounds.upper.map(Timestamp.init(nanoseconds:)), legs: true)
                let global = try strings.ids(of: rows.strings, db)
                let page = ReportPage.encode(rows, global: { global[Int($0)] })
                try insert.execute(arguments: [day, rows.rows.count, Data(page)])
            }
        }
        let strings = try ReportStrings.all(db)
        var result = MetricRows(strings: strings)
        let expected = try Int.fetchOne(db, sql: "SELECT coalesce(sum(calls), 0) FROM report_pages WHERE day BETWEEN ? AND ?",
                                        arguments: [days.lowerBound, days.upperBound]) ?? 0
        result.rows.reserveCapacity(expected)
        let pages = try db.makeStatement(sql: "SELECT day, rows FROM report_pages WHERE day BETWEEN ? AND ? ORDER BY day")
        try pages.setArguments([days.lowerBound, days.upperBound])
        var next = days.lowerBound
        var complete = true
        try forEachRow(db, pages) { row in
            let day = row.int64(0)
            guard complete, day == next else { complete = false; return }
            let bytes = UnsafeRawBufferPointer(start: sqlite3_column_blob(row.statement, 1), count: Int(sqlite3_column_bytes(row.statement, 1)))
            complete = ReportPage.decode(bytes, into: &result, lower: lower, upper: upper, legs: legs)
            next = day &+ 1
        }
        guard complete, next == days.upperBound &+ 1 else {
            if build { throw StoreError(.sqlite, "report pages \(days) incomplete after building them") }
            return nil
        }
        return result
    }
}

/// The `report_strings` table: each distinct number, agent and queue of the pages once, by id.
struct ReportStrings {
    private var ids: [String: Int32]
    private var count: Int32

    init(_ db: Database) throws {
        let all = try Self.all(db)
        ids = Dictionary(all.enumerated().map { ($0.element, Int32($0.offset)) }, uniquingKeysWith: { a, _ in a })
        count = Int32(all.count)
    }

    /// Every string by id (ids are dense from 0).
    static func all(_ db: Database) throws -> [String] {
        var strings: [String] = []
        let statement = try db.makeStatement(sql: "SELECT id, text FROM report_strings ORDER BY id")
        try forEachRow(db, statement) { row in
            guard row.int64(0) == Int64(strings.count) else { throw StoreError(.sqlite, "report_strings ids are not dense") }
            strings.append(row.string(1))
        }
        return strings
    }

    /// The `report_strings` id of each of `texts`, adding those not there yet.
    mutating func ids(of texts: [String], _ db: Database) throws -> [Int32] {
        let insert = try db.cachedStatement(sql: "INSERT INTO report_strings (id, text) VALUES (?, ?)")
        return try texts.map { text in
            if let id = ids[text] { return id }
            let id = count
            try insert.execute(arguments: [Int64(id), text])
            ids[text] = id
            count += 1
            return id
        }
    }
}

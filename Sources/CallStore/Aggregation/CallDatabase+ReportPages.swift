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
    /// ``metricRows(from:to:legs:)`` read from the report pages (schema v7, ``ReportPage``),
    /// every page into one ``MetricRows``, building missing pages as ``pagedReport(_:)`` does.
    public func pagedMetricRows(from: Timestamp?, to: Timestamp?, legs: Bool) throws(StoreError) -> MetricRows {
        var all = MetricRows()
        try readPages(from: from, to: to, legs: legs, start: { all = MetricRows(strings: $0) }, page: { page in
            let offset = all.rows.count
            all.rows.append(contentsOf: page.rows)
            for (index, legs) in page.talkLegs { all.talkLegs[offset + index] = legs }
        })
        return all
    }

    /// The KPI report of `request` from the report pages: each UTC day's page decoded in turn
    /// into one day of ``MetricRow``s, the direction rules applied, and fed to a
    /// ``MetricRowsReport``; nil when rows cannot be grouped by `request.groupBy`.
    func pagedReport(_ request: StoreReportRequest) throws(StoreError) -> StoreReport? {
        let range = request.storedRange
        var report: MetricRowsReport?
        try readPages(from: range.from, to: range.to, legs: request.needsLegs, start: { strings in
            report = MetricRowsReport(groupBy: request.groupBy, options: request.options, strings: strings)
        }, page: { page in
            page.apply(request.direction)
            report?.add(page)
        })
        return report.map { StoreReport(report: $0.report(), firstStart: $0.firstStart, lastStart: $0.lastStart) }
    }

    /// Reads the pages of the calls with `from <= start < to`, one UTC day after the other:
    /// `start` with the strings their ids name, then `page` with each day's rows in report
    /// order. Pages missing (never built, dropped by the triggers because their day's calls
    /// changed, or of another layout version) are built from the calls in one write transaction,
    /// which then reads every page of the range, so the rows are one consistent state of the
    /// store. A store that cannot be written (a read-only file or directory) gives the calls'
    /// rows read one by one instead, as one page.
    /// - Complexity: O(d + k) for the k calls of the d days in the range once its pages exist;
    ///   memory O(one day).
    func readPages(from: Timestamp?, to: Timestamp?, legs: Bool, start: ([String]) -> Void, page: (inout MetricRows) -> Void) throws(StoreError) {
        let read = try self.read("cannot read the report pages") { db in
            try ReportPages.read(db, from: from, to: to, legs: legs, build: false, start: start, page: page)
        }
        if read { return }
        guard let writer = pageWriter() else {
            var rows = try metricRows(from: from, to: to, legs: legs)
            start(rows.strings)
            page(&rows)
            return
        }
        _ = try writer.writeTransaction("cannot build the report pages") { db -> Bool in
            try ReportPages.read(db, from: from, to: to, legs: legs, build: true, start: start, page: page)
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
    /// Feeds the pages of the calls with `from <= start < to` to `start` and `page` (see
    /// ``CallDatabase/readPages(from:to:legs:start:page:)``); false, having fed nothing, when a
    /// page is missing and `build` is false. With `build` (in a write transaction) missing
    /// pages are built first.
    static func read(_ db: Database, from: Timestamp?, to: Timestamp?, legs: Bool, build: Bool,
                     start: ([String]) -> Void, page: (inout MetricRows) -> Void) throws -> Bool {
        let lower = from?.nanoseconds ?? .min
        let upper = to?.nanoseconds
        // Two queries: SQLite answers a lone min() or max() with one seek of the index, but
        // both in one SELECT with a scan of the range (5% of a report at 1M calls).
        let range = upper == nil ? "start_ns >= ?" : "start_ns >= ? AND start_ns < ?"
        let arguments: StatementArguments = upper.map { [lower, $0] } ?? [lower]
        guard let first = try Int64.fetchOne(db, sql: "SELECT min(start_ns) FROM calls WHERE \(range)", arguments: arguments),
              let last = try Int64.fetchOne(db, sql: "SELECT max(start_ns) FROM calls WHERE \(range)", arguments: arguments) else {
            start(try ReportStrings.all(db))
            return true
        }
        let days = ReportPage.day(of: first)...ReportPage.day(of: last)
        // Pages of this layout version; any other day is missing.
        let current = "SELECT day FROM report_pages WHERE day BETWEEN ? AND ? AND substr(rows, 1, 1) = x'\(String(format: "%02x", ReportPage.version))'"
        var have = Set(try Int64.fetchAll(db, sql: current, arguments: [days.lowerBound, days.upperBound]))
        if have.count != days.count {
            guard build else { return false }
            var strings = try ReportStrings(db)
            let insert = try db.makeStatement(sql: "INSERT OR REPLACE INTO report_pages (day, calls, rows) VALUES (?, ?, ?)")
            for day in days where !have.contains(day) {
                let bounds = ReportPage.bounds(of: day)
                let rows = try MetricRowReader.read(db, from: bounds.lower.map(Timestamp.init(nanoseconds:)),
                                                    to: bounds.upper.map(Timestamp.init(nanoseconds:)), legs: true)
                let global = try strings.ids(of: rows.strings, db)
                try insert.execute(arguments: [day, rows.rows.count, Data(ReportPage.encode(rows, global: { global[Int($0)] }))])
                have.insert(day)
            }
        }
        let strings = try ReportStrings.all(db)
        start(strings)
        var rows = MetricRows(strings: strings)
        let pages = try db.makeStatement(sql: "SELECT day, rows FROM report_pages WHERE day BETWEEN ? AND ? ORDER BY day")
        try pages.setArguments([days.lowerBound, days.upperBound])
        try forEachRow(db, pages) { row in
            let bytes = UnsafeRawBufferPointer(start: sqlite3_column_blob(row.statement, 1), count: Int(sqlite3_column_bytes(row.statement, 1)))
            rows.rows.removeAll(keepingCapacity: true)
            rows.talkLegs.removeAll(keepingCapacity: true)
            guard ReportPage.decode(bytes, into: &rows, lower: lower, upper: upper, legs: legs) else {
                throw StoreError(.sqlite, "the report page of day \(row.int64(0)) is damaged; `DELETE FROM report_pages` makes the next report rebuild every page")
            }
            page(&rows)
        }
        return true
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

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
    /// order, all in one read transaction, so the rows are one consistent state of the store.
    /// Pages missing (never built, dropped by the triggers because their day's calls changed, or
    /// of another layout version) are first built from the calls in a write transaction of their
    /// own, committed before the report reads them: a concurrent import waits for the pages, not
    /// for the report. A damaged page is dropped and built again; `start` is then called again
    /// and the feed begins anew. A store that cannot be written (a read-only file or directory)
    /// gives the calls' rows read one by one instead, as one page.
    /// - Complexity: O(d + k) for the k calls of the d days in the range once its pages exist;
    ///   memory O(one day).
    func readPages(from: Timestamp?, to: Timestamp?, legs: Bool, start: ([String]) -> Void, page: (inout MetricRows) -> Void) throws(StoreError) {
        // A few rounds: a page can be dropped by an import between the build and the read.
        for _ in 0..<3 {
            let outcome = try self.read("cannot read the report pages") { db in
                try ReportPages.read(db, from: from, to: to, legs: legs, start: start, page: page)
            }
            let damaged: Int64?
            switch outcome {
            case .read: return
            case .missing: damaged = nil
            case .damaged(let day): damaged = day
            }
            guard let writer = pageWriter() else {
                if let damaged {
                    throw StoreError(.sqlite, "the report page of day \(damaged) is damaged and the store cannot be written to build it again; `DELETE FROM report_pages` in a writable copy rebuilds every page")
                }
                break
            }
            _ = try writer.writeTransaction("cannot build the report pages") { db -> Bool in
                if let damaged { try db.execute(sql: "DELETE FROM report_pages WHERE day = ?", arguments: [damaged]) }
                try ReportPages.build(db, from: from, to: to)
                return true
            }
        }
        var rows = try metricRows(from: from, to: to, legs: legs)
        start(rows.strings)
        page(&rows)
    }

    /// This database when it was opened for writing, else the same file opened read-write when
    /// the file and its directory can be written; nil otherwise.
    private func pageWriter() -> CallDatabase? {
        if accessMode == .readWrite { return self }
        guard Self.isDirectoryWritable(of: path), access(path, W_OK) == 0 else { return nil }
        return try? CallDatabase(path: path, busyTimeout: busyTimeout, access: .readWrite)
    }
}

/// Reading and building the report pages of a range.
enum ReportPages {
    /// What ``read(_:from:to:legs:start:page:)`` found.
    enum Outcome {
        /// Every page of the range was fed.
        case read
        /// A page is missing; nothing was fed.
        case missing
        /// The page of this day does not decode; the pages before it were fed.
        case damaged(day: Int64)
    }

    /// The UTC days from the first to the last start of the calls with `lower <= start < upper`
    /// (`upper` nil: no bound); nil when there are none.
    static func days(_ db: Database, lower: Int64, upper: Int64?) throws -> ClosedRange<Int64>? {
        // Two queries: SQLite answers a lone min() or max() with one seek of the index, but
        // both in one SELECT with a scan of the range (5% of a report at 1M calls).
        let range = upper == nil ? "start_ns >= ?" : "start_ns >= ? AND start_ns < ?"
        let arguments: StatementArguments = upper.map { [lower, $0] } ?? [lower]
        guard let first = try Int64.fetchOne(db, sql: "SELECT min(start_ns) FROM calls WHERE \(range)", arguments: arguments),
              let last = try Int64.fetchOne(db, sql: "SELECT max(start_ns) FROM calls WHERE \(range)", arguments: arguments) else { return nil }
        return ReportPage.day(of: first)...ReportPage.day(of: last)
    }

    /// The days of `days` that have a page of this layout version.
    static func present(_ db: Database, _ days: ClosedRange<Int64>) throws -> Set<Int64> {
        let current = "SELECT day FROM report_pages WHERE day BETWEEN ? AND ? AND substr(rows, 1, 1) = x'\(String(format: "%02x", ReportPage.version))'"
        return Set(try Int64.fetchAll(db, sql: current, arguments: [days.lowerBound, days.upperBound]))
    }

    /// Builds the missing pages of the calls with `from <= start < to` (in a write transaction).
    static func build(_ db: Database, from: Timestamp?, to: Timestamp?) throws {
        guard let days = try days(db, lower: from?.nanoseconds ?? .min, upper: to?.nanoseconds) else { return }
        let have = try present(db, days)
        guard have.count != days.count else { return }
        var strings = try ReportStrings(db)
        let insert = try db.makeStatement(sql: "INSERT OR REPLACE INTO report_pages (day, calls, rows) VALUES (?, ?, ?)")
        for day in days where !have.contains(day) {
            let bounds = ReportPage.bounds(of: day)
            let rows = try MetricRowReader.read(db, from: bounds.lower.map(Timestamp.init(nanoseconds:)),
                                                to: bounds.upper.map(Timestamp.init(nanoseconds:)), legs: true)
            let global = try strings.ids(of: rows.strings, db)
            try insert.execute(arguments: [day, rows.rows.count, Data(ReportPage.encode(rows, global: { global[Int($0)] }))])
        }
    }

    /// Feeds the pages of the calls with `from <= start < to` to `start` and `page` (see
    /// ``CallDatabase/readPages(from:to:legs:start:page:)``), having fed nothing when a page is
    /// missing.
    static func read(_ db: Database, from: Timestamp?, to: Timestamp?, legs: Bool,
                     start: ([String]) -> Void, page: (inout MetricRows) -> Void) throws -> Outcome {
        let lower = from?.nanoseconds ?? .min
        let upper = to?.nanoseconds
        guard let days = try days(db, lower: lower, upper: upper) else {
            start(try ReportStrings.all(db))
            return .read
        }
        if try present(db, days).count != days.count { return .missing }
        let strings = try ReportStrings.all(db)
        start(strings)
        var rows = MetricRows(strings: strings)
        let pages = try db.makeStatement(sql: "SELECT day, rows FROM report_pages WHERE day BETWEEN ? AND ? ORDER BY day")
        try pages.setArguments([days.lowerBound, days.upperBound])
        var damaged: Int64?
        try forEachRow(db, pages) { row in
            guard damaged == nil else { return }
            let bytes = UnsafeRawBufferPointer(start: sqlite3_column_blob(row.statement, 1), count: Int(sqlite3_column_bytes(row.statement, 1)))
            rows.rows.removeAll(keepingCapacity: true)
            rows.talkLegs.removeAll(keepingCapacity: true)
            guard ReportPage.decode(bytes, into: &rows, lower: lower, upper: upper, legs: legs) else {
                damaged = row.int64(0)
                return
            }
            page(&rows)
        }
        return damaged.map { .damaged(day: $0) } ?? .read
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

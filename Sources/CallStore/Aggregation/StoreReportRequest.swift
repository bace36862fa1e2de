import CallMetrics
import CallModel

/// What `report --db` (and the dashboard) asks a store to compute: the KPI table of the stored
/// calls, overall and per `groupBy` key, under `options` (range, zone, thresholds, windows,
/// campaigns), with the site's `direction` rules applied to each call as `report` applies them
/// to every call it reads (README "Direction").
///
/// Why a request rather than calls: a store can compute the figures where the calls are (a
/// narrow column pass in SQLite, SQL in ClickHouse) and return only the rows of the table. The
/// figures equal ``MetricsEngine/report(calls:groupBy:options:)`` over the same calls read whole
/// (the differential tests in CallStoreTests and ClickHouseStoreTests compare them).
public struct StoreReportRequest: Sendable {
    public var groupBy: GroupBy?
    public var options: MetricsOptions
    public var direction: DirectionRules

    public init(groupBy: GroupBy?, options: MetricsOptions, direction: DirectionRules = DirectionRules()) {
        self.groupBy = groupBy; self.options = options; self.direction = direction
    }

    /// The start times to read: `options.storedRange` (the counted range widened by the
    /// repeat-caller and callback windows).
    var storedRange: (from: Timestamp?, to: Timestamp?) { options.storedRange }

    /// Whether the report reads the calls' legs: each agent's own part of a transferred
    /// call's talk (`--by agent`).
    var needsLegs: Bool { groupBy == .agent }

    /// Whether the report reads the visit-attribution columns (`--by utm_source` and the other visit fields).
    var needsAttribution: Bool {
        switch groupBy {
        case .utmSource?, .utmMedium?, .utmCampaign?, .keyword?, .landingPage?, .attribution?: return true
        default: return false
        }
    }

    /// The report of `calls` (stored calls in start order, each with at least the fields the
    /// metrics read): the direction rules applied, ordered by start then Call-ID as `report`
    /// orders the calls it reads, then ``MetricsEngine/report(calls:groupBy:options:)``.
    public func report(of calls: consuming [Call]) -> StoreReport {
        var calls = calls  // moved, not copied: the direction rules change the calls in place
        for index in calls.indices { direction.apply(to: &calls[index]) }
        // Stored calls come by start: only runs of equal starts need reordering by Call-ID.
        var low = 0
        while low < calls.count {
            var high = low + 1
            while high < calls.count, calls[high].start == calls[low].start { high += 1 }
            if high - low > 1 { calls[low..<high].sort { $0.callID < $1.callID } }
            low = high
        }
        let counted = calls.lazy.map(\.start).filter { start in
            (options.from.map { start >= $0 } ?? true) && (options.to.map { start < $0 } ?? true)
        }
        return StoreReport(report: MetricsEngine.report(calls: calls, groupBy: groupBy, options: options),
                           firstStart: counted.first, lastStart: counted.max())
    }
}

extension StoreReportRequest {
    /// The report of stored calls read as compact rows (start order, equal starts by Call-ID):
    /// the direction rules applied, then a ``MetricRowsReport``; the same figures as
    /// ``report(of:)-([Call])`` over the calls the rows were read from.
    /// Nil when rows cannot be grouped by `groupBy` (``MetricRows/canGroup(by:)``).
    public func report(of rows: consuming MetricRows) -> StoreReport? {
        var rows = rows
        rows.apply(direction)
        guard var report = MetricRowsReport(groupBy: groupBy, options: options, strings: rows.strings) else { return nil }
        report.add(rows)
        return StoreReport(report: report.report(), firstStart: report.firstStart, lastStart: report.lastStart)
    }
}

/// What a store's report returns: the KPI table, and the span of the counted calls' starts
/// (the `Period:` line of a table when the range is open).
public struct StoreReport: Sendable {
    public var report: MetricsReport
    /// Earliest and latest start of the calls in the counted range; nil when there are none.
    public var firstStart: Timestamp?
    public var lastStart: Timestamp?

    public init(report: MetricsReport, firstStart: Timestamp?, lastStart: Timestamp?) {
        self.report = report; self.firstStart = firstStart; self.lastStart = lastStart
    }
}

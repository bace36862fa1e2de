import CallIngest
import CallMetrics
import CallStore
import Foundation
import Reports

extension InputOptions {
    /// The KPI report computed by the store (``CallStoring/report(_:)``: a narrow column pass in
    /// SQLite, docs/performance.md "Store reports") when the run reads a store and nothing else:
    /// no input files, no visits or number pools to attribute calls with. Nil otherwise, or when
    /// the store needs the whole calls (queue_log calls stored): then `collect` reads them.
    ///
    /// The figures and the summary line on stderr are those of the whole-call path.
    func storeReport(site: SiteSettings, options: MetricsOptions, groupBy: GroupBy?) throws -> (StoreReport, finish: () throws -> Void)? {
        guard inputs.isEmpty, site.attributionOptions.map({ $0.visits.isEmpty }) ?? true, try site.loadPools().isEmpty else { return nil }
        let path = clickhouse == nil ? site.database.value : nil
        guard clickhouse != nil || path.map(FileManager.default.fileExists(atPath:)) == true else { return nil }
        let store = try StoreOpening.forReading(clickhouse: clickhouse, path: path ?? "")
        let request = StoreReportRequest(groupBy: groupBy, options: options, direction: site.directionRules)
        let computed: StoreReport?
        do { computed = try store.report(request) } catch { throw CommandFailure.database(error) }
        guard let computed else { return nil }
        let report = computed.report
        // The calls read: those counted, those read as history only, and the duplicates.
        var summary = IngestSummary()
        summary.storedCalls = report.overall.kpis.offered + report.historyOnlyCalls + report.duplicatesExcluded
        summary.calls = summary.storedCalls
        let quiet = quiet
        return (computed, { if !quiet { StandardError.line(summary.line) } })
    }
}

extension DisplayOptions {
    /// ``periodHeader(_:options:)`` from the span of the counted starts alone (a store's report).
    static func periodHeader(_ computed: StoreReport, options: MetricsOptions) -> String {
        var time = SiteTime(zone: options.timeZone)
        let starts = [computed.firstStart, computed.lastStart].compactMap { $0 }
        return "Period: " + time.period(starts: starts, requested: (options.from, options.to)) + "\n\n"
    }
}

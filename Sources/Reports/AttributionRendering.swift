import CallMetrics
import CallModel

/// `report --view attribution` as records, a JSON object and a table (README "Visit attribution").
public enum AttributionRendering {
    /// One record per group, then `(unattributed)` (always), then `all`; the first field is named
    /// by the grouping (`utm_source`...). Rates as fractions 0-1, money with two decimals.
    public static func records(_ report: AttributionReport) -> [Record] {
        let total = report.total.calls
        func money(_ value: Double?) -> FieldValue { value.map { .decimal(KPIRendering.format($0, 2)) } ?? .null }
        func rate(_ value: Double?) -> FieldValue { value.map { .decimal(KPIRendering.format($0, 4)) } ?? .null }
        return (report.rows + [report.unattributed, report.total]).map { c in
            [(report.by.rawValue, .string(c.name)), ("calls", .integer(c.calls)),
             ("first_time_callers", .integer(c.firstTimeCallers)), ("answered", .integer(c.answered)),
             ("qualified_calls", .integer(c.qualifiedCalls)), ("conversion", rate(c.conversion)),
             ("cost", money(c.cost)), ("cost_per_call", money(c.costPerCall)), ("cost_per_qualified", money(c.costPerQualified)),
             ("revenue", money(c.revenue)), ("roi", rate(c.roi)),
             ("share", rate(total > 0 ? Double(c.calls) / Double(total) : nil))]
        }
    }

    /// The figures beside the rows: shares, counts and pool exhaustion.
    public static func summary(_ report: AttributionReport) -> Record {
        [("attributed_share", report.attributedShare.map { .decimal(KPIRendering.format($0, 4)) } ?? .null),
         ("pool_calls", .integer(report.poolCalls)), ("static_calls", .integer(report.staticCalls)),
         ("unattributed_pool_calls", .integer(report.unattributedPoolCalls)), ("ambiguous_calls", .integer(report.ambiguousCalls)),
         ("pool_exhaustion", .array(report.exhaustion.map { e in
            .object([("pool", .string(e.pool)), ("size", .integer(e.size)), ("peak_concurrent", .integer(e.peakConcurrent)),
                     ("peak_at", e.peakAt.map(FieldValue.time) ?? .null), ("size_to_avoid", .integer(e.sizeToAvoid)),
                     ("intervals", .array(e.intervals.map { .object([("from", .time($0.from)), ("to", .time($0.to))]) }))])
         }))]
    }

    /// `--format json`: `{"by": ..., "rows": [...], <summary>}`.
    public static func json(_ report: AttributionReport) -> FieldValue {
        .object([("by", .string(report.by.rawValue)), ("rows", .array(records(report).map { .object($0) }))] + summary(report))
    }

    /// The lines under the table: shares, counts, and each exhausted pool with the size that would have avoided it.
    public static func notes(_ report: AttributionReport, time: inout SiteTime) -> String {
        var out = "attributed: \(KPIRendering.percent(report.attributedShare)) (pool \(report.poolCalls), static \(report.staticCalls));"
        out += " unattributed pool calls: \(report.unattributedPoolCalls); ambiguous: \(report.ambiguousCalls)\n"
        for e in report.exhaustion {
            guard let size = e.sizeToAvoid else {
                out += "pool \(e.pool) (\(e.size) numbers): never exhausted; peak \(e.peakConcurrent) visits at once\n"
                continue
            }
            let spans = e.intervals.map { "\(time.iso8601($0.from)) to \(time.iso8601($0.to))" }
            out += "pool \(e.pool) (\(e.size) numbers): exhausted \(e.intervals.count) time(s): \(spans.joined(separator: ", ")); "
            out += "peak \(e.peakConcurrent) visits at once; a pool of \(size) would have avoided it\n"
        }
        return out
    }
}

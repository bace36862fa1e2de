import CallMetrics
import CallModel
import Foundation

/// The visit-attribution section of the HTML report (README "Visit attribution"): the rows of
/// `report --view attribution`, the share attributed, and each pool's exhaustion. Every value
/// from input (sources, pool names) goes through ``Markup`` text, escaped by construction.
extension HTMLReport {
    public static func attributionSection(_ report: AttributionReport, zone: TimeZone) -> HTMLSection {
        func money(_ value: Double?) -> String { value.map { KPIRendering.format($0, 2) } ?? "–" }
        func percent(_ value: Double?) -> String { value.map { KPIRendering.format($0 * 100, 1) + "%" } ?? "–" }
        let rows = (report.rows + [report.unattributed, report.total]).map { c -> [Markup] in
            [cell(c.name), number(String(c.calls)), number(String(c.firstTimeCallers)), number(String(c.answered)),
             number(String(c.qualifiedCalls)), number(percent(c.conversion)), number(money(c.cost)), number(money(c.costPerCall)),
             number(money(c.costPerQualified)), number(money(c.revenue)), number(percent(c.roi)),
             number(percent(report.total.calls > 0 ? Double(c.calls) / Double(report.total.calls) : nil))]
        }
        var time = SiteTime(zone: zone)
        var notes = "Attributed: \(percent(report.attributedShare)) (pool \(report.poolCalls), static \(report.staticCalls)); "
            + "unattributed pool calls: \(report.unattributedPoolCalls); ambiguous: \(report.ambiguousCalls)."
        for e in report.exhaustion {
            if let size = e.sizeToAvoid {
                notes += " Pool \(e.pool) (\(e.size) numbers) was exhausted \(e.intervals.count) time(s), first at "
                    + (e.intervals.first.map { time.iso8601($0.from) } ?? "–")
                    + "; peak \(e.peakConcurrent) visits at once: a pool of \(size) would have avoided it."
            } else {
                notes += " Pool \(e.pool) (\(e.size) numbers) was never exhausted (peak \(e.peakConcurrent) visits at once)."
            }
        }
        let body = Markup([
            table([(report.by.rawValue, false), ("calls", true), ("first-time", true), ("answered", true), ("qualified", true),
                   ("conversion", true), ("cost", true), ("cost / call", true), ("cost / qualified", true), ("revenue", true),
                   ("ROI", true), ("share", true)], rows),
            .element("p", ["class": "note"], text: notes),
        ])
        return HTMLSection(id: "attribution", title: "Visit attribution", body: body)
    }
}

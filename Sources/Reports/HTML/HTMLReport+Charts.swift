import CallMetrics
import CallModel
import Foundation

/// The chart sections: volume, service level and ASA, abandon times, weekday x hour.
extension HTMLReport {
    static func volumeSection(_ figures: HTMLReportFigures) -> HTMLSection {
        let hours = (0..<24).map(CivilTime.hour)
        let hourRows = Dictionary(figures.byHour.groups.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let byHour = SVGChart.bars(title: "Calls by hour of day", unit: "calls", categories: hours,
                                   series: volumeSeries(hours.map { hourRows[$0] }))
        let days = filledDays(figures.byDay.groups)
        let byDay = SVGChart.bars(title: "Calls by day", unit: "calls", categories: days.map(\.key),
                                  series: volumeSeries(days.map(\.row)))
        return HTMLSection(id: "volume", title: "Calls offered, answered and abandoned", body: Markup([
            .element("p", ["class": "note"], text: "Offered and answered: every direction. Abandoned: inbound calls the caller hung up while waiting."),
            byHour, byDay,
        ]))
    }

    static func volumeSeries(_ rows: [MetricsRow?]) -> [SVGChart.Series] {
        [SVGChart.Series(name: "offered", colour: SVGChart.Colour.blue, values: rows.map { Double($0?.kpis.offered ?? 0) }),
         SVGChart.Series(name: "answered", colour: SVGChart.Colour.green, values: rows.map { Double($0?.kpis.answered ?? 0) }),
         SVGChart.Series(name: "abandoned", colour: SVGChart.Colour.vermillion, values: rows.map { Double($0?.details.abandoned ?? 0) })]
    }

    /// Day rows from the first day to the last, days with no call included (at most 400 days).
    static func filledDays(_ rows: [MetricsRow]) -> [(key: String, row: MetricsRow?)] {
        let numbered = rows.compactMap { row in dayNumber(row.key).map { ($0, row) } }
        guard let first = numbered.first?.0, let last = numbered.last?.0, last - first < 400 else { return rows.map { ($0.key, $0) } }
        let byDay = Dictionary(numbered, uniquingKeysWith: { a, _ in a })
        return (first...last).map { day in
            let (y, m, d) = Timestamp.civilDate(fromDays: day)
            func pad(_ n: Int, _ w: Int) -> String { let s = String(n); return String(repeating: "0", count: max(0, w - s.count)) + s }
            return (byDay[day]?.key ?? pad(Int(y), 4) + "-" + pad(m, 2) + "-" + pad(d, 2), byDay[day])
        }
    }

    /// The day number of a `2026-03-28` key.
    static func dayNumber(_ key: String) -> Int64? {
        let parts = key.split(separator: "-")
        guard parts.count == 3, let y = Int64(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m), (1...31).contains(d) else { return nil }
        return Timestamp.daysFromCivil(year: y, month: m, day: d)
    }

    static func speedSection(_ figures: HTMLReportFigures, context: HTMLReportContext) -> HTMLSection {
        let perDay = figures.byDay.groups.count > 1
        let categories: [String]
        let rows: [MetricsRow?]
        if perDay {
            let days = filledDays(figures.byDay.groups)
            categories = days.map(\.key); rows = days.map(\.row)
        } else {
            categories = (0..<24).map(CivilTime.hour)
            let hourRows = Dictionary(figures.byHour.groups.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
            rows = categories.map { hourRows[$0] }
        }
        let by = perDay ? "day" : "hour of day"
        let level = SVGChart.lines(
            title: "Service level by \(by)", unit: "% of inbound calls", categories: categories,
            series: [SVGChart.Series(name: "service level", colour: SVGChart.Colour.blue, values: rows.map { $0?.kpis.serviceLevel.map { $0 * 100 } })],
            maximum: 100, target: context.targets.serviceLevel.map { $0 * 100 }, format: { KPIRendering.format($0, 0) + "%" })
        let asa = SVGChart.lines(
            title: "Average speed of answer by \(by)", unit: "seconds", categories: categories,
            series: [SVGChart.Series(name: "ASA", colour: SVGChart.Colour.orange, values: rows.map { $0?.kpis.asaSeconds }),
                     SVGChart.Series(name: "ASA p90", colour: SVGChart.Colour.purple, values: rows.map { $0?.kpis.asaP90Seconds })],
            format: { KPIRendering.format($0, $0 == $0.rounded() || $0 >= 10 ? 0 : 1) })
        return HTMLSection(id: "speed", title: "Service level and speed of answer", body: Markup([
            .element("p", ["class": "note"], text: "Service level: " + serviceLevelDefinition(context.options) + ". A gap: no inbound call to measure."),
            level, asa,
        ]))
    }

    static func abandonSection(_ figures: HTMLReportFigures) -> HTMLSection {
        let details = figures.report.overall.details
        let bounds = AbandonTimeDistribution.binLowerBounds
        let labels = bounds.indices.map { i in i + 1 < bounds.count ? "\(bounds[i])–\(bounds[i + 1]) s" : "\(bounds[i]) s +" }
        let chart = SVGChart.bars(title: "How long callers waited before hanging up", unit: "abandons", categories: labels,
                                  series: [SVGChart.Series(name: "abandons", colour: SVGChart.Colour.vermillion, values: details.abandonTimes.counts.map(Double.init))],
                                  height: 260)
        let note = "\(details.abandoned) inbound abandons (\(details.shortAbandons) short); median \(human(details.abandonTimes.p50Seconds, .seconds)), p90 \(human(details.abandonTimes.p90Seconds, .seconds))."
        return HTMLSection(id: "abandons", title: "Abandon times", body: Markup([.element("p", ["class": "note"], text: note), chart]))
    }

    public static func heatmapSection(_ figures: HTMLReportFigures) -> HTMLSection {
        HTMLSection(id: "heatmap", title: "Weekday and hour", body: Markup([
            SVGChart.heatmap(title: "Calls offered by weekday and hour", unit: "calls", figures.volume, format: { KPIRendering.format($0, 0) }),
            SVGChart.heatmap(title: "Inbound answer rate by weekday and hour", unit: "% answered", percentGrid(figures.inboundAnswerRate), format: { KPIRendering.format($0, 0) }),
        ]))
    }

    /// An answer-rate grid in percent.
    static func percentGrid(_ heatmap: Heatmap) -> Heatmap {
        var grid = heatmap
        grid.cells = heatmap.cells.map { $0.map { cell in var c = cell; c.value = cell.value.map { $0 * 100 }; return c } }
        return grid
    }
}

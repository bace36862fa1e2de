import CallMetrics
import CallModel
import Foundation

/// The KPI tiles: figure, previous period, target.
extension HTMLReport {
    /// How a tile's figure is written and compared.
    enum Kind { case count, rate, seconds, minutes }
    /// Which way is better, for the colour of the change.
    enum Better { case higher, lower, neither }

    struct Tile {
        var key: String, name: String, kind: Kind, better: Better
        var value: (KPIs) -> Double?
        var target: Double?
    }

    static func tiles(_ targets: ReportTargets) -> [Tile] {
        [
            Tile(key: "offered", name: "Calls offered", kind: .count, better: .neither, value: { Double($0.offered) }),
            Tile(key: "answered", name: "Answered", kind: .count, better: .higher, value: { Double($0.answered) }),
            Tile(key: "service_level", name: "Service level", kind: .rate, better: .higher, value: \.serviceLevel, target: targets.serviceLevel),
            Tile(key: "abandonment_rate", name: "Abandonment", kind: .rate, better: .lower, value: \.abandonmentRate, target: targets.abandonment),
            Tile(key: "asa_s", name: "ASA", kind: .seconds, better: .lower, value: \.asaSeconds),
            Tile(key: "asa_p90_s", name: "ASA p90", kind: .seconds, better: .lower, value: \.asaP90Seconds),
            Tile(key: "blocked_rate", name: "Blocked", kind: .rate, better: .lower, value: \.blockedRate, target: targets.blockedRate),
            Tile(key: "lost_calls", name: "Lost calls", kind: .count, better: .lower, value: { Double($0.lostCalls) }),
            Tile(key: "callback_rate", name: "Lost calls returned", kind: .rate, better: .higher, value: \.callbackRate),
            Tile(key: "longest_wait_s", name: "Longest wait", kind: .seconds, better: .lower, value: \.longestWaitSeconds),
            Tile(key: "acd_s", name: "Average talk", kind: .seconds, better: .neither, value: \.acdSeconds),
            Tile(key: "talk_min", name: "Talk", kind: .minutes, better: .neither, value: { $0.talkMinutes }),
            Tile(key: "first_time_callers", name: "First-time callers", kind: .count, better: .neither, value: { Double($0.firstTimeCallers) }),
            Tile(key: "repeat_callers", name: "Repeat callers", kind: .count, better: .neither, value: { Double($0.repeatCallers) }),
            Tile(key: "qualified_calls", name: "Qualified calls", kind: .count, better: .higher, value: { Double($0.qualifiedCalls) }),
        ]
    }

    /// A figure as `report --format json` writes it (the tile's `data-value`).
    static func machine(_ value: Double, _ kind: Kind) -> String {
        switch kind {
        case .count: return KPIRendering.format(value, 0)
        case .rate: return KPIRendering.format(value, 4)
        case .seconds, .minutes: return KPIRendering.format(value, 3)
        }
    }

    /// A figure for people.
    static func human(_ value: Double?, _ kind: Kind) -> String {
        guard let value else { return "–" }
        switch kind {
        case .count: return KPIRendering.format(value, 0)
        case .rate: return KPIRendering.format(value * 100, 1) + "%"
        case .seconds: return KPIRendering.format(value, 1) + " s"
        case .minutes: return KPIRendering.format(value, 1) + " min"
        }
    }

    public static func kpiSection(_ figures: HTMLReportFigures, context: HTMLReportContext) -> HTMLSection {
        let current = figures.report.overall.kpis
        let previous = figures.previous?.overall.kpis
        let cards = tiles(context.targets).map { tile -> Markup in
            let value = tile.value(current)
            var parts: [Markup] = [
                .element("div", ["class": "name"], text: tile.name),
                .element("div", ["class": "figure"], text: human(value, tile.kind)),
            ]
            parts.append(.element("div", ["class": "previous"], comparison(value, previous.flatMap(tile.value), hasPrevious: previous != nil, tile)))
            if let target = tile.target {
                let met: Bool? = value.map { tile.better == .lower ? $0 <= target : $0 >= target }
                parts.append(.element("div", ["class": "target"], [
                    Markup(text: "target " + (tile.better == .lower ? "≤ " : "≥ ") + human(target, tile.kind) + " "),
                    met.map { met in Markup.element("span", ["class": met ? "met" : "missed"], text: met ? "✓ met" : "✗ missed") } ?? .empty,
                ]))
            }
            // data-value and data-previous: the figures as `report --format json` writes them.
            let before: String? = previous.map { tile.value($0).map { machine($0, tile.kind) } ?? "null" }
            return .element("div", ["class": "tile", "data-key": tile.key, "data-value": value.map { machine($0, tile.kind) } ?? "null",
                                     "data-previous": before], parts)
        }
        return HTMLSection(id: "kpis", title: "Key figures", body: .element("div", ["class": "tiles"], cards))
    }

    /// `previous 58.3% ▲ +8.4 pts`, `previous: no data`.
    static func comparison(_ value: Double?, _ before: Double?, hasPrevious: Bool, _ tile: Tile) -> [Markup] {
        guard hasPrevious else { return [Markup(text: "previous period: no data")] }
        var parts = [Markup(text: "previous " + human(before, tile.kind))]
        guard let value, let before else { return parts }
        let difference = value - before
        let arrow = abs(difference) < 1e-9 ? "=" : (difference > 0 ? "▲" : "▼")
        let change: String
        switch tile.kind {
        case .rate: change = signed(difference * 100, 1) + " pts"
        case .count, .seconds, .minutes:
            change = before != 0 ? signed(difference / abs(before) * 100, 0) + "%" : signed(difference, tile.kind == .count ? 0 : 1)
        }
        var css: String?
        if arrow != "=" {
            switch tile.better {
            case .higher: css = difference > 0 ? "better" : "worse"
            case .lower: css = difference < 0 ? "better" : "worse"
            case .neither: css = nil
            }
        }
        parts.append(Markup(text: " "))
        parts.append(.element("span", ["class": css], text: arrow + " " + change))
        return parts
    }

    static func signed(_ value: Double, _ decimals: Int) -> String {
        let text = KPIRendering.format(value, decimals)
        return text.hasPrefix("-") || Double(text) == 0 ? text : "+" + text
    }
}

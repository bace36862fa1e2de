import CallMetrics
import CallModel
import Foundation

/// Targets a site sets for its KPIs, as fractions; nil when not set. The report marks each
/// tile's figure as met or missed.
public struct ReportTargets: Sendable, Hashable {
    /// Service level at least this.
    public var serviceLevel: Double?
    /// Abandonment rate at most this.
    public var abandonment: Double?
    /// Blocked-call rate at most this (`--blocked-target`).
    public var blockedRate: Double?

    public init(serviceLevel: Double? = nil, abandonment: Double? = nil, blockedRate: Double? = nil) {
        self.serviceLevel = serviceLevel; self.abandonment = abandonment; self.blockedRate = blockedRate
    }
}

/// What the report's header says besides the figures.
public struct HTMLReportContext: Sendable {
    /// The site's name, when known.
    public var site: String?
    /// The inputs as given (files, folders, the database).
    public var inputs: [String]
    public var generatedAt: Timestamp
    public var options: MetricsOptions
    public var targets: ReportTargets

    public init(site: String?, inputs: [String], generatedAt: Timestamp, options: MetricsOptions, targets: ReportTargets) {
        self.site = site; self.inputs = inputs; self.generatedAt = generatedAt; self.options = options; self.targets = targets
    }
}

/// `report --format html`: one self-contained page for a call-centre lead (README "HTML report").
///
/// The page is built from ``HTMLSection``s (KPI tiles, volume, speed of answer, abandons,
/// heatmaps, lost calls, agents, outbound, campaigns), each a function of
/// ``HTMLReportFigures``, rendered by ``HTMLPage``. A web view over the store can reuse them
/// page by page: compute the figures for the range asked, pick the sections, render.
/// Every value from input reaches the page through ``Markup`` (escaped by construction).
public enum HTMLReport {
    /// The whole report page.
    public static func render(_ figures: HTMLReportFigures, context: HTMLReportContext) -> String {
        HTMLPage.render(title: title(context), header: header(figures, context: context), sections: sections(figures, context: context))
    }

    /// Every section, in page order; sections with nothing to show are left out.
    public static func sections(_ figures: HTMLReportFigures, context: HTMLReportContext) -> [HTMLSection] {
        var sections = [
            kpiSection(figures, context: context), volumeSection(figures), speedSection(figures, context: context),
            abandonSection(figures), heatmapSection(figures), lostSection(figures, context: context), agentSection(figures),
            outboundSection(figures),
        ]
        if let campaigns = figures.campaigns { sections.append(campaignSection(campaigns)) }
        return sections
    }

    static func title(_ context: HTMLReportContext) -> String {
        "Call report" + (context.site.map { " — " + $0 } ?? "")
    }

    // MARK: Header

    /// Title, period, time zone, inputs, generation time, the service-level definition.
    public static func header(_ figures: HTMLReportFigures, context: HTMLReportContext) -> Markup {
        let zone = context.options.timeZone
        var rows: [(String, String)] = []
        if let site = context.site { rows.append(("Site", site)) }
        rows.append(("Period", period(figures.range, explicit: (context.options.from, context.options.to), zone: zone)))
        rows.append(("Compared with", figures.previousRange.map { range(($0.from, $0.to), zone: zone) + (figures.previous == nil ? " (no data)" : "") } ?? "no previous period"))
        rows.append(("Time zone", zone.identifier))
        rows.append(("Inputs", context.inputs.isEmpty ? "-" : context.inputs.joined(separator: ", ")))
        rows.append(("Generated", localTime(context.generatedAt, zone: zone)))
        rows.append(("Service level", serviceLevelDefinition(context.options)))
        var parts: [Markup] = [
            .element("h1", text: title(context)),
            .element("dl", ["class": "meta"], rows.flatMap { [Markup.element("dt", text: $0.0), .element("dd", text: $0.1)] }),
        ]
        if let warning = figures.report.directionCoverage.warning {
            parts.append(.element("p", ["class": "warning"], text: "Warning: " + warning))
        }
        return Markup(parts)
    }

    /// The definition with this run's thresholds.
    static func serviceLevelDefinition(_ options: MetricsOptions) -> String {
        "answered within \(seconds(options.serviceLevelThreshold)) s / (offered - short abandons), inbound calls; "
            + "abandons under \(seconds(options.shortAbandon)) s are short abandons"
    }

    static func seconds(_ duration: Duration) -> String {
        KPIRendering.format(Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18, duration.components.attoseconds == 0 ? 0 : 1)
    }

    static func period(_ closed: (from: Timestamp, to: Timestamp)?, explicit: (Timestamp?, Timestamp?), zone: TimeZone) -> String {
        guard let closed else { return "no calls" }
        let text = range(closed, zone: zone)
        return explicit.0 == nil && explicit.1 == nil ? text + " (the days of the calls given)" : text
    }

    /// `2026-03-28 00:00 to 2026-03-30 00:00 (end excluded)`.
    static func range(_ range: (from: Timestamp, to: Timestamp), zone: TimeZone) -> String {
        String(localTime(range.from, zone: zone).prefix(16)) + " to " + String(localTime(range.to, zone: zone).prefix(16)) + " (end excluded)"
    }

    static func localTime(_ time: Timestamp, zone: TimeZone) -> String { ControlEventRendering.localTime(time, zone: zone) }

    // MARK: KPI tiles

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

    static func kpiSection(_ figures: HTMLReportFigures, context: HTMLReportContext) -> HTMLSection {
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

    // MARK: Charts

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

    static func heatmapSection(_ figures: HTMLReportFigures) -> HTMLSection {
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

    // MARK: Tables

    /// A cell of text from input: escaped; past 80 characters cut, the whole value in its title.
    static func cell(_ value: String?, placeholder: String = "–") -> Markup {
        guard let value, !value.isEmpty else { return .element("td", text: placeholder) }
        let visible = TerminalText.escaped(value)
        guard visible.count > 80 else { return .element("td", text: value) }
        return .element("td", ["title": String(visible.prefix(2000))], text: String(visible.prefix(80)) + "…")
    }

    static func number(_ text: String) -> Markup { .element("td", ["class": "num"], text: text) }

    static func table(_ headers: [(String, Bool)], _ rows: [[Markup]]) -> Markup {
        .element("table", [:], [
            .element("thead", [:], [.element("tr", [:], headers.map { .element("th", ["class": $0.1 ? "num" : nil], text: $0.0) })]),
            .element("tbody", [:], rows.map { .element("tr", [:], $0) }),
        ])
    }

    static let lostRowLimit = 1000

    static func lostSection(_ figures: HTMLReportFigures, context: HTMLReportContext) -> HTMLSection {
        let lost = figures.lost
        let open = lost.filter { $0.returned == .none && !$0.withheld }.count
        let zone = context.options.timeZone
        let rows = lost.prefix(lostRowLimit).map { call -> [Markup] in
            [cell(String(localTime(call.start, zone: zone).prefix(19))), cell(call.caller, placeholder: "withheld"), cell(call.dialed),
             cell(call.queue), cell(call.outcome), number(call.waitSeconds.map { KPIRendering.format($0, 1) } ?? "–"),
             cell(call.withheld ? "cannot (withheld)" : (call.returned == .none ? "not yet" : call.returned.rawValue)),
             cell(call.by), number(call.delaySeconds.map(LostCallRendering.duration) ?? "–"), number(String(call.callbackAttempts))]
        }
        var parts: [Markup] = [.element("p", ["class": "note"], text: "\(lost.count) lost calls, \(open) not returned yet (callback window \(seconds(context.options.callbackWindow)) s).")]
        if !rows.isEmpty {
            parts.append(table([("start (\(zone.identifier))", false), ("caller", false), ("dialed", false), ("queue", false), ("outcome", false),
                                ("wait s", true), ("returned", false), ("returned by", false), ("after", true), ("tries", true)], Array(rows)))
        }
        if lost.count > lostRowLimit { parts.append(.element("p", ["class": "note"], text: "The first \(lostRowLimit) of \(lost.count); `callscope lost` lists them all.")) }
        return HTMLSection(id: "lost", title: "Lost calls", body: Markup(parts))
    }

    static func agentSection(_ figures: HTMLReportFigures) -> HTMLSection {
        guard !figures.agents.isEmpty || !figures.agentStates.isEmpty else {
            return HTMLSection(id: "agents", title: "Agents", body: .element("p", ["class": "note"], text: "No call names an agent."))
        }
        let states = Dictionary(figures.agentStates.map { ($0.agent, $0) }, uniquingKeysWith: { a, _ in a })
        let names = Array(Set(figures.agents.map(\.agent)).union(states.keys)).sorted()
        let calls = Dictionary(figures.agents.map { ($0.agent, $0) }, uniquingKeysWith: { a, _ in a })
        let withStates = !states.isEmpty
        func hours(_ ns: Int64) -> String { KPIRendering.format(Double(ns) / 3.6e12, 1) }
        func percent(_ value: Double?) -> String { value.map { KPIRendering.format($0 * 100, 1) + "%" } ?? "–" }
        let rows = names.map { name -> [Markup] in
            let d = calls[name]
            var row: [Markup] = [cell(name), number(String(d?.inboundReceived ?? 0)), number(String(d?.inboundMissed ?? 0)),
                                 number(String(d?.outboundAnswered ?? 0)), number(String(d?.outboundNotAnswered ?? 0)),
                                 number(KPIRendering.format(d?.talkMinutes ?? 0, 1)), number(d?.asaSeconds.map { KPIRendering.format($0, 1) } ?? "–"),
                                 number(d?.callsPerHour.map { KPIRendering.format($0, 1) } ?? "–")]
            if withStates {
                let s = states[name]
                row += [number(s.map { hours($0.loggedInNanoseconds) } ?? "–"), number(s.map { hours($0.pausedNanoseconds) } ?? "–"),
                        number(s?.ahtSeconds.map { KPIRendering.format($0, 0) } ?? "–"), number(percent(s?.occupancy)),
                        number(percent(s?.utilisation)), number(s.map { String($0.ringNoAnswers) } ?? "–")]
            }
            return row
        }
        var headers = [("agent", false), ("answered", true), ("missed", true), ("outbound answered", true), ("outbound not answered", true),
                       ("talk min", true), ("ASA s", true), ("calls / active hour", true)]
        if withStates { headers += [("logged in h", true), ("paused h", true), ("AHT s", true), ("occupancy", true), ("utilisation", true), ("RONA", true)] }
        return HTMLSection(id: "agents", title: "Agents", body: table(headers, rows))
    }

    static func outboundSection(_ figures: HTMLReportFigures) -> HTMLSection {
        let rates = figures.outbound
        guard rates.cold.calls + rates.followUp.calls > 0 || rates.heatmap.cells.contains(where: { $0.contains { $0.calls > 0 } }) else {
            return HTMLSection(id: "outbound", title: "Outbound", body: .element("p", ["class": "note"], text: "No outbound calls in the period."))
        }
        func rate(_ count: AnswerCount) -> String { count.rate.map { KPIRendering.format($0 * 100, 1) + "%" } ?? "–" }
        let scopes = [("all agents", rates.cold, rates.followUp)] + rates.agents.map { ($0.agent, $0.cold, $0.followUp) }
        let rows = scopes.map { scope, cold, followUp -> [Markup] in
            [cell(scope), number(String(cold.calls)), number(String(cold.answered)), number(rate(cold)),
             number(String(followUp.calls)), number(String(followUp.answered)), number(rate(followUp))]
        }
        return HTMLSection(id: "outbound", title: "Outbound: cold calls and follow-ups", body: Markup([
            .element("p", ["class": "note"], text: "Cold: the first outbound call to a number; follow-up: any later one."),
            table([("agent", false), ("cold calls", true), ("answered", true), ("answer rate", true),
                   ("follow-ups", true), ("answered", true), ("answer rate", true)], rows),
            SVGChart.heatmap(title: "Outbound answer rate by weekday and hour (best time to call)", unit: "% answered",
                             percentGrid(rates.heatmap), format: { KPIRendering.format($0, 0) }),
        ]))
    }

    static func campaignSection(_ report: CampaignReport) -> HTMLSection {
        func money(_ value: Double?) -> String { value.map { KPIRendering.format($0, 2) } ?? "–" }
        func percent(_ value: Double?) -> String { value.map { KPIRendering.format($0 * 100, 1) + "%" } ?? "–" }
        let rows = (report.campaigns + [report.unattributed]).map { c -> [Markup] in
            [cell(c.name), cell(c.channel), number(String(c.calls)), number(String(c.firstTimeCallers)), number(String(c.answered)),
             number(String(c.qualifiedCalls)), number(percent(c.conversion)), number(money(c.cost)), number(money(c.costPerCall)),
             number(money(c.costPerQualified)), number(money(c.revenue)), number(percent(c.roi))]
        }
        return HTMLSection(id: "campaigns", title: "Campaigns", body: table(
            [("campaign", false), ("channel", false), ("calls", true), ("first-time", true), ("answered", true), ("qualified", true),
             ("conversion", true), ("cost", true), ("cost / call", true), ("cost / qualified", true), ("revenue", true), ("ROI", true)], rows))
    }
}

import CallMetrics
import CallModel
import Foundation

/// The table sections: lost calls, agents, outbound, campaigns, control events.
extension HTMLReport {
    /// A cell of text from input: escaped; past 80 characters cut, the whole value in its title.
    public static func cell(_ value: String?, placeholder: String = "–") -> Markup {
        guard let value, !value.isEmpty else { return .element("td", text: placeholder) }
        let visible = TerminalText.escaped(value)
        guard visible.count > 80 else { return .element("td", text: value) }
        return .element("td", ["title": String(visible.prefix(2000))], text: String(visible.prefix(80)) + "…")
    }

    /// A cell of text from input that links to `href` (our own URL, its parts escaped by the caller); plain when nil.
    public static func cell(_ value: String?, href: String?) -> Markup {
        guard let href, let value, !value.isEmpty else { return cell(value) }
        let visible = TerminalText.escaped(value)
        let shown = visible.count > 80 ? String(visible.prefix(80)) + "…" : value
        return .element("td", [:], [.element("a", ["href": href], text: shown)])
    }

    public static func number(_ text: String) -> Markup { .element("td", ["class": "num"], text: text) }

    public static func table(_ headers: [(String, Bool)], _ rows: [[Markup]]) -> Markup {
        .element("table", [:], [
            .element("thead", [:], [.element("tr", [:], headers.map { .element("th", ["class": $0.1 ? "num" : nil], text: $0.0) })]),
            .element("tbody", [:], rows.map { .element("tr", [:], $0) }),
        ])
    }

    public static let lostRowLimit = 1000

    public static func lostSection(_ figures: HTMLReportFigures, context: HTMLReportContext) -> HTMLSection {
        let lost = figures.lost
        let open = lost.filter { $0.returned == .none && !$0.withheld }.count
        let zone = context.options.timeZone
        var clock = SiteTime(zone: zone)  // one clock for every row: its zone offsets are cached
        let shown = min(context.lostRows, lostRowLimit)
        let rows = lost.prefix(shown).map { call -> [Markup] in
            [cell(String(clock.tableText(call.start, milliseconds: false).prefix(19)), href: context.links?.call(call.callID, call.start)),
             call.caller == nil ? cell(nil, placeholder: "withheld") : cell(call.caller, href: context.links?.caller(call.caller ?? "")), cell(call.dialed),
             cell(call.queue), cell(call.outcome), number(call.waitSeconds.map { KPIRendering.format($0, 1) } ?? "–"),
             cell(call.withheld ? "cannot (withheld)" : (call.returned == .none ? "not yet" : call.returned.rawValue)),
             cell(call.by, href: call.by.flatMap { context.links?.agent($0) }), number(call.delaySeconds.map(LostCallRendering.duration) ?? "–"), number(String(call.callbackAttempts))]
        }
        var parts: [Markup] = [.element("p", ["class": "note"], text: "\(lost.count) lost calls, \(open) not returned yet (callback window \(KPIRendering.format(Double(context.options.callbackWindow.components.seconds) / 3600, 1)) h).")]
        if !rows.isEmpty {
            parts.append(table([("start (\(zone.identifier))", false), ("caller", false), ("dialed", false), ("queue", false), ("outcome", false),
                                ("wait s", true), ("returned", false), ("returned by", false), ("after", true), ("tries", true)], Array(rows)))
        }
        if lost.count > shown, shown < lostRowLimit, let href = context.links?.lost {
            parts.append(.element("p", ["class": "note"], [Markup(text: "The first \(shown) of \(lost.count): see "), .element("a", ["href": href], text: "Lost calls"),
                                                           Markup(text: " (the first \(lostRowLimit); "), .element("code", [:], text: "callscope lost"),
                                                           Markup(text: " lists them all).")]))
        } else if lost.count > shown {
            parts.append(Self.allNote("The first \(shown) of \(lost.count); ", command: "callscope lost"))
        }
        return HTMLSection(id: "lost", title: "Lost calls", body: Markup(parts))
    }

    public static func agentSection(_ figures: HTMLReportFigures, links: HTMLReportLinks? = nil) -> HTMLSection {
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
            var row: [Markup] = [cell(name, href: links?.agent(name)), number(String(d?.inboundReceived ?? 0)), number(String(d?.inboundMissed ?? 0)),
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

    public static func campaignSection(_ report: CampaignReport) -> HTMLSection {
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

    /// The control events: how many per agent and rule, then each event in time order (the
    /// first 1000), as `callscope events` lists them.
    static func eventSection(_ events: [ControlEvent], zone: TimeZone) -> HTMLSection {
        guard !events.isEmpty else {
            return HTMLSection(id: "events", title: "Control events", body: .element("p", ["class": "note"], text: "No events under the rules."))
        }
        let rules = Array(Set(events.map(\.rule))).sorted()
        var counts: [String: [String: Int]] = [:]
        for event in events { counts[event.agent ?? "–", default: [:]][event.rule, default: 0] += 1 }
        let agents = counts.keys.sorted { a, b in
            let ta = counts[a, default: [:]].values.reduce(0, +), tb = counts[b, default: [:]].values.reduce(0, +)
            return ta != tb ? ta > tb : a < b
        }
        let summary = table([("agent", false)] + rules.map { ($0, true) } + [("total", true)], agents.map { agent in
            let row = counts[agent, default: [:]]
            return [cell(agent)] + rules.map { number(String(row[$0] ?? 0)) } + [number(String(row.values.reduce(0, +)))]
        })
        func value(_ v: Double?) -> String { v.map { ControlEventRendering.number($0) } ?? "–" }
        let rows = events.prefix(lostRowLimit).map { e -> [Markup] in
            [cell(String(localTime(e.time, zone: zone).prefix(19))), cell(e.rule), cell(e.severity.rawValue), cell(e.agent), cell(e.queue),
             cell(e.callID), number(value(e.value)), number(value(e.threshold)), cell(e.detail)]
        }
        var parts: [Markup] = [.element("p", ["class": "note"], text: "\(events.count) events."), summary,
                               table([("time (\(zone.identifier))", false), ("rule", false), ("severity", false), ("agent", false), ("queue", false),
                                      ("call", false), ("value", true), ("limit", true), ("detail", false)], Array(rows))]
        if events.count > lostRowLimit { parts.append(Self.allNote("The first \(lostRowLimit) of \(events.count); ", command: "callscope events")) }
        return HTMLSection(id: "events", title: "Control events", body: Markup(parts))
    }
}

extension HTMLReport {
    /// The note under a table cut to its first rows: `lead`, then `command` as code, "lists them all."
    fileprivate static func allNote(_ lead: String, command: String) -> Markup {
        .element("p", ["class": "note"], [Markup(text: lead), .element("code", [:], text: command), Markup(text: " lists them all.")])
    }
}

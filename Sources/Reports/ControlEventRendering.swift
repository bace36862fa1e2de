import CallMetrics
import CallModel
import Foundation

/// `callscope events` output (README "callscope events"): one record per event for machines
/// (UTC ISO-8601 times), and for people a table in the site's local time followed by the
/// count of events per agent and rule.
public enum ControlEventRendering {
    public static let fields = ["time", "rule", "severity", "agent", "queue", "call_id", "value", "threshold", "detail"]

    public static func record(_ event: ControlEvent) -> Record {
        [("time", .time(event.time)), ("rule", .string(event.rule)), ("severity", .string(event.severity.rawValue)),
         ("agent", .string(event.agent)), ("queue", .string(event.queue)), ("call_id", .string(event.callID)),
         ("value", event.value.map { .decimal(KPIRendering.format($0, 2)) } ?? .null),
         ("threshold", event.threshold.map { .decimal(KPIRendering.format($0, 2)) } ?? .null),
         ("detail", .string(event.detail))]
    }

    /// The events with local times in `zone`, then the summary per agent and rule.
    public static func table(_ events: [ControlEvent], zone: TimeZone) -> String {
        guard !events.isEmpty else { return "no events\n" }
        var table = TextTable(columns: [
            .init("time (\(zone.identifier))", maxWidth: 30), .init("rule", maxWidth: 24), .init("severity"), .init("agent", maxWidth: 16),
            .init("queue", maxWidth: 12), .init("call id", maxWidth: 24), .init("value", .right), .init("limit", .right),
            .init("detail", maxWidth: 90),
        ])
        for event in events {
            table.append([
                localTime(event.time, zone: zone), event.rule, event.severity.rawValue, event.agent ?? "-", event.queue ?? "-",
                event.callID ?? "-", event.value.map(number) ?? "-", event.threshold.map(number) ?? "-", event.detail,
            ])
        }
        return table.render() + "\n" + summary(events)
    }

    /// Events per agent and rule (agent `-` for events without one), busiest agent first.
    public static func summary(_ events: [ControlEvent]) -> String {
        var counts: [String: [String: Int]] = [:]
        for event in events { counts[event.agent ?? "-", default: [:]][event.rule, default: 0] += 1 }
        let rules = Array(Set(events.map(\.rule))).sorted()
        var table = TextTable(columns: [.init("agent", maxWidth: 16)] + rules.map { .init($0, .right, maxWidth: 24) } + [.init("total", .right)])
        let agents = counts.keys.sorted { a, b in
            let ta = counts[a, default: [:]].values.reduce(0, +), tb = counts[b, default: [:]].values.reduce(0, +)
            return ta != tb ? ta > tb : a < b
        }
        for agent in agents {
            let row = counts[agent, default: [:]]
            table.append([agent] + rules.map { String(row[$0] ?? 0) } + [String(row.values.reduce(0, +))])
        }
        return table.render() + "\(events.count) events\n"
    }

    /// Two decimals under 10 (rates, MOS), else one.
    static func number(_ value: Double) -> String { KPIRendering.format(value, abs(value) < 10 ? 2 : 1) }

    /// `2026-03-31 09:25:40` on the wall clock of `zone`.
    static func localTime(_ time: Timestamp, zone: TimeZone) -> String {
        var clock = SiteTime(zone: zone)
        return clock.tableText(time, milliseconds: false)
    }
}

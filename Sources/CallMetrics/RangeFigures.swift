import CallModel

/// The figures of one range that an overview shows, from one pass over the range's calls: the
/// KPIs ungrouped, by hour and by day, the volume and inbound answer-rate heatmaps, outbound
/// answer rates, each agent's days with their totals, and the campaigns when any are given.
///
/// Why one pass: computed one entry point at a time, each figure copied every call of the
/// range and read its local time again (seven passes over 23,000 calls in the dashboard's
/// benchmark, docs/performance.md "Dashboard"). Each figure is fed by the tally its own entry
/// point uses (FigureTallies.swift), so the values equal those of ``MetricsEngine/report(_:groupBy:options:)``,
/// ``MetricsEngine/heatmap(_:metric:direction:options:)``, ``MetricsEngine/outboundAnswerRates(_:options:)``,
/// ``MetricsEngine/agentDaily(_:options:totals:)`` and ``MetricsEngine/campaignReport(_:options:)``.
public struct RangeFigures: Sendable, Hashable {
    /// `report` ungrouped, `--by hour`, `--by day` (the three share their `overall` row).
    public var report: MetricsReport
    public var byHour: MetricsReport
    public var byDay: MetricsReport
    /// Calls offered (every direction) and the answer rate of inbound calls, weekday x hour.
    public var volume: Heatmap
    public var inboundAnswerRate: Heatmap
    public var outbound: OutboundAnswerRates
    /// ``MetricsEngine/agentDaily(_:options:totals:)`` with totals.
    public var agentDays: [AgentDay]
    /// Nil when `options` gives no campaigns.
    public var campaigns: CampaignReport?
}

extension MetricsEngine {
    /// Every ``RangeFigures`` figure of `options`' range over calls prepared once.
    public static func rangeFigures(_ history: CallHistory, options: MetricsOptions) -> RangeFigures {
        let timeline = history.timeline(for: options)
        let calls = timeline.calls
        let range = timeline.positions(in: options)
        var overall = OverallTally(options: options)
        var byHour = GroupTally(groupBy: .hour, options: options)
        var byDay = GroupTally(groupBy: .day, options: options)
        var volume = HeatmapTally(metric: .volume, direction: nil)
        var inboundAnswerRate = HeatmapTally(metric: .answerRate, direction: .inbound)
        var outbound = OutboundTally()
        var agentDays = AgentDayTally()
        var campaigns = options.campaigns.isEmpty ? nil : CampaignTally(options: options)
        var clock = LocalClock(zone: options.timeZone)
        for position in range {
            let call = calls[timeline.order[position]]
            let facts = timeline.facts(at: position)
            let local = clock.local(call.start)
            overall.add(call, facts: facts)
            byHour.add(call, facts: facts, key: .hour(local.hour))
            byDay.add(call, facts: facts, key: .day(local.days))
            volume.add(call, inbound: facts.inbound, at: local)
            inboundAnswerRate.add(call, inbound: facts.inbound, at: local)
            if call.direction == .outbound { outbound.add(call, cold: timeline.cold[position], at: local) }
            if call.agent != nil { agentDays.add(call, inbound: facts.inbound, at: local) }
            campaigns?.add(call, callerClass: facts.callerClass)
        }
        let kpis = overall.result()
        let historyOnly = timeline.order.count - range.count
        func report(_ groupBy: GroupBy?, _ groups: [MetricsRow]) -> MetricsReport {
            overall.report(kpis, groupBy: groupBy, groups: groups, options: options, duplicates: timeline.duplicates, historyOnly: historyOnly)
        }
        return RangeFigures(
            report: report(nil, []), byHour: report(.hour, byHour.rows()), byDay: report(.day, byDay.rows()),
            volume: volume.heatmap(), inboundAnswerRate: inboundAnswerRate.heatmap(), outbound: outbound.result(),
            agentDays: agentDays.result(totals: true), campaigns: campaigns?.result())
    }
}

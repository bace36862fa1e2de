import CallModel

/// `report --view attribution`: the inbound calls of the period per value of one visit field
/// (`--by utm_source` by default), with cost, revenue and ROI (README "Visit attribution").
///
/// Unattributed calls (kind `none`) are one row of their own, always present, never dropped;
/// attributed calls without a value for the field are the row `(none)`. `total` counts every
/// inbound call of the period.
public struct AttributionReport: Sendable, Hashable {
    public var by: GroupBy
    /// One row per value, by the group keys' natural order; `(none)` last.
    public var rows: [CampaignRow]
    public var unattributed: CampaignRow
    public var total: CampaignRow
    /// Attributed calls (kind pool or static) / all calls.
    public var attributedShare: Double?
    /// Calls of kind pool / static, and calls to a pool number that no visit held.
    public var poolCalls: Int
    public var staticCalls: Int
    public var unattributedPoolCalls: Int
    /// Calls flagged ambiguous.
    public var ambiguousCalls: Int
    /// Pool exhaustion, when the run knows the visits.
    public var exhaustion: [PoolExhaustion]
}

extension MetricsEngine {
    /// The attribution view of `calls` (already attributed, ``AttributionEngine/attribute(_:touch:repeatWindow:)``).
    ///
    /// Cost: the `--costs` entries of days in the period. Grouped by `utm_source`, `utm_medium`
    /// or `utm_campaign`, an entry goes to the row its own field names (an entry leaving that
    /// field empty counts in the total only); other groupings have cost in the total only.
    /// Revenue: each qualified call's static campaign `revenue_per_qualified`, else
    /// `valuePerQualified`; nil when neither is known for any call of the row.
    public static func attributionReport(calls: [Call], by: GroupBy, options: MetricsOptions, costs: [CostEntry],
                                         valuePerQualified: Double?, exhaustion: [PoolExhaustion] = []) -> AttributionReport {
        attributionReport(CallTimeline(calls: calls, options: options), by: by, options: options, costs: costs,
                          valuePerQualified: valuePerQualified, exhaustion: exhaustion)
    }

    /// ``attributionReport(calls:by:options:costs:valuePerQualified:exhaustion:)`` over calls prepared once.
    public static func attributionReport(_ history: CallHistory, by: GroupBy, options: MetricsOptions, costs: [CostEntry],
                                         valuePerQualified: Double?, exhaustion: [PoolExhaustion] = []) -> AttributionReport {
        attributionReport(history.timeline(for: options), by: by, options: options, costs: costs,
                          valuePerQualified: valuePerQualified, exhaustion: exhaustion)
    }

    static func attributionReport(_ timeline: CallTimeline, by: GroupBy, options: MetricsOptions, costs: [CostEntry],
                                  valuePerQualified: Double?, exhaustion: [PoolExhaustion]) -> AttributionReport {
        let calls = timeline.calls
        let qualifiedTalk = options.qualifiedTalk.nanoseconds
        let revenueByCampaign = Dictionary(options.campaigns.map { ($0.name, $0.revenuePerQualified) }, uniquingKeysWith: { a, _ in a })
        struct Tally { var calls = 0, firstTime = 0, answered = 0, qualified = 0; var revenue: Double? }
        var tallies: [GroupKey: Tally] = [:]
        var unattributed = Tally(), total = Tally()
        var poolCalls = 0, staticCalls = 0, unattributedPool = 0, ambiguous = 0
        var clock = LocalClock(zone: options.timeZone)
        let rules = CampaignAttribution(options.campaigns)
        for position in timeline.order.indices {
            let call = calls[timeline.order[position]]
            guard options.inRange(call.start), call.direction != .outbound, call.direction != .internal else { continue }
            let attribution = call.attribution ?? .none
            var tally = Tally()
            tally.calls = 1
            if timeline.callerClass[position] == .firstTime { tally.firstTime = 1 }
            if call.outcome == .answered {
                tally.answered = 1
                if let ended = call.endedAt, let at = call.answeredAt, at.distance(to: ended) >= qualifiedTalk {
                    tally.qualified = 1
                    let value = attribution.kind == .static ? attribution.owner.flatMap { revenueByCampaign[$0] ?? nil } : valuePerQualified
                    tally.revenue = value
                }
            }
            func add(_ t: inout Tally) {
                t.calls += tally.calls; t.firstTime += tally.firstTime; t.answered += tally.answered; t.qualified += tally.qualified
                if let r = tally.revenue { t.revenue = (t.revenue ?? 0) + r }
            }
            add(&total)
            switch attribution.kind {
            case .pool: poolCalls += 1
            case .static: staticCalls += 1
            case .none: if attribution.owner != nil { unattributedPool += 1 }
            }
            if attribution.ambiguous { ambiguous += 1 }
            if attribution.kind == .none {
                add(&unattributed)
            } else {
                let key = groupKey(call, by, clock: &clock, attribution: rules)
                add(&tallies[key, default: Tally()])
            }
        }
        var costByKey: [String: Double] = [:]
        var totalCost: Double?
        for entry in costs where options.inRange(entry.day) {
            totalCost = (totalCost ?? 0) + entry.amount
            let field: String? = switch by {
            case .utmSource: entry.source
            case .utmMedium: entry.medium
            case .utmCampaign: entry.campaign
            default: nil
            }
            if let field { costByKey[field, default: 0] += entry.amount }
        }
        let anyCost = !costs.isEmpty
        func row(_ name: String, _ t: Tally, cost: Double?) -> CampaignRow {
            var roi: Double?
            if let cost, cost > 0 { roi = ((t.revenue ?? 0) - cost) / cost }
            if t.revenue == nil { roi = nil }
            return CampaignRow(
                name: name, channel: nil, calls: t.calls, firstTimeCallers: t.firstTime, answered: t.answered,
                qualifiedCalls: t.qualified, conversion: ratio(t.qualified, t.calls), cost: cost,
                costPerCall: cost.flatMap { t.calls > 0 ? $0 / Double(t.calls) : nil },
                costPerQualified: cost.flatMap { t.qualified > 0 ? $0 / Double(t.qualified) : nil },
                revenue: t.revenue, roi: roi)
        }
        let costed: Set<GroupBy> = [.utmSource, .utmMedium, .utmCampaign]
        let rows = tallies.keys.sorted().map { key in
            row(key.label, tallies[key] ?? Tally(), cost: anyCost && costed.contains(by) && key != .none ? costByKey[key.label] ?? 0 : nil)
        }
        return AttributionReport(
            by: by, rows: rows, unattributed: row(GroupKey.unattributedLabel, unattributed, cost: nil),
            total: row("all", total, cost: totalCost), attributedShare: ratio(poolCalls + staticCalls, total.calls),
            poolCalls: poolCalls, staticCalls: staticCalls, unattributedPoolCalls: unattributedPool, ambiguousCalls: ambiguous,
            exhaustion: exhaustion)
    }
}

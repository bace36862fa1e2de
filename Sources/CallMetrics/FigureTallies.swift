import CallModel

// What each figure of ``MetricsEngine`` counts of one call, apart from the loop over the calls:
// a figure's own entry point feeds its tally alone, ``MetricsEngine/rangeFigures(_:options:)``
// feeds every tally from one pass (one copy of each call, one clock reading), so both give the
// same figures by construction (docs/performance.md "Dashboard").

/// The `overall` row of a KPI report and what the report says about its calls.
struct OverallTally {
    private var overall: KPIAccumulator
    private var coverage = DirectionCoverage(unknown: 0, calls: 0)

    init(options: MetricsOptions) { overall = KPIAccumulator(options: options) }

    @inline(__always)
    mutating func add<C: MetricCall>(_ call: C, facts: CallFacts) {
        coverage.calls += 1
        if call.direction == nil { coverage.unknown += 1 }
        overall.add(call, facts: facts)
    }

    /// A lost call counted before was returned `delay` after its start (``KPIReportStream``).
    mutating func addReturn(delayNanoseconds delay: Int64) { overall.addReturn(delayNanoseconds: delay) }

    /// The overall row's KPIs, computed once for every report that shares them.
    func result() -> (kpis: KPIs, details: KPIDetails) { overall.result() }

    /// - Parameter historyOnly: the calls of the timeline outside the range.
    func report(_ overall: (kpis: KPIs, details: KPIDetails), groupBy: GroupBy?, groups: [MetricsRow], options: MetricsOptions,
                duplicates: Int, historyOnly: Int) -> MetricsReport {
        MetricsReport(
            overall: MetricsRow(key: "overall", kpis: overall.kpis, details: overall.details), groupBy: groupBy, groups: groups,
            blockedAboveTarget: overall.kpis.blockedRate.map { $0 > options.blockedTarget } ?? false,
            blockedTarget: options.blockedTarget, duplicatesExcluded: duplicates, historyOnlyCalls: historyOnly,
            directionCoverage: coverage)
    }
}

/// The rows of one grouping of a KPI report (`--by`), fed in time order.
struct GroupTally {
    let groupBy: GroupBy
    private let options: MetricsOptions
    private var slots: [GroupKey: Int] = [:]
    private var accumulators: [KPIAccumulator] = []
    private var lastKey: GroupKey?
    private var lastSlot = 0

    init(groupBy: GroupBy, options: MetricsOptions) { self.groupBy = groupBy; self.options = options }

    /// Counts a call in range in the group `key`; returns the group's slot (for ``addReturn(slot:delayNanoseconds:)``).
    @discardableResult
    mutating func add(_ call: Call, facts: CallFacts, key: GroupKey) -> Int {
        if key != lastKey {  // time-ordered calls mostly share the previous call's key
            lastSlot = slot(of: key)
            lastKey = key
        }
        let counted = lastSlot
        guard groupBy == .agent, let parts = MetricsEngine.agentTalk(call) else {
            accumulators[counted].add(call, facts: facts)
            return counted
        }
        add(call, facts: facts, slot: counted, agent: call.agent, talkParts: parts)
        return counted
    }

    /// Counts a call in range in group `slot` (``slot(of:)``); under `--by agent`, `talkParts`
    /// are each agent's own part of its talk (``MetricsEngine/agentTalk(_:)``) and `agent` the
    /// call's agent.
    @inline(__always)
    mutating func add<C: MetricCall>(_ call: C, facts: CallFacts, slot counted: Int, agent: String?, talkParts parts: [String: Int64]?) {
        guard groupBy == .agent, let parts else {
            accumulators[counted].add(call, facts: facts)
            return
        }
        // Each agent is credited with their own part of a transferred call's talk.
        let own = agent.flatMap { parts[$0] } ?? 0
        accumulators[counted].add(call, facts: facts, talkCredit: own)
        for (other, talk) in parts.sorted(by: { $0.key < $1.key }) where other != agent {
            accumulators[slot(of: .text(other))].addTransferredTalk(talk)
        }
        lastKey = nil
    }

    /// A lost call counted before in group `slot` was returned `delay` after its start (``KPIReportStream``).
    mutating func addReturn(slot: Int, delayNanoseconds delay: Int64) {
        accumulators[slot].addReturn(delayNanoseconds: delay)
    }

    /// The accumulator of `key`, made when first seen.
    mutating func slot(of key: GroupKey) -> Int {
        if let slot = slots[key] { return slot }
        let slot = accumulators.count
        slots[key] = slot
        accumulators.append(KPIAccumulator(options: options))
        return slot
    }

    /// In key order (``GroupKey``'s).
    func rows() -> [MetricsRow] {
        slots.sorted { $0.key < $1.key }.map { key, slot -> MetricsRow in
            let (kpis, details) = accumulators[slot].result()
            return MetricsRow(key: key.label, kpis: kpis, details: details)
        }
    }
}

/// A weekday x hour grid of one metric, optionally of one direction.
struct HeatmapTally {
    let metric: HeatmapMetric
    let direction: CallDirectionFilter?
    private var grid = HeatmapGrid()

    init(metric: HeatmapMetric, direction: CallDirectionFilter?) { self.metric = metric; self.direction = direction }

    /// - Parameter inbound: whether the call counts as inbound (``CallTimeline/inbound``).
    @inline(__always)
    mutating func add(_ call: Call, inbound: Bool, at local: LocalClockReading) {
        switch direction {
        case .inbound?: guard inbound else { return }
        case .outbound?: guard call.direction == .outbound else { return }
        // ASA is defined on inbound calls (docs/metrics.md): an outbound ring is not a wait.
        case nil: if metric == .asa, !inbound { return }
        }
        grid.add(call, at: local)
    }

    func heatmap() -> Heatmap { grid.heatmap(metric: metric, direction: direction) }
}

/// Outbound answer rates, cold against follow-up, overall and per agent.
struct OutboundTally {
    private struct Tally: InPlaceUpdatable { var cold = AnswerCount(); var followUp = AnswerCount(); var grid = HeatmapGrid() }
    private var all = Tally()
    private var agents: [String: Tally] = [:]

    /// - Parameter cold: whether it is the first outbound call to its number (``CallTimeline/cold``).
    mutating func add(_ call: Call, cold: Bool, at local: LocalClockReading) {
        guard call.direction == .outbound else { return }
        let answered = call.outcome == .answered ? 1 : 0
        // A call to a withheld or non-numeric destination is neither cold nor a follow-up.
        let numbered = !NumberKey.isWithheld(call.dialed)
        let apply = { (t: inout Tally) in
            if numbered, cold { t.cold.calls += 1; t.cold.answered += answered }
            else if numbered { t.followUp.calls += 1; t.followUp.answered += answered }
            t.grid.add(call, at: local)
        }
        apply(&all)
        agents[call.agent ?? GroupKey.noneLabel, default: Tally()].update(apply)
    }

    func result() -> OutboundAnswerRates {
        let perAgent = agents.sorted { GroupKey.text($0.key) < GroupKey.text($1.key) }.map {
            AgentOutboundRates(agent: $0.key, cold: $0.value.cold, followUp: $0.value.followUp,
                               heatmap: $0.value.grid.heatmap(metric: .answerRate, direction: .outbound))
        }
        return OutboundAnswerRates(cold: all.cold, followUp: all.followUp,
                                   heatmap: all.grid.heatmap(metric: .answerRate, direction: .outbound), agents: perAgent)
    }
}

/// Per agent per local day: the counts behind ``AgentDay``.
struct AgentDayTally {
    private struct Key: Hashable { var agent: String; var day: Int64 }
    private struct Tally: InPlaceUpdatable {
        var received = 0, missed = 0, outAnswered = 0, outNotAnswered = 0
        var talk = NanosecondSum()
        var wait = NanosecondSum()
        var waitCount = 0
        var hours: UInt32 = 0
    }
    private var tallies: [Key: Tally] = [:]

    /// - Parameter inbound: whether the call counts as inbound (``CallTimeline/inbound``).
    mutating func add(_ call: Call, inbound: Bool, at local: LocalClockReading) {
        guard let agent = call.agent, inbound || call.direction == .outbound else { return }
        let answered = call.outcome == .answered
        let parts = MetricsEngine.agentTalk(call)
        if let parts {
            // A transferred call: each agent on it is credited with their own part.
            for (name, talk) in parts where name != agent {
                tallies[Key(agent: name, day: local.days), default: Tally()].update { $0.talk.add(talk) }
            }
        }
        tallies[Key(agent: agent, day: local.days), default: Tally()].update { t in
            t.hours |= 1 << UInt32(local.hour)
            if let parts {
                t.talk.add(parts[agent] ?? 0)
            } else if answered, let ended = call.endedAt, let at = call.answeredAt {
                t.talk.add(max(0, at.distance(to: ended)))
            }
            if inbound {
                if answered {
                    t.received += 1
                    if let wait = call.waitNanoseconds ?? call.answeredAt.map({ call.start.distance(to: $0) }) {
                        t.wait.add(wait); t.waitCount += 1
                    }
                } else {
                    t.missed += 1
                }
            } else if answered {
                t.outAnswered += 1
            } else {
                t.outNotAnswered += 1
            }
        }
    }

    /// Ordered by agent, then day; with `totals`, each agent's days followed by their `all` row.
    func result(totals: Bool) -> [AgentDay] {
        func row(_ agent: String, _ day: String, _ t: Tally, hours: Int) -> AgentDay {
            let handled = t.received + t.outAnswered + t.outNotAnswered
            return AgentDay(
                agent: agent, day: day, inboundReceived: t.received,
                inboundMissed: t.missed, outboundAnswered: t.outAnswered, outboundNotAnswered: t.outNotAnswered,
                talkMinutes: t.talk.totalSeconds / 60, asaSeconds: t.wait.meanSeconds(t.waitCount),
                activeHours: hours, callsPerHour: ratio(handled, hours))
        }
        let sorted = tallies.sorted { $0.key.agent != $1.key.agent ? $0.key.agent < $1.key.agent : $0.key.day < $1.key.day }
        var out: [AgentDay] = []
        out.reserveCapacity(sorted.count)
        var total = Tally(), totalHours = 0
        for (i, (key, t)) in sorted.enumerated() {
            out.append(row(key.agent, CivilDate.label(days: key.day), t, hours: t.hours.nonzeroBitCount))
            guard totals else { continue }
            total.received += t.received; total.missed += t.missed
            total.outAnswered += t.outAnswered; total.outNotAnswered += t.outNotAnswered
            total.talk.add(t.talk); total.wait.add(t.wait); total.waitCount += t.waitCount
            totalHours += t.hours.nonzeroBitCount
            if i + 1 == sorted.count || sorted[i + 1].key.agent != key.agent {
                out.append(row(key.agent, AgentDay.allDays, total, hours: totalHours))
                total = Tally(); totalHours = 0
            }
        }
        return out
    }
}

/// Per campaign in rule order, then unattributed: the counts behind ``CampaignRow``.
struct CampaignTally {
    private struct Tally { var calls = 0, firstTime = 0, answered = 0, qualified = 0 }
    private let options: MetricsOptions
    private let attribution: CampaignAttribution
    private let qualified: Int64
    private var tallies: [Tally]

    init(options: MetricsOptions) {
        self.options = options
        attribution = CampaignAttribution(options.campaigns)
        qualified = options.qualifiedTalk.nanoseconds
        tallies = Array(repeating: Tally(), count: options.campaigns.count + 1)
    }

    /// - Parameter callerClass: ``CallTimeline/callerClass`` of the call.
    mutating func add(_ call: Call, callerClass: CallerClass) {
        guard call.direction != .outbound, call.direction != .internal else { return }
        let slot = attribution.campaignIndex(of: call) ?? options.campaigns.count
        tallies[slot].calls += 1
        if callerClass == .firstTime { tallies[slot].firstTime += 1 }
        if call.outcome == .answered {
            tallies[slot].answered += 1
            if let ended = call.endedAt, let at = call.answeredAt, at.distance(to: ended) >= qualified {
                tallies[slot].qualified += 1
            }
        }
    }

    func result() -> CampaignReport {
        func row(_ name: String, _ campaign: Campaign?, _ t: Tally) -> CampaignRow {
            let cost = campaign?.cost
            let revenue = campaign?.revenuePerQualified.map { $0 * Double(t.qualified) }
            var roi: Double?
            if let cost, let revenue, cost > 0 { roi = (revenue - cost) / cost }
            return CampaignRow(
                name: name, channel: campaign?.channel, calls: t.calls, firstTimeCallers: t.firstTime,
                answered: t.answered, qualifiedCalls: t.qualified, conversion: ratio(t.qualified, t.calls), cost: cost,
                costPerCall: cost.flatMap { t.calls > 0 ? $0 / Double(t.calls) : nil },
                costPerQualified: cost.flatMap { t.qualified > 0 ? $0 / Double(t.qualified) : nil },
                revenue: revenue, roi: roi)
        }
        let rows = options.campaigns.enumerated().map { row($0.element.name, $0.element, tallies[$0.offset]) }
        return CampaignReport(campaigns: rows, unattributed: row(GroupKey.unattributedLabel, nil, tallies[options.campaigns.count]))
    }
}

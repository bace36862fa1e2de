import CallModel

/// The metrics core: calls in, typed results out, no I/O (docs/metrics.md).
///
/// Every entry point sorts the calls by start once (skipped when already in order), drops
/// duplicates, runs one history pass for the facts that depend on other calls (repeat
/// callers, lost-call returns, cold calls), then aggregates the calls in
/// `[options.from, options.to)` in one pass. Calls before `from` serve as look-back and calls
/// after `to` as look-ahead for callbacks; neither is counted.
///
/// - Complexity: O(n log n) time, O(n) small integers of working memory plus O(groups) accumulators.
public enum MetricsEngine {

    /// The KPI table: all calls in range (`overall`) and one row per group key.
    ///
    /// - Parameters:
    ///   - groupBy: the key of `groups`, or nil for `overall` alone.
    /// - Returns: groups in key order: time keys chronologically (weekday Monday first, hour
    ///   from 00:00), other keys by code point, then `(unattributed)`, then `(outbound)`/`(internal)` (campaign keys), then `(none)`.
    public static func report(calls: [Call], groupBy: GroupBy?, options: MetricsOptions) -> MetricsReport {
        report(CallTimeline(calls: calls, options: options), groupBy: groupBy, options: options)
    }

    static func report(_ timeline: CallTimeline, groupBy: GroupBy?, options: MetricsOptions) -> MetricsReport {
        let calls = timeline.calls
        var overall = KPIAccumulator(options: options)
        var slots: [GroupKey: Int] = [:]
        var accumulators: [KPIAccumulator] = []
        var lastKey: GroupKey?
        var lastSlot = 0
        var clock = LocalClock(zone: options.timeZone)
        let attribution = CampaignAttribution(options.campaigns)
        var historyOnly = 0
        var coverage = DirectionCoverage(unknown: 0, calls: 0)
        for position in timeline.order.indices {
            let call = calls[timeline.order[position]]
            guard options.inRange(call.start) else { historyOnly += 1; continue }
            coverage.calls += 1
            if call.direction == nil { coverage.unknown += 1 }
            let facts = timeline.facts(at: position)
            overall.add(call, facts: facts)
            guard let groupBy else { continue }
            let key = groupKey(call, groupBy, clock: &clock, attribution: attribution)
            if key != lastKey {  // time-ordered calls mostly share the previous call's key
                if let slot = slots[key] {
                    lastSlot = slot
                } else {
                    lastSlot = accumulators.count
                    slots[key] = lastSlot
                    accumulators.append(KPIAccumulator(options: options))
                }
                lastKey = key
            }
            guard groupBy == .agent, let parts = agentTalk(call) else {
                accumulators[lastSlot].add(call, facts: facts)
                continue
            }
            // Each agent is credited with their own part of a transferred call's talk.
            let own = call.agent.flatMap { parts[$0] } ?? 0
            accumulators[lastSlot].add(call, facts: facts, talkCredit: own)
            for (agent, talk) in parts.sorted(by: { $0.key < $1.key }) where agent != call.agent {
                let slot: Int
                if let known = slots[.text(agent)] {
                    slot = known
                } else {
                    slot = accumulators.count
                    slots[.text(agent)] = slot
                    accumulators.append(KPIAccumulator(options: options))
                }
                accumulators[slot].addTransferredTalk(talk)
            }
            lastKey = nil
        }
        let rows = slots.sorted { $0.key < $1.key }.map { key, slot -> MetricsRow in
            let (kpis, details) = accumulators[slot].result()
            return MetricsRow(key: key.label, kpis: kpis, details: details)
        }
        let (kpis, details) = overall.result()
        return MetricsReport(
            overall: MetricsRow(key: "overall", kpis: kpis, details: details), groupBy: groupBy, groups: rows,
            blockedAboveTarget: kpis.blockedRate.map { $0 > options.blockedTarget } ?? false,
            blockedTarget: options.blockedTarget, duplicatesExcluded: timeline.duplicates, historyOnlyCalls: historyOnly,
            directionCoverage: coverage)
    }

    /// A weekday x hour grid (Monday first) of the calls in range, optionally of one direction.
    public static func heatmap(calls: [Call], metric: HeatmapMetric, direction: CallDirectionFilter?, options: MetricsOptions) -> Heatmap {
        heatmap(CallTimeline(calls: calls, options: options, withHistory: false), metric: metric, direction: direction, options: options)
    }

    static func heatmap(_ timeline: CallTimeline, metric: HeatmapMetric, direction: CallDirectionFilter?, options: MetricsOptions) -> Heatmap {
        let calls = timeline.calls
        var grid = HeatmapGrid()
        var clock = LocalClock(zone: options.timeZone)
        for position in timeline.order.indices {
            let call = calls[timeline.order[position]]
            guard options.inRange(call.start) else { continue }
            switch direction {
            case .inbound?: guard timeline.inbound[position] else { continue }
            case .outbound?: guard call.direction == .outbound else { continue }
            // ASA is defined on inbound calls (docs/metrics.md): an outbound ring is not a wait.
            case nil: if metric == .asa, !timeline.inbound[position] { continue }
            }
            grid.add(call, at: clock.local(call.start))
        }
        return grid.heatmap(metric: metric, direction: direction)
    }

    /// Every unanswered inbound call in range, in start order, with what happened next:
    /// called back, called again and answered, or not returned (docs/metrics.md "Lost calls").
    public static func lostCalls(calls: [Call], options: MetricsOptions) -> [LostCall] {
        lostCalls(CallTimeline(calls: calls, options: options), options: options)
    }

    static func lostCalls(_ timeline: CallTimeline, options: MetricsOptions) -> [LostCall] {
        let calls = timeline.calls
        // A shared timeline (``CallHistory``) holds the lost calls of every range.
        return Array(timeline.lost.lazy.filter { options.inRange(Timestamp(nanoseconds: $0.start)) }.map { lost in
            let call = calls[timeline.order[lost.position]]
            let wait = call.waitNanoseconds ?? call.endedAt.map { call.start.distance(to: $0) }
            var result = LostCall(
                callID: call.callID, caller: call.caller, dialed: call.dialed, queue: call.queue, start: call.start,
                outcome: call.outcome.rawValue, waitSeconds: seconds(wait),
                withheld: timeline.callerClass[lost.position] == .withheld, returned: lost.returned, by: lost.by,
                agent: lost.agent, delaySeconds: seconds(lost.delay), returnCallID: lost.returnCallID,
                callbackAttempts: lost.attempts)
            result.attribution = call.attribution
            return result
        })
    }

    /// Each agent's own part of an answered call's talk, from its agent legs (`CallLeg.agent`,
    /// `CallLeg.talkNanoseconds`); nil when no leg says (captures, most CDR formats): then the
    /// call's agent has all of it.
    static func agentTalk(_ call: Call) -> [String: Int64]? {
        guard call.outcome == .answered else { return nil }
        var parts: [String: Int64] = [:]
        for leg in call.legs {
            guard let agent = leg.agent, !agent.isEmpty, let talk = leg.talkNanoseconds else { continue }
            parts[agent, default: 0] += talk
        }
        return parts.isEmpty ? nil : parts
    }

    /// Per agent per local day: inbound received and missed, outbound answered and not,
    /// talk minutes, ASA, calls per active hour (docs/metrics.md "Agents").
    /// Ordered by agent, then day. Calls without an agent and internal calls are left out.
    /// With `totals`, each agent's days are followed by a row with day `all`: the sums, the
    /// ASA of all the agent's answered waits, and calls per active hour over every day.
    public static func agentDaily(calls: [Call], options: MetricsOptions, totals: Bool = false) -> [AgentDay] {
        agentDaily(CallTimeline(calls: calls, options: options, withHistory: false), options: options, totals: totals)
    }

    static func agentDaily(_ timeline: CallTimeline, options: MetricsOptions, totals: Bool) -> [AgentDay] {
        let calls = timeline.calls
        struct Key: Hashable { var agent: String; var day: Int64 }
        struct Tally: InPlaceUpdatable {
            var received = 0, missed = 0, outAnswered = 0, outNotAnswered = 0
            var talk = NanosecondSum()
            var wait = NanosecondSum()
            var waitCount = 0
            var hours: UInt32 = 0
        }
        var tallies: [Key: Tally] = [:]
        var clock = LocalClock(zone: options.timeZone)
        for position in timeline.order.indices {
            let call = calls[timeline.order[position]]
            guard options.inRange(call.start), let agent = call.agent else { continue }
            let inbound = timeline.inbound[position]
            guard inbound || call.direction == .outbound else { continue }
            let local = clock.local(call.start)
            let answered = call.outcome == .answered
            let parts = agentTalk(call)
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

    /// Answer rates of outbound calls in range: cold (the first outbound call to a number in
    /// all the calls given, history included) against follow-ups; the weekday x hour
    /// answer-rate grid; the same per agent (docs/metrics.md "Outbound").
    public static func outboundAnswerRates(calls: [Call], options: MetricsOptions) -> OutboundAnswerRates {
        outboundAnswerRates(CallTimeline(calls: calls, options: options), options: options)
    }

    static func outboundAnswerRates(_ timeline: CallTimeline, options: MetricsOptions) -> OutboundAnswerRates {
        let calls = timeline.calls
        struct Tally: InPlaceUpdatable { var cold = AnswerCount(); var followUp = AnswerCount(); var grid = HeatmapGrid() }
        var all = Tally()
        var agents: [String: Tally] = [:]
        var clock = LocalClock(zone: options.timeZone)
        for position in timeline.order.indices {
            let call = calls[timeline.order[position]]
            guard options.inRange(call.start), call.direction == .outbound else { continue }
            let local = clock.local(call.start)
            let answered = call.outcome == .answered ? 1 : 0
            let cold = timeline.cold[position]
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
        let perAgent = agents.sorted { GroupKey.text($0.key) < GroupKey.text($1.key) }.map {
            AgentOutboundRates(agent: $0.key, cold: $0.value.cold, followUp: $0.value.followUp,
                               heatmap: $0.value.grid.heatmap(metric: .answerRate, direction: .outbound))
        }
        return OutboundAnswerRates(cold: all.cold, followUp: all.followUp,
                                   heatmap: all.grid.heatmap(metric: .answerRate, direction: .outbound), agents: perAgent)
    }

    /// Per campaign in rule order, then unattributed: calls, first-time callers, answered,
    /// qualified, conversion, cost per call and per qualified call, revenue, ROI
    /// (docs/metrics.md "Campaigns"). Counts calls in range that are not outbound or internal.
    public static func campaignReport(calls: [Call], options: MetricsOptions) -> CampaignReport {
        campaignReport(CallTimeline(calls: calls, options: options), options: options)
    }

    static func campaignReport(_ timeline: CallTimeline, options: MetricsOptions) -> CampaignReport {
        let calls = timeline.calls
        let attribution = CampaignAttribution(options.campaigns)
        let qualified = options.qualifiedTalk.nanoseconds
        struct Tally { var calls = 0, firstTime = 0, answered = 0, qualified = 0 }
        var tallies = Array(repeating: Tally(), count: options.campaigns.count + 1)
        let unattributed = options.campaigns.count
        for position in timeline.order.indices {
            let call = calls[timeline.order[position]]
            guard options.inRange(call.start), call.direction != .outbound, call.direction != .internal else { continue }
            let slot = attribution.campaignIndex(of: call) ?? unattributed
            tallies[slot].calls += 1
            if timeline.callerClass[position] == .firstTime { tallies[slot].firstTime += 1 }
            if call.outcome == .answered {
                tallies[slot].answered += 1
                if let ended = call.endedAt, let at = call.answeredAt, at.distance(to: ended) >= qualified {
                    tallies[slot].qualified += 1
                }
            }
        }
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
        return CampaignReport(campaigns: rows, unattributed: row(GroupKey.unattributedLabel, nil, tallies[unattributed]))
    }

    static func groupKey(_ call: Call, _ groupBy: GroupBy, clock: inout LocalClock,
                         attribution: CampaignAttribution) -> GroupKey {
        switch groupBy {
        case .hour: return .hour(clock.local(call.start).hour)
        case .day: return .day(clock.local(call.start).days)
        case .weekday: return .weekday(clock.local(call.start).weekday)
        case .week:
            let (year, week) = CivilDate.isoWeek(days: clock.local(call.start).days)
            return .week(year: year, week: week)
        case .campaign:
            // Campaigns are inbound numbers: an outbound or internal call is named by its direction,
            // not `(none)`, which read as another word for `(unattributed)`.
            if let direction = call.direction, direction == .outbound || direction == .internal { return .notInbound(direction.rawValue) }
            guard let index = attribution.campaignIndex(of: call) else { return .unattributed }
            return .text(attribution.campaigns[index].name)
        case .dialed: return NumberKey.normalized(call.dialed).map(GroupKey.text) ?? text(call.dialed)
        case .agent: return text(call.agent)
        case .queue: return text(call.queue)
        case .source: return text(call.source)
        case .direction: return text(call.direction?.rawValue)
        case .utmSource, .utmMedium, .utmCampaign, .keyword, .landingPage, .attribution:
            // As campaigns: outbound and internal calls are named by their direction.
            if let direction = call.direction, direction == .outbound || direction == .internal { return .notInbound(direction.rawValue) }
            guard let visit = call.attribution, visit.kind != .none else { return .unattributed }
            switch groupBy {
            case .utmSource: return text(visit.source)
            case .utmMedium: return text(visit.medium)
            case .utmCampaign: return text(visit.campaign)
            case .keyword: return text(visit.keyword)
            case .landingPage: return text(visit.landingPage)
            default: return text(visit.kind.rawValue)
            }
        }
    }

    private static func text(_ value: String?) -> GroupKey {
        guard let value, !value.isEmpty else { return .none }
        return .text(value)
    }
}

/// A group key with its natural order: time keys chronologically, text by code point,
/// then `(unattributed)`, then `(outbound)`/`(internal)` (campaign keys), then `(none)`.
enum GroupKey: Hashable, Comparable {
    case hour(Int)
    case day(Int64)
    case weekday(Int)
    case week(year: Int64, week: Int)
    case text(String)
    case unattributed
    /// `--by campaign`: an outbound or internal call, `(outbound)` / `(internal)`.
    case notInbound(String)
    case none

    static let noneLabel = "(none)"
    static let unattributedLabel = "(unattributed)"

    var label: String {
        switch self {
        case .hour(let h): return CivilDate.pad(h, 2) + ":00"
        case .day(let d): return CivilDate.label(days: d)
        case .weekday(let w): return CivilDate.weekdayNames[w]
        case .week(let y, let w): return CivilDate.weekLabel(year: y, week: w)
        case .text(let s): return s
        case .unattributed: return Self.unattributedLabel
        case .notInbound(let direction): return "(" + direction + ")"
        case .none: return Self.noneLabel
        }
    }

    private var rank: (Int, Int64, String) {
        switch self {
        case .hour(let h): return (0, Int64(h), "")
        case .day(let d): return (0, d, "")
        case .weekday(let w): return (0, Int64(w), "")
        case .week(let y, let w): return (0, y * 100 + Int64(w), "")
        case .text(let s) where s == Self.noneLabel: return (3, 0, "")
        case .text(let s): return (1, 0, s)
        case .unattributed: return (2, 0, "")
        case .notInbound(let direction): return (2, 1, direction)
        case .none: return (3, 0, "")
        }
    }

    static func < (a: GroupKey, b: GroupKey) -> Bool {
        let (x, y) = (a.rank, b.rank)
        if x.0 != y.0 { return x.0 < y.0 }
        if x.1 != y.1 { return x.1 < y.1 }
        return Array(x.2.unicodeScalars.map(\.value)).lexicographicallyPrecedes(y.2.unicodeScalars.map(\.value))
    }
}

/// Counts behind a weekday x hour grid.
struct HeatmapGrid: Sendable {
    private var calls = [Int](repeating: 0, count: 168)
    private var answered = [Int](repeating: 0, count: 168)
    private var waits = [NanosecondSum](repeating: NanosecondSum(), count: 168)
    private var waitCounts = [Int](repeating: 0, count: 168)

    mutating func add(_ call: Call, at local: LocalClockReading) {
        let i = local.weekday * 24 + local.hour
        calls[i] += 1
        guard call.outcome == .answered else { return }
        answered[i] += 1
        if let wait = call.waitNanoseconds ?? call.answeredAt.map({ call.start.distance(to: $0) }) {
            waits[i].add(wait); waitCounts[i] += 1
        }
    }

    func heatmap(metric: HeatmapMetric, direction: CallDirectionFilter?) -> Heatmap {
        let cells = (0..<7).map { day in
            (0..<24).map { hour -> HeatmapCell in
                let i = day * 24 + hour
                let value: Double?
                switch metric {
                case .volume: value = Double(calls[i])
                case .answerRate: value = ratio(answered[i], calls[i])
                case .asa: value = waits[i].meanSeconds(waitCounts[i])
                }
                return HeatmapCell(calls: calls[i], answered: answered[i], waitSamples: waitCounts[i], value: value)
            }
        }
        return Heatmap(metric: metric, direction: direction, cells: cells)
    }
}


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
        let range = timeline.positions(in: options)
        var overall = OverallTally(options: options)
        var groups = groupBy.map { GroupTally(groupBy: $0, options: options) }
        var clock = LocalClock(zone: options.timeZone)
        let attribution = CampaignAttribution(options.campaigns)
        for position in range {
            let call = calls[timeline.order[position]]
            let facts = timeline.facts(at: position)
            overall.add(call, facts: facts)
            guard let groupBy else { continue }
            groups?.add(call, facts: facts, key: groupKey(call, groupBy, clock: &clock, attribution: attribution))
        }
        return overall.report(overall.result(), groupBy: groupBy, groups: groups?.rows() ?? [], options: options,
                              duplicates: timeline.duplicates, historyOnly: timeline.order.count - range.count)
    }

    /// A weekday x hour grid (Monday first) of the calls in range, optionally of one direction.
    public static func heatmap(calls: [Call], metric: HeatmapMetric, direction: CallDirectionFilter?, options: MetricsOptions) -> Heatmap {
        heatmap(CallTimeline(calls: calls, options: options, withHistory: false), metric: metric, direction: direction, options: options)
    }

    static func heatmap(_ timeline: CallTimeline, metric: HeatmapMetric, direction: CallDirectionFilter?, options: MetricsOptions) -> Heatmap {
        let calls = timeline.calls
        var tally = HeatmapTally(metric: metric, direction: direction)
        var clock = LocalClock(zone: options.timeZone)
        for position in timeline.positions(in: options) {
            let call = calls[timeline.order[position]]
            tally.add(call, inbound: timeline.inbound[position], at: clock.local(call.start))
        }
        return tally.heatmap()
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
            let returning = lost.returnPosition >= 0 ? calls[timeline.order[lost.returnPosition]] : nil
            let by = returning.map { lost.returned == .answeredRecall ? "caller called again" : $0.agent ?? $0.caller ?? "(unknown)" }
            var result = LostCall(
                callID: call.callID, caller: call.caller, dialed: call.dialed, queue: call.queue, start: call.start,
                outcome: call.outcome.rawValue, waitSeconds: seconds(wait),
                withheld: timeline.callerClass[lost.position] == .withheld, returned: lost.returned, by: by,
                agent: returning?.agent, delaySeconds: seconds(lost.delay), returnCallID: returning?.callID,
                callbackAttempts: lost.attempts)
            result.attribution = call.attribution
            return result
        })
    }

    /// Each agent's own part of an answered call's talk, from its agent legs (`CallLeg.agent`,
    /// `CallLeg.talkNanoseconds`); nil when no leg says (captures, most CDR formats): then the
    /// call's agent has all of it.
    static func agentTalk(_ call: Call) -> [String: Int64]? {
        agentTalk(outcome: call.outcome, legs: call.legs.lazy.map { (agent: $0.agent, talk: $0.talkNanoseconds) })
    }

    /// ``agentTalk(_:)`` of a call with `outcome` whose legs say (agent, talk).
    static func agentTalk<Legs: Sequence<(agent: String?, talk: Int64?)>>(outcome: CallOutcome, legs: Legs) -> [String: Int64]? {
        guard outcome == .answered else { return nil }
        var parts: [String: Int64] = [:]
        for leg in legs {
            guard let agent = leg.agent, !agent.isEmpty, let talk = leg.talk else { continue }
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
        var tally = AgentDayTally()
        var clock = LocalClock(zone: options.timeZone)
        for position in timeline.positions(in: options) {
            let call = calls[timeline.order[position]]
            guard call.agent != nil else { continue }
            tally.add(call, inbound: timeline.inbound[position], at: clock.local(call.start))
        }
        return tally.result(totals: totals)
    }

    /// Answer rates of outbound calls in range: cold (the first outbound call to a number in
    /// all the calls given, history included) against follow-ups; the weekday x hour
    /// answer-rate grid; the same per agent (docs/metrics.md "Outbound").
    public static func outboundAnswerRates(calls: [Call], options: MetricsOptions) -> OutboundAnswerRates {
        outboundAnswerRates(CallTimeline(calls: calls, options: options), options: options)
    }

    static func outboundAnswerRates(_ timeline: CallTimeline, options: MetricsOptions) -> OutboundAnswerRates {
        let calls = timeline.calls
        var tally = OutboundTally()
        var clock = LocalClock(zone: options.timeZone)
        for position in timeline.positions(in: options) {
            let call = calls[timeline.order[position]]
            guard call.direction == .outbound else { continue }
            tally.add(call, cold: timeline.cold[position], at: clock.local(call.start))
        }
        return tally.result()
    }

    /// Per campaign in rule order, then unattributed: calls, first-time callers, answered,
    /// qualified, conversion, cost per call and per qualified call, revenue, ROI
    /// (docs/metrics.md "Campaigns"). Counts calls in range that are not outbound or internal.
    public static func campaignReport(calls: [Call], options: MetricsOptions) -> CampaignReport {
        campaignReport(CallTimeline(calls: calls, options: options), options: options)
    }

    static func campaignReport(_ timeline: CallTimeline, options: MetricsOptions) -> CampaignReport {
        let calls = timeline.calls
        var tally = CampaignTally(options: options)
        for position in timeline.positions(in: options) {
            tally.add(calls[timeline.order[position]], callerClass: timeline.callerClass[position])
        }
        return tally.result()
    }

    static func groupKey(_ call: Call, _ groupBy: GroupBy, clock: inout LocalClock,
                         attribution: CampaignAttribution) -> GroupKey {
        switch groupBy {
        case .hour, .day, .weekday, .week: return timeKey(groupBy, clock.local(call.start)) ?? .none
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

    /// The key of a time grouping (hour, day, weekday, week) at a local time; nil for other groupings.
    static func timeKey(_ groupBy: GroupBy, _ local: LocalClockReading) -> GroupKey? {
        switch groupBy {
        case .hour: return .hour(local.hour)
        case .day: return .day(local.days)
        case .weekday: return .weekday(local.weekday)
        case .week:
            let (year, week) = CivilDate.isoWeek(days: local.days)
            return .week(year: year, week: week)
        default: return nil
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


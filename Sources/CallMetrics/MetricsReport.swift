import CallModel

/// One row of a report: a group key (or `overall`) with its KPIs and the numbers behind them.
public struct MetricsRow: Sendable, Hashable {
    /// The group key as shown (`08:00`, `2024-03-31`, `Mon`, `2024-W13`, a campaign name,
    /// a number, `(none)`); `overall` for the whole range.
    public var key: String
    public var kpis: KPIs
    public var details: KPIDetails

    public init(key: String, kpis: KPIs, details: KPIDetails) {
        self.key = key; self.kpis = kpis; self.details = details
    }
}

/// The result of `report`: KPIs for every call in range and for each group
/// (docs/metrics.md "Report").
public struct MetricsReport: Sendable, Hashable {
    /// The service-level variant used, stated in every report.
    public static let serviceLevelDefinition =
        "answered within the threshold / (offered - short abandons), inbound calls"

    /// All calls in range.
    public var overall: MetricsRow
    /// What `groups` are keyed by; nil when ungrouped.
    public var groupBy: GroupBy?
    /// One row per key, in key order (docs/metrics.md "Group keys").
    public var groups: [MetricsRow]
    /// The overall blocked-call rate is above `blockedTarget` (false when the rate is null).
    public var blockedAboveTarget: Bool
    /// The target compared against, as a fraction.
    public var blockedTarget: Double
    /// Calls left out as duplicates (same Call-ID and start as an earlier call).
    public var duplicatesExcluded: Int
    /// Calls outside the range that were used only as history or look-ahead.
    public var historyOnlyCalls: Int
    /// How many calls in range have an unknown direction, which the inbound figures leave out.
    public var directionCoverage: DirectionCoverage

    public init(overall: MetricsRow, groupBy: GroupBy?, groups: [MetricsRow], blockedAboveTarget: Bool,
                blockedTarget: Double, duplicatesExcluded: Int, historyOnlyCalls: Int,
                directionCoverage: DirectionCoverage = DirectionCoverage(unknown: 0, calls: 0)) {
        self.overall = overall; self.groupBy = groupBy; self.groups = groups
        self.blockedAboveTarget = blockedAboveTarget; self.blockedTarget = blockedTarget
        self.duplicatesExcluded = duplicatesExcluded; self.historyOnlyCalls = historyOnlyCalls
        self.directionCoverage = directionCoverage
    }
}

/// What a weekday x hour grid shows (`heatmap --metric`).
public enum HeatmapMetric: String, Sendable, Hashable, CaseIterable, Codable {
    /// Calls offered in the cell.
    case volume
    /// Answered / offered in the cell; null when the cell is empty.
    case answerRate = "answer-rate"
    /// Mean wait of the answered calls in the cell with a known wait; null when none.
    case asa
}

/// One cell of a heatmap: the value and the counts behind it.
public struct HeatmapCell: Sendable, Hashable, Codable {
    public var calls = 0
    public var answered = 0
    /// Answered calls with a known wait (the ASA denominator).
    public var waitSamples = 0
    /// The metric's value; nil when its denominator is zero.
    public var value: Double?

    public init(calls: Int = 0, answered: Int = 0, waitSamples: Int = 0, value: Double? = nil) {
        self.calls = calls; self.answered = answered; self.waitSamples = waitSamples; self.value = value
    }
}

/// A weekday x hour grid in the site time zone: 7 rows (Monday first) of 24 hours
/// (docs/metrics.md "Heatmap"). A call is in the cell of its local start.
public struct Heatmap: Sendable, Hashable, Codable {
    public static let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    public var metric: HeatmapMetric
    /// The direction the calls were filtered by; nil for every call.
    public var direction: CallDirectionFilter?
    /// `cells[weekday][hour]`, weekday 0 = Monday, hour 0...23.
    public var cells: [[HeatmapCell]]

    public init(metric: HeatmapMetric, direction: CallDirectionFilter?, cells: [[HeatmapCell]]) {
        self.metric = metric; self.direction = direction; self.cells = cells
    }

    /// The cell of `weekday` (0 = Monday) and `hour` (0...23).
    public func cell(weekday: Int, hour: Int) -> HeatmapCell { cells[weekday][hour] }
}

/// The directions a heatmap can be restricted to (`heatmap --direction`).
public enum CallDirectionFilter: String, Sendable, Hashable, CaseIterable, Codable {
    case inbound, outbound
}

/// An unanswered inbound call and what happened next (`lost`; docs/metrics.md "Lost calls").
public struct LostCall: Sendable, Hashable, Encodable {
    public var callID: String
    public var caller: String?
    public var dialed: String?
    public var queue: String?
    public var start: Timestamp
    public var outcome: String
    /// Wait before the call ended, seconds; nil when unknown.
    public var waitSeconds: Double?
    /// The caller's number is withheld: it can be neither called back nor matched.
    public var withheld: Bool
    public var returned: LostCallReturn
    /// Who returned it: the agent (else the calling number) of the callback, or `caller called again`.
    public var by: String?
    /// The agent on the returning call, when known.
    public var agent: String?
    /// Lost call start to the returning call's start, seconds.
    public var delaySeconds: Double?
    /// The returning call's Call-ID.
    public var returnCallID: String?
    /// Unanswered outbound calls to the number within the window before it was returned.
    public var callbackAttempts: Int
    /// What brought the call (README "Visit attribution"); nil when the run attributes nothing.
    public var attribution: VisitAttribution?

    public init(callID: String, caller: String?, dialed: String?, queue: String?, start: Timestamp, outcome: String,
                waitSeconds: Double?, withheld: Bool, returned: LostCallReturn, by: String?, agent: String?,
                delaySeconds: Double?, returnCallID: String?, callbackAttempts: Int) {
        self.callID = callID; self.caller = caller; self.dialed = dialed; self.queue = queue; self.start = start
        self.outcome = outcome; self.waitSeconds = waitSeconds; self.withheld = withheld; self.returned = returned
        self.by = by; self.agent = agent; self.delaySeconds = delaySeconds; self.returnCallID = returnCallID
        self.callbackAttempts = callbackAttempts
    }

    private enum CodingKeys: String, CodingKey {
        case callID = "call_id", caller, dialed, queue, start, outcome, waitSeconds = "wait_s", withheld, returned, by, agent
        case delaySeconds = "delay_s", returnCallID = "return_call_id", callbackAttempts = "callback_attempts"
    }

    /// Every key, nil as `null`; `start` as ISO-8601 UTC with milliseconds.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(callID, forKey: .callID)
        try c.encode(caller, forKey: .caller)
        try c.encode(dialed, forKey: .dialed)
        try c.encode(queue, forKey: .queue)
        try c.encode(start.iso8601, forKey: .start)
        try c.encode(outcome, forKey: .outcome)
        try c.encode(waitSeconds, forKey: .waitSeconds)
        try c.encode(withheld, forKey: .withheld)
        try c.encode(returned, forKey: .returned)
        try c.encode(by, forKey: .by)
        try c.encode(agent, forKey: .agent)
        try c.encode(delaySeconds, forKey: .delaySeconds)
        try c.encode(returnCallID, forKey: .returnCallID)
        try c.encode(callbackAttempts, forKey: .callbackAttempts)
    }
}

/// One agent's activity on one local day (docs/metrics.md "Agents").
public struct AgentDay: Sendable, Hashable, Codable {
    /// The `day` of an agent's overall row.
    public static let allDays = "all"

    public var agent: String
    /// Local date, `2024-03-31`, or `all` for the agent's overall row.
    public var day: String
    /// Inbound calls answered by the agent.
    public var inboundReceived: Int
    /// Inbound calls naming the agent that were not answered.
    public var inboundMissed: Int
    public var outboundAnswered: Int
    public var outboundNotAnswered: Int
    /// Talk of the agent's answered calls, both directions, minutes.
    public var talkMinutes: Double
    /// Mean wait of the inbound calls the agent answered, seconds.
    public var asaSeconds: Double?
    /// Local clock hours (of 24) in which the agent had a call.
    public var activeHours: Int
    /// (inbound received + outbound calls) / active hours.
    public var callsPerHour: Double?

    public init(agent: String, day: String, inboundReceived: Int, inboundMissed: Int, outboundAnswered: Int,
                outboundNotAnswered: Int, talkMinutes: Double, asaSeconds: Double?, activeHours: Int, callsPerHour: Double?) {
        self.agent = agent; self.day = day; self.inboundReceived = inboundReceived; self.inboundMissed = inboundMissed
        self.outboundAnswered = outboundAnswered; self.outboundNotAnswered = outboundNotAnswered
        self.talkMinutes = talkMinutes; self.asaSeconds = asaSeconds; self.activeHours = activeHours
        self.callsPerHour = callsPerHour
    }
}

/// Calls, answered and their ratio.
public struct AnswerCount: Sendable, Hashable, Encodable {
    public var calls = 0
    public var answered = 0
    /// answered / calls; nil when no calls.
    public var rate: Double? { ratio(answered, calls) }

    public init(calls: Int = 0, answered: Int = 0) { self.calls = calls; self.answered = answered }

    private enum CodingKeys: String, CodingKey { case calls, answered, rate }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(calls, forKey: .calls)
        try c.encode(answered, forKey: .answered)
        try c.encode(rate, forKey: .rate)
    }
}

/// Outbound answer rates: cold calls (the first outbound call to a number) against follow-ups,
/// and the best time to call (docs/metrics.md "Outbound").
public struct OutboundAnswerRates: Sendable, Hashable, Encodable {
    public var cold: AnswerCount
    public var followUp: AnswerCount
    /// Answer rate of outbound calls by weekday x hour.
    public var heatmap: Heatmap
    /// The same per agent, ordered by agent (`(none)` last).
    public var agents: [AgentOutboundRates]

    public init(cold: AnswerCount, followUp: AnswerCount, heatmap: Heatmap, agents: [AgentOutboundRates]) {
        self.cold = cold; self.followUp = followUp; self.heatmap = heatmap; self.agents = agents
    }
}

/// One agent's outbound answer rates.
public struct AgentOutboundRates: Sendable, Hashable, Encodable {
    public var agent: String
    public var cold: AnswerCount
    public var followUp: AnswerCount
    public var heatmap: Heatmap

    public init(agent: String, cold: AnswerCount, followUp: AnswerCount, heatmap: Heatmap) {
        self.agent = agent; self.cold = cold; self.followUp = followUp; self.heatmap = heatmap
    }
}

/// One campaign's results for the range (docs/metrics.md "Campaigns").
public struct CampaignRow: Sendable, Hashable, Codable {
    /// The campaign name, or `(unattributed)`.
    public var name: String
    public var channel: String?
    public var calls: Int
    public var firstTimeCallers: Int
    public var answered: Int
    /// Answered with talk >= the qualified threshold.
    public var qualifiedCalls: Int
    /// qualified / calls.
    public var conversion: Double?
    public var cost: Double?
    /// cost / calls.
    public var costPerCall: Double?
    /// cost / qualified.
    public var costPerQualified: Double?
    /// qualified x revenue per qualified call.
    public var revenue: Double?
    /// (revenue - cost) / cost.
    public var roi: Double?

    public init(name: String, channel: String?, calls: Int, firstTimeCallers: Int, answered: Int, qualifiedCalls: Int,
                conversion: Double?, cost: Double?, costPerCall: Double?, costPerQualified: Double?, revenue: Double?, roi: Double?) {
        self.name = name; self.channel = channel; self.calls = calls; self.firstTimeCallers = firstTimeCallers
        self.answered = answered; self.qualifiedCalls = qualifiedCalls; self.conversion = conversion; self.cost = cost
        self.costPerCall = costPerCall; self.costPerQualified = costPerQualified; self.revenue = revenue; self.roi = roi
    }
}

/// Every campaign in rule order (with no calls too: their cost was still spent), then the
/// unattributed calls.
public struct CampaignReport: Sendable, Hashable, Codable {
    public var campaigns: [CampaignRow]
    public var unattributed: CampaignRow

    public init(campaigns: [CampaignRow], unattributed: CampaignRow) {
        self.campaigns = campaigns; self.unattributed = unattributed
    }
}

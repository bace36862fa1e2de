import CallMetrics
import CallModel

/// Every figure the HTML report shows, computed once from the calls by ``MetricsEngine``
/// (nothing here is counted twice or differently from `report`, `heatmap` and `lost`).
public struct HTMLReportFigures: Sendable {
    /// The KPIs of the range, ungrouped: the same as `report --format json`'s `overall`.
    public var report: MetricsReport
    /// The options the range was closed to (``MetricsOptions/closed(around:)``) and its
    /// previous period of the same length; nil when there are no calls to close it on.
    public var range: (from: Timestamp, to: Timestamp)?
    public var previousRange: (from: Timestamp, to: Timestamp)?
    /// The KPIs of the previous period; nil when it is unknown or has no calls ("no data").
    public var previous: MetricsReport?
    /// `report --by hour` and `--by day`.
    public var byHour: MetricsReport
    public var byDay: MetricsReport
    /// Weekday x hour: calls offered (every direction) and answer rate of inbound calls.
    public var volume: Heatmap
    public var inboundAnswerRate: Heatmap
    /// Outbound cold vs follow-up, and the outbound answer-rate grid (best time to call).
    public var outbound: OutboundAnswerRates
    public var lost: [LostCall]
    /// Each agent's `all` row (`report --view agents`).
    public var agents: [AgentDay]
    /// Agent state figures per agent over the range (queue_log agent events), when any.
    public var agentStates: [AgentStateFigures]
    /// When campaigns are given.
    public var campaigns: CampaignReport?
    /// When visits or pools are given (`report --view attribution --by utm_source`); set by the caller.
    public var attribution: AttributionReport?
    /// Talk ownership of the calls in range that have a talk timeline (empty when audio was not
    /// analysed): per agent, and the five calls with the most overtalk plus dead air.
    public var talkAgents: [AgentOwnership] = []
    public var talkCalls: [Call] = []
    /// The control events of the range under a rules file (`ControlEvents.evaluate`), when one is given.
    public var events: [ControlEvent]?

    /// - Parameter agentStates: `MetricsEngine.agentStates` of the inputs' agent timelines
    ///   (the caller reads them; rows with a nil `day` are each agent's whole range).
    /// - Parameter events: the control events the caller evaluated, or nil for no rules.
    public init(calls: [Call], options: MetricsOptions, agentStates: [AgentStateFigures] = [], events: [ControlEvent]? = nil) {
        self.init(history: CallHistory(calls: calls, options: options), options: options, agentStates: agentStates, events: events)
    }

    /// The same over calls prepared once (one history pass for every figure, ``CallHistory``).
    public init(history: CallHistory, options: MetricsOptions, agentStates: [AgentStateFigures] = [], events: [ControlEvent]? = nil) {
        let calls = history.calls
        // One pass over the range feeds every figure of it (``RangeFigures``).
        let figures = MetricsEngine.rangeFigures(history, options: options)
        report = figures.report
        let closed = options.closed(around: calls)
        if let from = closed.from, let to = closed.to { range = (from, to) }
        if let previousOptions = closed.previousPeriod, let from = previousOptions.from, let to = previousOptions.to {
            previousRange = (from, to)
            let previous = MetricsEngine.report(history, groupBy: nil, options: previousOptions)
            self.previous = previous.overall.kpis.offered > 0 ? previous : nil
        }
        byHour = figures.byHour
        byDay = figures.byDay
        volume = figures.volume
        inboundAnswerRate = figures.inboundAnswerRate
        outbound = figures.outbound
        lost = MetricsEngine.lostCalls(history, options: options)
        agents = figures.agentDays.filter { $0.day == AgentDay.allDays }
        self.agentStates = agentStates.filter { $0.day == nil }
        campaigns = figures.campaigns
        self.events = events
        // Fields read through the array, not a copy of each call (most have no talk timeline).
        let talked = calls.indices.filter { calls[$0].talk != nil && options.inRange(calls[$0].start) }.map { calls[$0] }
        talkAgents = TalkOwnership.byAgent(talked)
        talkCalls = Array(talked.sorted { a, b in
            let x = (a.talk?.overtalk ?? 0) + (a.talk?.silence ?? 0), y = (b.talk?.overtalk ?? 0) + (b.talk?.silence ?? 0)
            return x != y ? x > y : a.start < b.start
        }.prefix(5))
    }
}

import CallModel

/// A `kpi` control rule judged live (`callscope watch --rules`): the window is the calls
/// started in (now - window, now], each group's KPI recomputed as a finished call enters and as
/// the clock moves calls out; one event when it crosses the threshold, one when it recovers, as
/// `callscope events` raises them (``KPIWindowRule``), timed at the moment it is judged.
///
/// The clock is the calls' own time (the latest end seen) moved on by the wall clock while no
/// call comes, so a replayed feed and a live one slide alike. Memory: the calls in the window.
/// Caller facts are the live ones: inbound or not; repeat callers, lost-call returns and
/// callbacks need later calls and are not judged live (those KPIs stay as for a first-time caller).
public struct LiveKPIWindow: Sendable {
    public let rule: ControlRule
    private let window: KPIWindowRule
    private let value: @Sendable (KPIs) -> Double?
    private let options: MetricsOptions
    private let span: Int64
    private let attribution: CampaignAttribution?
    private struct Group: Sendable {
        var accumulator: KPIAccumulator
        /// The calls in the window, in order of start.
        var calls: [(call: Call, facts: CallFacts)] = []
        var first = 0
        var breached = false
    }
    private var groups: [String: Group] = [:]

    /// Nil when `rule` is not a `kpi` rule or names no known KPI.
    public init?(rule: ControlRule, options: MetricsOptions) {
        guard case .kpi(let window) = rule.kind, let value = KPIWindowRule.metrics[window.metric] else { return nil }
        self.rule = rule
        self.window = window
        self.value = value
        var windowOptions = options
        windowOptions.from = nil; windowOptions.to = nil
        self.options = windowOptions
        let product = window.windowSeconds.multipliedReportingOverflow(by: 1_000_000_000)
        self.span = product.overflow ? .max : product.partialValue
        self.attribution = window.by == .campaign ? CampaignAttribution(options.campaigns) : nil
    }

    /// A finished call enters its group's window at `now` (its end at the latest); returns the
    /// crossings it causes.
    public mutating func add(_ call: Call, now: Timestamp) -> [ControlEvent] {
        guard rule.applies(queue: call.queue), rule.applies(agent: call.agent), let key = key(of: call) else { return slide(to: now) }
        let inbound = options.countsAsInbound(call.direction)
        let facts = CallFacts(inbound: inbound, callerClass: inbound ? .firstTime : .notInbound)
        var group = groups[key] ?? Group(accumulator: KPIAccumulator(options: options, removable: true))
        var index = group.calls.endIndex
        while index > group.first, group.calls[index - 1].call.start > call.start { index -= 1 }
        group.calls.insert((call, facts), at: index)
        group.accumulator.add(call, facts: facts)
        groups[key] = group
        var events = slide(to: now, except: key)
        events += judge(key, at: now, callID: call.callID)
        return events
    }

    /// Moves the clock to `now`: calls started at or before `now - window` leave; returns the
    /// crossings and recoveries that causes.
    public mutating func slide(to now: Timestamp) -> [ControlEvent] { slide(to: now, except: nil) }

    private mutating func slide(to now: Timestamp, except: String?) -> [ControlEvent] {
        var events: [ControlEvent] = []
        for key in groups.keys.sorted() {
            guard var group = groups[key] else { continue }
            var moved = false
            while group.first < group.calls.count, group.calls[group.first].call.start.distance(to: now) >= span {
                group.accumulator.remove(group.calls[group.first].call, facts: group.calls[group.first].facts)
                group.first += 1
                moved = true
            }
            if group.first > 256, group.first * 2 > group.calls.count {
                group.calls.removeFirst(group.first)
                group.first = 0
            }
            groups[key] = group
            if moved, key != except { events += judge(key, at: now, callID: nil) }
        }
        return events
    }

    private func key(of call: Call) -> String? {
        switch window.by {
        case .none: ""
        case .queue: call.queue
        case .agent: call.agent
        case .campaign: attribution?.campaign(of: call)?.name
        }
    }

    private mutating func judge(_ key: String, at now: Timestamp, callID: String?) -> [ControlEvent] {
        guard var group = groups[key] else { return [] }
        let inWindow = group.calls.count - group.first
        guard inWindow >= window.minCalls, let kpi = value(group.accumulator.kpis) else { return [] }
        let breached = window.above.map { kpi > $0 } ?? window.below.map { kpi < $0 } ?? false
        guard breached != group.breached else { return [] }
        group.breached = breached
        groups[key] = group
        let limit = window.above ?? window.below ?? 0
        let side = window.above != nil ? "above" : "below"
        let scope = key.isEmpty ? "" : " (\(window.by.rawValue) \(key))"
        let over = "over \(ControlEvents.duration(Double(window.windowSeconds))) of \(inWindow) call\(inWindow == 1 ? "" : "s")\(scope)"
        let detail = breached
            ? "\(window.metric) \(KPIWindowRule.text(kpi)) \(side) \(KPIWindowRule.text(limit)) \(over)"
            : "recovered: \(window.metric) \(KPIWindowRule.text(kpi)) \(over)"
        return [ControlEvent(time: now, rule: rule.name, severity: breached ? rule.severity : .info,
                             agent: window.by == .agent ? key : nil, queue: window.by == .queue ? key : nil, callID: callID,
                             value: (kpi * 10_000).rounded() / 10_000, threshold: limit, detail: detail)]
    }
}

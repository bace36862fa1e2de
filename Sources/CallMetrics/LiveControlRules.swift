import CallModel

/// The control rules a live run can judge (`callscope watch --rules`): those about one call,
/// as each call ends, the `kpi` windows (``LiveKPIWindow``), as calls end and as time passes,
/// and the agent-state rules (``LiveAgentRules``), as a followed queue_log writes the agents'
/// pauses and rings and as pauses go on.
///
/// The rules' clock is the calls' own time: the latest end seen, moved on by the wall clock
/// since it was seen. On a live source the two agree; on a replayed one (HEP of old calls, a CDR
/// file written late) windows still slide over the calls as they happened.
public struct LiveControlRules: Sendable {
    /// The rules judged live, in the file's order.
    public let rules: [ControlRule]
    /// The rules that need what a live run does not have (shifts, later calls).
    public let notLive: [ControlRule]
    private var windows: [LiveKPIWindow]
    private var agents: LiveAgentRules
    private var clock: (data: Timestamp, wall: Int64)?

    public init(rules all: [ControlRule], options: MetricsOptions, agentOptions: AgentStateOptions = AgentStateOptions()) {
        var live: [ControlRule] = [], later: [ControlRule] = [], windows: [LiveKPIWindow] = []
        for rule in all {
            if rule.kind.judgesOneCall || LiveAgentRules.judges(rule.kind) {
                live.append(rule)
            } else if let window = LiveKPIWindow(rule: rule, options: options) {
                live.append(rule)
                windows.append(window)
            } else {
                later.append(rule)
            }
        }
        self.rules = live
        self.notLive = later
        self.windows = windows
        self.agents = LiveAgentRules(rules: live, options: options, agentOptions: agentOptions)
    }

    /// Whether some rule is judged on agent state changes (a followed queue_log).
    public var judgesAgents: Bool { !agents.isEmpty }

    /// The rules' clock at wall-clock time `wall` (nanoseconds since the epoch).
    private func now(wall: Int64) -> Timestamp {
        guard let clock else { return Timestamp(nanoseconds: wall) }
        let elapsed = wall.subtractingReportingOverflow(clock.wall)
        return Timestamp(nanoseconds: clock.data.nanoseconds &+ max(0, elapsed.overflow ? 0 : elapsed.partialValue))
    }

    /// The events a call raises as it ends, at wall-clock time `wall`: its own rules' in rule
    /// order, then the windows' crossings.
    public mutating func finished(_ call: Call, wall: Int64) -> [ControlEvent] {
        var events = ControlEvents.events(of: call, rules: rules)
        guard !windows.isEmpty else { return events }
        let end = call.endedAt ?? call.answeredAt ?? call.start
        // The first call starts the clock at its end; later ones never move it back.
        let now = clock == nil ? end : max(now(wall: wall), end)
        clock = (now, wall)
        for index in windows.indices { events += windows[index].add(call, now: now) }
        return events
    }

    /// Agents' state changes, in the order written, at wall-clock time `wall`: the events of
    /// the agent-state rules they raise. They move the clock like call ends.
    public mutating func agentChanges(_ changes: [AgentStateChange], wall: Int64) -> [ControlEvent] {
        guard !agents.isEmpty, !changes.isEmpty else { return [] }
        var events: [ControlEvent] = []
        for change in changes { events += agents.apply(change) }
        let latest = changes.map(\.time).max() ?? Timestamp(nanoseconds: wall)
        clock = (clock == nil ? latest : max(now(wall: wall), latest), wall)
        return events
    }

    /// Time passed: windows slide to wall-clock time `wall`, and pauses still going on are
    /// judged against their limits.
    public mutating func tick(wall: Int64) -> [ControlEvent] {
        guard clock != nil else { return [] }
        let now = now(wall: wall)
        var events: [ControlEvent] = []
        for index in windows.indices { events += windows[index].slide(to: now) }
        events += agents.tick(now: now)
        return events
    }
}

import CallModel

/// The control rules a live run can judge (`callscope watch --rules`): those about one call,
/// as each call ends, and the `kpi` windows (``LiveKPIWindow``), as calls end and as time passes.
///
/// The rules' clock is the calls' own time: the latest end seen, moved on by the wall clock
/// since it was seen. On a live source the two agree; on a replayed one (HEP of old calls, a CDR
/// file written late) windows still slide over the calls as they happened.
public struct LiveControlRules: Sendable {
    /// The rules judged live, in the file's order.
    public let rules: [ControlRule]
    /// The rules that need what a live run does not have (agent states, shifts, later calls).
    public let notLive: [ControlRule]
    private var windows: [LiveKPIWindow]
    private var clock: (data: Timestamp, wall: Int64)?

    public init(rules all: [ControlRule], options: MetricsOptions) {
        var live: [ControlRule] = [], later: [ControlRule] = [], windows: [LiveKPIWindow] = []
        for rule in all {
            if rule.kind.judgesOneCall {
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
    }

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

    /// Time passed with no call: windows slide to wall-clock time `wall`.
    public mutating func tick(wall: Int64) -> [ControlEvent] {
        guard !windows.isEmpty, clock != nil else { return [] }
        let now = now(wall: wall)
        var events: [ControlEvent] = []
        for index in windows.indices { events += windows[index].slide(to: now) }
        return events
    }
}

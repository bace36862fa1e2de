import CallModel

/// Rolling KPIs per queue for the live view of `callscope watch`: the calls started in the last
/// 15 minutes (a sliding window, as ``LiveKPIWindow`` slides) and those of today (the site's
/// local day, started again at local midnight), each through a ``KPIAccumulator`` with the
/// same definitions as `report` (docs/metrics.md). Calls with no queue count under `""`.
///
/// Caller facts are the live ones (inbound or not: repeat callers need later calls). Memory: the
/// calls of the last 15 minutes, and one accumulator per queue seen today.
public struct LiveQueueFigures: Sendable {
    /// One queue's figures: the window's and today's.
    public struct Row: Sendable {
        public var queue: String
        public var window: KPIs
        public var today: KPIs
    }

    public let windowSeconds: Int64
    private let options: MetricsOptions
    private var clock: LocalClock
    private var day: Int64?
    private var today: [String: KPIAccumulator] = [:]
    private var window: [String: KPIAccumulator] = [:]
    /// The window's calls in order of start.
    private var calls: [(queue: String, call: Call, facts: CallFacts)] = []
    private var first = 0

    public init(options: MetricsOptions, windowSeconds: Int64 = 900) {
        var options = options
        options.from = nil; options.to = nil
        self.options = options
        self.windowSeconds = windowSeconds
        self.clock = LocalClock(zone: options.timeZone)
    }

    /// A finished call counts in its queue's window and today.
    public mutating func add(_ call: Call) {
        let queue = call.queue ?? ""
        let inbound = options.countsAsInbound(call.direction)
        let facts = CallFacts(inbound: inbound, callerClass: inbound ? .firstTime : .notInbound)
        let callDay = clock.local(call.start).days
        if day == nil || callDay > day ?? callDay {
            day = callDay
            today.removeAll()
        }
        if callDay == day { today[queue, default: KPIAccumulator(options: options)].add(call, facts: facts) }
        window[queue, default: KPIAccumulator(options: options, removable: true)].add(call, facts: facts)
        var index = calls.endIndex
        while index > first, calls[index - 1].call.start > call.start { index -= 1 }
        calls.insert((queue, call, facts), at: index)
    }

    /// The queues' figures at `now`: calls started at or before `now - 15 min` leave the
    /// window, and a new local day empties today. Queues in name order.
    public mutating func rows(at now: Timestamp) -> [Row] {
        let span = windowSeconds &* 1_000_000_000
        while first < calls.count, calls[first].call.start.distance(to: now) >= span {
            window[calls[first].queue]?.remove(calls[first].call, facts: calls[first].facts)
            first += 1
        }
        if first > 256, first * 2 > calls.count {
            calls.removeFirst(first)
            first = 0
        }
        let nowDay = clock.local(now).days
        if let day, nowDay > day {
            self.day = nowDay
            today.removeAll()
        }
        let empty = KPIAccumulator(options: options).kpis
        return Set(today.keys).union(window.keys).sorted().map { queue in
            Row(queue: queue, window: window[queue]?.kpis ?? empty, today: today[queue]?.kpis ?? empty)
        }
    }
}

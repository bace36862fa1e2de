import CallModel

/// The `kpi` control rule (`callscope events`, README "callscope events"): a KPI of the calls
/// started within a sliding window crossing a threshold, per queue, agent, campaign or overall;
/// one event when it crosses and one when it recovers.
public struct KPIWindowRule: Sendable, Hashable {
    public enum Grouping: String, Sendable, Hashable, CaseIterable { case none, queue, agent, campaign }

    /// A KPI key as `report` names it (`abandonment_rate`, `service_level`, `asa_s`...).
    public var metric: String
    /// Breached when the KPI is above this value...
    public var above: Double?
    /// ...or below this one (exactly one of the two is given).
    public var below: Double?
    /// The window: calls started within this many seconds up to each call's start.
    public var windowSeconds: Int64
    public var by: Grouping
    /// Windows holding fewer calls are not judged.
    public var minCalls: Int

    public init(metric: String, above: Double? = nil, below: Double? = nil, windowSeconds: Int64, by: Grouping = .none, minCalls: Int = 1) {
        self.metric = metric; self.above = above; self.below = below; self.windowSeconds = windowSeconds
        self.by = by; self.minCalls = minCalls
    }

    /// Every KPI key of `report` with a numeric value (README "Metrics").
    public static let metrics: [String: @Sendable (KPIs) -> Double?] = [
        "offered": { Double($0.offered) }, "answered": { Double($0.answered) }, "asr": { $0.asr },
        "completion_rate": { $0.completionRate }, "blocked_rate": { $0.blockedRate },
        "abandonment_rate": { $0.abandonmentRate }, "asa_s": { $0.asaSeconds }, "asa_p90_s": { $0.asaP90Seconds },
        "service_level": { $0.serviceLevel }, "pdd_ms": { $0.pddMilliseconds }, "acd_s": { $0.acdSeconds },
        "talk_min": { $0.talkMinutes }, "first_time_callers": { Double($0.firstTimeCallers) },
        "repeat_callers": { Double($0.repeatCallers) }, "lost_calls": { Double($0.lostCalls) },
        "callback_rate": { $0.callbackRate }, "callback_median_s": { $0.callbackMedianSeconds },
        "qualified_calls": { Double($0.qualifiedCalls) }, "ivr_dropoffs": { Double($0.ivrDropoffs) },
        "ner": { $0.ner }, "longest_wait_s": { $0.longestWaitSeconds },
        "mean_time_to_abandon_s": { $0.meanTimeToAbandonSeconds }, "transfer_rate": { $0.transferRate },
    ]

    /// The crossings and recoveries of `rule` over `calls` (already filtered by the rule's
    /// queues and agents). Judged at each call's start, over the group's calls started in
    /// (start - window, start]; a window with fewer than `minCalls` calls or no value keeps the
    /// state. The calls' facts (inbound, repeat caller, lost-call return) are those `report`
    /// finds over all the calls, so a window's repeat callers are the same callers `report` counts.
    /// - Complexity: O(n log n) to order the calls, then each call enters and leaves its group's
    ///   window once (a removable `KPIAccumulator`): O(n * k) for k calls with a wait in a window,
    ///   no report per call.
    func events(_ rule: ControlRule, calls: [Call], options: MetricsOptions) -> [ControlEvent] {
        guard let value = Self.metrics[metric] else { return [] }
        var windowOptions = options
        windowOptions.from = nil; windowOptions.to = nil
        let timeline = CallTimeline(calls: calls, options: windowOptions)
        let attribution = by == .campaign ? CampaignAttribution(options.campaigns) : nil
        /// Each group's calls as positions in the timeline's start order.
        var groups: [String: [Int]] = [:]
        for position in timeline.order.indices {
            let call = calls[timeline.order[position]]
            let key: String?
            switch by {
            case .none: key = ""
            case .queue: key = call.queue
            case .agent: key = call.agent
            case .campaign: key = attribution?.campaign(of: call)?.name
            }
            if let key { groups[key, default: []].append(position) }
        }
        let window = windowSeconds.multipliedReportingOverflow(by: 1_000_000_000)
        let span = window.overflow ? Int64.max : window.partialValue
        var events: [ControlEvent] = []
        for (key, positions) in groups {
            var accumulator = KPIAccumulator(options: windowOptions, removable: true)
            var first = 0
            var breached = false
            for (index, position) in positions.enumerated() {
                let call = calls[timeline.order[position]]
                accumulator.add(call, facts: timeline.facts(at: position))
                while first < index {
                    let leaving = positions[first]
                    let old = calls[timeline.order[leaving]]
                    guard old.start.distance(to: call.start) >= span else { break }
                    accumulator.remove(old, facts: timeline.facts(at: leaving))
                    first += 1
                }
                let inWindow = index - first + 1
                guard inWindow >= minCalls, let kpi = value(accumulator.kpis) else { continue }
                let now = above.map { kpi > $0 } ?? below.map { kpi < $0 } ?? false
                guard now != breached else { continue }
                breached = now
                let limit = above ?? below ?? 0
                let side = above != nil ? "above" : "below"
                let scope = key.isEmpty ? "" : " (\(by.rawValue) \(key))"
                let detail = now
                    ? "\(metric) \(Self.text(kpi)) \(side) \(Self.text(limit)) over \(ControlEvents.duration(Double(windowSeconds))) of \(inWindow) calls\(scope)"
                    : "recovered: \(metric) \(Self.text(kpi)) over \(ControlEvents.duration(Double(windowSeconds))) of \(inWindow) calls\(scope)"
                events.append(ControlEvent(time: call.start, rule: rule.name, severity: now ? rule.severity : .info,
                                           agent: by == .agent ? key : nil, queue: by == .queue ? key : nil, callID: call.callID,
                                           value: (kpi * 10_000).rounded() / 10_000, threshold: limit, detail: detail))
            }
        }
        return events
    }

    static func text(_ value: Double) -> String {
        let rounded = (value * 10_000).rounded() / 10_000
        return rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int64(rounded)) : String(rounded)
    }
}

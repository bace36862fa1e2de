import CallModel

/// Computes `KPIs` in one pass: add calls one at a time (any order), then read `kpis`.
///
/// Why an accumulator: a report over 10 million calls keeps per group only counters, sums
/// and the waits needed for exact nearest-rank percentiles, never the calls. History-dependent
/// facts (repeat caller, lost-call return) come in `CallFacts` from the engine's history pass.
///
/// A *removable* accumulator (the sliding windows of the `kpi` control rule) also takes calls
/// out again (`remove`, the exact inverse of `add`): it keeps its waits sorted so that
/// percentiles and the longest wait need no sort.
///
/// - Complexity: `add` is O(1) amortised; `kpis` sorts the kept waits, O(k log k). Removable:
///   `add` and `remove` O(k) (a binary search and a move), `kpis` O(k).
public struct KPIAccumulator: Sendable {
    public let options: MetricsOptions
    private let shortAbandon: Int64
    private let serviceLevel: Int64
    private let qualified: Int64
    /// Waits kept sorted, and every wait `longestWait` considers kept, so calls can be removed.
    private let removable: Bool

    private var offered = 0
    private var answered = 0
    private var answeredTalkUnknown = 0
    private var qualifiedCalls = 0
    private var pddSum: Int64 = 0
    private var pddCount = 0
    private var talk = NanosecondSum()
    private var talkPositive = NanosecondSum()
    private var waitSum = NanosecondSum()
    private var waits: [Int64] = []
    private var abandonWaits: [Int64] = []
    private var classWaits = [NanosecondSum](repeating: NanosecondSum(), count: 4)
    private var classWaitCount = [Int](repeating: 0, count: 4)
    private var classCalls = [Int](repeating: 0, count: 4)
    private var classAnswered = [Int](repeating: 0, count: 4)
    private var lostCalls = 0
    private var callbackDelays: [Int64] = []
    private var longestWait: Int64?
    /// Removable only: the waits `longestWait` is the maximum of, sorted.
    private var longestWaitCandidates: [Int64] = []
    private var abandonWaitSum = NanosecondSum()
    private var details = KPIDetails()

    public init(options: MetricsOptions) {
        self.init(options: options, removable: false)
    }

    init(options: MetricsOptions, removable: Bool) {
        self.options = options
        self.removable = removable
        shortAbandon = options.shortAbandon.nanoseconds
        serviceLevel = options.serviceLevelThreshold.nanoseconds
        qualified = options.qualifiedTalk.nanoseconds
    }

    /// Adds one call with its history facts.
    /// - Parameter talkCredit: the part of the call's talk this row is credited with (an agent's
    ///   own part of a transferred call, `--by agent`); nil: the whole talk. Completion and
    ///   qualified calls always use the whole talk.
    public mutating func add(_ call: Call, facts: CallFacts, talkCredit: Int64? = nil) {
        update(call, facts: facts, talkCredit: talkCredit, by: 1)
    }

    /// ``add(_:facts:talkCredit:)`` of any call the engine reads (a store's compact ``MetricRow``).
    @inline(__always)
    mutating func add<C: MetricCall>(_ call: C, facts: CallFacts, talkCredit: Int64? = nil) {
        update(call, facts: facts, talkCredit: talkCredit, by: 1)
    }

    /// Takes out a call added before with the same facts (removable accumulators only).
    mutating func remove(_ call: Call, facts: CallFacts) {
        precondition(removable, "remove on an accumulator made without removable")
        update(call, facts: facts, talkCredit: nil, by: -1)
    }

    /// Adds (`sign` 1) or removes (`sign` -1) a call.
    @inline(__always)
    private mutating func update<C: MetricCall>(_ call: C, facts: CallFacts, talkCredit: Int64?, by sign: Int) {
        offered += sign
        let isAnswered = call.outcome == .answered
        if isAnswered {
            answered += sign
            if let ended = call.endedAt {
                let talkNs = call.answeredAt.map { max(0, $0.distance(to: ended)) } ?? 0
                let credited = talkCredit ?? talkNs
                talk.add(credited, sign)
                if credited > 0 { talkPositive.add(credited, sign); details.talkedCalls += sign }
                if talkNs >= 1_000_000_000 { details.completed += sign }
                if talkNs >= qualified { qualifiedCalls += sign }
            } else {
                answeredTalkUnknown += sign
            }
        } else if call.outcome == .redirected {
            details.redirected += sign
        }
        if let pdd = call.pddMilliseconds { pddSum &+= sign > 0 ? pdd : 0 &- pdd; pddCount += sign }
        switch call.outcome {
        case .answered, .ivrDropoff, .busy, .noAnswer, .abandoned, .rejected: details.effectiveCalls += sign
        default: break
        }
        if isAnswered, call.transfers > 0 { details.transferredCalls += sign }
        guard facts.inbound else { return }

        details.inbound += sign
        let wait = call.waitNanoseconds ?? (call.answeredAt ?? call.endedAt).map { call.start.distance(to: $0) }
        if let wait, call.outcome != .ivrDropoff {
            if removable {
                Self.update(&longestWaitCandidates, wait, sign)
            } else if wait > longestWait ?? .min {
                longestWait = wait
            }
        }
        let cls = Int(facts.callerClass.rawValue)
        classCalls[cls] += sign
        switch call.outcome {
        case .answered:
            classAnswered[cls] += sign
            if let wait {
                if removable { Self.update(&waits, wait, sign) } else { waits.append(wait) }
                waitSum.add(wait, sign)
                classWaits[cls].add(wait, sign)
                classWaitCount[cls] += sign
                if wait <= serviceLevel { details.serviceLevelAnswered += sign }
            }
        case .busy, .congestion:
            details.blocked += sign
        case .ivrDropoff:
            details.ivrDropoffs += sign
        case .abandoned:
            details.abandoned += sign
            if let wait {
                if removable { Self.update(&abandonWaits, wait, sign) } else { abandonWaits.append(wait) }
                abandonWaitSum.add(wait, sign)
                if wait < shortAbandon { details.shortAbandons += sign }
            }
        default:
            break
        }
        if !isAnswered && call.outcome != .ivrDropoff {
            lostCalls += sign
            if facts.callerClass == .withheld {
                details.lostWithheld += sign
            } else if facts.returned != .none, let delay = facts.returnDelayNanoseconds {
                details.lostReturned += sign
                if removable { Self.update(&callbackDelays, delay, sign) } else { callbackDelays.append(delay) }
            }
        }
    }

    /// Inserts (`sign` 1) or removes one occurrence of (`sign` -1) `value` in a sorted array.
    private static func update(_ sorted: inout [Int64], _ value: Int64, _ sign: Int) {
        var low = 0, high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < value { low = mid + 1 } else { high = mid }
        }
        if sign > 0 {
            sorted.insert(value, at: low)
        } else if low < sorted.count, sorted[low] == value {
            sorted.remove(at: low)
        }
    }

    /// A lost call added before with `returned: .none` (not withheld) turned out returned
    /// `delay` after its start: the same as having added it with those facts (a report fed by a
    /// stream learns a return only from a later call, ``KPIReportStream``).
    mutating func addReturn(delayNanoseconds delay: Int64) {
        details.lostReturned += 1
        if removable { Self.update(&callbackDelays, delay, 1) } else { callbackDelays.append(delay) }
    }

    /// Adds talk on a call this row did not take: an agent's part after a transfer to them
    /// (`--by agent`); only `talk_min` grows.
    public mutating func addTransferredTalk(_ nanoseconds: Int64) {
        talk.add(max(0, nanoseconds), 1)
    }

    /// The KPIs of the calls added so far.
    public var kpis: KPIs { result().kpis }

    /// The KPIs and the numbers behind them (the formulas are ``KPITally/result()``'s, shared
    /// with the reports a store tallies).
    public func result() -> (kpis: KPIs, details: KPIDetails) { tally().result() }

    /// The counters, sums and percentiles of the calls added so far.
    func tally() -> KPITally {
        var t = KPITally()
        let d = details
        t.offered = offered; t.answered = answered; t.answeredTalkUnknown = answeredTalkUnknown; t.qualifiedCalls = qualifiedCalls
        t.pddSum = pddSum; t.pddCount = pddCount
        t.talk = KPITally.Nanoseconds(talk); t.talkPositive = KPITally.Nanoseconds(talkPositive); t.talkedCalls = d.talkedCalls
        t.completed = d.completed; t.redirected = d.redirected; t.effectiveCalls = d.effectiveCalls; t.transferredCalls = d.transferredCalls
        t.inbound = d.inbound
        t.longestWait = removable ? longestWaitCandidates.last : longestWait
        t.classCalls = classCalls; t.classAnswered = classAnswered; t.classWaitCount = classWaitCount
        t.classWaits = classWaits.map(KPITally.Nanoseconds.init)
        t.waitSum = KPITally.Nanoseconds(waitSum); t.waitCount = waits.count; t.serviceLevelAnswered = d.serviceLevelAnswered
        t.blocked = d.blocked; t.ivrDropoffs = d.ivrDropoffs; t.abandoned = d.abandoned; t.shortAbandons = d.shortAbandons
        t.abandonWaitSum = KPITally.Nanoseconds(abandonWaitSum); t.abandonWaitCount = abandonWaits.count
        t.lostCalls = lostCalls; t.lostWithheld = d.lostWithheld; t.lostReturned = d.lostReturned
        let sortedWaits = removable ? waits : CallMetrics.sortedWaits(waits)
        let sortedAbandons = removable ? abandonWaits : CallMetrics.sortedWaits(abandonWaits)
        for w in sortedAbandons { t.abandonBins[AbandonTimeDistribution.bin(ofNanoseconds: w)] += 1 }
        t.asaP50 = nearestRank(sortedWaits, percent: 50); t.asaP90 = nearestRank(sortedWaits, percent: 90)
        t.abandonP50 = nearestRank(sortedAbandons, percent: 50); t.abandonP90 = nearestRank(sortedAbandons, percent: 90)
        t.callbackMedian = nearestRank(removable ? callbackDelays : CallMetrics.sortedWaits(callbackDelays), percent: 50)
        return t
    }
}

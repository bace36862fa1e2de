import CallModel

/// Computes `KPIs` in one pass: add calls one at a time (any order), then read `kpis`.
///
/// Why an accumulator: a report over 10 million calls keeps per group only counters, sums
/// and the waits needed for exact nearest-rank percentiles, never the calls. History-dependent
/// facts (repeat caller, lost-call return) come in `CallFacts` from the engine's history pass.
///
/// - Complexity: `add` is O(1) amortised; `kpis` sorts the kept waits, O(k log k).
public struct KPIAccumulator: Sendable {
    public let options: MetricsOptions
    private let shortAbandon: Int64
    private let serviceLevel: Int64
    private let qualified: Int64

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
    private var abandonWaitSum = NanosecondSum()
    private var details = KPIDetails()

    public init(options: MetricsOptions) {
        self.options = options
        shortAbandon = options.shortAbandon.nanoseconds
        serviceLevel = options.serviceLevelThreshold.nanoseconds
        qualified = options.qualifiedTalk.nanoseconds
    }

    /// Adds one call with its history facts.
    /// - Parameter talkCredit: the part of the call's talk this row is credited with (an agent's
    ///   own part of a transferred call, `--by agent`); nil: the whole talk. Completion and
    ///   qualified calls always use the whole talk.
    public mutating func add(_ call: Call, facts: CallFacts, talkCredit: Int64? = nil) {
        offered += 1
        let isAnswered = call.outcome == .answered
        if isAnswered {
            answered += 1
            if let ended = call.endedAt {
                let talkNs = call.answeredAt.map { max(0, $0.distance(to: ended)) } ?? 0
                let credited = talkCredit ?? talkNs
                talk.add(credited)
                if credited > 0 { talkPositive.add(credited); details.talkedCalls += 1 }
                if talkNs >= 1_000_000_000 { details.completed += 1 }
                if talkNs >= qualified { qualifiedCalls += 1 }
            } else {
                answeredTalkUnknown += 1
            }
        } else if call.outcome == .redirected {
            details.redirected += 1
        }
        if let pdd = call.pddMilliseconds { pddSum &+= pdd; pddCount += 1 }
        switch call.outcome {
        case .answered, .ivrDropoff, .busy, .noAnswer, .abandoned, .rejected: details.effectiveCalls += 1
        default: break
        }
        if isAnswered, call.transfers > 0 { details.transferredCalls += 1 }
        guard facts.inbound else { return }

        details.inbound += 1
        let wait = call.waitNanoseconds ?? (call.answeredAt ?? call.endedAt).map { call.start.distance(to: $0) }
        if let wait, call.outcome != .ivrDropoff, wait > longestWait ?? .min { longestWait = wait }
        let cls = Int(facts.callerClass.rawValue)
        classCalls[cls] += 1
        switch call.outcome {
        case .answered:
            classAnswered[cls] += 1
            if let wait {
                waits.append(wait)
                waitSum.add(wait)
                classWaits[cls].add(wait)
                classWaitCount[cls] += 1
                if wait <= serviceLevel { details.serviceLevelAnswered += 1 }
            }
        case .busy, .congestion:
            details.blocked += 1
        case .ivrDropoff:
            details.ivrDropoffs += 1
        case .abandoned:
            details.abandoned += 1
            if let wait {
                abandonWaits.append(wait)
                abandonWaitSum.add(wait)
                if wait < shortAbandon { details.shortAbandons += 1 }
            }
        default:
            break
        }
        if !isAnswered && call.outcome != .ivrDropoff {
            lostCalls += 1
            if facts.callerClass == .withheld {
                details.lostWithheld += 1
            } else if facts.returned != .none, let delay = facts.returnDelayNanoseconds {
                details.lostReturned += 1
                callbackDelays.append(delay)
            }
        }
    }

    /// Adds talk on a call this row did not take: an agent's part after a transfer to them
    /// (`--by agent`); only `talk_min` grows.
    public mutating func addTransferredTalk(_ nanoseconds: Int64) {
        talk.add(max(0, nanoseconds))
    }

    /// The KPIs of the calls added so far.
    public var kpis: KPIs { result().kpis }

    /// The KPIs and the numbers behind them.
    public func result() -> (kpis: KPIs, details: KPIDetails) {
        var d = details
        d.attempted = offered - d.redirected - answeredTalkUnknown
        d.seizures = offered - d.redirected
        // IVR drop-offs never reached a queue or a person: outside abandonment and service level.
        d.serviceLevelBase = d.inbound - d.shortAbandons - d.ivrDropoffs
        let sortedWaits = waits.sorted()
        d.asaP50Seconds = seconds(nearestRank(sortedWaits, percent: 50))
        let sortedAbandons = abandonWaits.sorted()
        for w in sortedAbandons { d.abandonTimes.counts[AbandonTimeDistribution.bin(ofNanoseconds: w)] += 1 }
        d.abandonTimes.p50Seconds = seconds(nearestRank(sortedAbandons, percent: 50))
        d.abandonTimes.p90Seconds = seconds(nearestRank(sortedAbandons, percent: 90))
        func group(_ cls: CallerClass) -> CallerGroupStats {
            let i = Int(cls.rawValue)
            return CallerGroupStats(calls: classCalls[i], answered: classAnswered[i],
                                    answerRate: ratio(classAnswered[i], classCalls[i]),
                                    asaSeconds: classWaits[i].meanSeconds(classWaitCount[i]))
        }
        d.firstTime = group(.firstTime)
        d.repeatCalls = group(.repeat)
        d.withheld = group(.withheld)

        let kpis = KPIs(
            offered: offered,
            answered: answered,
            asr: ratio(answered, offered),
            completionRate: ratio(d.completed, d.attempted),
            blockedRate: ratio(d.blocked, d.inbound),
            abandonmentRate: ratio(d.abandoned - d.shortAbandons, d.serviceLevelBase),
            asaSeconds: waitSum.meanSeconds(waits.count),
            asaP90Seconds: seconds(nearestRank(sortedWaits, percent: 90)),
            serviceLevel: ratio(d.serviceLevelAnswered, d.serviceLevelBase),
            pddMilliseconds: pddCount > 0 ? Double(pddSum) / Double(pddCount) : nil,
            acdSeconds: talkPositive.meanSeconds(d.talkedCalls),
            talkMinutes: talk.totalSeconds / 60,
            firstTimeCallers: classCalls[Int(CallerClass.firstTime.rawValue)],
            repeatCallers: classCalls[Int(CallerClass.repeat.rawValue)],
            lostCalls: lostCalls,
            callbackRate: ratio(d.lostReturned, lostCalls - d.lostWithheld),
            callbackMedianSeconds: seconds(nearestRank(callbackDelays.sorted(), percent: 50)),
            qualifiedCalls: qualifiedCalls,
            ivrDropoffs: d.ivrDropoffs,
            ner: ratio(d.effectiveCalls, d.seizures),
            longestWaitSeconds: seconds(longestWait),
            meanTimeToAbandonSeconds: abandonWaitSum.meanSeconds(abandonWaits.count),
            transferRate: ratio(d.transferredCalls, answered)
        )
        return (kpis, d)
    }
}

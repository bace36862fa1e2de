/// The key performance indicators of a set of calls (docs/metrics.md, one section per key).
///
/// Each property's documentation names its key in `report` output; `Reports.KPIRendering` is
/// the one place that writes them.
///
/// Counts are plain integers (0 for an empty set); rates are fractions from 0 to 1 and,
/// like means and percentiles, are nil (JSON `null`) when their denominator is zero,
/// never 0 or NaN.
public struct KPIs: Sendable, Hashable {
    /// `offered`: calls in the set (every direction; duplicates left out).
    public var offered: Int
    /// `answered`: calls with outcome `answered`.
    public var answered: Int
    /// `asr`: answered / offered.
    public var asr: Double?
    /// `completion_rate`: answered with talk >= 1 s / (offered - redirected - answered with unknown talk).
    public var completionRate: Double?
    /// `blocked_rate`: inbound busy or congestion / inbound.
    public var blockedRate: Double?
    /// `abandonment_rate`: (inbound abandoned - short abandons) / (inbound - short abandons - IVR drop-offs).
    public var abandonmentRate: Double?
    /// `asa_s`: mean wait of answered inbound calls, seconds.
    public var asaSeconds: Double?
    /// `asa_p90_s`: nearest-rank 90th percentile of those waits, seconds.
    public var asaP90Seconds: Double?
    /// `service_level`: inbound answered with wait <= threshold / (inbound - short abandons - IVR drop-offs).
    public var serviceLevel: Double?
    /// `pdd_ms`: mean post-dial delay of calls that have one (captures), milliseconds.
    public var pddMilliseconds: Double?
    /// `acd_s`: mean talk of answered calls with talk > 0, seconds.
    public var acdSeconds: Double?
    /// `talk_min`: total talk of answered calls, minutes (0 when none).
    public var talkMinutes: Double
    /// `first_time_callers`: inbound calls whose number did not call within the repeat window before.
    public var firstTimeCallers: Int
    /// `repeat_callers`: inbound calls whose number called within the repeat window before.
    public var repeatCallers: Int
    /// `lost_calls`: unanswered inbound calls.
    public var lostCalls: Int
    /// `callback_rate`: returned lost calls / lost calls from numbers that are not withheld.
    public var callbackRate: Double?
    /// `callback_median_s`: nearest-rank median delay of returned lost calls, seconds.
    public var callbackMedianSeconds: Double?
    /// `qualified_calls`: answered calls with talk >= the qualified threshold.
    public var qualifiedCalls: Int
    /// `ivr_dropoffs`: inbound calls that ended in the IVR before reaching a queue or a person
    /// (outcome `ivr_dropoff`); not abandons, not lost calls.
    public var ivrDropoffs: Int
    /// `ner`: network effectiveness ratio (ITU-T E.425): calls answered (by a person or an IVR),
    /// user busy, ring-no-answer (`no_answer`, `abandoned`) and terminal rejects (`rejected`) /
    /// seizures (offered - redirected).
    public var ner: Double?
    /// `longest_wait_s`: the longest wait of an inbound call (answered or not; IVR drop-offs left out), seconds.
    public var longestWaitSeconds: Double?
    /// `mean_time_to_abandon_s`: mean wait of inbound abandons with a known wait, seconds.
    public var meanTimeToAbandonSeconds: Double?
    /// `transfer_rate`: answered calls with at least one transfer / answered calls.
    public var transferRate: Double?

    public init(
        offered: Int = 0, answered: Int = 0, asr: Double? = nil, completionRate: Double? = nil,
        blockedRate: Double? = nil, abandonmentRate: Double? = nil, asaSeconds: Double? = nil,
        asaP90Seconds: Double? = nil, serviceLevel: Double? = nil, pddMilliseconds: Double? = nil,
        acdSeconds: Double? = nil, talkMinutes: Double = 0, firstTimeCallers: Int = 0, repeatCallers: Int = 0,
        lostCalls: Int = 0, callbackRate: Double? = nil, callbackMedianSeconds: Double? = nil, qualifiedCalls: Int = 0,
        ivrDropoffs: Int = 0, ner: Double? = nil, longestWaitSeconds: Double? = nil,
        meanTimeToAbandonSeconds: Double? = nil, transferRate: Double? = nil
    ) {
        self.offered = offered; self.answered = answered; self.asr = asr; self.completionRate = completionRate
        self.blockedRate = blockedRate; self.abandonmentRate = abandonmentRate; self.asaSeconds = asaSeconds
        self.asaP90Seconds = asaP90Seconds; self.serviceLevel = serviceLevel; self.pddMilliseconds = pddMilliseconds
        self.acdSeconds = acdSeconds; self.talkMinutes = talkMinutes; self.firstTimeCallers = firstTimeCallers
        self.repeatCallers = repeatCallers; self.lostCalls = lostCalls; self.callbackRate = callbackRate
        self.callbackMedianSeconds = callbackMedianSeconds; self.qualifiedCalls = qualifiedCalls
        self.ivrDropoffs = ivrDropoffs; self.ner = ner; self.longestWaitSeconds = longestWaitSeconds
        self.meanTimeToAbandonSeconds = meanTimeToAbandonSeconds; self.transferRate = transferRate
    }
}

/// The numbers behind the KPIs (numerators, denominators, distributions) for readers who
/// want to check a rate or show more than the schema's keys (docs/metrics.md).
public struct KPIDetails: Sendable, Hashable {
    /// Calls counted as inbound.
    public var inbound = 0
    /// Inbound calls with outcome `busy` or `congestion` (blocked-rate numerator).
    public var blocked = 0
    /// Inbound calls with outcome `abandoned`, short ones included.
    public var abandoned = 0
    /// Inbound abandons with a known wait below the short-abandon threshold.
    public var shortAbandons = 0
    /// Calls with outcome `redirected` (left out of the completion rate).
    public var redirected = 0
    /// Completion-rate numerator and denominator.
    public var completed = 0
    public var attempted = 0
    /// Service-level numerator (inbound answered within the threshold) and denominator.
    public var serviceLevelAnswered = 0
    public var serviceLevelBase = 0
    /// Nearest-rank median wait of answered inbound calls, seconds.
    public var asaP50Seconds: Double?
    /// Abandon times (wait before hanging up) of inbound abandons with a known wait.
    public var abandonTimes = AbandonTimeDistribution()
    /// Inbound calls by caller class.
    public var firstTime = CallerGroupStats()
    public var repeatCalls = CallerGroupStats()
    public var withheld = CallerGroupStats()
    /// Lost calls returned (callback or answered recall) within the window.
    public var lostReturned = 0
    /// Lost calls from withheld numbers (cannot be returned; left out of the callback rate).
    public var lostWithheld = 0
    /// Answered calls with talk > 0 (ACD denominator).
    public var talkedCalls = 0
    /// Inbound IVR drop-offs (left out of the abandonment and service-level denominators).
    public var ivrDropoffs = 0
    /// NER numerator (answered, IVR drop-off, busy, no answer, abandoned, rejected) and
    /// denominator (seizures: offered - redirected).
    public var effectiveCalls = 0
    public var seizures = 0
    /// Answered calls with at least one transfer (transfer-rate numerator).
    public var transferredCalls = 0

    public init() {}
}

/// Calls, answer rate and ASA of one caller class (first-time, repeat, withheld).
public struct CallerGroupStats: Sendable, Hashable {
    public var calls = 0
    public var answered = 0
    /// answered / calls; nil when no calls.
    public var answerRate: Double?
    /// Mean wait of the answered calls with a known wait, seconds.
    public var asaSeconds: Double?

    public init(calls: Int = 0, answered: Int = 0, answerRate: Double? = nil, asaSeconds: Double? = nil) {
        self.calls = calls; self.answered = answered; self.answerRate = answerRate; self.asaSeconds = asaSeconds
    }
}

/// How long callers waited before abandoning: counts per bin and nearest-rank percentiles.
public struct AbandonTimeDistribution: Sendable, Hashable {
    /// Lower bounds of the bins in seconds; a bin runs to the next bound (exclusive), the last is open.
    public static let binLowerBounds: [Int] = [0, 5, 10, 20, 30, 60, 120, 300]
    /// Abandons per bin, parallel to `binLowerBounds`.
    public var counts: [Int] = Array(repeating: 0, count: binLowerBounds.count)
    public var p50Seconds: Double?
    public var p90Seconds: Double?

    public init() {}

    static func bin(ofNanoseconds ns: Int64) -> Int {
        var bin = 0
        for (i, lower) in binLowerBounds.enumerated() where ns >= Int64(lower) * 1_000_000_000 { bin = i }
        return bin
    }
}

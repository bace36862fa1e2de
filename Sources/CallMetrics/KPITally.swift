import CallModel

/// The counters, sums and nearest-rank percentiles behind one report row, as a store computes
/// them where the calls are (ClickHouse SQL, docs/clickhouse.md "Reports in SQL"), turned into
/// `KPIs` and `KPIDetails` by the same formulas as ``KPIAccumulator/result()``.
///
/// Sums of nanoseconds come as two parts, the sum of each value's whole seconds (truncated) and
/// the sum of the remainders, so that no sum of 64-bit values can overflow; they are combined
/// exactly as `NanosecondSum` adds values one at a time (equal for non-negative values).
public struct KPITally: Sendable, Hashable {
    /// A sum of nanosecond values: Σ (v / 10⁹) truncated, and Σ (v % 10⁹).
    public struct Nanoseconds: Sendable, Hashable {
        public var seconds: Int64
        public var remainders: Int64
        public init(seconds: Int64 = 0, remainders: Int64 = 0) { self.seconds = seconds; self.remainders = remainders }

        /// The same sum kept one value at a time (``KPIAccumulator``).
        init(_ sum: NanosecondSum) { self.init(seconds: sum.seconds, remainders: sum.nanos) }

        var sum: NanosecondSum {
            var total = NanosecondSum()
            total.add(remainders)
            var left = seconds
            let step: Int64 = 9_000_000_000  // seconds: 9e18 ns, below Int64.max
            while left != 0 {
                let part = left > 0 ? min(left, step) : max(left, -step)
                total.add(part * 1_000_000_000)
                left -= part
            }
            return total
        }
    }

    public var offered = 0, answered = 0, answeredTalkUnknown = 0, qualifiedCalls = 0
    public var pddSum: Int64 = 0, pddCount = 0
    /// Talk of answered calls (the row's credited part under `--by agent`), and of those with talk > 0.
    public var talk = Nanoseconds(), talkPositive = Nanoseconds(), talkedCalls = 0
    public var completed = 0, redirected = 0, effectiveCalls = 0, transferredCalls = 0
    public var inbound = 0
    public var longestWait: Int64?
    /// Indexed by `CallerClass.rawValue`.
    public var classCalls = [0, 0, 0, 0], classAnswered = [0, 0, 0, 0], classWaitCount = [0, 0, 0, 0]
    public var classWaits = [Nanoseconds](repeating: Nanoseconds(), count: 4)
    public var waitSum = Nanoseconds(), waitCount = 0, serviceLevelAnswered = 0
    public var blocked = 0, ivrDropoffs = 0, abandoned = 0, shortAbandons = 0
    public var abandonWaitSum = Nanoseconds(), abandonWaitCount = 0
    /// Parallel to `AbandonTimeDistribution.binLowerBounds`.
    public var abandonBins = [Int](repeating: 0, count: AbandonTimeDistribution.binLowerBounds.count)
    public var lostCalls = 0, lostWithheld = 0, lostReturned = 0
    /// Nearest-rank percentiles (``nearestRankIndex(percent:count:)``) of the answered waits,
    /// the abandon waits and the callback delays, in nanoseconds.
    public var asaP50: Int64?, asaP90: Int64?, abandonP50: Int64?, abandonP90: Int64?, callbackMedian: Int64?

    public init() {}

    /// The 1-based index of the nearest-rank `percent` percentile in `count` sorted values
    /// (docs/metrics.md "Percentiles"): ceil(p/100 · n), at least 1.
    public static func nearestRankIndex(percent: Int, count: Int) -> Int { min(count, max(1, (percent * count + 99) / 100)) }

    /// The KPIs and the numbers behind them, as ``KPIAccumulator/result()`` gives them for the same calls.
    public func result() -> (kpis: KPIs, details: KPIDetails) {
        var d = KPIDetails()
        d.inbound = inbound; d.blocked = blocked; d.abandoned = abandoned; d.shortAbandons = shortAbandons
        d.redirected = redirected; d.completed = completed; d.serviceLevelAnswered = serviceLevelAnswered
        d.lostReturned = lostReturned; d.lostWithheld = lostWithheld; d.talkedCalls = talkedCalls
        d.ivrDropoffs = ivrDropoffs; d.effectiveCalls = effectiveCalls; d.transferredCalls = transferredCalls
        d.attempted = offered - redirected - answeredTalkUnknown
        d.seizures = offered - redirected
        d.serviceLevelBase = inbound - shortAbandons - ivrDropoffs
        d.asaP50Seconds = seconds(asaP50)
        d.abandonTimes.counts = abandonBins
        d.abandonTimes.p50Seconds = seconds(abandonP50)
        d.abandonTimes.p90Seconds = seconds(abandonP90)
        func group(_ cls: CallerClass) -> CallerGroupStats {
            let i = Int(cls.rawValue)
            return CallerGroupStats(calls: classCalls[i], answered: classAnswered[i], answerRate: ratio(classAnswered[i], classCalls[i]),
                                    asaSeconds: classWaits[i].sum.meanSeconds(classWaitCount[i]))
        }
        d.firstTime = group(.firstTime)
        d.repeatCalls = group(.repeat)
        d.withheld = group(.withheld)
        let kpis = KPIs(
            offered: offered, answered: answered, asr: ratio(answered, offered),
            completionRate: ratio(completed, d.attempted), blockedRate: ratio(blocked, inbound),
            abandonmentRate: ratio(abandoned - shortAbandons, d.serviceLevelBase),
            asaSeconds: waitSum.sum.meanSeconds(waitCount), asaP90Seconds: seconds(asaP90),
            serviceLevel: ratio(serviceLevelAnswered, d.serviceLevelBase),
            pddMilliseconds: pddCount > 0 ? Double(pddSum) / Double(pddCount) : nil,
            acdSeconds: talkPositive.sum.meanSeconds(talkedCalls), talkMinutes: talk.sum.totalSeconds / 60,
            firstTimeCallers: classCalls[Int(CallerClass.firstTime.rawValue)], repeatCallers: classCalls[Int(CallerClass.repeat.rawValue)],
            lostCalls: lostCalls, callbackRate: ratio(lostReturned, lostCalls - lostWithheld),
            callbackMedianSeconds: seconds(callbackMedian), qualifiedCalls: qualifiedCalls, ivrDropoffs: ivrDropoffs,
            ner: ratio(effectiveCalls, d.seizures), longestWaitSeconds: seconds(longestWait),
            meanTimeToAbandonSeconds: abandonWaitSum.sum.meanSeconds(abandonWaitCount),
            transferRate: ratio(transferredCalls, answered))
        return (kpis, d)
    }
}

/// A report group key as a store computes it, before its label: the local hour, day, weekday or
/// week (by its Monday) as numbers, a text key, or one of the bracketed keys (docs/metrics.md "Group keys").
public enum TalliedGroupKey: Sendable, Hashable {
    /// `--by hour` (0...23), `day` (days since 1970-01-01, local), `weekday` (0 = Monday), `week` (the local day of its Monday).
    case number(Int64)
    case text(String)
    /// `(unattributed)`.
    case unattributed
    /// `(outbound)` / `(internal)` under `--by campaign` and the visit fields.
    case notInbound(String)
    /// `(none)`.
    case none
}

extension MetricsReport {
    /// The report of rows a store tallied: groups put in key order and labelled as
    /// ``MetricsEngine/report(calls:groupBy:options:)`` orders and labels them.
    /// Nil when two text keys are equal as Swift strings but not byte for byte (canonically
    /// equivalent Unicode): the engine would have put them in one group.
    public static func tallied(overall: KPITally, groups: [(key: TalliedGroupKey, tally: KPITally)], groupBy: GroupBy?, options: MetricsOptions,
                               duplicatesExcluded: Int, historyOnlyCalls: Int, directionCoverage: DirectionCoverage) -> MetricsReport? {
        var rows: [(key: GroupKey, tally: KPITally)] = []
        var seen = Set<GroupKey>()
        for group in groups {
            let key: GroupKey
            switch group.key {
            case .number(let n):
                switch groupBy {
                case .hour?: key = .hour(Int(n))
                case .weekday?: key = .weekday(Int(n))
                case .week?: let (year, week) = CivilDate.isoWeek(days: n); key = .week(year: year, week: week)
                default: key = .day(n)
                }
            case .text(let s): key = .text(s)
            case .unattributed: key = .unattributed
            case .notInbound(let direction): key = .notInbound(direction)
            case .none: key = .none
            }
            guard seen.insert(key).inserted else { return nil }
            rows.append((key, group.tally))
        }
        let groupRows = rows.sorted { $0.key < $1.key }.map { row -> MetricsRow in
            let (kpis, details) = row.tally.result()
            return MetricsRow(key: row.key.label, kpis: kpis, details: details)
        }
        let (kpis, details) = overall.result()
        return MetricsReport(
            overall: MetricsRow(key: "overall", kpis: kpis, details: details), groupBy: groupBy, groups: groupBy == nil ? [] : groupRows,
            blockedAboveTarget: kpis.blockedRate.map { $0 > options.blockedTarget } ?? false,
            blockedTarget: options.blockedTarget, duplicatesExcluded: duplicatesExcluded, historyOnlyCalls: historyOnlyCalls,
            directionCoverage: directionCoverage)
    }
}

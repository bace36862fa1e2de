import CallModel

/// Call records of a seeded call-centre mix, for timing the metrics core and the store
/// without parsing anything (`callscope-dev bench metrics|store`).
///
/// The mix over 30 days from 2026-03-01T00:00Z: 80% inbound to 20 tracking numbers
/// (`+442079460100`...`19`) from 200,000 callers, 20% outbound by 50 agents (`200`...`249`);
/// outcomes 60% answered, 10% each abandoned, no answer, busy and congestion; waits of 0-89 s,
/// talk of 0-599 s. Drawn from the generator's one random-number generator (``Xoshiro256``),
/// so one seed gives the same calls on every platform and Swift release.
public enum SyntheticCallRecords {
    /// The first instant of the mix, 2026-03-01T00:00:00Z, in seconds since the epoch.
    public static let firstDay: Int64 = 1_772_323_200
    /// The tracking numbers inbound calls dial.
    public static let trackingNumbers = (0..<20).map { "+4420794601" + twoDigits($0) }

    /// `count` calls ordered by start (as every reading command hands calls to the metrics).
    /// - Complexity: O(n log n).
    public static func generate(count: Int, seed: UInt64) -> [Call] {
        var random = Xoshiro256(seed: seed)
        let outcomes: [CallOutcome] = [.answered, .answered, .answered, .answered, .answered, .answered, .abandoned, .noAnswer, .busy, .congestion]
        let calls = (0..<max(0, count)).map { i in
            let start = Timestamp(seconds: firstDay + Int64(random.below(30 * 86_400)))
            let outcome = outcomes[random.below(outcomes.count)]
            let wait = Int64(random.below(90)) * 1_000_000_000
            let agent = String(200 + random.below(50))
            let inbound = random.below(10) < 8
            let customer = "+4477009" + String(100_000 + random.below(200_000))
            let dialed = inbound ? trackingNumbers[random.below(trackingNumbers.count)] : customer
            let answeredAt = outcome == .answered ? Timestamp(nanoseconds: start.nanoseconds + wait) : nil
            let talk = outcome == .answered ? Int64(random.below(600)) * 1_000_000_000 : wait
            return Call(
                callID: "bench-\(i)", source: "generated", start: start,
                caller: inbound ? customer : agent, dialed: dialed,
                outcome: outcome, answeredAt: answeredAt, endedAt: Timestamp(nanoseconds: (answeredAt ?? start).nanoseconds + talk),
                agent: outcome == .answered || !inbound ? agent : nil, queue: inbound ? "support" : nil,
                waitNanoseconds: wait, direction: inbound ? .inbound : .outbound, format: "generated", packets: 1
            )
        }
        return calls.sorted { $0.start < $1.start }
    }

    private static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
}

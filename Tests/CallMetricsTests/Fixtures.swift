import CallModel
import Foundation
@testable import CallMetrics

/// Builders for calls with known timings: every metric test states its calls in code.
enum Fixture {
    static let london = TimeZone(identifier: "Europe/London") ?? TimeZone(secondsFromGMT: 0)!
    static let utc = TimeZone(secondsFromGMT: 0)!

    /// Monday 2024-06-03 09:00:00Z (10:00 BST).
    static let monday = Timestamp(year: 2024, month: 6, day: 3, hour: 9, minute: 0, second: 0)

    static func at(_ base: Timestamp, plus seconds: Double) -> Timestamp {
        Timestamp(nanoseconds: base.nanoseconds + Int64((seconds * 1e9).rounded()))
    }

    /// A call starting at `start`: when answered, `wait` seconds to the answer then `talk`
    /// seconds of talk (nil: not ended); otherwise it ends after `wait`.
    static func call(
        _ id: String, _ start: Timestamp, _ outcome: CallOutcome, wait: Double? = 0, talk: Double? = 0,
        caller: String? = "+447700900001", dialed: String? = "+442079460100", direction: CallDirection? = .inbound,
        agent: String? = nil, queue: String? = nil, pdd: Int64? = nil, divertedFrom: String? = nil, source: String = "test"
    ) -> Call {
        let answeredAt = outcome == .answered ? at(start, plus: wait ?? 0) : nil
        let endedAt: Timestamp?
        if let answeredAt { endedAt = talk.map { at(answeredAt, plus: $0) } } else { endedAt = at(start, plus: wait ?? 0) }
        return Call(
            callID: id, source: source, start: start, caller: caller, dialed: dialed, divertedFrom: divertedFrom,
            outcome: outcome, pddMilliseconds: pdd, answeredAt: answeredAt, endedAt: endedAt, agent: agent, queue: queue,
            waitNanoseconds: wait.map { Int64(($0 * 1e9).rounded()) }, direction: direction, format: "test")
    }

    static func options(_ zone: TimeZone = utc, from: Timestamp? = nil, to: Timestamp? = nil, campaigns: [Campaign] = []) -> MetricsOptions {
        MetricsOptions(timeZone: zone, from: from, to: to, campaigns: campaigns)
    }
}

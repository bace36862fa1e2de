import CallModel

/// Compares a CDR call with the captured call it was paired with (README "Reconcile").
///
/// - `outcome`: answered on one side only.
/// - `status`: both unanswered with different outcomes (a `NO ANSWER` disposition for a 503);
///   the SIP final status and Q.850 cause are shown beside each.
/// - `answer`, `end`: both sides have the time and they differ by more than the tolerance
///   once the clock offset is removed from the CDR's.
/// - `talk`: both answered and `talk_s` (billed vs measured) differ by more than the tolerance.
/// - `ended_by`: both answered, both say who hung up, and not the same side.
/// - `numbers`: caller or dialled number given on both sides and not the same number
///   (`NumberMatch`).
public enum CallComparison {
    static func differences(cdr: Call, wire: Call, offsetNanoseconds: Int64, toleranceNanoseconds: Int64) -> [Difference] {
        var out: [Difference] = []
        let cdrAnswered = cdr.outcome == .answered, wireAnswered = wire.outcome == .answered
        if cdrAnswered != wireAnswered {
            out.append(Difference(kind: .outcome, cdr: status(cdr), wire: status(wire)))
        } else if !cdrAnswered, cdr.outcome != wire.outcome {
            out.append(Difference(kind: .status, cdr: status(cdr), wire: status(wire)))
        }
        if cdrAnswered, wireAnswered, let a = cdr.answeredAt, let b = wire.answeredAt,
           differ(shifted(a, offsetNanoseconds), b, toleranceNanoseconds) {
            out.append(Difference(kind: .answer, cdr: a.iso8601, wire: b.iso8601))
        }
        if let a = cdr.endedAt, let b = wire.endedAt, differ(shifted(a, offsetNanoseconds), b, toleranceNanoseconds) {
            out.append(Difference(kind: .end, cdr: a.iso8601, wire: b.iso8601))
        }
        if cdrAnswered, wireAnswered, let a = cdr.talkTime, let b = wire.talkTime,
           magnitude(a.nanoseconds, b.nanoseconds) > toleranceNanoseconds {
            out.append(Difference(kind: .talk, cdr: a.seconds3, wire: b.seconds3))
        }
        if cdrAnswered, wireAnswered, let a = cdr.endedBy, let b = wire.endedBy, a != b {
            out.append(Difference(kind: .endedBy, cdr: a.rawValue, wire: b.rawValue))
        }
        let caller = NumberMatch.same(cdr.caller, wire.caller), dialed = NumberMatch.same(cdr.dialed, wire.dialed)
        if caller == false || dialed == false {
            out.append(Difference(kind: .numbers, cdr: numbers(cdr), wire: numbers(wire)))
        }
        return out
    }

    /// `busy (486)`, `congestion (500, Q.850 34)`, `answered (200)`.
    static func status(_ call: Call) -> String {
        var detail: [String] = []
        if let s = call.finalStatus { detail.append(String(s)) }
        if let q = call.reasonCause { detail.append("Q.850 \(q)") }
        return detail.isEmpty ? call.outcome.rawValue : "\(call.outcome.rawValue) (\(detail.joined(separator: ", ")))"
    }

    /// `caller -> dialled`, `-` for a missing number.
    public static func numbers(_ call: Call) -> String { "\(call.caller ?? "-") -> \(call.dialed ?? "-")" }

    /// `time` moved back by the offset (saturating).
    static func shifted(_ time: Timestamp, _ offset: Int64) -> Timestamp {
        let (value, overflow) = time.nanoseconds.subtractingReportingOverflow(offset)
        return overflow ? time : Timestamp(nanoseconds: value)
    }

    static func differ(_ a: Timestamp, _ b: Timestamp, _ tolerance: Int64) -> Bool {
        magnitude(a.nanoseconds, b.nanoseconds) > tolerance
    }

    /// |a - b|, saturating.
    static func magnitude(_ a: Int64, _ b: Int64) -> Int64 {
        let (d, overflow) = a.subtractingReportingOverflow(b)
        if overflow { return .max }
        return d == .min ? .max : abs(d)
    }
}

import CallModel

/// The start, answer and end of one CDR row, made consistent with each other and with the
/// durations the row states: the one time check every CDR reader applies (README "Time zones",
/// "Bad rows").
///
/// A wall-clock time in the repeated hour when clocks go back has two instants
/// (`LocalInstants`); a row whose end, read in the first occurrence, falls before its start,
/// or whose `duration` / `billsec` say otherwise, is read with the occurrences that fit. Every
/// combination of occurrences is tried, those with fewer second occurrences first; among those
/// that fit, one that also fits `billsec` is preferred, then the one whose start is nearest a
/// start the row gives as an epoch (Asterisk's uniqueid), else the first (so a row wholly
/// inside the repeated hour with nothing else to tell keeps the daylight reading). A row that
/// no combination makes consistent is a bad row, never a call with a negative or zero talk time.
///
/// Consistent means start ≤ answer ≤ end (for the times the row has) and `end - start` within
/// one second of `duration` (Asterisk writes stamps truncated to the second and truncates
/// duration, cdr.c; FreeSWITCH subtracts epoch seconds). `billsec` only chooses between
/// readings: Asterisk rows where an IVR answered at once keep `answer = start` while some
/// writers put the agent's talk in `billsec` (see cdr-samples/README.md).
public struct CDRRowTimes: Sendable, Hashable {
    public var start: Timestamp
    public var answer: Timestamp?
    /// The end as written, else `start + duration`, else `answer + billsec`; nil when none.
    public var end: Timestamp?

    /// Why a row's times cannot be made consistent.
    public enum Problem: Error, Sendable, Hashable {
        case endBeforeStart
        case answerBeforeStart
        case answerAfterEnd
        /// `end - start` (whole seconds) is not the stated duration.
        case duration(measured: Int64, stated: Int64)
        /// `start + duration` (or `answer + billsec`) is past 2262-04-11, the last instant a timestamp holds.
        case endOutOfRange
    }

    /// A row that no reading makes consistent: the problem of its first-occurrence reading.
    public struct Inconsistency: Error, Sendable, Hashable {
        public var problem: Problem
        /// Whether one of the row's times was in a repeated hour (both readings were tried).
        public var ambiguous: Bool

        /// `end "…" is before start "…"`, with each time as the reader labels it (field name
        /// and text as written).
        public func message(start: String, answer: String?, end: String?) -> String {
            let text: String
            switch problem {
            case .endBeforeStart: text = "\(end ?? "end") is before \(start)"
            case .answerBeforeStart: text = "\(answer ?? "answer") is before \(start)"
            case .answerAfterEnd: text = "\(answer ?? "answer") is after \(end ?? "end")"
            case .duration(let measured, let stated): text = "end - start is \(measured) s but duration is \(stated) s"
            case .endOutOfRange: return "\(start) + duration is past the last time a timestamp holds (2262-04-11)"
            }
            return ambiguous ? text + " (in either occurrence of the repeated hour)" : text
        }
    }

    /// Largest difference accepted between a stated duration and the stamps, in nanoseconds.
    static let tolerance: Int64 = 1_000_000_000

    /// The consistent reading of a row, or the problem with its first-occurrence reading.
    /// - Parameters:
    ///   - answer, end: nil when the row has none (an unanswered row, an end to derive).
    ///   - duration, billsec: the stated seconds, nil when the row does not state them. An end
    ///     absent from the row is derived from them and not checked against them.
    ///   - startHint: an instant the row gives for its start in another form (Asterisk's
    ///     uniqueid is the channel's creation epoch): among readings that all fit, the one whose
    ///     start is nearest to it is taken, so that a call wholly inside the repeated hour gets
    ///     its real occurrence too.
    /// - Complexity: at most 8 combinations of occurrences, each checked in O(1).
    public static func resolve(
        start: LocalInstants, answer: LocalInstants? = nil, end: LocalInstants? = nil,
        duration: Int64? = nil, billsec: Int64? = nil, startHint: Timestamp? = nil
    ) -> Result<CDRRowTimes, Inconsistency> {
        if !start.isAmbiguous, answer?.isAmbiguous != true, end?.isAmbiguous != true {
            // Nearly every row: one reading, no allocation.
            return check(start: start.first, answer: answer?.first, end: end?.first, duration: duration, billsec: billsec)
                .map(\.times).mapError { Inconsistency(problem: $0, ambiguous: false) }
        }
        // Combination `mask`: bit 0 start, bit 1 answer, bit 2 end read in the second occurrence.
        let ambiguousBits = (start.isAmbiguous ? 1 : 0) | (answer?.isAmbiguous == true ? 2 : 0) | (end?.isAmbiguous == true ? 4 : 0)
        let masks = (0..<8).filter { $0 & ~ambiguousBits == 0 }.sorted { ($0.nonzeroBitCount, $0) < ($1.nonzeroBitCount, $1) }
        var firstProblem: Problem?
        var best: (times: CDRRowTimes, billsecFits: Bool)?
        for mask in masks {
            func pick(_ instants: LocalInstants?, _ bit: Int) -> Timestamp? {
                instants.map { mask & bit == 0 ? $0.first : $0.second }
            }
            switch check(start: mask & 1 == 0 ? start.first : start.second, answer: pick(answer, 2), end: pick(end, 4), duration: duration, billsec: billsec) {
            case .success(let reading):
                // Preferred: a reading that fits billsec too, then the start nearest the hint.
                guard let current = best else { best = reading; continue }
                if reading.billsecFits != current.billsecFits {
                    if reading.billsecFits { best = reading }
                } else if let startHint,
                          reading.times.start.distance(to: startHint).magnitude < current.times.start.distance(to: startHint).magnitude {
                    best = reading
                }
            case .failure(let problem):
                if firstProblem == nil { firstProblem = problem }
            }
        }
        if let best { return .success(best.times) }
        return .failure(Inconsistency(problem: firstProblem ?? .endBeforeStart, ambiguous: true))
    }

    /// Checks one reading of a row: the order and the duration must hold; `billsecFits` tells
    /// whether `end - answer` is also the stated billsec (a preference, not a requirement:
    /// some exports write an agent's talk there while `answer` is the IVR's answer).
    static func check(start: Timestamp, answer: Timestamp?, end: Timestamp?, duration: Int64?, billsec: Int64?) -> Result<(times: CDRRowTimes, billsecFits: Bool), Problem> {
        var derived = end
        if derived == nil, let duration {
            guard let value = plus(start, seconds: duration) else { return .failure(.endOutOfRange) }
            derived = value
        }
        if derived == nil, let answer, let billsec {
            guard let value = plus(answer, seconds: billsec) else { return .failure(.endOutOfRange) }
            derived = value
        }
        if let answer, answer < start { return .failure(.answerBeforeStart) }
        if let derived, derived < start { return .failure(.endBeforeStart) }
        var billsecFits = true
        if let end {
            if end < start { return .failure(.endBeforeStart) }
            if let answer, answer > end { return .failure(.answerAfterEnd) }
            if let duration, let measured = mismatch(from: start, to: end, stated: duration) {
                return .failure(.duration(measured: measured, stated: duration))
            }
            if let answer, let billsec { billsecFits = mismatch(from: answer, to: end, stated: billsec) == nil }
        }
        return .success((CDRRowTimes(start: start, answer: answer, end: derived), billsecFits))
    }

    /// The whole seconds from `a` to `b` when they differ from `stated` by more than the tolerance.
    private static func mismatch(from a: Timestamp, to b: Timestamp, stated: Int64) -> Int64? {
        let span = a.distance(to: b)
        let (statedNs, o1) = stated.multipliedReportingOverflow(by: 1_000_000_000)
        let (difference, o2) = span.subtractingReportingOverflow(statedNs)
        if !o1, !o2, difference.magnitude <= UInt64(tolerance) { return nil }
        return span / 1_000_000_000
    }

    /// `time + seconds`, nil on overflow.
    private static func plus(_ time: Timestamp, seconds: Int64) -> Timestamp? {
        let (ns, o1) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (sum, o2) = time.nanoseconds.addingReportingOverflow(ns)
        return o1 || o2 ? nil : Timestamp(nanoseconds: sum)
    }
}

import CallModel
import CallscopeBase
import Foundation

extension MetricsOptions {
    /// The same options over the period of the same length just before `[from, to)`, the length
    /// taken on the local wall clock (the day before a day is the calendar day before, across a
    /// DST change too); nil when either end is open or the range is empty.
    ///
    /// Why: a report shows each KPI beside its previous period (the HTML report's tiles), and
    /// "the week before" must use the same thresholds, windows and time zone to compare.
    /// Saturates at the ends of `Timestamp`.
    public var previousPeriod: MetricsOptions? {
        guard let from, let to, from < to else { return nil }
        // Lengths on the local wall clock: the day before a 23-hour DST day is a whole day too.
        let wallFrom = wallSeconds(from), wallTo = wallSeconds(to)
        let (start, overflow) = wallFrom.subtractingReportingOverflow(wallTo - wallFrom)
        guard !overflow, let instant = instant(wall: start, nanoseconds: from.nanoseconds - floorDivide(from.nanoseconds, 1_000_000_000) * 1_000_000_000) else { return nil }
        var previous = self
        previous.from = instant
        previous.to = from
        return previous.from.map { $0 < from } ?? false ? previous : nil
    }

    /// Seconds since 1970-01-01 00:00 of the local wall clock at `t`.
    func wallSeconds(_ t: Timestamp) -> Int64 {
        var clock = LocalClock(zone: timeZone)
        let reading = clock.local(t)
        return reading.days &* 86_400 &+ Int64(reading.secondOfDay)
    }

    /// The instant whose local wall clock reads `wall` (``LocalClock/utcSeconds(wall:zone:)``'s
    /// rule for DST gaps and folds); nil out of `Timestamp`'s range.
    func instant(wall: Int64, nanoseconds: Int64 = 0) -> Timestamp? {
        let utc = LocalClock.utcSeconds(wall: wall, zone: timeZone)
        let (scaled, overflow) = utc.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return nil }
        let (sum, overflow2) = scaled.addingReportingOverflow(nanoseconds)
        return overflow2 ? nil : Timestamp(nanoseconds: sum)
    }

    /// The stored calls both this period and its previous one need (``storedRange`` of each,
    /// joined): what a store must read for a report that compares with the previous period.
    /// With an open `to` the previous period is not known before the calls are read, so the
    /// read is open backwards too.
    public var storedRangeWithPreviousPeriod: (from: Timestamp?, to: Timestamp?) {
        let current = storedRange
        guard from != nil else { return current }
        guard let previous = previousPeriod else { return (nil, current.to) }
        return (previous.storedRange.from, current.to)
    }

    /// These options with open ends closed on whole local days around the calls in range:
    /// `from` at the local midnight before the first call, `to` at the local midnight after the
    /// last one. Ends already set are kept; no calls in range leaves the options as they are.
    ///
    /// Why: "the previous period of the same length" needs a length; a report over "every call
    /// in the files" is taken as the local days they span. Closing the ends this way counts
    /// exactly the same calls.
    public func closed(around calls: [Call]) -> MetricsOptions {
        guard from == nil || to == nil else { return self }
        var first: Timestamp?, last: Timestamp?
        for call in calls where inRange(call.start) {
            if first.map({ call.start < $0 }) ?? true { first = call.start }
            if last.map({ call.start > $0 }) ?? true { last = call.start }
        }
        guard let first, let last else { return self }
        func midnight(_ t: Timestamp) -> Int64 { floorDivide(wallSeconds(t), 86_400) * 86_400 }
        var closed = self
        // min/max: a midnight that does not exist (a DST gap at 00:00) must still hold the calls.
        if closed.from == nil { closed.from = min(instant(wall: midnight(first)) ?? first, first) }
        if closed.to == nil {
            let after = Timestamp(nanoseconds: last.nanoseconds == .max ? .max : last.nanoseconds + 1)
            closed.to = max(instant(wall: midnight(last) + 86_400) ?? after, after)
        }
        return closed
    }
}

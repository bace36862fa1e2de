import CallscopeBase
import CallModel
import Foundation

/// What `LocalClock` reads for an instant: the local day number and second of that day in the
/// site time zone.
struct LocalClockReading: Sendable, Hashable {
    /// Days since 1970-01-01 of the local calendar date.
    var days: Int64
    /// Seconds since local midnight (0 ..< 86_400).
    var secondOfDay: Int

    var hour: Int { secondOfDay / 3600 }
    /// 0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday).
    var weekday: Int { Int(((days + 3) % 7 + 7) % 7) }

    /// `2024-03-31`.
    var dayLabel: String { CivilDate.label(days: days) }
}

/// Converts instants to local wall-clock times with the zone's rules at that instant
/// (DST-correct), caching the UTC offset between transitions so that a sorted stream of
/// calls asks Foundation once per transition (or once a day) instead of once per call.
struct LocalClock {
    let zone: TimeZone
    private var validFrom: Int64 = 1
    private var validUntil: Int64 = 0
    private var offset: Int64 = 0

    init(zone: TimeZone) { self.zone = zone }

    /// - Complexity: O(1) amortised on time-ordered input.
    @inline(__always)
    mutating func local(_ t: Timestamp) -> LocalClockReading {
        let s = floorDivide(t.nanoseconds, 1_000_000_000)
        if s < validFrom || s >= validUntil { refresh(at: s) }
        let wall = s &+ offset
        let days = floorDivide(wall, 86_400)
        return LocalClockReading(days: days, secondOfDay: Int(wall - days * 86_400))
    }

    private mutating func refresh(at s: Int64) {
        let date = Date(timeIntervalSince1970: TimeInterval(s))
        offset = Int64(zone.secondsFromGMT(for: date))
        validFrom = s
        var until = s + 86_400
        if let next = zone.nextDaylightSavingTimeTransition(after: date) {
            let n = Int64(next.timeIntervalSince1970.rounded(.down))
            if n > s { until = min(until, n) }
        }
        validUntil = until
    }
}

extension LocalClock {
    /// The UTC second at which the wall clock of `zone` reads `wall` (seconds since 1970-01-01
    /// 00:00 local). One rule for every reader of local times: a time a DST change skips is
    /// read with the offset before the change (01:30 on a spring-forward night in London is
    /// 02:30 BST), a time it repeats is its first occurrence, as java.time's
    /// `ZonedDateTime.ofLocal` and Python's `fold=0` read them.
    static func utcSeconds(wall: Int64, zone: TimeZone) -> Int64 {
        func offset(_ s: Int64) -> Int64 { Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(s)))) }
        let before = offset(wall &- 86_400)
        let utc = wall &- before
        let after = offset(utc)
        if after != before, offset(wall &- after) == after { return wall &- after }
        return utc
    }
}

/// Proleptic Gregorian dates from day numbers, and ISO-8601 weeks (ISO 8601-1:2019 §5.2.4.2:
/// weeks start on Monday; week 1 holds the year's first Thursday).
enum CivilDate {
    /// Year, month, day of a day count since 1970-01-01 (H. Hinnant's civil_from_days).
    static func ymd(days: Int64) -> (year: Int64, month: Int, day: Int) {
        Timestamp.civilDate(fromDays: days)
    }

    /// ISO week-numbering year and week (1...53) of a day.
    static func isoWeek(days: Int64) -> (year: Int64, week: Int) {
        let weekday = ((days + 3) % 7 + 7) % 7  // 0 = Monday
        let thursday = days - weekday + 3
        let year = ymd(days: thursday).year
        let jan1 = Timestamp.daysFromCivil(year: year, month: 1, day: 1)
        return (year, Int((thursday - jan1) / 7) + 1)
    }

    static func label(days: Int64) -> String {
        let (y, m, d) = ymd(days: days)
        return pad(Int(y), 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
    }

    static func weekLabel(year: Int64, week: Int) -> String { pad(Int(year), 4) + "-W" + pad(week, 2) }

    static let weekdayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

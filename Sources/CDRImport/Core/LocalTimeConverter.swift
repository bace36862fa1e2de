import CallscopeBase
import CallModel
import Foundation

/// A wall-clock date and time as written in a CDR file, before a time zone makes it an instant.
public struct CivilDateTime: Sendable, Hashable {
    public var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
    public var nanosecond: Int

    public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, nanosecond: Int = 0) {
        self.year = year; self.month = month; self.day = day
        self.hour = hour; self.minute = minute; self.second = second; self.nanosecond = nanosecond
    }

    /// Whether the fields form a real date and time (month 1-12, day within the month, ...)
    /// that a `Timestamp` can hold (years 1678 to 2261).
    public var isValid: Bool {
        guard Timestamp.representableYears.contains(year), (1...12).contains(month), (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...days).contains(day)
    }

    /// Parses `YYYY-MM-DD HH:MM:SS` (also `T` between date and time, and an optional fraction
    /// `.123456`) exactly, on bytes. Anything else, `dd/mm/yyyy` dates and a missing seconds
    /// field included, returns nil so the row is reported rather than misread.
    public static func parseISO(_ b: UnsafeRawBufferPointer, _ range: Range<Int>) -> CivilDateTime? {
        var lo = range.lowerBound, hi = range.upperBound
        while lo < hi, b[lo] == 0x20 { lo += 1 }
        while hi > lo, b[hi - 1] == 0x20 { hi -= 1 }
        guard hi - lo >= 19 else { return nil }
        func digits(_ at: Int, _ n: Int) -> Int? {
            var v = 0
            for k in 0..<n {
                let d = b[at + k] &- 0x30
                guard d < 10 else { return nil }
                v = v * 10 + Int(d)
            }
            return v
        }
        guard b[lo + 4] == 0x2D, b[lo + 7] == 0x2D, b[lo + 10] == 0x20 || b[lo + 10] == 0x54,
              b[lo + 13] == 0x3A, b[lo + 16] == 0x3A,
              let y = digits(lo, 4), let mo = digits(lo + 5, 2), let d = digits(lo + 8, 2),
              let h = digits(lo + 11, 2), let mi = digits(lo + 14, 2), let s = digits(lo + 17, 2)
        else { return nil }
        var nanos = 0
        var i = lo + 19
        if i < hi, b[i] == 0x2E {
            i += 1
            var scale = 100_000_000
            while i < hi, let d = digits(i, 1) {
                nanos += d * scale
                scale /= 10
                i += 1
            }
        }
        guard i == hi else { return nil }
        let value = CivilDateTime(year: y, month: mo, day: d, hour: h, minute: mi, second: s, nanosecond: nanos)
        return value.isValid ? value : nil
    }
}

/// A wall-clock time read in a zone: one instant, or two in the repeated hour when clocks go
/// back (01:30 happens once in the daylight offset, then again an hour later in standard time).
public struct LocalInstants: Sendable, Hashable {
    /// The earlier occurrence (the daylight offset in a repeated hour).
    public var first: Timestamp
    /// The later occurrence; equal to `first` when the time happens once.
    public var second: Timestamp

    public init(first: Timestamp, second: Timestamp) { self.first = first; self.second = second }
    /// A time that happens once (an epoch, or a wall-clock time outside any repeated hour).
    public init(_ instant: Timestamp) { self.init(first: instant, second: instant) }

    /// Whether the wall-clock time happens twice.
    public var isAmbiguous: Bool { first != second }
}

/// Converts wall-clock times of one time zone to instants, DST-correct, with a per-hour cache
/// so that a million rows cost a million dictionary look-ups, not a million zone calculations.
///
/// In the repeated hour when clocks go back a wall-clock time has two instants (`instants`);
/// `timestamp` takes the earlier (the daylight offset) when nothing else tells them apart, and
/// `CDRRowTimes` picks the one that fits the row's stated durations. A time in the skipped hour
/// when clocks go forward is taken in the offset before the change. Both are documented in
/// the README ("Time zones").
public struct LocalTimeConverter {
    public let timeZone: TimeZone
    /// Offset of each local hour that lies more than a day from any change of offset (then every
    /// second of the hour has that one offset); hours near a change are computed each time.
    private var offsetByLocalHour: [Int64: Int] = [:]

    public init(timeZone: TimeZone) { self.timeZone = timeZone }

    /// The instant of `civil` in this converter's zone; in a repeated hour, the earlier one.
    public mutating func timestamp(_ civil: CivilDateTime) -> Timestamp { instants(civil).first }

    /// The instant of `civil` in a log written in time order: the earlier occurrence of a
    /// repeated hour unless it falls more than a minute before `previous` (the time of the
    /// record written before it) and the later one does not.
    public mutating func timestamp(_ civil: CivilDateTime, writtenAfter previous: Timestamp?) -> Timestamp {
        let both = instants(civil)
        guard both.isAmbiguous, let previous else { return both.first }
        let (earliest, overflow) = previous.nanoseconds.subtractingReportingOverflow(60_000_000_000)
        let floor = overflow ? Int64.min : earliest
        return both.first.nanoseconds < floor && both.second.nanoseconds >= floor ? both.second : both.first
    }

    /// Both instants of `civil` (the same one twice outside a repeated hour).
    public mutating func instants(_ civil: CivilDateTime) -> LocalInstants {
        let local = Timestamp(year: civil.year, month: civil.month, day: civil.day, hour: civil.hour, minute: civil.minute, second: civil.second, nanosecond: civil.nanosecond)
        let localSeconds = Self.floorSeconds(local.nanoseconds)
        let hour = floorDivide(localSeconds, 3600)
        let offsets: (first: Int, second: Int)
        if let cached = offsetByLocalHour[hour] {
            offsets = (cached, cached)
        } else {
            let found = Self.offsets(forLocalSeconds: localSeconds, in: timeZone)
            if found.regular { offsetByLocalHour[hour] = found.first }
            offsets = (found.first, found.second)
        }
        func at(_ offset: Int) -> Timestamp { Timestamp(nanoseconds: local.nanoseconds - Int64(offset) * 1_000_000_000) }
        return offsets.first == offsets.second ? LocalInstants(at(offsets.first)) : LocalInstants(first: at(offsets.first), second: at(offsets.second))
    }

    /// The UTC offsets in force at a wall-clock time: each of the offsets a day before and a day
    /// after is a candidate when reading the wall-clock time with it lands on an instant that
    /// has that offset. Both fit in the repeated hour (clocks going back): the larger, daylight,
    /// offset gives the first occurrence. Neither fits in the skipped hour (clocks going
    /// forward): the offset before the change is taken. `regular`: no change within a day.
    static func offsets(forLocalSeconds local: Int64, in zone: TimeZone) -> (first: Int, second: Int, regular: Bool) {
        func offsetAt(_ seconds: Int64) -> Int { zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds))) }
        let before = offsetAt(local - 86_400)
        let after = offsetAt(local + 86_400)
        if before == after, offsetAt(local - Int64(before)) == before { return (before, before, true) }
        let fits = [before, after].filter { offsetAt(local - Int64($0)) == $0 }
        guard let largest = fits.max(), let smallest = fits.min() else { return (before, before, false) }
        return (largest, smallest, false)
    }

    static func floorSeconds(_ nanoseconds: Int64) -> Int64 { floorDivide(nanoseconds, 1_000_000_000) }

    /// A zone from a `--timezone` value: an IANA name (`Europe/London`), `UTC`/`GMT`/`Z`, or a
    /// fixed offset (`+03:00`, `-0500`). Nil when it names no zone, abbreviations (`BST`)
    /// included: `TimeZoneName.parse` says why.
    public static func zone(named name: String) -> TimeZone? { try? TimeZoneName.parse(name).get() }
}

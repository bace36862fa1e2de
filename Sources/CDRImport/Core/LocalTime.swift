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

/// Converts wall-clock times of one time zone to instants, DST-correct, with a per-hour cache
/// so that a million rows cost a million dictionary look-ups, not a million zone calculations.
///
/// In the repeated hour when clocks go back, a wall-clock time is taken in the daylight offset
/// (the earlier of the two instants); a time in the skipped hour when clocks go forward is
/// taken in the offset before the change. Both are documented in the README ("Time zones").
public struct LocalTimeConverter {
    public let timeZone: TimeZone
    private var offsetByLocalHour: [Int64: Int] = [:]

    public init(timeZone: TimeZone) { self.timeZone = timeZone }

    /// The instant of `civil` in this converter's zone.
    public mutating func timestamp(_ civil: CivilDateTime) -> Timestamp {
        let local = Timestamp(year: civil.year, month: civil.month, day: civil.day, hour: civil.hour, minute: civil.minute, second: civil.second, nanosecond: civil.nanosecond)
        let localSeconds = Self.floorSeconds(local.nanoseconds)
        let hour = Self.floorDiv(localSeconds, 3600)
        let offset: Int
        if let cached = offsetByLocalHour[hour] {
            offset = cached
        } else {
            offset = Self.offset(forLocalSeconds: localSeconds, in: timeZone)
            offsetByLocalHour[hour] = offset
        }
        return Timestamp(nanoseconds: local.nanoseconds - Int64(offset) * 1_000_000_000)
    }

    /// The UTC offset in force at a wall-clock time: each of the offsets a day before and a day
    /// after is a candidate when reading the wall-clock time with it lands on an instant that
    /// has that offset. Both fit in the repeated hour (clocks going back): the larger one, the
    /// daylight offset, is taken. Neither fits in the skipped hour (clocks going forward): the
    /// offset before the change is taken.
    static func offset(forLocalSeconds local: Int64, in zone: TimeZone) -> Int {
        func offsetAt(_ seconds: Int64) -> Int { zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds))) }
        let before = offsetAt(local - 86_400)
        let after = offsetAt(local + 86_400)
        let fits = [before, after].filter { offsetAt(local - Int64($0)) == $0 }
        return fits.max() ?? before
    }

    static func floorSeconds(_ nanoseconds: Int64) -> Int64 { floorDiv(nanoseconds, 1_000_000_000) }
    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// A zone from a `--timezone` value: an IANA name (`Europe/London`), `UTC`/`Z`, or a fixed
    /// offset (`+03:00`, `-0500`). Nil when it names no zone.
    public static func zone(named name: String) -> TimeZone? {
        if name == "Z" || name.uppercased() == "UTC" { return TimeZone(identifier: "UTC") }
        if let first = name.first, first == "+" || first == "-" {
            let digits = name.dropFirst().filter(\.isNumber)
            guard digits.count == 4 || digits.count == 2, let value = Int(digits) else { return nil }
            let hours = digits.count == 4 ? value / 100 : value
            let minutes = digits.count == 4 ? value % 100 : 0
            guard hours <= 14, minutes < 60 else { return nil }
            return TimeZone(secondsFromGMT: (first == "-" ? -1 : 1) * (hours * 3600 + minutes * 60))
        }
        return TimeZone(identifier: name)
    }
}

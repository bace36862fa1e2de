import CallscopeBase

/// A point in time as nanoseconds since the Unix epoch (UTC).
///
/// Captures carry nanosecond (pcap-ns, pcapng) or microsecond timestamps; CDR files carry
/// seconds. One integer type keeps arithmetic exact and comparisons cheap, and avoids
/// `Foundation.Date` rounding on the hot path.
public struct Timestamp: Hashable, Comparable, Sendable {
    /// Nanoseconds since 1970-01-01T00:00:00Z.
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }
    public init(seconds: Int64) { self.nanoseconds = seconds * 1_000_000_000 }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    /// Nanoseconds from `self` to `later` (negative when `later` is earlier), saturating:
    /// capture timestamps come from input bytes and may be absurd.
    public func distance(to later: Timestamp) -> Int64 {
        let (difference, overflow) = later.nanoseconds.subtractingReportingOverflow(nanoseconds)
        return overflow ? (later.nanoseconds > nanoseconds ? .max : .min) : difference
    }

    /// Milliseconds since the epoch, floored (a timestamp belongs to the millisecond it falls in).
    public var epochMilliseconds: Int64 { floorDivide(nanoseconds, 1_000_000) }

    /// Appends `iso8601` as UTF-8 bytes without building a `String` (output hot path).
    public func appendISO8601(to out: inout [UInt8]) {
        let ms = epochMilliseconds
        let seconds = floorDivide(ms, 1000)
        let millis = Int(ms - seconds * 1000)
        let days = floorDivide(seconds, 86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = Self.civilDate(fromDays: days)
        guard (0...9999).contains(year) else {
            out.append(contentsOf: iso8601.utf8)
            return
        }
        // The 24 bytes filled in place, then appended at once (one capacity check, no per-digit append).
        var text: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &text) { raw in
            let b = raw.bindMemory(to: UInt8.self)
            func two(_ value: Int, at i: Int) {
                b[i] = UInt8(truncatingIfNeeded: value / 10) &+ 0x30
                b[i + 1] = UInt8(truncatingIfNeeded: value % 10) &+ 0x30
            }
            let y = Int(year)
            two(y / 100, at: 0); two(y % 100, at: 2); b[4] = 0x2D
            two(month, at: 5); b[7] = 0x2D
            two(day, at: 8); b[10] = 0x54
            two(secondOfDay / 3600, at: 11); b[13] = 0x3A
            two(secondOfDay / 60 % 60, at: 14); b[16] = 0x3A
            two(secondOfDay % 60, at: 17); b[19] = 0x2E
            b[20] = UInt8(truncatingIfNeeded: millis / 100) &+ 0x30
            two(millis % 100, at: 21); b[23] = 0x5A
            out.append(contentsOf: UnsafeBufferPointer(b))
        }
    }

    /// ISO-8601 in UTC with milliseconds, e.g. `2026-11-25T08:10:01.123Z` (milliseconds truncated).
    public var iso8601: String {
        let ms = epochMilliseconds
        let seconds = floorDivide(ms, 1000)
        let millis = Int(ms - seconds * 1000)
        let days = floorDivide(seconds, 86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = Self.civilDate(fromDays: days)
        var out = ""
        out.reserveCapacity(24)
        out += Self.pad(Int(year), 4); out += "-"
        out += Self.pad(month, 2); out += "-"
        out += Self.pad(day, 2); out += "T"
        out += Self.pad(secondOfDay / 3600, 2); out += ":"
        out += Self.pad(secondOfDay / 60 % 60, 2); out += ":"
        out += Self.pad(secondOfDay % 60, 2); out += "."
        out += Self.pad(millis, 3); out += "Z"
        return out
    }

    /// Year, month (1-12) and day (1-31) of a day count since 1970-01-01 in the proleptic
    /// Gregorian calendar (H. Hinnant's days-to-civil algorithm).
    public static func civilDate(fromDays days: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = Int(doy - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days-from-civil).
    public static func daysFromCivil(year: Int64, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivide(y, 400)
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The instant of a wall-clock time written `utcOffsetSeconds` ahead of UTC
    /// (e.g. +3600 for 10:00 in UTC+1, which is 09:00Z).
    /// Saturates at the ends of the representable range (years 1678 to 2262) instead of trapping.
    public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, nanosecond: Int = 0, utcOffsetSeconds: Int = 0) {
        let clampedYear = Int64(min(max(year, -1_000_000), 1_000_000))
        let days = Self.daysFromCivil(year: clampedYear, month: min(max(month, 1), 12), day: day)
        let seconds = days * 86_400 + Int64(hour) * 3600 + Int64(minute) * 60 + Int64(second) - Int64(utcOffsetSeconds)
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, overflow2) = scaled.addingReportingOverflow(Int64(nanosecond))
        self.nanoseconds = overflow || overflow2 ? (seconds < 0 ? .min : .max) : total
    }

    /// The years a `Timestamp` can hold exactly (nanoseconds in an Int64).
    public static let representableYears = 1678...2261

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

/// A length of time in nanoseconds, rendered as seconds with three decimals.
///
/// Rounded half away from zero to the millisecond, so that `1.2345 s` prints as `1.235`.
public struct Duration3: Hashable, Sendable {
    public var nanoseconds: Int64
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// Whole milliseconds, rounded half away from zero.
    public var milliseconds: Int64 {
        let magnitude = (nanoseconds.magnitude + 500_000) / 1_000_000  // UInt64: cannot overflow here
        return nanoseconds >= 0 ? Int64(magnitude) : -Int64(magnitude)
    }

    /// Seconds with exactly three decimals, e.g. `12.034`.
    public var seconds3: String {
        let ms = milliseconds
        let sign = ms < 0 ? "-" : ""
        let magnitude = ms.magnitude
        let fraction = String(magnitude % 1000)
        return sign + String(magnitude / 1000) + "." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// Appends `seconds3` as UTF-8 bytes without building a `String` (output hot path).
    public func appendSeconds3(to out: inout [UInt8]) {
        let ms = milliseconds
        if ms < 0 { out.append(0x2D) }
        let magnitude = ms.magnitude
        // Digits written backwards into a fixed buffer (at most 20 for the whole part, `.`, 3 decimals).
        var text: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &text) { raw in
            let b = raw.bindMemory(to: UInt8.self)
            var i = b.count
            var fraction = magnitude % 1000
            for _ in 0..<3 {
                i -= 1
                b[i] = UInt8(truncatingIfNeeded: fraction % 10) &+ 0x30
                fraction /= 10
            }
            i -= 1
            b[i] = 0x2E
            var whole = magnitude / 1000
            repeat {
                i -= 1
                b[i] = UInt8(truncatingIfNeeded: whole % 10) &+ 0x30
                whole /= 10
            } while whole > 0
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[i...]))
        }
    }

    /// Seconds as a floating-point value (for metrics).
    public var seconds: Double { Double(nanoseconds) / 1e9 }
}

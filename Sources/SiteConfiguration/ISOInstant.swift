import CDRImport
import CallModel
import Foundation

/// An ISO-8601 date and time as a website or ad platform writes it: with its offset
/// (`2026-03-28T08:00:00+01:00`, `...Z`, `+0100`), or without one, then local in the site zone
/// (README "Visit attribution"). Seconds may be left out, a fraction given.
public struct ISOInstant {
    /// Converters kept across calls: each caches its zone's offsets per hour, so a file of times
    /// costs one zone calculation per hour it covers, not one per row.
    private var local: LocalTimeConverter
    private var utc: LocalTimeConverter

    /// A parser whose times without an offset are local in `zone`.
    public init(zone: TimeZone) {
        local = LocalTimeConverter(timeZone: zone)
        utc = LocalTimeConverter(timeZone: TimeZone(secondsFromGMT: 0) ?? zone)
    }

    /// The instant `text` names; nil when it is not such a time.
    public static func parse(_ text: String, zone: TimeZone) -> Timestamp? {
        var parser = ISOInstant(zone: zone)
        return parser.parse(text)
    }

    /// The instant `text` names; nil when it is not such a time.
    public mutating func parse(_ text: String) -> Timestamp? {
        var bytes = Array(text.utf8)
        while let last = bytes.last, last == 0x20 { bytes.removeLast() }
        while let first = bytes.first, first == 0x20 { bytes.removeFirst() }
        var offsetSeconds: Int64?
        if bytes.last == UInt8(ascii: "Z") || bytes.last == UInt8(ascii: "z") {
            bytes.removeLast()
            offsetSeconds = 0
        } else if bytes.count > 16, let sign = bytes[16...].lastIndex(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }) {
            let digits = bytes[(sign + 1)...].filter { $0 != UInt8(ascii: ":") }
            guard digits.count == 4 || digits.count == 2, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            let value = digits.reduce(0) { $0 * 10 + Int64($1 - 0x30) }
            let hours = digits.count == 4 ? value / 100 : value, minutes = digits.count == 4 ? value % 100 : 0
            guard hours <= 18, minutes < 60 else { return nil }
            offsetSeconds = (hours * 3600 + minutes * 60) * (bytes[sign] == UInt8(ascii: "-") ? -1 : 1)
            bytes.removeSubrange(sign...)
        }
        if bytes.count == 16 { bytes += Array(":00".utf8) }
        guard let civil = bytes.withUnsafeBytes({ CivilDateTime.parseISO($0, 0..<$0.count) }) else { return nil }
        guard let offsetSeconds else { return local.timestamp(civil) }
        let wall = utc.timestamp(civil)
        let (ns, overflow) = wall.nanoseconds.subtractingReportingOverflow(offsetSeconds * 1_000_000_000)
        return overflow ? nil : Timestamp(nanoseconds: ns)
    }
}

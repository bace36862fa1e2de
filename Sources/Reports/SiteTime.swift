import CallMetrics
import CallModel
import Foundation

/// How times are shown to people and in the `*_local` record fields: in the site's time zone
/// when one other than UTC is known, else in UTC as the records' own time fields are.
///
/// Local times carry their offset (ISO 8601-1:2019 §5.3.4.2, `2026-03-29T02:30:00.000+01:00`),
/// taken from the zone's rules at each instant, so a period crossing a DST change is right.
public struct SiteTime {
    /// The site zone; nil when times are shown in UTC.
    public let zone: TimeZone?
    private var clock: SiteWallClock?

    /// Times in `zone`; a zone that is UTC under any name (`UTC`, `GMT`, `Etc/UTC`, `+00:00`)
    /// shows UTC, as if none were given.
    public init(zone: TimeZone?) {
        let local = zone.flatMap { Self.isUTC($0) ? nil : $0 }
        self.zone = local
        self.clock = local.map(SiteWallClock.init(zone:))
    }

    /// UTC.
    public static var utc: SiteTime { SiteTime(zone: nil) }

    static let utcNames: Set<String> = [
        "UTC", "GMT", "UCT", "Z", "Zulu", "Universal", "GMT0", "GMT+0", "GMT-0", "Greenwich",
        "Etc/UTC", "Etc/GMT", "Etc/UCT", "Etc/Zulu", "Etc/Universal", "Etc/GMT0", "Etc/GMT+0", "Etc/GMT-0", "Etc/Greenwich",
    ]

    /// Whether `zone` is UTC: one of its names, or a fixed zero offset (`GMT+0000`).
    public static func isUTC(_ zone: TimeZone) -> Bool {
        if utcNames.contains(zone.identifier) { return true }
        return zone.identifier.hasPrefix("GMT") && zone.secondsFromGMT(for: Date(timeIntervalSince1970: 0)) == 0
            && zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: 0)) == nil
    }

    /// Whether times are shown in a local zone (and records get `*_local` fields).
    public var isLocal: Bool { zone != nil }

    /// `Europe/London`, or `UTC`: what table headers name.
    public var label: String { zone?.identifier ?? "UTC" }

    /// `t` moved to the wall clock, and the offset used.
    private mutating func wall(_ t: Timestamp) -> (Timestamp, Int64) {
        guard var clock else { return (t, 0) }
        let offset = clock.utcOffsetSeconds(at: t)
        self.clock = clock
        let (ns, overflow) = t.nanoseconds.addingReportingOverflow(offset.multipliedReportingOverflow(by: 1_000_000_000).partialValue)
        return overflow ? (t, 0) : (Timestamp(nanoseconds: ns), offset)
    }

    /// `2026-03-29 02:30:00.123` (with `milliseconds`) or `2026-03-29 02:30:00` on the site's clock.
    public mutating func tableText(_ t: Timestamp, milliseconds: Bool = true) -> String {
        let iso = wall(t).0.iso8601
        return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(milliseconds ? 12 : 8))
    }

    /// `2026-03-29T02:30:00.123+01:00`: ISO 8601 on the site's clock with its offset.
    public mutating func iso8601(_ t: Timestamp) -> String {
        let (shifted, offset) = wall(t)
        return String(shifted.iso8601.dropLast()) + Self.offsetText(offset)
    }

    /// `+01:00`, `-05:30`, `+00:00`.
    static func offsetText(_ seconds: Int64) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let minutes = seconds.magnitude / 60
        func two(_ n: UInt64) -> String { n < 10 ? "0\(n)" : String(n) }
        return sign + two(minutes / 60) + ":" + two(minutes % 60)
    }

    /// What period a table covers and in which zone: `from 2026-03-29 00:58:12 to 2026-03-29
    /// 03:10:40 (Europe/London)`: the requested bounds (`--from`, `--to`) where given, else the
    /// first and last call start in `starts`.
    public mutating func period(starts: [Timestamp], requested: (from: Timestamp?, to: Timestamp?)? = nil) -> String {
        let first = requested?.from ?? starts.min()
        let last = requested?.to ?? starts.max()
        guard let first, let last else { return "(times in \(label))" }
        return "from \(tableText(first, milliseconds: false)) to \(tableText(last, milliseconds: false)) (\(label))"
    }
}

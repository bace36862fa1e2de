import CallModel
import CallscopeBase
import Foundation

/// The UTC offset in force on the site's wall clock at an instant, for outputs that show local
/// times (tables, `*_local` record fields).
///
/// DST-correct: the zone's rules at that instant (``LocalClock``, which asks Foundation once per
/// transition or day on time-ordered input).
public struct SiteWallClock {
    private var clock: LocalClock

    public init(zone: TimeZone) { clock = LocalClock(zone: zone) }

    public var zone: TimeZone { clock.zone }

    /// Seconds east of UTC at `t` (3600 for 2026-03-29T01:00:00Z in Europe/London).
    public mutating func utcOffsetSeconds(at t: Timestamp) -> Int64 {
        let reading = clock.local(t)
        let wall = reading.days &* 86_400 &+ Int64(reading.secondOfDay)
        return wall &- floorDivide(t.nanoseconds, 1_000_000_000)
    }
}

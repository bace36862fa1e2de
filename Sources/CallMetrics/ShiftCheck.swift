import CallModel
import CallscopeBase
import Foundation

/// The shift rules of `callscope events` (`late_login`, `early_logoff`, `absent`): each
/// agent's sessions against the agent's shifts, day by local day (README "callscope events").
///
/// The days checked are the local days from the first to the last session of any agent in
/// the input, so a shift on a day the input does not cover is never called an absence. A
/// date shift replaces the agent's weekday shifts on that date.
struct ShiftCheck {
    let timelines: [String: AgentTimeline]
    let shifts: [Shift]
    let zone: TimeZone
    let days: ClosedRange<Int64>?

    init(timelines: [AgentTimeline], shifts: [Shift], zone: TimeZone) {
        self.timelines = Dictionary(timelines.map { ($0.agent, $0) }, uniquingKeysWith: { first, _ in first })
        self.shifts = shifts
        self.zone = zone
        var clock = LocalClock(zone: zone)
        let instants = timelines.flatMap { $0.sessions.flatMap { [$0.start, $0.end] } }
        if let first = instants.min(), let last = instants.max() {
            days = clock.local(first).days ... clock.local(last).days
        } else {
            days = nil
        }
    }

    func events(_ rule: ControlRule) -> [ControlEvent] {
        guard let days, days.count <= 3_660 else { return [] }
        var events: [ControlEvent] = []
        for day in days {
            let weekday = Int(((day + 3) % 7 + 7) % 7)
            let dated = Set(shifts.filter { $0.day == .date(days: day) }.map(\.agent))
            for shift in shifts where rule.applies(agent: shift.agent) {
                switch shift.day {
                case .date(let d) where d == day: break
                case .weekday(let w) where w == weekday && !dated.contains(shift.agent): break
                default: continue
                }
                if let event = check(rule, shift, day: day) { events.append(event) }
            }
        }
        return events
    }

    /// The event of one shift on one day, or nil.
    func check(_ rule: ControlRule, _ shift: Shift, day: Int64) -> ControlEvent? {
        let start = instant(day: day, second: shift.start), end = instant(day: day, second: shift.end)
        let sessions = timelines[shift.agent]?.sessions.filter { $0.start < end && ($0.end > start || $0.open) } ?? []
        let label = "\(CivilDate.label(days: day)) \(Self.clock(shift.start))-\(Self.clock(shift.end))"
        func event(_ time: Timestamp, _ value: Double?, _ threshold: Double?, _ detail: String) -> ControlEvent {
            ControlEvent(time: time, rule: rule.name, severity: rule.severity, agent: shift.agent, queue: nil,
                         callID: nil, value: value, threshold: threshold, detail: detail)
        }
        switch rule.kind {
        case .absent:
            return sessions.isEmpty ? event(start, nil, nil, "no login during the shift \(label)") : nil
        case .lateLogin(let minutes):
            guard let first = sessions.first, first.start > start else { return nil }
            let late = Double(start.distance(to: first.start)) / 60e9
            guard late > minutes else { return nil }
            return event(first.start, (late * 10).rounded() / 10, minutes,
                         "first login \(ControlEvents.duration(late * 60)) after the shift start (\(label))")
        case .earlyLogoff(let minutes):
            guard let last = sessions.last, !last.open, last.end < end else { return nil }
            let early = Double(last.end.distance(to: end)) / 60e9
            guard early > minutes else { return nil }
            return event(last.end, (early * 10).rounded() / 10, minutes,
                         "last logoff \(ControlEvents.duration(early * 60)) before the shift end (\(label))")
        default: return nil
        }
    }

    /// The instant of a local wall-clock time (``LocalClock/utcSeconds(wall:zone:)``'s rule).
    func instant(day: Int64, second: Int) -> Timestamp {
        let utc = LocalClock.utcSeconds(wall: day &* 86_400 &+ Int64(second), zone: zone)
        let limit = Int64.max / 1_000_000_000
        return Timestamp(seconds: min(max(utc, -limit), limit))
    }

    static func clock(_ second: Int) -> String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
        return "\(two(second / 3600)):\(two(second % 3600 / 60))"
    }
}

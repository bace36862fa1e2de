import CallModel
import Foundation
import Testing

@testable import CallMetrics

/// The edge cases of docs/metrics.md "Agent states", each worked out by hand there.
@Suite struct AgentStateTests {
    /// 2024-06-03 (a Monday, UTC) at hh:mm:ss.
    static func t(_ h: Int, _ m: Int, _ s: Int = 0, day: Int = 3, month: Int = 6, year: Int = 2024) -> Timestamp {
        Timestamp(year: year, month: month, day: day, hour: h, minute: m, second: s)
    }

    static func figures(_ timeline: AgentTimeline, zone: TimeZone = Fixture.utc, agentOptions: AgentStateOptions = AgentStateOptions()) -> [AgentStateFigures] {
        MetricsEngine.agentStates([timeline], options: Fixture.options(zone), agentOptions: agentOptions)
    }

    /// Logged in 09:00-10:00; paused `Lunch` 09:10-09:40; calls 09:05-09:15 and 09:35-09:45
    /// (one across the pause's start, one across its end).
    @Test func aCallAcrossAPauseIsTalkNotPause() throws {
        var a = AgentTimeline(agent: "201")
        a.sessions = [AgentSession(start: Self.t(9, 0), end: Self.t(10, 0))]
        a.pauses = [AgentPause(start: Self.t(9, 10), end: Self.t(9, 40), reason: "Lunch")]
        a.calls = [AgentCall(callID: "c1", queue: "q", answeredAt: Self.t(9, 5), endedAt: Self.t(9, 15)),
                   AgentCall(callID: "c2", queue: "q", answeredAt: Self.t(9, 35), endedAt: Self.t(9, 45))]
        let rows = Self.figures(a)
        #expect(rows.map(\.day) == ["2024-06-03", nil])
        let day = rows[0]
        #expect(day.loggedInNanoseconds == 3600_000_000_000)
        #expect(day.talkNanoseconds == 1200_000_000_000)
        // 1800 s of pause less the 300 s + 300 s spent on the two calls.
        #expect(day.pausedNanoseconds == 1200_000_000_000)
        #expect(day.pauseReasons == [PauseReasonTime(reason: "Lunch", nanoseconds: 1200_000_000_000)])
        #expect(day.idleNanoseconds == 1200_000_000_000)
        #expect(day.acwNanoseconds == 0)
        #expect(day.pauses == 1)
        #expect(day.handled == 2)
        #expect(day.ahtSeconds == 600)
        #expect(day.occupancy == 0.5)  // 1200 / (3600 - 1200)
        #expect(day.utilisation == 1200.0 / 3600.0)
        #expect(day.firstLogin == Self.t(9, 0))
        #expect(day.lastLogoff == Self.t(10, 0))
        #expect(rows[1].talkNanoseconds == day.talkNanoseconds && rows[1].pauses == 1)
    }

    /// A `wrapup` pause 3 s after a call's end is after-call work; a `Wrapup` pause 20 minutes
    /// after any call is a not-ready pause; with --wrapup-s 30 the 30 s after each call are
    /// after-call work as well (a union with the pause, never counted twice).
    @Test func afterCallWorkIsAPauseWithAnACWReasonRightAfterACall() throws {
        var a = AgentTimeline(agent: "202")
        a.sessions = [AgentSession(start: Self.t(9, 0), end: Self.t(10, 0))]
        a.calls = [AgentCall(callID: "c1", queue: "q", answeredAt: Self.t(9, 0), endedAt: Self.t(9, 5))]
        a.pauses = [AgentPause(start: Self.t(9, 5, 3), end: Self.t(9, 6, 3), reason: "wrapup"),
                    AgentPause(start: Self.t(9, 26, 3), end: Self.t(9, 27, 3), reason: "Wrapup")]
        let plain = Self.figures(a)[0]
        #expect(plain.acwNanoseconds == 60_000_000_000)
        #expect(plain.pausedNanoseconds == 60_000_000_000)
        #expect(plain.pauses == 1)
        #expect(plain.pauseReasons.map(\.reason) == ["Wrapup", "wrapup"])
        #expect(plain.pauseReasons.map(\.nanoseconds) == [60_000_000_000, 60_000_000_000])
        // (300 talk + 60 acw) / 1 handled.
        #expect(plain.ahtSeconds == 360)
        #expect(plain.idleNanoseconds == 3600_000_000_000 - 300_000_000_000 - 60_000_000_000 - 60_000_000_000)

        let wrapped = Self.figures(a, agentOptions: AgentStateOptions(wrapUp: .seconds(30)))[0]
        // 09:05:00-09:05:30 (wrap-up) joined with 09:05:03-09:06:03 (the pause): 63 s.
        #expect(wrapped.acwNanoseconds == 63_000_000_000)
        #expect(wrapped.pausedNanoseconds == 60_000_000_000)
        let otherReasons = Self.figures(a, agentOptions: AgentStateOptions(acwReasons: ["After call work"]))[0]
        #expect(otherReasons.acwNanoseconds == 0)
        #expect(otherReasons.pausedNanoseconds == 120_000_000_000)
        #expect(otherReasons.pauses == 2)
    }

    /// Europe/London: a session from 22:00 GMT on 2026-03-28 to 02:30 BST on 2026-03-29
    /// (clocks go forward at 01:00 GMT): 7,200 s on the 28th, 5,400 s on the 29th.
    @Test func aSessionAcrossMidnightOnTheSpringForwardDayIsSplitAtLocalMidnight() throws {
        var a = AgentTimeline(agent: "203")
        a.sessions = [AgentSession(start: Self.t(22, 0, day: 28, month: 3, year: 2026), end: Self.t(1, 30, day: 29, month: 3, year: 2026))]
        let rows = Self.figures(a, zone: Fixture.london)
        #expect(rows.map(\.day) == ["2026-03-28", "2026-03-29", nil])
        #expect(rows.map(\.loggedInNanoseconds) == [7200_000_000_000, 5400_000_000_000, 12_600_000_000_000])
        #expect(rows.map(\.idleNanoseconds) == rows.map(\.loggedInNanoseconds))
        #expect(rows[0].firstLogin == Self.t(22, 0, day: 28, month: 3, year: 2026) && rows[0].lastLogoff == nil)
        #expect(rows[1].firstLogin == nil && rows[1].lastLogoff == Self.t(1, 30, day: 29, month: 3, year: 2026))
    }

    /// Europe/London: 23:00 BST on 2026-10-24 (22:00Z) to 03:00 GMT on 2026-10-25 (clocks go
    /// back at 02:00 BST): 3,600 s on the 24th, 4 h on the 25-hour 25th (from 23:00Z).
    @Test func aSessionAcrossMidnightOnTheFallBackDayIsSplitAtLocalMidnight() throws {
        var a = AgentTimeline(agent: "203")
        a.sessions = [AgentSession(start: Self.t(22, 0, day: 24, month: 10, year: 2026), end: Self.t(3, 0, day: 25, month: 10, year: 2026))]
        let rows = Self.figures(a, zone: Fixture.london)
        #expect(rows.map(\.day) == ["2026-10-24", "2026-10-25", nil])
        #expect(rows.map(\.loggedInNanoseconds) == [3600_000_000_000, 14_400_000_000_000, 18_000_000_000_000])
    }

    /// Two calls at once (a second queue's call answered before the first ended) count once:
    /// 09:00-09:10 and 09:05-09:20 are 20 minutes of talk, not 25.
    @Test func overlappingCallsCountTheirTimeOnce() throws {
        var a = AgentTimeline(agent: "204")
        a.sessions = [AgentSession(start: Self.t(9, 0), end: Self.t(10, 0), open: true)]
        a.calls = [AgentCall(callID: "c1", queue: "sales", answeredAt: Self.t(9, 0), endedAt: Self.t(9, 10)),
                   AgentCall(callID: "c2", queue: "support", answeredAt: Self.t(9, 5), endedAt: Self.t(9, 20), transferred: true)]
        a.ringNoAnswers = [Self.t(9, 30), Self.t(9, 40)]
        let day = Self.figures(a)[0]
        #expect(day.talkNanoseconds == 1200_000_000_000)
        #expect(day.idleNanoseconds == 2400_000_000_000)
        #expect(day.handled == 2 && day.transfers == 1 && day.ringNoAnswers == 2)
        #expect(day.sessionOpen && day.lastLogoff == nil)
    }

    /// --from/--to cut the stretches: 09:30-10:00 of a 09:00-10:00 session.
    @Test func theRangeCutsStateTime() throws {
        var a = AgentTimeline(agent: "205")
        a.sessions = [AgentSession(start: Self.t(9, 0), end: Self.t(10, 0))]
        a.calls = [AgentCall(callID: "c1", queue: "q", answeredAt: Self.t(9, 20), endedAt: Self.t(9, 40))]
        let rows = MetricsEngine.agentStates([a], options: Fixture.options(Fixture.utc, from: Self.t(9, 30)))
        #expect(rows[0].loggedInNanoseconds == 1800_000_000_000)
        #expect(rows[0].talkNanoseconds == 600_000_000_000)
        #expect(rows[0].handled == 0)  // answered before --from
        #expect(rows[0].firstLogin == nil)
    }
}

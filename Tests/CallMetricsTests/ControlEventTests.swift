import CallModel
import Foundation
import Testing
@testable import CallMetrics

/// Each control-rule kind of `callscope events` on hand-made calls and agent timelines
/// (README "callscope events"); the team day end to end is in CLITests/EventsCommandTests.
@Suite struct ControlEventTests {
    static let t0 = Fixture.monday  // Monday 2024-06-03 09:00:00Z = 10:00 BST

    static func evaluate(_ kind: ControlRule.Kind, calls: [Call] = [], timelines: [AgentTimeline] = [], shifts: [Shift] = [],
                         agents: [String] = [], queues: [String] = []) -> [ControlEvent] {
        ControlEvents.evaluate(rules: [ControlRule(name: "r", kind: kind, queues: queues, agents: agents)], calls: calls,
                               timelines: timelines, shifts: shifts, options: Fixture.options(Fixture.london))
    }

    static func answered(_ id: String, talk: Double, endedBy: CallParty, agent: String? = "201", queue: String? = "support") -> Call {
        var call = Fixture.call(id, t0, .answered, wait: 5, talk: talk, agent: agent, queue: queue)
        call.endedBy = endedBy
        return call
    }

    @Test func agentEndedWithinFiresOnTheAgentsQuickHangUpsOnly() {
        let calls = [Self.answered("drop", talk: 3, endedBy: .callee), Self.answered("caller-left", talk: 3, endedBy: .caller),
                     Self.answered("long", talk: 120, endedBy: .callee), Self.answered("edge", talk: 10, endedBy: .callee),
                     Self.answered("other-queue", talk: 2, endedBy: .callee, queue: "sales"),
                     Self.answered("no-agent", talk: 2, endedBy: .callee, agent: nil)]
        let events = Self.evaluate(.agentEndedWithin(seconds: 10), calls: calls, queues: ["support"])
        #expect(events.map(\.callID) == ["drop", "edge"])
        // Outbound, the agent is the caller: the customer hanging up (callee) is no dropped call.
        var outbound = [Self.answered("out-agent", talk: 3, endedBy: .caller), Self.answered("out-customer", talk: 3, endedBy: .callee)]
        for i in outbound.indices { outbound[i].direction = .outbound }
        #expect(Self.evaluate(.agentEndedWithin(seconds: 10), calls: outbound).map(\.callID) == ["out-agent"])
        #expect(events.map(\.value) == [3, 10])
        #expect(events.first?.time == Fixture.at(Self.t0, plus: 5))
        #expect(events.first?.detail == "agent hung up 3s after answering")
    }

    @Test func waitLongerThanCountsAnsweredAndUnansweredCalls() {
        let calls = [Fixture.call("a", Self.t0, .answered, wait: 61, talk: 10, agent: "201", queue: "q"),
                     Fixture.call("b", Self.t0, .abandoned, wait: 90, queue: "q"),
                     Fixture.call("c", Self.t0, .answered, wait: 60, talk: 10, queue: "q"),
                     Fixture.call("d", Self.t0, .answered, wait: nil, talk: 10)]
        let events = Self.evaluate(.waitLongerThan(seconds: 60), calls: calls)
        #expect(events.map(\.callID) == ["b", "a"])  // same time: no agent sorts first
        #expect(events.map(\.value) == [90, 61])
        #expect(events.map(\.detail) == ["caller +447700900001 waited 1m 30s, not answered", "caller +447700900001 waited 1m 01s, answered"])
        #expect(Self.evaluate(.waitLongerThan(seconds: 60), calls: calls, agents: ["201"]).map(\.callID) == ["a"])
    }

    /// A live run judges each call alone: the same events as `evaluate` for the one-call kinds,
    /// queue filters kept, every other kind skipped.
    @Test func oneCallRulesJudgeACallAlone() {
        let call = Fixture.call("b", Self.t0, .abandoned, wait: 90, queue: "q")
        let rules = [ControlRule(name: "wait", kind: .waitLongerThan(seconds: 60)),
                     ControlRule(name: "other queue", kind: .waitLongerThan(seconds: 60), queues: ["sales"]),
                     ControlRule(name: "lost", kind: .lostNotReturned(minutes: 1)),
                     ControlRule(name: "rona", kind: .ronaPerDay(count: 0))]
        let live = ControlEvents.events(of: call, rules: rules)
        #expect(live.map(\.rule) == ["wait"])
        #expect(live == Self.evaluate(.waitLongerThan(seconds: 60), calls: [call]).map { event in
            var renamed = event
            renamed.rule = "wait"
            return renamed
        })
        #expect(rules.map(\.kind.judgesOneCall) == [true, true, false, false])
    }

    static func timeline(_ agent: String, pauses: [(Double, Double, String)] = [], ronas: [Double] = [],
                         sessions: [(Double, Double, Bool)] = []) -> AgentTimeline {
        var timeline = AgentTimeline(agent: agent)
        timeline.pauses = pauses.map { AgentPause(start: Fixture.at(t0, plus: $0.0), end: Fixture.at(t0, plus: $0.1), reason: $0.2) }
        timeline.ringNoAnswers = ronas.map { Fixture.at(t0, plus: $0) }
        timeline.sessions = sessions.map { AgentSession(start: Fixture.at(t0, plus: $0.0), end: Fixture.at(t0, plus: $0.1), open: $0.2) }
        return timeline
    }

    @Test func pauseLongerThanMatchesTheReasonGlob() {
        let agent = Self.timeline("302", pauses: [(0, 2700, "Break"), (3000, 3000 + 1000, "Lunch"), (5000, 5000 + 600, "coffee break"), (7000, 7000 + 1201, "")])
        #expect(Self.evaluate(.pauseLongerThan(minutes: 20, reason: nil), timelines: [agent]).map(\.value) == [45, 20])
        let breaks = Self.evaluate(.pauseLongerThan(minutes: 5, reason: "*break*"), timelines: [agent])
        #expect(breaks.map(\.value) == [45, 10])
        #expect(breaks.map(\.detail) == ["pause (Break) of 45m 00s", "pause (coffee break) of 10m 00s"])
        #expect(Self.evaluate(.pauseLongerThan(minutes: 5, reason: "break"), timelines: [agent]).map(\.value) == [45])
        #expect(Self.evaluate(.pauseLongerThan(minutes: 5, reason: nil), timelines: [agent], agents: ["301"]).isEmpty)
    }

    @Test func pausesPerDayLeavesAfterCallWorkOutUnlessNamed() {
        // Four pauses on Monday (one ACW), two on Tuesday (10:00 BST + 24 h).
        let agent = Self.timeline("301", pauses: [(0, 60, "Break"), (600, 660, "ACW"), (1200, 1260, ""), (1800, 1860, "Lunch"),
                                                 (86_400, 86_460, "Break"), (87_000, 87_060, "Break")])
        let events = Self.evaluate(.pausesPerDay(count: 2, reason: nil), timelines: [agent])
        #expect(events.map(\.time) == [Fixture.at(Self.t0, plus: 1800)])
        #expect(events.map(\.value) == [3])
        #expect(events.first?.detail == "3 pauses on 2024-06-03")
        #expect(Self.evaluate(.pausesPerDay(count: 1, reason: "break"), timelines: [agent]).map(\.value) == [2])
    }

    @Test func ronaPerDayFiresOncePerDayAtTheRingTooMany() {
        let agent = Self.timeline("302", ronas: [0, 100, 200, 300, 86_400])
        let events = Self.evaluate(.ronaPerDay(count: 2), timelines: [agent])
        #expect(events.map(\.time) == [Fixture.at(Self.t0, plus: 200)])
        #expect(events.map(\.value) == [4])
        #expect(Self.evaluate(.ronaPerDay(count: 4), timelines: [agent]).isEmpty)
    }

    @Test func lostNotReturnedUsesTheLostCallReturns() {
        let calls = [
            Fixture.call("returned-late", Self.t0, .abandoned, wait: 30, caller: "+447700900001", queue: "q"),
            Fixture.call("callback", Fixture.at(Self.t0, plus: 7200), .answered, wait: 5, talk: 60, caller: "+442079460100",
                         dialed: "+447700900001", direction: .outbound, agent: "201"),
            Fixture.call("returned-soon", Self.t0, .abandoned, wait: 30, caller: "+447700900002", queue: "q"),
            Fixture.call("recall", Fixture.at(Self.t0, plus: 600), .answered, wait: 5, talk: 60, caller: "+447700900002", agent: "202"),
            Fixture.call("never", Self.t0, .abandoned, wait: 30, caller: "+447700900003", queue: "q"),
            Fixture.call("withheld", Self.t0, .abandoned, wait: 30, caller: nil, queue: "q"),
        ]
        let events = Self.evaluate(.lostNotReturned(minutes: 60), calls: calls)
        #expect(events.map(\.callID) == ["never", "returned-late"])
        #expect(events.map(\.value) == [nil, 120])
        #expect(events.map(\.detail) == ["lost call from +447700900003 not returned", "lost call from +447700900001 returned after 2h 00m"])
    }

    // Shifts: Monday 10:00-18:00 local (BST), the instant t0 is 10:00 BST.
    static let shifts = [Shift(agent: "301", day: .weekday(0), start: 10 * 3600, end: 18 * 3600),
                         Shift(agent: "302", day: .weekday(0), start: 10 * 3600, end: 18 * 3600),
                         Shift(agent: "303", day: .weekday(0), start: 10 * 3600, end: 18 * 3600),
                         Shift(agent: "303", day: .date(days: 19_877), start: 10 * 3600, end: 12 * 3600),  // 2024-06-03
                         Shift(agent: "304", day: .weekday(1), start: 10 * 3600, end: 18 * 3600)]
    static let teams = [timeline("301", sessions: [(1500, 27_000, false)]),         // 25 min late, leaves 17:30
                        timeline("302", sessions: [(-600, 1000, false), (2000, 28_800, true)]),  // on time, open
                        timeline("303", sessions: [(0, 7200, false)])]

    @Test func lateLoginEarlyLogoffAndAbsentAgainstShifts() {
        let late = Self.evaluate(.lateLogin(minutes: 10), timelines: Self.teams, shifts: Self.shifts)
        #expect(late.map(\.agent) == ["301"])
        #expect(late.map(\.value) == [25])
        #expect(late.map(\.time) == [Fixture.at(Self.t0, plus: 1500)])
        let early = Self.evaluate(.earlyLogoff(minutes: 15), timelines: Self.teams, shifts: Self.shifts)
        #expect(early.map(\.agent) == ["301"])  // 303's dated shift ends at 12:00 when 303 leaves; 302 stays open
        #expect(early.map(\.value) == [30])
        // 304 works Tuesdays, the input covers Monday only; no agent is absent on Monday.
        #expect(Self.evaluate(.absent, timelines: Self.teams, shifts: Self.shifts).isEmpty)
        let absent = Self.evaluate(.absent, timelines: Self.teams, shifts: Self.shifts + [Shift(agent: "305", day: .weekday(0), start: 10 * 3600, end: 18 * 3600)])
        #expect(absent.map(\.agent) == ["305"])
        #expect(absent.map(\.time) == [Self.t0])
        #expect(absent.first?.detail == "no login during the shift 2024-06-03 10:00-18:00")
    }

    @Test func poorAudioTakesTheWorseDirection() {
        func stream(_ sender: CallParty, _ mos: Double?) -> RTPStreamSummary {
            RTPStreamSummary(ssrc: 1, source: "a", destination: "b", sender: sender, payloadType: 0, codec: "PCMU", clockRate: 8000,
                             firstPacket: Self.t0, lastPacket: Self.t0, packets: 1, expected: 1, lost: 0, duplicates: 0, outOfOrder: 0,
                             maxDeltaMilliseconds: 20, jitterMilliseconds: 0, maxJitterMilliseconds: 0, meanJitterMilliseconds: 0,
                             dtmfPackets: 0, dtmfEvents: 0, comfortNoisePackets: 0, mos: mos)
        }
        var bad = Self.answered("bad", talk: 60, endedBy: .caller)
        bad.streams = [stream(.caller, 4.3), stream(.callee, 3.1)]
        var good = Self.answered("good", talk: 60, endedBy: .caller)
        good.streams = [stream(.caller, 4.3), stream(.callee, 4.2)]
        let none = Self.answered("no-media", talk: 60, endedBy: .caller)
        let events = Self.evaluate(.poorAudio(mosBelow: 3.6), calls: [bad, good, none])
        #expect(events.map(\.callID) == ["bad"])
        #expect(events.map(\.value) == [3.1])
    }

    @Test func globMatchesLikeAShell() {
        #expect(Glob.matches("Break", pattern: "break*"))
        #expect(Glob.matches("coffee break time", pattern: "*break*"))
        #expect(Glob.matches("bReak", pattern: "b?eak"))
        #expect(!Glob.matches("breaks", pattern: "break"))
        #expect(!Glob.matches("break", pattern: "*x"))
        #expect(Glob.matches("", pattern: "*"))
    }

    @Test func talkRulesReadTheTalkSummary() {
        func talk(agent: Double, caller: Double, overtalk: Double) -> TalkSummary {
            TalkSummary(start: Self.t0, duration: 60_000_000_000, agentParty: .callee, callerTalk: Int64(caller * 1e9),
                        agentTalk: Int64(agent * 1e9), overtalk: Int64(overtalk * 1e9), silence: 0, longestCallerMonologue: 0,
                        longestAgentMonologue: 0, callerInterruptions: 0, agentInterruptions: 0, segments: [],
                        callerTalkByTenth: [], agentTalkByTenth: [])
        }
        var talker = Self.answered("talker", talk: 60, endedBy: .caller)
        talker.talk = talk(agent: 45, caller: 15, overtalk: 2)
        var balanced = Self.answered("balanced", talk: 60, endedBy: .caller)
        balanced.talk = talk(agent: 30, caller: 30, overtalk: 6)
        let silent = Self.answered("no-talk-data", talk: 60, endedBy: .caller)
        let share = Self.evaluate(.agentShareAbove(share: 0.6), calls: [talker, balanced, silent])
        #expect(share.map(\.callID) == ["talker"])
        #expect(share.map(\.value) == [0.75])
        let overtalk = Self.evaluate(.overtalkAbove(seconds: 5), calls: [talker, balanced, silent])
        #expect(overtalk.map(\.callID) == ["balanced"])
        #expect(overtalk.map(\.value) == [6])
        #expect(overtalk.first?.detail == "both spoke at once for 6s")
    }

    /// An abandonment spike in a 30-minute window: crosses once, recovers once, judged only
    /// with at least `min_calls` calls; groups by queue keep their own state.
    @Test func kpiWindowCrossesOnceAndRecovers() {
        func call(_ id: String, minute: Double, _ outcome: CallOutcome, queue: String = "q") -> Call {
            Fixture.call(id, Fixture.at(Self.t0, plus: minute * 60), outcome, wait: outcome == .answered ? 10 : 30, talk: 60, queue: queue)
        }
        let calls = [call("a", minute: 0, .answered), call("b", minute: 5, .abandoned), call("c", minute: 10, .abandoned),
                     call("d", minute: 15, .answered), call("e", minute: 50, .answered), call("f", minute: 55, .answered),
                     call("x", minute: 6, .abandoned, queue: "other")]
        let rule = KPIWindowRule(metric: "abandonment_rate", above: 0.5, windowSeconds: 1800, by: .queue, minCalls: 3)
        let events = Self.evaluate(.kpi(rule), calls: calls)
        // c: a, b, c -> 2/3 abandoned (crossed); d: 2/4 = 0.5, not above, recovered.
        #expect(events.map(\.callID) == ["c", "d"])
        #expect(events.map(\.value) == [0.6667, 0.5])
        #expect(events.map(\.severity) == [.warning, .info])
        #expect(events.map(\.queue) == ["q", "q"])
        #expect(events.first?.detail == "abandonment_rate 0.6667 above 0.5 over 30m 00s of 3 calls (queue q)")
        let overall = Self.evaluate(.kpi(KPIWindowRule(metric: "abandonment_rate", above: 0.5, windowSeconds: 1800, minCalls: 3)), calls: calls)
        // Overall, x joins: at x, a b x give 2/3 (crossed); c 3/4 and d 3/5 stay above; e and f
        // have fewer than 3 calls in their window, so the state holds.
        #expect(overall.map(\.callID) == ["x"])
        #expect(Self.evaluate(.kpi(KPIWindowRule(metric: "abandonment_rate", above: 0.5, windowSeconds: 1800, minCalls: 10)), calls: calls).isEmpty)
    }
}

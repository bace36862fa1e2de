import CallModel
import Foundation
import Testing
@testable import CDRImport

/// `AgentStateBuilder` on stock queue_log text read by `QueueLogReader`: sessions over several
/// queues, pause episodes, calls, and the diagnostics of docs/metrics.md "Agent states".
@Suite struct AgentStateBuilderTests {
    private func t(_ seconds: Int64) -> Timestamp { Timestamp(seconds: seconds) }

    private func build(_ text: String) throws -> (timelines: [AgentTimeline], diagnostics: [Diagnostic]) {
        let run = try QueueLogRun.read(QueueLogReader.self, text)
        #expect(run.badRows == 0)
        return AgentStateBuilder.build(run.result.agentEvents)
    }

    /// Member of two queues from 09:00 (+600 s the second) to 10:30: one session; paused in
    /// both (Break) from +1200 to +3000: one pause; a call from +300 to +900 with a transfer.
    @Test func severalQueuesAtOnceAreOneSessionAndOnePause() throws {
        let (timelines, diagnostics) = try build("""
            1700000000|NONE|sales|Local/201@from-queue/n|ADDMEMBER|
            1700000300|c1|sales|Local/201@from-queue/n|CONNECT|5|c1.2|3
            1700000600|NONE|support|Local/201@from-queue/n|ADDMEMBER|
            1700000900|c1|sales|Local/201@from-queue/n|BLINDTRANSFER|300|from-internal|5|600|1
            1700000950|c2|support|Local/201@from-queue/n|RINGNOANSWER|15000
            1700001200|NONE|sales|Local/201@from-queue/n|PAUSE|Break
            1700001500|NONE|support|Local/201@from-queue/n|PAUSE|Break
            1700002400|NONE|sales|Local/201@from-queue/n|UNPAUSE|
            1700003000|NONE|support|Local/201@from-queue/n|UNPAUSE|
            1700003600|NONE|sales|Local/201@from-queue/n|REMOVEMEMBER|
            1700005400|NONE|support|Local/201@from-queue/n|REMOVEMEMBER|
            """)
        #expect(diagnostics.isEmpty)
        let a = try #require(timelines.first)
        #expect(timelines.count == 1 && a.agent == "201")
        #expect(a.sessions == [AgentSession(start: t(1_700_000_000), end: t(1_700_005_400))])
        #expect(a.pauses == [AgentPause(start: t(1_700_001_200), end: t(1_700_003_000), reason: "Break")])
        #expect(a.calls == [AgentCall(callID: "c1", queue: "sales", answeredAt: t(1_700_000_300), endedAt: t(1_700_000_900), transferred: true)])
        #expect(a.transfers == 1)
        #expect(a.ringNoAnswers == [t(1_700_000_950)])
    }

    /// app_queue's pause of every queue: PAUSEALL (no reason) then PAUSE per queue with the
    /// reason; UNPAUSEALL then UNPAUSE per queue. One episode, with the reason, no warning.
    @Test func pauseAllWithPerQueueRecordsIsOneEpisodeWithItsReason() throws {
        let (timelines, diagnostics) = try build("""
            1700000000|NONE|NONE|Agent/1001|AGENTLOGIN|SIP/1001-0000000a
            1700000100|NONE|NONE|Agent/1001|PAUSEALL|
            1700000100|NONE|sales|Agent/1001|PAUSE|Lunch
            1700000100|NONE|support|Agent/1001|PAUSE|Lunch
            1700001900|NONE|NONE|Agent/1001|UNPAUSEALL|
            1700001900|NONE|sales|Agent/1001|UNPAUSE|
            1700001900|NONE|support|Agent/1001|UNPAUSE|
            1700003600|NONE|NONE|Agent/1001|AGENTLOGOFF|SIP/1001-0000000a|3600
            """)
        #expect(diagnostics.isEmpty)
        #expect(timelines.first?.pauses == [AgentPause(start: t(1_700_000_100), end: t(1_700_001_900), reason: "Lunch")])
        #expect(timelines.first?.sessions == [AgentSession(start: t(1_700_000_000), end: t(1_700_003_600))])
    }

    /// A logoff with no login, a pause never unpaused (ended at the logoff), an UNPAUSE with
    /// no pause, a call whose end is not in the log and a session open at the end of the input
    /// (closed at the last event, marked open): each reported with its line.
    @Test func orphansAndUnpairedEventsAreReportedWithTheirLine() throws {
        let (timelines, diagnostics) = try build("""
            1700000000|NONE|NONE|Agent/1001|AGENTLOGOFF|SIP/1001|500
            1700000100|NONE|sales|SIP/202|ADDMEMBER|
            1700000200|NONE|sales|SIP/202|PAUSE|Toilet
            1700000500|NONE|sales|SIP/202|REMOVEMEMBER|
            1700000600|NONE|sales|SIP/202|UNPAUSE|
            1700000700|NONE|sales|SIP/203|ADDMEMBER|
            1700000800|c9|sales|SIP/203|CONNECT|4|c9.1|2
            1700000900|NONE|sales|SIP/204|ADDMEMBER|
            """)
        let byAgent = Dictionary(uniqueKeysWithValues: timelines.map { ($0.agent, $0) })
        #expect(byAgent["1001"]?.sessions == [])
        #expect(byAgent["202"]?.pauses == [AgentPause(start: t(1_700_000_200), end: t(1_700_000_500), reason: "Toilet", unpaired: true)])
        #expect(byAgent["202"]?.sessions == [AgentSession(start: t(1_700_000_100), end: t(1_700_000_500))])
        #expect(byAgent["203"]?.sessions == [AgentSession(start: t(1_700_000_700), end: t(1_700_000_900), open: true)])
        #expect(byAgent["203"]?.calls == [])
        #expect(byAgent["204"]?.sessions == [AgentSession(start: t(1_700_000_900), end: t(1_700_000_900), open: true)])
        let lines = diagnostics.map { "\($0.input):\($0.line ?? 0)" }
        #expect(lines == ["queue_log:1", "queue_log:3", "queue_log:5", "queue_log:7"])
        #expect(diagnostics.allSatisfy { $0.severity == .warning })
        #expect(diagnostics[0].message.contains("AGENTLOGOFF of 1001 with no login"))
        #expect(diagnostics[1].message.contains("PAUSE of 202 is not unpaused before the logoff at line 4"))
        #expect(diagnostics[2].message.contains("UNPAUSE of 202 with no PAUSE"))
        #expect(diagnostics[3].message.contains("CONNECT of callid c9 has no COMPLETEAGENT"))
    }
}

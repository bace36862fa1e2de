import CallModel
import Testing
@testable import RTPAnalysis

@Suite("Talk analysis on hand-built tracks")
struct TalkAnalysisTests {
    /// `x` speaking, `.` not.
    private func flags(_ pattern: String) -> [Bool] { pattern.map { $0 == "x" } }

    @Test func everyFieldOfAKnownConversation() {
        //  slot:        01234567890123456789
        let caller = "..xxxx...xxxxxx....."
        let agent = "xx...xxxxx..xx......"
        let summary = TalkAnalysis.summarize(caller: flags(caller), agent: flags(agent), slot: 10,
                                             start: Timestamp(nanoseconds: 5_000), agentParty: .caller)
        #expect(summary.start == Timestamp(nanoseconds: 5_000))
        #expect(summary.agentParty == .caller)
        #expect(summary.duration == 200)
        #expect(summary.callerTalk == 100)
        #expect(summary.agentTalk == 90)
        #expect(summary.overtalk == 40)
        #expect(summary.silence == 50)
        #expect(summary.longestCallerMonologue == 60)
        #expect(summary.longestAgentMonologue == 50)
        // Slot 2: the caller takes over as the agent stops (a handover). Slot 5 and 12: the agent
        // starts while the caller speaks; slot 9: the caller starts while the agent speaks.
        #expect(summary.callerInterruptions == 1)
        #expect(summary.agentInterruptions == 2)
        #expect(summary.segments == [
            TalkSegment(owner: .agent, start: 0, end: 20), TalkSegment(owner: .caller, start: 20, end: 50),
            TalkSegment(owner: .both, start: 50, end: 60), TalkSegment(owner: .agent, start: 60, end: 90),
            TalkSegment(owner: .both, start: 90, end: 100), TalkSegment(owner: .caller, start: 100, end: 120),
            TalkSegment(owner: .both, start: 120, end: 140), TalkSegment(owner: .caller, start: 140, end: 150),
            TalkSegment(owner: .silence, start: 150, end: 200),
        ])
        #expect(summary.callerTalkByTenth == [0, 20, 20, 0, 10, 20, 20, 10, 0, 0])
        #expect(summary.agentTalkByTenth == [20, 0, 10, 20, 20, 0, 20, 0, 0, 0])
        #expect(summary.agentShare == 90.0 / 190.0)
    }

    @Test func slotsStraddlingATenthAreSplitInProportion() {
        // 3 slots of 10 ns: tenths are 3 ns long, slot [0, 10) gives 3, 3, 3 and 1.
        let summary = TalkAnalysis.summarize(caller: flags("x.."), agent: flags("..x"), slot: 10,
                                             start: Timestamp(nanoseconds: 0), agentParty: .callee)
        #expect(summary.callerTalkByTenth == [3, 3, 3, 1, 0, 0, 0, 0, 0, 0])
        #expect(summary.agentTalkByTenth == [0, 0, 0, 0, 0, 0, 1, 3, 3, 3])
        #expect(summary.callerTalkByTenth.reduce(0, +) == summary.callerTalk)
    }

    @Test func unevenTenthBoundariesAreFloored() {
        // 7 slots of 1 ns: boundaries at floor(7k/10) = 0 0 1 2 2 3 4 4 5 6 7.
        let summary = TalkAnalysis.summarize(caller: flags("xxxxxxx"), agent: [], slot: 1,
                                             start: Timestamp(nanoseconds: 0), agentParty: .callee)
        #expect(summary.callerTalkByTenth == [0, 1, 1, 0, 1, 1, 0, 1, 1, 1])
        #expect(summary.agentTalkByTenth == [Int64](repeating: 0, count: 10))
    }

    @Test func shorterTrackIsSilentPastItsEnd() {
        let summary = TalkAnalysis.summarize(caller: flags("xx"), agent: flags("...xx."), slot: 10,
                                             start: Timestamp(nanoseconds: 0), agentParty: .callee)
        #expect(summary.duration == 60)
        #expect(summary.segments.map(\.owner) == [.caller, .silence, .agent, .silence])
        #expect(summary.silence == 20)
        #expect(summary.callerInterruptions == 0 && summary.agentInterruptions == 0)
    }

    @Test func simultaneousStartIsNoInterruption() {
        let summary = TalkAnalysis.summarize(caller: flags(".xxx.xx"), agent: flags(".xxxxxx"), slot: 10,
                                             start: Timestamp(nanoseconds: 0), agentParty: .callee)
        // Slot 1 both start: nobody interrupts. Slot 5: the caller starts again over the agent.
        #expect(summary.callerInterruptions == 1 && summary.agentInterruptions == 0)
        #expect(summary.longestAgentMonologue == 60 && summary.longestCallerMonologue == 30)
        #expect(summary.segments.map(\.owner) == [.silence, .both, .agent, .both])
    }

    @Test func emptyTracks() {
        let summary = TalkAnalysis.summarize(caller: [], agent: [], slot: 10,
                                             start: Timestamp(nanoseconds: 0), agentParty: .callee)
        #expect(summary.duration == 0 && summary.segments.isEmpty && summary.silence == 0)
        #expect(summary.callerTalkByTenth == [Int64](repeating: 0, count: 10))
        #expect(summary.agentShare == nil)
    }
}

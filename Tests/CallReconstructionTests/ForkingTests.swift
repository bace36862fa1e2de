import CallModel
import SIPParsing
import Testing
@testable import CallReconstruction

/// A proxy forks the INVITE (RFC 3261 §16.7): the caller's own branch decides the call; a
/// failed or extra fork does not end it.
@Suite struct ForkingTests {
    let d = Dialog()

    /// A proxy forks; one branch fails at once, another rings for longer than the linger time
    /// and answers. Only the final on the caller's own branch ends the call.
    @Test func failedForkBranchDoesNotEndTheCall() throws {
        var tracker = CallTracker()
        let flow: [(Double, MessageText)] = [
            (0, d.request("INVITE", cseq: 1, branch: "u")),
            (0.01, d.request("INVITE", cseq: 1, branch: "pa")),
            (0.02, d.request("INVITE", cseq: 1, branch: "pb")),
            (1, d.response(404, "Not Found", cseq: 1, branch: "pa", toTag: "B")),
            (2, d.response(180, "Ringing", cseq: 1, branch: "pb", toTag: "C")),
            (40, d.response(200, "OK", cseq: 1, branch: "pb", toTag: "C")),
            (40.01, d.response(200, "OK", cseq: 1, branch: "u", toTag: "C")),
            (100, d.request("BYE", cseq: 2, branch: "bye", toTag: "C")),
        ]
        for (seconds, message) in flow {
            // Unrelated traffic moves the clock, as in a real capture.
            tracker.handle(Dialog(callID: "other-\(seconds)").request("OPTIONS", cseq: 1, branch: "o"), at: Timestamp(nanoseconds: Int64(seconds * 1e9)), transport: "udp", source: "t")
            tracker.handle(message, at: Timestamp(nanoseconds: Int64(seconds * 1e9)), transport: "udp", source: "t")
        }
        let calls = tracker.finish()
        #expect(calls.count == 1)
        let call = try #require(calls.first)
        #expect(call.outcome == .answered)
        #expect(call.talkTime?.seconds3 == "60.000")
        #expect(call.legs.map(\.id) == ["B", "C"])
        #expect(call.legs.map(\.status) == ["404", "200"])
    }

    /// Only a downstream branch's failure was captured: it stands in for the caller's final.
    @Test func downstreamFailureAloneIsTheOutcome() throws {
        let call = try #require(track([
            (0, d.request("INVITE", cseq: 1, branch: "u")),
            (0.01, d.request("INVITE", cseq: 1, branch: "pa")),
            (1, d.response(486, "Busy Here", cseq: 1, branch: "pa", toTag: "B")),
        ]).first)
        #expect(call.outcome == .busy)
        #expect(call.finalStatus == 486)
        #expect(call.truncated == false)
    }

    /// Two forks answer; the caller sends BYE to the second (RFC 3261 §13.2.2.4). The call is
    /// the first dialog, which ends later.
    @Test func byeToAnotherForkDoesNotEndTheCall() throws {
        let call = try #require(track([
            (0, d.request("INVITE", cseq: 1, branch: "b1")),
            (1, d.response(200, "OK", cseq: 1, branch: "b1", toTag: "legA")),
            (1.01, d.request("ACK", cseq: 1, branch: "k1", toTag: "legA")),
            (1.1, d.response(200, "OK", cseq: 1, branch: "b1", toTag: "legB")),
            (1.11, d.request("ACK", cseq: 1, branch: "k2", toTag: "legB")),
            (1.12, d.request("BYE", cseq: 2, branch: "y1", toTag: "legB")),
            (61, d.request("BYE", cseq: 1, branch: "y2", toTag: "legA", fromCallee: true)),
        ]).first)
        #expect(call.endedAt == Timestamp(seconds: 61))
        #expect(call.endedBy == .callee)
        #expect(call.talkTime?.seconds3 == "60.000")
    }
}

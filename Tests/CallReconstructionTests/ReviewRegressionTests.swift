import CallModel
import SIPParsing
import Testing
@testable import CallReconstruction

/// Call flows that an independent review showed to be mis-reconstructed once.
@Suite struct ReviewRegressionTests {
    let d = Dialog()

    /// A proxy forks; one branch fails at once, another rings for longer than the linger time
    /// and answers. Only the final on the caller's own branch ends the call.
    @Test func failedForkBranchDoesNotEndTheCall() throws {
        var tracker = CallTracker()
        let flow: [(Double, SIPMessage)] = [
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

    /// A user types the password 40 s after the 401: still one call.
    @Test func slowAuthRetryIsOneCall() {
        var tracker = CallTracker()
        let flow: [(Double, SIPMessage)] = [
            (0, d.request("INVITE", cseq: 1, branch: "a1")),
            (0.01, d.response(401, "Unauthorized", cseq: 1, branch: "a1", toTag: "x")),
            (0.02, d.request("ACK", cseq: 1, branch: "a1")),
            (35, Dialog(callID: "noise").request("OPTIONS", cseq: 1, branch: "n")),
            (40, d.request("INVITE", cseq: 2, branch: "a2")),
            (41, d.response(200, "OK", cseq: 2, branch: "a2", toTag: "t")),
            (50, d.request("BYE", cseq: 3, branch: "a3", toTag: "t")),
        ]
        for (seconds, message) in flow { tracker.handle(message, at: Timestamp(nanoseconds: Int64(seconds * 1e9)), transport: "udp", source: "t") }
        let calls = tracker.finish()
        #expect(calls.count == 1)
        #expect(calls.first?.outcome == .answered)
        #expect(calls.first?.legs.map(\.id) == ["t"])
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

    /// A CANCEL that arrives after the 486 does not make the call abandoned.
    @Test func cancelAfterFinalResponseChangesNothing() throws {
        let call = try #require(track([
            (0, d.request("INVITE", cseq: 1, branch: "b1")),
            (1, d.response(486, "Busy Here", cseq: 1, branch: "b1", toTag: "t")),
            (1.01, d.request("CANCEL", cseq: 1, branch: "b1")),
            (1.02, d.response(481, "Call/Transaction Does Not Exist", cseq: 1, method: "CANCEL", branch: "b1", toTag: "t")),
        ]).first)
        #expect(call.outcome == .busy)
        #expect(call.endedBy == .callee)
    }

    /// Two reliable 183s (RFC 3262) with different RSeq are two messages, not a retransmission.
    @Test func reliableProvisionalsAreNotRetransmissions() throws {
        let call = try #require(track([
            (0, d.request("INVITE", cseq: 1, branch: "b1")),
            (0.1, d.response(183, "Session Progress", cseq: 1, branch: "b1", toTag: "t", headers: ["RSeq: 1", "Require: 100rel"], sdp: Dialog.sdp(direction: "sendrecv"))),
            (0.2, d.response(183, "Session Progress", cseq: 1, branch: "b1", toTag: "t", headers: ["RSeq: 2", "Require: 100rel"], sdp: Dialog.sdp(direction: "sendrecv", address: "127.0.0.2"))),
            (0.3, d.response(183, "Session Progress", cseq: 1, branch: "b1", toTag: "t", headers: ["RSeq: 2", "Require: 100rel"], sdp: Dialog.sdp(direction: "sendrecv", address: "127.0.0.2"))),
        ]).first)
        #expect(call.retransmissions == 1)
        #expect(call.packets == 4)
    }

    /// Timestamps at the ends of Int64 (a crafted pcapng) saturate instead of trapping.
    @Test func absurdTimestampsDoNotTrap() throws {
        var tracker = CallTracker()
        tracker.handle(d.request("INVITE", cseq: 1, branch: "b1"), at: Timestamp(nanoseconds: .min), transport: "udp", source: "t")
        tracker.handle(d.response(180, "Ringing", cseq: 1, branch: "b1", toTag: "t"), at: Timestamp(nanoseconds: .max), transport: "udp", source: "t")
        tracker.handle(d.response(200, "OK", cseq: 1, branch: "b1", toTag: "t"), at: Timestamp(nanoseconds: .max), transport: "udp", source: "t")
        let call = try #require(tracker.finish().first)
        #expect(call.ringTime?.nanoseconds == .max)
        #expect(call.pddMilliseconds == 9_223_372_036_855)  // Int64.max ns, rounded to the ms
        #expect(Duration3(nanoseconds: .min).milliseconds == -9_223_372_036_855)
    }

    /// A Content-Length repeated with another value: the first wins, in framing and parsing alike.
    @Test func duplicateContentLengthFirstWins() throws {
        let text = "SIP/2.0 200 OK\r\nFrom: <sip:a@h>;tag=a\r\nTo: <sip:b@h>;tag=b\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nContent-Length: 3\r\nl: 5\r\n\r\nabcde"
        let message = try #require(try SIPMessage.parse(Array(text.utf8)))
        #expect(message.body == Array("abc".utf8))
        #expect(message.problems == ["second Content-Length 5 ignored"])
    }
}

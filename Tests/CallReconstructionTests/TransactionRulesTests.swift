import CallModel
import SIPParsing
import Testing
@testable import CallReconstruction

/// Which messages start a new transaction, repeat one, or arrive after it ended (RFC 3261 §17,
/// RFC 3262 for reliable provisionals), and call times at the ends of the clock.
@Suite struct TransactionRulesTests {
    let d = Dialog()

    /// A user types the password 40 s after the 401: still one call.
    @Test func slowAuthRetryIsOneCall() {
        var tracker = CallTracker()
        let flow: [(Double, MessageText)] = [
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
}

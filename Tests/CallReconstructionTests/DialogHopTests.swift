import CallModel
import Testing
@testable import CallReconstruction
import TestSupport

/// A call seen on both sides of a hop that keeps the Call-ID but rewrites the tags
/// (`captures/b2bua-udp.pcap`, made with three SIPp instances: caller -> B2BUA -> callee).
@Suite struct DialogHopTests {
    /// tshark on the capture: the callee's 200 (To tag `...SIPpTag011`, downstream branch) at
    /// +0.964 s, the hop's 200 to the caller (To tag `...B2BupTag1`, the caller's own branch) at
    /// +1.270 s; the caller ACKs and BYEs in that dialog at +2.284 s, the hop's BYE downstream
    /// follows at +2.286 s. The call is answered when the caller was, and ended by its BYE.
    @Test func callerDialogThroughB2BUA() throws {
        let result = Fixtures.analyze([TestPaths.capture("b2bua-udp.pcap")])
        #expect(result.summary.errors == 0)
        let call = try #require(result.calls.first)
        #expect(result.calls.count == 1)
        #expect(call.outcome == .answered)
        #expect(!call.truncated)
        #expect(call.endedBy == .caller)
        #expect(call.reasonCause == 16)
        // Both dialogs are answered legs of the call: the hop's towards the caller, the
        // callee's towards the hop, each at its own 2xx.
        #expect(call.legs.count == 2)
        #expect(call.legs.allSatisfy { $0.answered })
        let callerLeg = try #require(call.legs.first { $0.id.contains("B2BupTag") })
        let calleeLeg = try #require(call.legs.first { !$0.id.contains("B2BupTag") })
        #expect(call.answeredAt == callerLeg.answeredAt)
        let answeredAt = try #require(call.answeredAt)
        let hopDelay = try #require(calleeLeg.answeredAt?.distance(to: answeredAt))
        #expect(hopDelay > 250_000_000 && hopDelay < 400_000_000)  // the hop's 300 ms before bridging
        let ring = try #require(call.ringTime?.nanoseconds), talk = try #require(call.talkTime?.nanoseconds)
        #expect(ring > 1_000_000_000 && talk > 900_000_000)
        // RTP flows caller <-> callee directly, announced in the SDP of both hops.
        #expect(call.streams.count == 2)
    }
}

/// The rules of README "Calls with several initial INVITEs" one by one (the real case,
/// `sipnab__DTMFsipinfo.pcap`, is in `PublicCorpusTests.parallelInvitesWithoutBye`).
@Suite struct SeveralInitialInvitesTests {
    let d = Dialog()

    /// CSeq 2 sent while CSeq 1 rings, then cancelled: CSeq 1 still rings, and its 200 answers.
    @Test func cancelOfALaterAttemptWhileTheFirstRings() throws {
        let call = try #require(track([
            (0, d.request("INVITE", cseq: 1, branch: "i1")),
            (0.1, d.response(180, "Ringing", cseq: 1, branch: "i1", toTag: "t")),
            (0.5, d.request("INVITE", cseq: 2, branch: "i2")),
            (0.6, d.request("CANCEL", cseq: 2, branch: "i2")),
            (0.61, d.response(487, "Request Terminated", cseq: 2, branch: "i2", toTag: "t2")),
            (3, d.response(200, "OK", cseq: 1, branch: "i1", toTag: "t")),
            (9, d.request("BYE", cseq: 3, branch: "b", toTag: "t")),
        ]).first)
        #expect(call.outcome == .answered)
        #expect(call.ringTime?.seconds3 == "3.000")
        #expect(call.talkTime?.seconds3 == "6.000")
    }

    /// Every pending attempt cancelled: abandoned, at the CANCEL that left none pending.
    @Test func cancellingEveryAttemptAbandons() throws {
        let call = try #require(track([
            (0, d.request("INVITE", cseq: 1, branch: "i1")),
            (0.5, d.request("INVITE", cseq: 2, branch: "i2")),
            (1, d.request("CANCEL", cseq: 1, branch: "i1")),
            (2, d.request("CANCEL", cseq: 2, branch: "i2")),
            (2.01, d.response(487, "Request Terminated", cseq: 1, branch: "i1", toTag: "t1")),
            (2.02, d.response(487, "Request Terminated", cseq: 2, branch: "i2", toTag: "t2")),
        ]).first)
        #expect(call.outcome == .abandoned)
        #expect(call.endedBy == .caller)
    }

    /// One attempt fails while the other is pending: the call goes on; the last failure decides.
    @Test func theLastAttemptToFailDecides() throws {
        let busyThenAnswered = try #require(track([
            (0, d.request("INVITE", cseq: 1, branch: "i1")),
            (0.2, d.request("INVITE", cseq: 2, branch: "i2")),
            (0.5, d.response(486, "Busy Here", cseq: 1, branch: "i1", toTag: "t1")),
            (2, d.response(200, "OK", cseq: 2, branch: "i2", toTag: "t2")),
        ]).first)
        #expect(busyThenAnswered.outcome == .answered)
        #expect(busyThenAnswered.ringTime?.seconds3 == "2.000")
        let bothFail = try #require(track([
            (0, d.request("INVITE", cseq: 1, branch: "i1")),
            (0.2, d.request("INVITE", cseq: 2, branch: "i2")),
            (0.5, d.response(486, "Busy Here", cseq: 1, branch: "i1", toTag: "t1")),
            (4, d.response(480, "Temporarily Unavailable", cseq: 2, branch: "i2", toTag: "t2")),
        ]).first)
        #expect(bothFail.outcome == .noAnswer)
        #expect(bothFail.finalStatus == 480)
        #expect(bothFail.ringTime?.seconds3 == "4.000")
    }

    /// A B2BUA leg's INVITE with its own From tag and a higher CSeq is the call on another hop,
    /// not a retry: the caller's ringing and answer still count.
    @Test func hopInviteWithHigherCSeqIsNotARetry() throws {
        var hop = Dialog()
        hop.callerTag = "b2bua-tag"
        let call = try #require(track([
            (0, d.request("INVITE", cseq: 1, branch: "up")),
            (0.01, hop.request("INVITE", cseq: 101, branch: "down")),
            (0.5, hop.response(180, "Ringing", cseq: 101, branch: "down", toTag: "X")),
            (0.51, d.response(180, "Ringing", cseq: 1, branch: "up", toTag: "Y")),
            (2, hop.response(200, "OK", cseq: 101, branch: "down", toTag: "X")),
            (2.3, d.response(200, "OK", cseq: 1, branch: "up", toTag: "Y")),
            (5, hop.request("BYE", cseq: 2, branch: "bye", toTag: "X", fromCallee: true)),
        ]).first)
        #expect(call.outcome == .answered)
        #expect(call.ringTime?.seconds3 == "2.300")
        #expect(call.endedBy == .callee)  // the callee hung up in the downstream dialog
        #expect(call.talkTime?.seconds3 == "2.700")
        #expect(call.legs.map(\.id).sorted() == ["X", "Y"])
    }
}

import CallModel
import Testing
@testable import CallReconstruction

/// A call seen on both sides of a hop that keeps the Call-ID but rewrites the tags
/// (`captures/b2bua-udp.pcap`, made with three SIPp instances: caller -> B2BUA -> callee).
@Suite struct DialogHopTests {
    /// tshark on the capture: the callee's 200 (To tag `...SIPpTag011`, downstream branch) at
    /// +0.964 s, the hop's 200 to the caller (To tag `...B2BupTag1`, the caller's own branch) at
    /// +1.270 s; the caller ACKs and BYEs in that dialog at +2.284 s, the hop's BYE downstream
    /// follows at +2.286 s. The call is answered when the caller was, and ended by its BYE.
    @Test func callerDialogThroughB2BUA() throws {
        let result = Fixtures.analyze([Fixtures.capture("b2bua-udp.pcap")])
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

import CallModel
import SIPParsing
import Testing
@testable import CallReconstruction

/// Writes SIP messages of one dialog as text, the way a UA would send them, so tracker tests
/// read like call flows. (Packet-level behaviour is tested on real captures elsewhere.)
struct Dialog {
    var callID = "flow-1@127.0.0.1"
    var callerTag = "caller-tag"
    var caller = "+44-20-7946-0001"
    var dialed = "+15550100"
    var extraInviteHeaders: [String] = []

    func request(_ method: String, cseq: Int, branch: String, toTag: String? = nil, fromCallee: Bool = false, headers: [String] = [], sdp: String? = nil) -> MessageText {
        let from = fromCallee ? "<sip:\(dialed)@127.0.0.1>;tag=\(toTag ?? "")" : "<sip:\(caller)@127.0.0.1>;tag=\(callerTag)"
        let to = fromCallee ? "<sip:\(caller)@127.0.0.1>;tag=\(callerTag)" : "<sip:\(dialed)@127.0.0.1>" + (toTag.map { ";tag=\($0)" } ?? "")
        return message("\(method) sip:\(dialed)@127.0.0.1:5060 SIP/2.0", via: branch, from: from, to: to, cseq: "\(cseq) \(method)", headers: headers, sdp: sdp)
    }

    func response(_ status: Int, _ reason: String, cseq: Int, method: String = "INVITE", branch: String, toTag: String?, headers: [String] = [], sdp: String? = nil) -> MessageText {
        let to = "<sip:\(dialed)@127.0.0.1>" + (toTag.map { ";tag=\($0)" } ?? "")
        return message("SIP/2.0 \(status) \(reason)", via: branch, from: "<sip:\(caller)@127.0.0.1>;tag=\(callerTag)", to: to, cseq: "\(cseq) \(method)", headers: headers, sdp: sdp)
    }

    private func message(_ startLine: String, via: String, from: String, to: String, cseq: String, headers: [String], sdp: String?) -> MessageText {
        var lines = [startLine, "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=\(via)", "From: \(from)", "To: \(to)", "Call-ID: \(callID)", "CSeq: \(cseq)"]
        lines += headers
        if startLine.hasPrefix("INVITE"), !to.contains("tag=") { lines += extraInviteHeaders }
        let body = sdp ?? ""
        if sdp != nil { lines.append("Content-Type: application/sdp") }
        lines.append("Content-Length: \(body.utf8.count)")
        let text = lines.joined(separator: "\r\n") + "\r\n\r\n" + body
        // The text is built above from fixed parts; a parse failure is a bug in this helper.
        guard (try? SIPMessage.parse(Array(text.utf8))) != nil else { fatalError("test message does not parse: \(text)") }
        return MessageText(bytes: Array(text.utf8))
    }

    static func sdp(direction: String, address: String = "127.0.0.1") -> String {
        "v=0\r\no=- 1 1 IN IP4 \(address)\r\ns=-\r\nc=IN IP4 \(address)\r\nt=0 0\r\nm=audio 6000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\na=\(direction)\r\n"
    }
}

/// The bytes of one SIP message, as sent.
struct MessageText {
    var bytes: [UInt8]
}

extension CallTracker {
    /// Reads `message` in place and handles it, as the reconstructor does with a packet's bytes.
    mutating func handle(_ message: MessageText, at time: Timestamp, transport: String, source: String) {
        message.bytes.withUnsafeBytes { buffer in
            _ = try? SIPMessageView.parse(buffer) { handle($0, at: time, transport: transport, source: source) }
        }
    }
}

/// Feeds (seconds, message) pairs to a tracker and returns its calls.
func track(_ flow: [(Double, MessageText)], options: ReconstructionOptions = .init()) -> [Call] {
    var tracker = CallTracker(options: options)
    for (seconds, message) in flow {
        tracker.handle(message, at: Timestamp(nanoseconds: Int64((seconds * 1e9).rounded())), transport: "udp", source: "test")
    }
    return tracker.finish()
}

@Suite struct CallTrackerTests {
    let d = Dialog()

    @Test func answeredCallHungUpByCallee() throws {
        let calls = track([
            (0.0, d.request("INVITE", cseq: 1, branch: "b1", sdp: Dialog.sdp(direction: "sendrecv"))),
            (0.010, d.response(100, "Trying", cseq: 1, branch: "b1", toTag: nil)),
            (0.250, d.response(180, "Ringing", cseq: 1, branch: "b1", toTag: "t1")),
            (2.5004, d.response(200, "OK", cseq: 1, branch: "b1", toTag: "t1", sdp: Dialog.sdp(direction: "sendrecv"))),
            (2.51, d.request("ACK", cseq: 1, branch: "b2", toTag: "t1")),
            (12.5, d.request("BYE", cseq: 1, branch: "b3", toTag: "t1", fromCallee: true, headers: ["Reason: Q.850;cause=16"])),
            (12.51, d.response(200, "OK", cseq: 1, method: "BYE", branch: "b3", toTag: "t1")),
        ])
        let call = try #require(calls.first)
        #expect(calls.count == 1)
        #expect(call.caller == "+442079460001")
        #expect(call.dialed == "+15550100")
        #expect(call.outcome == .answered)
        #expect(call.finalStatus == 200)
        #expect(call.pddMilliseconds == 250)
        #expect(call.answeredAt == Timestamp(nanoseconds: 2_500_400_000))
        #expect(call.ringTime?.seconds3 == "2.500")  // 2.5004 s rounds down
        #expect(call.talkTime?.seconds3 == "10.000")  // 9.9996 s rounds up
        #expect(call.endedBy == .callee)
        #expect(call.reasonCause == 16)
        #expect(call.packets == 7)
        #expect(call.retransmissions == 0)
        #expect(call.truncated == false)
        #expect(call.media.map(\.from) == [.caller, .callee])
        #expect(call.legs == [CallLeg(id: "t1", status: "200", start: Timestamp(nanoseconds: 250_000_000), answered: true, answeredAt: Timestamp(nanoseconds: 2_500_400_000))])
    }

    /// RFC 3261 §17.1.1.2: an unanswered INVITE is re-sent with the same branch; §17.2.1: so is a final response.
    @Test func retransmissionsAreCountedOnce() throws {
        let invite = d.request("INVITE", cseq: 1, branch: "b1")
        let busy = d.response(486, "Busy Here", cseq: 1, branch: "b1", toTag: "t1")
        let calls = track([(0, invite), (0.5, invite), (1.5, invite), (1.6, busy), (2.0, busy), (2.01, d.request("ACK", cseq: 1, branch: "b1", toTag: "t1"))])
        let call = try #require(calls.first)
        #expect(call.packets == 6)
        #expect(call.retransmissions == 3)
        #expect(call.outcome == .busy)
        #expect(call.endedAt == Timestamp(nanoseconds: 1_600_000_000))
        #expect(call.endedBy == .callee)
        #expect(call.talkTime?.seconds3 == "0.000")
    }

    /// RFC 3261 §22.2: a 407 followed by the same INVITE with credentials and CSeq + 1 is one call.
    @Test func authChallengeIsNotTheOutcome() throws {
        let calls = track([
            (0, d.request("INVITE", cseq: 1, branch: "b1")),
            (0.01, d.response(407, "Proxy Authentication Required", cseq: 1, branch: "b1", toTag: "proxy")),
            (0.02, d.request("ACK", cseq: 1, branch: "b1")),
            (0.03, d.request("INVITE", cseq: 2, branch: "b2", headers: ["Proxy-Authorization: Digest username=\"a\""])),
            (1.03, d.response(180, "Ringing", cseq: 2, branch: "b2", toTag: "t2")),
            (3.03, d.response(200, "OK", cseq: 2, branch: "b2", toTag: "t2")),
            (9.03, d.request("BYE", cseq: 3, branch: "b3", toTag: "t2")),
        ])
        let call = try #require(calls.first)
        #expect(calls.count == 1)
        #expect(call.outcome == .answered)
        #expect(call.finalStatus == 200)
        #expect(call.start == Timestamp(nanoseconds: 0))
        #expect(call.pddMilliseconds == 1030)
        #expect(call.ringTime?.seconds3 == "3.030")
        #expect(call.talkTime?.seconds3 == "6.000")
        #expect(call.endedBy == .caller)
    }

    @Test func challengeNeverAnsweredIsRejected() throws {
        let call = try #require(track([
            (0, d.request("INVITE", cseq: 1, branch: "b1")),
            (0.01, d.response(401, "Unauthorized", cseq: 1, branch: "b1", toTag: "x")),
        ]).first)
        #expect(call.outcome == .rejected)
        #expect(call.finalStatus == 401)
    }

    /// RFC 3261 §9.1: CANCEL before an answer; the INVITE then gets 487.
    @Test func cancelBeforeAnswerIsAbandoned() throws {
        let call = try #require(track([
            (0, d.request("INVITE", cseq: 1, branch: "b1")),
            (0.2, d.response(180, "Ringing", cseq: 1, branch: "b1", toTag: "t1")),
            (4.0, d.request("CANCEL", cseq: 1, branch: "b1", headers: ["Reason: SIP;cause=0;text=\"caller gave up\""])),
            (4.01, d.response(200, "OK", cseq: 1, method: "CANCEL", branch: "b1", toTag: "t1")),
            (4.02, d.response(487, "Request Terminated", cseq: 1, branch: "b1", toTag: "t1")),
        ]).first)
        #expect(call.outcome == .abandoned)
        #expect(call.finalStatus == 487)
        #expect(call.endedBy == .caller)
        #expect(call.endedAt == Timestamp(nanoseconds: 4_020_000_000))
        #expect(call.ringTime?.seconds3 == "4.020")
        #expect(call.reasonCause == 0)
        #expect(call.truncated == false)
    }

    /// RFC 3261 §16.7, §13.2.2.4: two forks ring, the second answers; the first stays an early dialog.
    @Test func forkedCallKeepsEarlyDialogsAsLegs() throws {
        let call = try #require(track([
            (0, d.request("INVITE", cseq: 1, branch: "b1")),
            (0.1, d.response(180, "Ringing", cseq: 1, branch: "b1", toTag: "deskphone")),
            (0.2, d.response(183, "Session Progress", cseq: 1, branch: "b1", toTag: "mobile")),
            (5.0, d.response(200, "OK", cseq: 1, branch: "b1", toTag: "mobile")),
            (5.1, d.response(200, "OK", cseq: 1, branch: "b1", toTag: "deskphone")),
            (9.0, d.request("BYE", cseq: 2, branch: "b9", toTag: "mobile")),
        ]).first)
        #expect(call.outcome == .answered)
        #expect(call.answeredAt == Timestamp(nanoseconds: 5_000_000_000))
        #expect(call.pddMilliseconds == 100)
        #expect(call.legs.map(\.id) == ["deskphone", "mobile"])
        #expect(call.legs.map(\.answered) == [false, true])
        #expect(call.legs.map(\.status) == ["200", "200"])
    }

    /// RFC 3264 §8.4: an accepted re-INVITE with sendonly holds, sendrecv resumes; a rejected
    /// one changes nothing; it never starts a call.
    @Test func reInvitesMeasureHold() throws {
        let calls = track([
            (0, d.request("INVITE", cseq: 1, branch: "b1", sdp: Dialog.sdp(direction: "sendrecv"))),
            (1, d.response(200, "OK", cseq: 1, branch: "b1", toTag: "t1", sdp: Dialog.sdp(direction: "sendrecv"))),
            (5, d.request("INVITE", cseq: 2, branch: "b2", toTag: "t1", sdp: Dialog.sdp(direction: "inactive"))),
            (5.1, d.response(488, "Not Acceptable Here", cseq: 2, branch: "b2", toTag: "t1")),
            (10, d.request("INVITE", cseq: 3, branch: "b3", toTag: "t1", sdp: Dialog.sdp(direction: "sendonly"))),
            (10.1, d.response(200, "OK", cseq: 3, branch: "b3", toTag: "t1", sdp: Dialog.sdp(direction: "recvonly"))),
            (25.5, d.request("INVITE", cseq: 4, branch: "b4", toTag: "t1", sdp: Dialog.sdp(direction: "sendrecv"))),
            (25.6, d.response(200, "OK", cseq: 4, branch: "b4", toTag: "t1", sdp: Dialog.sdp(direction: "sendrecv"))),
            // The callee's own re-INVITE, CSeq 1 in its direction, with a null address: hold again.
            (40, d.request("INVITE", cseq: 1, branch: "c1", toTag: "t1", fromCallee: true, sdp: Dialog.sdp(direction: "sendrecv", address: "0.0.0.0"))),
            (40.1, Dialog(callerTag: "t1").response(200, "OK", cseq: 1, branch: "c1", toTag: "caller-tag", sdp: Dialog.sdp(direction: "sendrecv"))),
            (50, d.request("BYE", cseq: 5, branch: "b5", toTag: "t1")),
        ])
        let call = try #require(calls.first)
        #expect(calls.count == 1)
        #expect(call.holdTime.seconds3 == "25.500")  // 15.5 s by sendonly, then 10 s by a null address until the BYE
        #expect(call.talkTime?.seconds3 == "49.000")
        #expect(call.media.map(\.carriedBy) == ["INVITE", "200", "INVITE", "INVITE", "200", "INVITE", "200", "INVITE", "200"])
        // The 200 to the callee's re-INVITE was sent by the caller, and no leg is invented for it.
        #expect(call.media.last?.from == .caller)
        #expect(call.legs.map(\.id) == ["t1"])
    }

    @Test func openCallsAreTruncatedNotDropped() throws {
        let calls = track([
            (0, d.request("INVITE", cseq: 1, branch: "b1")),
            (1, d.response(200, "OK", cseq: 1, branch: "b1", toTag: "t1")),
            (2, Dialog(callID: "other").request("INVITE", cseq: 1, branch: "c1")),
        ])
        #expect(calls.count == 2)
        #expect(calls.map(\.truncated) == [true, true])
        #expect(calls[0].outcome == .answered)
        #expect(calls[0].endedAt == nil)
        #expect(calls[0].talkTime == nil)
        #expect(calls[0].ringTime?.seconds3 == "1.000")
        #expect(calls[1].outcome == .unknown)
        #expect(calls[1].ringTime == nil)
        #expect(calls[1].endedBy == nil)
    }

    @Test func messagesOfUnknownCallsAreCountedApart() {
        var tracker = CallTracker()
        tracker.handle(d.request("BYE", cseq: 2, branch: "x", toTag: "t"), at: Timestamp(nanoseconds: 0), transport: "udp", source: "t")
        tracker.handle(d.request("OPTIONS", cseq: 1, branch: "y"), at: Timestamp(nanoseconds: 1), transport: "udp", source: "t")
        #expect(tracker.finish().isEmpty)
        #expect(tracker.messageCount == 2)
        #expect(tracker.messagesWithoutCall == 2)
    }

    @Test func callerAndDialedSourcesFollowTheConfiguredOrder() throws {
        var dialog = Dialog()
        dialog.extraInviteHeaders = ["P-Asserted-Identity: <sip:+1 (555) 0199@carrier>", "Diversion: <sip:08001111111@pbx>;reason=user-busy"]
        let invite = dialog.request("INVITE", cseq: 1, branch: "b1")
        let byDefault = try #require(track([(0, invite)]).first)
        #expect(byDefault.caller == "+15550199")
        #expect(byDefault.divertedFrom == "08001111111")
        let fromOnly = try #require(track([(0, invite)], options: .init(callerOrder: [.from], dialedOrder: [.to])).first)
        #expect(fromOnly.caller == "+442079460001")
        #expect(fromOnly.dialed == "+15550100")
    }

    @Test func endedCallsAreReleasedAfterTheLingerTime() {
        var tracker = CallTracker()
        tracker.handle(d.request("INVITE", cseq: 1, branch: "b1"), at: Timestamp(seconds: 0), transport: "udp", source: "t")
        tracker.handle(d.response(486, "Busy Here", cseq: 1, branch: "b1", toTag: "t1"), at: Timestamp(seconds: 1), transport: "udp", source: "t")
        tracker.handle(Dialog(callID: "later").request("INVITE", cseq: 1, branch: "c"), at: Timestamp(seconds: 40), transport: "udp", source: "t")
        #expect(tracker.activeCallCount == 1)
        #expect(tracker.takeCompleted().map(\.callID) == ["flow-1@127.0.0.1"])
    }
}

@Suite struct OutcomeTableTests {
    /// The README's outcome table, row by row.
    @Test(arguments: [
        (200, nil, false, CallOutcome.answered), (202, nil, false, .answered),
        (486, nil, false, .busy), (600, nil, false, .busy), (480, nil, false, .noAnswer), (408, nil, false, .noAnswer),
        (487, nil, false, .abandoned), (480, nil, true, .abandoned),
        (403, nil, false, .rejected), (404, nil, false, .rejected), (484, nil, false, .rejected), (603, nil, false, .rejected),
        (488, nil, false, .rejected), (606, nil, false, .rejected),
        (500, nil, false, .congestion), (502, nil, false, .congestion), (503, nil, false, .congestion), (504, nil, false, .congestion),
        (302, nil, false, .redirected),
        (410, 17, false, .busy), (410, 18, false, .noAnswer), (410, 19, false, .noAnswer), (410, 34, false, .congestion),
        (410, 38, false, .congestion), (410, 41, false, .congestion), (410, 42, false, .congestion),
        (503, 17, false, .congestion), (580, nil, false, .congestion),
    ] as [(Int, Int?, Bool, CallOutcome)])
    func classify(status: Int, cause: Int?, cancelled: Bool, outcome: CallOutcome) {
        #expect(CallOutcome.classify(status: status, q850Cause: cause, cancelled: cancelled) == outcome)
    }

    @Test func noFinalResponseIsUnknownUnlessCancelled() {
        #expect(CallOutcome.classify(status: nil, q850Cause: nil, cancelled: false) == .unknown)
        #expect(CallOutcome.classify(status: nil, q850Cause: nil, cancelled: true) == .abandoned)
    }
}

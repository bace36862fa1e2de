/// One SIP message of a synthetic call, ready to be framed.
struct SIPEvent: Sendable {
    /// When it is on the wire, nanoseconds since the epoch.
    var time: Int64
    /// `true` caller phone -> PBX, `false` PBX -> caller phone.
    var fromCaller: Bool
    /// The whole message, start line to end of body.
    var bytes: [UInt8]
}

/// The timing of an answered call's media, decided before its SIP messages are written.
struct MediaTiming: Sendable {
    /// First RTP packet caller -> agent.
    var callerStart: Int64
    /// First RTP packet agent -> caller.
    var agentStart: Int64
    /// After both streams' last packets (and RTCP reports).
    var end: Int64
}

/// The SIP messages of one call (RFC 3261), as the caller phone and the PBX exchange them.
///
/// Why each message looks the way it does:
/// - INVITE: new branch (`z9hG4bK` magic cookie, §8.1.1.7), From tag, no To tag, CSeq 1,
///   Contact, SDP offer listing the caller's preferred G.711 codec first (RFC 3264 §5).
/// - 100 Trying carries no To tag; every other response to the INVITE carries the PBX's
///   tag (§8.2.6.2), and echoes Via, From, Call-ID and CSeq (§8.2.6.2).
/// - 200 OK: Contact of the PBX and an SDP answer with the single negotiated codec whose
///   `c=` is the agent phone (direct media).
/// - ACK for a 2xx is a new transaction (new branch, Request-URI = Contact, §13.2.2.4);
///   ACK for a failure reuses the INVITE's branch and Request-URI (§17.1.1.3).
/// - CANCEL copies the INVITE's Request-URI, branch, From, To, Call-ID, CSeq number (§9.1);
///   the PBX answers it 200 and then answers the INVITE 487 (§9.2).
/// - BYE from either side uses the dialog's tags and that side's next CSeq (§15.1.1).
struct SIPScript {
    let plan: SyntheticCallPlan
    private let callerHost: String
    private let pbxHost = IPv4.pbx.description
    private let agentHost: String
    private let fromTag: String
    private let toTag: String
    private let inviteBranch: String
    private let ackBranch: String
    private let byeBranch: String
    private let callerSession: UInt64
    private let agentSession: UInt64
    private let pbxCSeq: Int

    init(plan: SyntheticCallPlan, rng: inout Xoshiro256) {
        self.plan = plan
        callerHost = plan.callerAddress.description
        agentHost = plan.agentAddress.description
        let suffix = String(plan.index, radix: 16)
        fromTag = hex(rng.next() & 0xFFFF_FFFF, digits: 8) + suffix
        toTag = "as" + hex(rng.next() & 0xFFFF_FFFF, digits: 8) + suffix
        inviteBranch = "z9hG4bK" + hex(rng.next() & 0xFF_FFFF_FFFF, digits: 10) + suffix
        ackBranch = "z9hG4bK" + hex(rng.next() & 0xFF_FFFF_FFFF, digits: 10) + suffix
        byeBranch = "z9hG4bK" + hex(rng.next() & 0xFF_FFFF_FFFF, digits: 10) + suffix
        callerSession = rng.next() % 9_000_000_000 + 1_000_000_000
        agentSession = rng.next() % 9_000_000_000 + 1_000_000_000
        pbxCSeq = 100 + rng.below(900)
    }

    /// All messages of the call in time order and, for an answered call, when its media flows.
    func events(rng: inout Xoshiro256) -> (events: [SIPEvent], media: MediaTiming?) {
        let t0 = plan.inviteTime
        let ringMs = Double(plan.ringDuration) / 1e6
        var events: [SIPEvent] = []
        var media: MediaTiming?
        func add(_ time: Int64, _ fromCaller: Bool, _ text: String) {
            events.append(SIPEvent(time: time, fromCaller: fromCaller, bytes: Array(text.utf8)))
        }
        add(t0, true, invite())
        add(t0 + rng.millis(3, min(25, ringMs / 2)), false, response(100, "Trying"))
        let finalTime = t0 + plan.ringDuration
        let ackDelay = rng.millis(15, 80)
        switch plan.outcome {
        case .answered:
            add(t0 + rng.millis(40, min(400, ringMs / 2)), false, response(180, "Ringing"))
            add(finalTime, false, response(200, "OK"))
            let ackTime = finalTime + ackDelay
            add(ackTime, true, ack2xx())
            // The agent talks once the 200 OK is sent, the caller once it has sent the ACK.
            let agentStart = finalTime + rng.millis(5, 40)
            let callerStart = ackTime + rng.millis(1, 20)
            let talk = Int64(plan.talkPackets) * Int64(plan.ptime) * 1_000_000
            let end = max(agentStart, callerStart) + talk
            media = MediaTiming(callerStart: callerStart, agentStart: agentStart, end: end)
            let byeTime = end + rng.millis(10, 150)
            add(byeTime, plan.hangupByCaller, bye())
            add(byeTime + rng.millis(5, 40), !plan.hangupByCaller, byeResponse())
        case .noAnswer:
            add(t0 + rng.millis(40, min(400, ringMs / 2)), false, response(180, "Ringing"))
            add(finalTime, true, cancel())
            let cancelOK = finalTime + rng.millis(5, 30)
            add(cancelOK, false, response(200, "OK", method: "CANCEL"))
            let terminated = cancelOK + rng.millis(1, 5)
            add(terminated, false, response(487, "Request Terminated"))
            add(terminated + ackDelay, true, ackFailure())
        case .busy:
            add(finalTime, false, response(486, "Busy Here"))
            add(finalTime + ackDelay, true, ackFailure())
        case .rejected:
            if plan.finalStatus == 603 {
                add(t0 + rng.millis(40, min(400, ringMs / 2)), false, response(180, "Ringing"))
                add(finalTime, false, response(603, "Decline"))
            } else {
                add(finalTime, false, response(403, "Forbidden"))
            }
            add(finalTime + ackDelay, true, ackFailure())
        case .failed:
            add(finalTime, false, response(503, "Service Unavailable"))
            add(finalTime + ackDelay, true, ackFailure())
        }
        return (events, media)
    }

    // MARK: Headers

    private var callerURI: String { "sip:\(plan.callerNumber)@\(callerHost)" }
    private var callerContact: String { "<sip:\(plan.callerNumber)@\(callerHost):5060>" }
    private var requestURI: String { "sip:\(plan.dialledNumber)@\(pbxHost)" }
    private var pbxContactURI: String { "sip:\(plan.dialledNumber)@\(pbxHost):5060" }
    private var fromHeader: String { "From: \"\(plan.callerNumber)\" <\(callerURI)>;tag=\(fromTag)" }
    private func toHeader(tagged: Bool) -> String {
        "To: <\(requestURI)>" + (tagged ? ";tag=\(toTag)" : "")
    }
    private func callerVia(_ branch: String, received: Bool) -> String {
        "Via: SIP/2.0/UDP \(callerHost):5060;" + (received ? "rport=5060" : "rport") + ";branch=\(branch)"
    }
    private var pbxVia: String { "Via: SIP/2.0/UDP \(pbxHost):5060;branch=\(byeBranch)" }

    private static let allow = "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS"

    private func message(_ lines: [String], body: String = "", contentType: Bool = false) -> String {
        var text = lines.joined(separator: "\r\n") + "\r\n"
        if contentType { text += "Content-Type: application/sdp\r\n" }
        text += "Content-Length: \(body.utf8.count)\r\n\r\n" + body
        return text
    }

    // MARK: Messages

    private func invite() -> String {
        let other: G711Codec = plan.codec == .pcmu ? .pcma : .pcmu
        let sdp = sessionDescription(
            session: callerSession, host: callerHost, port: plan.callerMediaPort, codecs: [plan.codec, other])
        return message([
            "INVITE \(requestURI) SIP/2.0",
            callerVia(inviteBranch, received: false),
            "Max-Forwards: 70",
            fromHeader,
            toHeader(tagged: false),
            "Call-ID: \(plan.callID)",
            "CSeq: 1 INVITE",
            "Contact: \(callerContact)",
            Self.allow,
            "Supported: replaces, timer",
            "User-Agent: callscope-synth phone/1.0",
        ], body: sdp, contentType: true)
    }

    private func response(_ code: Int, _ reason: String, method: String = "INVITE") -> String {
        var lines = [
            "SIP/2.0 \(code) \(reason)",
            callerVia(inviteBranch, received: true),
            fromHeader,
            toHeader(tagged: code != 100),
            "Call-ID: \(plan.callID)",
            "CSeq: 1 \(method)",
        ]
        if method == "INVITE", code == 180 || code == 200 { lines.append("Contact: <\(pbxContactURI)>") }
        if code == 200, method == "INVITE" {
            lines.append(Self.allow)
            lines.append("Supported: replaces, timer")
        }
        lines.append("Server: callscope-synth pbx/1.0")
        if code == 200, method == "INVITE" {
            let sdp = sessionDescription(
                session: agentSession, host: agentHost, port: plan.agentMediaPort, codecs: [plan.codec])
            return message(lines, body: sdp, contentType: true)
        }
        return message(lines)
    }

    private func ack2xx() -> String {
        message([
            "ACK \(pbxContactURI) SIP/2.0",
            callerVia(ackBranch, received: false),
            "Max-Forwards: 70",
            fromHeader,
            toHeader(tagged: true),
            "Call-ID: \(plan.callID)",
            "CSeq: 1 ACK",
        ])
    }

    private func ackFailure() -> String {
        message([
            "ACK \(requestURI) SIP/2.0",
            callerVia(inviteBranch, received: false),
            "Max-Forwards: 70",
            fromHeader,
            toHeader(tagged: true),
            "Call-ID: \(plan.callID)",
            "CSeq: 1 ACK",
        ])
    }

    private func cancel() -> String {
        message([
            "CANCEL \(requestURI) SIP/2.0",
            callerVia(inviteBranch, received: false),
            "Max-Forwards: 70",
            fromHeader,
            toHeader(tagged: false),
            "Call-ID: \(plan.callID)",
            "CSeq: 1 CANCEL",
        ])
    }

    private func bye() -> String {
        if plan.hangupByCaller {
            return message([
                "BYE \(pbxContactURI) SIP/2.0",
                callerVia(byeBranch, received: false),
                "Max-Forwards: 70",
                fromHeader,
                toHeader(tagged: true),
                "Call-ID: \(plan.callID)",
                "CSeq: 2 BYE",
                "User-Agent: callscope-synth phone/1.0",
            ])
        }
        return message([
            "BYE sip:\(plan.callerNumber)@\(callerHost):5060 SIP/2.0",
            pbxVia,
            "Max-Forwards: 70",
            "From: <\(requestURI)>;tag=\(toTag)",
            "To: \"\(plan.callerNumber)\" <\(callerURI)>;tag=\(fromTag)",
            "Call-ID: \(plan.callID)",
            "CSeq: \(pbxCSeq) BYE",
            "Server: callscope-synth pbx/1.0",
        ])
    }

    private func byeResponse() -> String {
        if plan.hangupByCaller {
            return message([
                "SIP/2.0 200 OK",
                callerVia(byeBranch, received: true),
                fromHeader,
                toHeader(tagged: true),
                "Call-ID: \(plan.callID)",
                "CSeq: 2 BYE",
                "Server: callscope-synth pbx/1.0",
            ])
        }
        return message([
            "SIP/2.0 200 OK",
            pbxVia,
            "From: <\(requestURI)>;tag=\(toTag)",
            "To: \"\(plan.callerNumber)\" <\(callerURI)>;tag=\(fromTag)",
            "Call-ID: \(plan.callID)",
            "CSeq: \(pbxCSeq) BYE",
            "User-Agent: callscope-synth phone/1.0",
        ])
    }

    /// An SDP offer or answer (RFC 4566 §5, RFC 3264): one audio stream, static G.711 types.
    private func sessionDescription(session: UInt64, host: String, port: UInt16, codecs: [G711Codec]) -> String {
        var lines = [
            "v=0",
            "o=- \(session) \(session) IN IP4 \(host)",
            "s=callscope-synth",
            "c=IN IP4 \(host)",
            "t=0 0",
            "m=audio \(port) RTP/AVP " + codecs.map { String($0.payloadType) }.joined(separator: " "),
        ]
        for codec in codecs { lines.append("a=rtpmap:\(codec.payloadType) \(codec.rawValue)/8000") }
        lines.append("a=ptime:\(plan.ptime)")
        lines.append("a=sendrecv")
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}

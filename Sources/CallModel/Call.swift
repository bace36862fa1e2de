/// One telephone call, whatever it was reconstructed from (a SIP capture or a PBX CDR file).
///
/// A call from a capture is the set of SIP dialogs sharing a Call-ID that begin with an
/// initial INVITE (RFC 3261 §12, §13). Durations are derived from the timestamps, never
/// stored twice: `ringTime` and `talkTime` follow the README's definitions.
public struct Call: Sendable, Hashable {
    /// The SIP Call-ID, or the CDR's unique call key.
    public var callID: String
    /// The input the call came from (file base name, or `stdin`).
    public var source: String
    /// Transport of the signalling (`udp`, `tcp`, `sctp`), nil for CDR calls.
    public var transport: String?
    /// First INVITE (captures) or call start (CDR).
    public var start: Timestamp
    /// Calling number (P-Asserted-Identity, Remote-Party-ID or From user; see README).
    public var caller: String?
    /// Dialled number: the campaign tracking number (Request-URI user of the initial INVITE).
    public var dialed: String?
    /// The number the call was diverted from (Diversion, History-Info).
    public var divertedFrom: String?
    /// How the call ended.
    public var outcome: CallOutcome
    /// Final status code of the initial INVITE (after any auth challenge).
    public var finalStatus: Int?
    /// Cause of the Reason header (RFC 3326) of the message that ended the call; Q.850 preferred.
    public var reasonCause: Int?
    /// Post-dial delay: first INVITE to first 18x, in milliseconds.
    public var pddMilliseconds: Int64?
    /// First 2xx to the initial INVITE.
    public var answeredAt: Timestamp?
    /// BYE, or the final response when unanswered.
    public var endedAt: Timestamp?
    /// Total time on hold (re-INVITE/UPDATE with sendonly, recvonly, inactive or c=0.0.0.0).
    public var holdNanoseconds: Int64
    /// Who ended the call.
    public var endedBy: CallParty?
    /// SIP messages that belong to the call (retransmissions included).
    public var packets: Int
    /// Of those, retransmissions (RFC 3261 §17).
    public var retransmissions: Int
    /// The input ended while the call was still in progress.
    public var truncated: Bool
    /// The dialogs (To tags) that received responses: the answered one and early dialogs of forks.
    public var legs: [CallLeg]
    /// SDP session descriptions seen in the call, in order (kept for RTP association).
    public var media: [MediaOffer]

    public init(
        callID: String, source: String, transport: String? = nil, start: Timestamp,
        caller: String? = nil, dialed: String? = nil, divertedFrom: String? = nil,
        outcome: CallOutcome = .unknown, finalStatus: Int? = nil, reasonCause: Int? = nil,
        pddMilliseconds: Int64? = nil, answeredAt: Timestamp? = nil, endedAt: Timestamp? = nil,
        holdNanoseconds: Int64 = 0, endedBy: CallParty? = nil, packets: Int = 0,
        retransmissions: Int = 0, truncated: Bool = false, legs: [CallLeg] = [], media: [MediaOffer] = []
    ) {
        self.callID = callID; self.source = source; self.transport = transport; self.start = start
        self.caller = caller; self.dialed = dialed; self.divertedFrom = divertedFrom
        self.outcome = outcome; self.finalStatus = finalStatus; self.reasonCause = reasonCause
        self.pddMilliseconds = pddMilliseconds; self.answeredAt = answeredAt; self.endedAt = endedAt
        self.holdNanoseconds = holdNanoseconds; self.endedBy = endedBy; self.packets = packets
        self.retransmissions = retransmissions; self.truncated = truncated; self.legs = legs; self.media = media
    }

    /// `ring_s`: start to answer, or to the end when unanswered; nil when that end is unknown.
    public var ringTime: Duration3? {
        guard let stop = answeredAt ?? endedAt else { return nil }
        return Duration3(nanoseconds: start.distance(to: stop))
    }

    /// `talk_s`: answer to end; zero for an unanswered call that ended; nil when the end is unknown.
    public var talkTime: Duration3? {
        guard let endedAt else { return nil }
        guard let answeredAt else { return Duration3(nanoseconds: 0) }
        return Duration3(nanoseconds: max(0, answeredAt.distance(to: endedAt)))
    }

    /// `hold_s`.
    public var holdTime: Duration3 { Duration3(nanoseconds: holdNanoseconds) }
}

/// One dialog of a call, identified by the callee's To tag (RFC 3261 §12.1).
///
/// Forking proxies (RFC 3261 §16.7) can create several early dialogs for one INVITE; the one
/// that received the 2xx is the call, the others are kept here as detail.
public struct CallLeg: Sendable, Hashable {
    /// The To tag of the responses of this dialog.
    public var toTag: String
    /// The highest status code this dialog sent to the initial INVITE.
    public var status: Int
    /// When the first response of this dialog was seen.
    public var firstSeen: Timestamp
    /// Whether this is the dialog that answered the call.
    public var answered: Bool

    public init(toTag: String, status: Int, firstSeen: Timestamp, answered: Bool) {
        self.toTag = toTag; self.status = status; self.firstSeen = firstSeen; self.answered = answered
    }
}

/// Media direction of an SDP description (RFC 4566 §6, RFC 3264 §5.1).
public enum MediaDirection: String, Sendable, Hashable, Codable {
    case sendrecv, sendonly, recvonly, inactive
}

/// One SDP body seen in the call, reduced to what RTP association needs (RFC 4566).
public struct MediaOffer: Sendable, Hashable {
    /// When the SDP was seen.
    public var time: Timestamp
    /// Which side sent it.
    public var from: CallParty
    /// The SIP message that carried it, e.g. `INVITE` or `200`.
    public var carriedBy: String
    /// One entry per `m=` line.
    public var streams: [MediaStream]

    public init(time: Timestamp, from: CallParty, carriedBy: String, streams: [MediaStream]) {
        self.time = time; self.from = from; self.carriedBy = carriedBy; self.streams = streams
    }
}

/// One `m=` line with its effective connection address and direction (RFC 4566 §5.7, §5.14).
public struct MediaStream: Sendable, Hashable {
    public var media: String
    public var address: String?
    public var port: Int
    public var proto: String
    public var payloadTypes: [Int]
    /// `a=rtpmap` encodings by payload type, e.g. `8: "PCMA/8000"`.
    public var encodings: [Int: String]
    public var direction: MediaDirection

    public init(media: String, address: String?, port: Int, proto: String, payloadTypes: [Int], encodings: [Int: String], direction: MediaDirection) {
        self.media = media; self.address = address; self.port = port; self.proto = proto
        self.payloadTypes = payloadTypes; self.encodings = encodings; self.direction = direction
    }

    /// Whether this stream puts the call on hold: not sending both ways, or a null address (RFC 3264 §8.4).
    public var isHold: Bool {
        direction != .sendrecv || address == "0.0.0.0" || address == "::"
    }
}

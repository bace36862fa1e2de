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
    /// Transport of the initial INVITE (`udp`, `tcp`, `sctp`, `ws`), nil for CDR calls.
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
    /// The agent (extension, device or name) who answered, when the source says.
    public var agent: String?
    /// The queue or hunt group the call waited in.
    public var queue: String?
    /// `wait_s`: time in queue or ringing before an agent answered; for an unanswered call,
    /// until the caller gave up or the call ended.
    public var waitNanoseconds: Int64?
    /// `system_answered_at`: when an application (IVR, announcement, voicemail, a queue) answered
    /// the caller before any person did; nil when a person answered first or nothing answered
    /// (always nil for captures). `answeredAt` is a person's answer only.
    public var systemAnsweredAt: Timestamp?
    /// `ivr_s`: for a call a system answered, the time from `start` until it reached a queue or a
    /// person (for an IVR drop-off, until it ended); nil otherwise.
    public var ivrNanoseconds: Int64?
    /// `transfers`: how many times an answered call was handed from one agent to another
    /// (blind or attended); 0 when never.
    public var transfers: Int = 0
    /// Inbound, outbound or internal; nil when the rules cannot tell.
    public var direction: CallDirection?
    /// The input format: `pcap`, `asterisk-csv`, `asterisk-queue-log`, `freeswitch-csv`, ...
    public var format: String
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
    /// RTP streams associated with the call (captures only), in order of their first packet.
    public var streams: [RTPStreamSummary] = []
    /// Who spoke when, from decoded audio (captures analysed for talk, or recordings).
    public var talk: TalkSummary?
    /// What brought the call (README "Visit attribution"); nil when the run attributes nothing.
    public var attribution: VisitAttribution?
    /// The call's SIP messages in capture order, retransmissions included (captures only): the ladder.
    public var messages: [SIPMessageSummary] = []

    public init(
        callID: String, source: String, transport: String? = nil, start: Timestamp,
        caller: String? = nil, dialed: String? = nil, divertedFrom: String? = nil,
        outcome: CallOutcome = .unknown, finalStatus: Int? = nil, reasonCause: Int? = nil,
        pddMilliseconds: Int64? = nil, answeredAt: Timestamp? = nil, endedAt: Timestamp? = nil,
        holdNanoseconds: Int64 = 0, endedBy: CallParty? = nil, agent: String? = nil, queue: String? = nil,
        waitNanoseconds: Int64? = nil, direction: CallDirection? = nil, format: String = "pcap", packets: Int = 0,
        retransmissions: Int = 0, truncated: Bool = false, legs: [CallLeg] = [], media: [MediaOffer] = []
    ) {
        self.callID = callID; self.source = source; self.transport = transport; self.start = start
        self.caller = caller; self.dialed = dialed; self.divertedFrom = divertedFrom
        self.outcome = outcome; self.finalStatus = finalStatus; self.reasonCause = reasonCause
        self.pddMilliseconds = pddMilliseconds; self.answeredAt = answeredAt; self.endedAt = endedAt
        self.holdNanoseconds = holdNanoseconds; self.endedBy = endedBy; self.agent = agent; self.queue = queue
        self.waitNanoseconds = waitNanoseconds; self.direction = direction; self.format = format; self.packets = packets
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

    /// `wait_s`, nil when unknown.
    public var waitTime: Duration3? { waitNanoseconds.map(Duration3.init(nanoseconds:)) }

    /// `ivr_s`, nil when no system answered.
    public var ivrTime: Duration3? { ivrNanoseconds.map(Duration3.init(nanoseconds:)) }
}

/// One leg of a call: a SIP dialog (identified by the callee's To tag, RFC 3261 §12.1) or a
/// CDR row of the call (Asterisk uniqueid, FreeSWITCH uuid, CUCM leg).
///
/// Forking proxies (RFC 3261 §16.7) can create several early dialogs for one INVITE, and a PBX
/// writes one CDR row per dial attempt, Local channel half or transfer: the leg that answered
/// is the call, the others are kept here as detail.
public struct CallLeg: Sendable, Hashable {
    /// The To tag (SIP) or the row's unique id (CDR).
    public var id: String
    /// The SIP status (`180`, `200`) or the CDR disposition / hangup cause as written.
    public var status: String
    /// When the leg began (first response seen; CDR start).
    public var start: Timestamp
    /// Whether this leg answered.
    public var answered: Bool
    /// Where the leg went: destination channel, agent, called number (CDR); nil for SIP.
    public var destination: String?
    /// When the leg was answered and ended (CDR).
    public var answeredAt: Timestamp?
    public var endedAt: Timestamp?
    /// The person on this leg who talked with the caller (an agent leg of a CDR call); nil for
    /// SIP dialogs, system answers and legs that never answered.
    public var agent: String?
    /// `talk_s` of the leg: how long `agent` talked with the caller on it; nil when the leg is
    /// not an agent's answered part of the call.
    public var talkNanoseconds: Int64?

    public init(id: String, status: String, start: Timestamp, answered: Bool, destination: String? = nil,
                answeredAt: Timestamp? = nil, endedAt: Timestamp? = nil, agent: String? = nil, talkNanoseconds: Int64? = nil) {
        self.id = id; self.status = status; self.start = start; self.answered = answered
        self.destination = destination; self.answeredAt = answeredAt; self.endedAt = endedAt
        self.agent = agent; self.talkNanoseconds = talkNanoseconds
    }
}

/// Whether a call came into the site, went out of it, or stayed inside (see README "Direction").
public enum CallDirection: String, Sendable, Hashable, CaseIterable, Codable {
    case inbound, outbound, `internal`
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

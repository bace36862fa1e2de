/// The measured quality of one RTP stream: one SSRC sent from one transport address to another
/// (RFC 3550 §6.4.1 for jitter, Appendix A.1 and A.3 for sequence numbers and loss).
///
/// Loss is counted as tshark's `rtp,streams` counts it: packets expected from the extended
/// sequence range minus packets received, so duplicates can make it negative.
public struct RTPStreamSummary: Sendable, Hashable {
    public var ssrc: UInt32
    /// `address:port` (IPv6 as `[address]:port`).
    public var source: String
    public var destination: String
    /// Which party sent it; nil for a stream that belongs to no call (an orphan).
    public var sender: CallParty?
    /// The first payload type that is not DTMF or comfort noise, e.g. `0`.
    public var payloadType: Int
    /// Encoding name from the SDP rtpmap or the static table of RFC 3551 §6, e.g. `PCMU/8000`.
    public var codec: String?
    /// RTP timestamp units per second (8000 for G.711).
    public var clockRate: Int
    public var firstPacket: Timestamp
    public var lastPacket: Timestamp
    /// RTP packets received, duplicates included.
    public var packets: Int
    /// Extended highest sequence number minus the first one, plus one (RFC 3550 A.3).
    public var expected: Int
    /// `expected - packets`; negative when duplicates outnumber losses.
    public var lost: Int
    public var duplicates: Int
    /// Packets whose sequence number is below the highest seen (late or reordered).
    public var outOfOrder: Int
    /// Largest gap between consecutive packets' arrival, milliseconds.
    public var maxDeltaMilliseconds: Double
    /// Interarrival jitter (RFC 3550 §6.4.1), milliseconds: the last and the largest value.
    public var jitterMilliseconds: Double
    public var maxJitterMilliseconds: Double
    public var meanJitterMilliseconds: Double
    /// RFC 4733 telephone-event packets and the distinct events (key presses) they carry.
    public var dtmfPackets: Int
    public var dtmfEvents: Int
    /// Comfort-noise packets (RFC 3389, payload type 13 or `CN`).
    public var comfortNoisePackets: Int
    /// Estimated listening MOS from the simplified E-model (see `EModel`); nil without a known codec.
    public var mos: Double?

    public init(
        ssrc: UInt32, source: String, destination: String, sender: CallParty?, payloadType: Int, codec: String?,
        clockRate: Int, firstPacket: Timestamp, lastPacket: Timestamp, packets: Int, expected: Int, lost: Int,
        duplicates: Int, outOfOrder: Int, maxDeltaMilliseconds: Double, jitterMilliseconds: Double,
        maxJitterMilliseconds: Double, meanJitterMilliseconds: Double, dtmfPackets: Int, dtmfEvents: Int,
        comfortNoisePackets: Int, mos: Double?
    ) {
        self.ssrc = ssrc; self.source = source; self.destination = destination; self.sender = sender
        self.payloadType = payloadType; self.codec = codec; self.clockRate = clockRate
        self.firstPacket = firstPacket; self.lastPacket = lastPacket; self.packets = packets
        self.expected = expected; self.lost = lost; self.duplicates = duplicates; self.outOfOrder = outOfOrder
        self.maxDeltaMilliseconds = maxDeltaMilliseconds; self.jitterMilliseconds = jitterMilliseconds
        self.maxJitterMilliseconds = maxJitterMilliseconds; self.meanJitterMilliseconds = meanJitterMilliseconds
        self.dtmfPackets = dtmfPackets; self.dtmfEvents = dtmfEvents; self.comfortNoisePackets = comfortNoisePackets
        self.mos = mos
    }

    /// The SSRC as tshark prints it: `0x` and eight hex digits.
    public var ssrcText: String {
        let digits = String(ssrc, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// `lost / expected` as a percentage (0 when nothing was expected).
    public var lossPercent: Double {
        expected > 0 ? Double(lost) * 100 / Double(expected) : 0
    }
}

/// Who holds the conversation during one stretch of a call's talk timeline.
public enum TalkOwner: String, Sendable, Hashable, Codable, CaseIterable {
    /// Only the caller (customer side of an inbound call) speaks.
    case caller
    /// Only the agent speaks.
    case agent
    /// Both speak at once (overtalk).
    case both
    /// Neither speaks (dead air).
    case silence
}

/// One stretch of the ownership timeline, offsets in nanoseconds from `TalkSummary.start`.
public struct TalkSegment: Sendable, Hashable {
    public var owner: TalkOwner
    public var start: Int64
    public var end: Int64

    public init(owner: TalkOwner, start: Int64, end: Int64) {
        self.owner = owner; self.start = start; self.end = end
    }

    public var duration: Int64 { end - start }
}

/// Who spoke when in one call, from voice activity detected on each side's audio.
///
/// The caller/agent naming follows the call-centre view: the agent is the callee of inbound
/// calls and the caller of outbound calls unless a number pattern says otherwise.
public struct TalkSummary: Sendable, Hashable {
    /// The origin of the timeline (the first audio of either side).
    public var start: Timestamp
    /// Length of the analysed audio, nanoseconds.
    public var duration: Int64
    /// Which SIP party (or WAV channel owner) is the agent.
    public var agentParty: CallParty
    public var callerTalk: Int64
    public var agentTalk: Int64
    /// Both speaking at once.
    public var overtalk: Int64
    /// Neither speaking.
    public var silence: Int64
    public var longestCallerMonologue: Int64
    public var longestAgentMonologue: Int64
    /// Times the caller started speaking while the agent was speaking, and the reverse.
    public var callerInterruptions: Int
    public var agentInterruptions: Int
    /// The ownership timeline, in order, adjacent segments never share an owner.
    public var segments: [TalkSegment]
    /// Speaking time of each side in each tenth of the call (index 0 = first tenth), nanoseconds.
    public var callerTalkByTenth: [Int64]
    public var agentTalkByTenth: [Int64]

    public init(
        start: Timestamp, duration: Int64, agentParty: CallParty, callerTalk: Int64, agentTalk: Int64,
        overtalk: Int64, silence: Int64, longestCallerMonologue: Int64, longestAgentMonologue: Int64,
        callerInterruptions: Int, agentInterruptions: Int, segments: [TalkSegment],
        callerTalkByTenth: [Int64], agentTalkByTenth: [Int64]
    ) {
        self.start = start; self.duration = duration; self.agentParty = agentParty
        self.callerTalk = callerTalk; self.agentTalk = agentTalk; self.overtalk = overtalk; self.silence = silence
        self.longestCallerMonologue = longestCallerMonologue; self.longestAgentMonologue = longestAgentMonologue
        self.callerInterruptions = callerInterruptions; self.agentInterruptions = agentInterruptions
        self.segments = segments; self.callerTalkByTenth = callerTalkByTenth; self.agentTalkByTenth = agentTalkByTenth
    }

    /// The agent's share of all speech, `agentTalk / (agentTalk + callerTalk)`; nil when nobody spoke.
    public var agentShare: Double? {
        let total = agentTalk + callerTalk
        return total > 0 ? Double(agentTalk) / Double(total) : nil
    }
}

extension TalkSummary {
    /// The same timeline with `party` as the agent: when it differs from `agentParty`, the
    /// caller and agent figures trade places (an outbound call's agent is the SIP caller).
    public func withAgent(_ party: CallParty) -> TalkSummary {
        guard party != agentParty else { return self }
        var swapped = self
        swapped.agentParty = party
        swapped.callerTalk = agentTalk
        swapped.agentTalk = callerTalk
        swapped.longestCallerMonologue = longestAgentMonologue
        swapped.longestAgentMonologue = longestCallerMonologue
        swapped.callerInterruptions = agentInterruptions
        swapped.agentInterruptions = callerInterruptions
        swapped.callerTalkByTenth = agentTalkByTenth
        swapped.agentTalkByTenth = callerTalkByTenth
        swapped.segments = segments.map { segment in
            var segment = segment
            switch segment.owner {
            case .caller: segment.owner = .agent
            case .agent: segment.owner = .caller
            case .both, .silence: break
            }
            return segment
        }
        return swapped
    }
}

/// The RTP quality of what one party of a call sent, over all its streams (a re-INVITE or a new
/// SSRC can make several): lost packets add up, jitter is the largest stream's mean jitter, MOS
/// the lowest stream's (README "Output schema").
public struct DirectionQuality: Sendable, Hashable {
    public var lost: Int
    public var meanJitterMilliseconds: Double
    public var mos: Double?
}

extension Call {
    /// The quality of the streams `party` sent; nil when it sent none.
    public func rtpQuality(sentBy party: CallParty) -> DirectionQuality? {
        let sent = streams.filter { $0.sender == party }
        guard !sent.isEmpty else { return nil }
        return DirectionQuality(
            lost: sent.reduce(0) { $0 + $1.lost },
            meanJitterMilliseconds: sent.map(\.meanJitterMilliseconds).max() ?? 0,
            mos: sent.compactMap(\.mos).min()
        )
    }
}

import CallModel
import PacketDecoding
import RTPAnalysis

/// Ties RTP streams to calls and measures them (RFC 3264 offer/answer, RFC 3550).
///
/// Every SDP body of a call (offers, answers, re-INVITEs, every hop's copy) announces the
/// transport address where its sender receives media. A stream (one SSRC from one address to
/// another) belongs to the call whose SDP announced its destination, the receiver; failing
/// that, the one whose SDP announced its source, the sender, which is how symmetric RTP from
/// behind a NAT is found (RFC 4961): the far end sends back to where the media came from, not
/// to the private address in the SDP. The address a stream was latched on is then remembered
/// for the call, so a new SSRC on the same path stays with it. Newer SDP wins an address that
/// an earlier call announced (ports are reused).
///
/// RTCP (RFC 3550 §6) is recognised by its packet type and counted, never measured as RTP.
/// Streams no SDP accounts for are kept as orphans, up to `orphanLimit` of them.
struct MediaAssociation {
    /// Who announced an address: the call and the party that receives there.
    struct Owner {
        var callID: String
        var receiver: CallParty
        var rtpmap: [Int: String]
    }

    struct StreamKey: Hashable {
        var source: Endpoint
        var destination: Endpoint
        var ssrc: UInt32
    }

    struct StreamState {
        var callID: String?
        var sender: CallParty?
        var rtpmap: [Int: String] = [:]
        var statistics: RTPStreamStatistics
        /// Endpoint table generation last tried, so an orphan is retried only after new SDP.
        var triedGeneration: Int
        var lastPayloadType: UInt8 = 0xFF
        /// The last payload type's kind and clock rate, kept apart from its `PayloadFormat` so
        /// the per-packet path handles no String.
        var lastKind: PayloadFormat.Kind = .other
        var lastClockRate = 0
        var lastEncoding: AudioEncoding?
        /// Voice activity of the stream (talk analysis only), on the stream's own clock.
        var activity: ActivityTrack?
        /// Audio frames left out of talk: placed more than ``MediaAssociation/audioAheadOfArrival`` ahead of their arrival.
        var misplacedAudio = 0
        /// When its call sent its BYE or CANCEL (copied here so the packet path looks up nothing).
        var callEndedAt: Int64?
        /// A later call announced one of this stream's addresses while it was flowing: the next
        /// packet decides whether it still belongs here (it comes without a pause) or starts
        /// the new call's stream (it comes after a pause: a back-to-back call reusing ports).
        var contested = false
        /// Where the stream's first packet is: input index and packet number.
        var firstInput = 0
        var firstPacket = 0

        mutating func adopt(_ found: (owner: Owner, sender: CallParty)?, generation: Int) {
            triedGeneration = generation
            guard let found else { return }
            callID = found.owner.callID
            sender = found.sender
            rtpmap = found.owner.rtpmap
            lastPayloadType = 0xFF
        }
    }

    /// What a finished call's media came to.
    struct CallMedia {
        var streams: [RTPStreamSummary]
        var talk: TalkSummary?
        /// Audio frames left out of the talk timeline as misplaced (see ``audioAheadOfArrival``).
        var misplacedAudio = 0
    }

    let options: MediaAnalysisOptions
    private var endpoints: [Endpoint: Owner] = [:]
    private var generation = 0
    private var streams = StreamTable<StreamState>()
    private var streamsOfCall: [String: [StreamKey]] = [:]
    private var endpointsOfCall: [String: [Endpoint]] = [:]
    /// Calls that sent a BYE or CANCEL, and when the first was seen: a later call may take their
    /// addresses at once, and their audio after it is not talk.
    private var endedCalls: [String: Int64] = [:]
    /// Streams of calls not yet finished whose addresses a later call took over.
    private var retired: [String: [(key: StreamKey, state: StreamState)]] = [:]
    private(set) var counts = MediaCounts()
    static let orphanLimit = 100_000
    /// Audio this long after the call's BYE or CANCEL is no longer talk (media racing the BYE is).
    /// It also keeps a voice-activity track from growing with packets stamped long after the call
    /// (a capture record whose clock jumped): a track's slots follow its audio's placement.
    static let audioAfterEnd: Int64 = 2_000_000_000
    /// Audio placed (by its RTP timestamp) this far ahead of its arrival is left out of talk.
    static let audioAheadOfArrival: Int64 = 60_000_000_000
    /// How long a stream must have been silent before a new call may take its address over.
    static let quietBeforeReuse: Int64 = 2_000_000_000
    /// A pause this long in a contested stream means its packets now belong to the new call.
    static let pauseBeforeReuse: Int64 = 300_000_000

    init(options: MediaAnalysisOptions) {
        self.options = options
    }

    /// The call sent a BYE or CANCEL at `time`: its media is over.
    mutating func markEnded(_ callID: String, at time: Int64) {
        guard endedCalls[callID] == nil else { return }
        endedCalls[callID] = time
        for key in streamsOfCall[callID] ?? [] {
            if let index = streams.index(of: key) { streams.states[index].callEndedAt = time }
        }
    }

    /// Announces the addresses of one SDP body of `callID`.
    mutating func register(_ offer: MediaOffer, callID: String) {
        for stream in offer.streams where stream.media == "audio" || stream.media == "video" {
            guard stream.port > 0, let text = stream.address, let address = IPAddress(text), !address.isUnspecified else { continue }
            let endpoint = Endpoint(address: address, port: UInt16(truncatingIfNeeded: stream.port))
            claim(endpoint, Owner(callID: callID, receiver: offer.from, rtpmap: stream.encodings), at: offer.time.nanoseconds)
        }
    }

    private mutating func claim(_ endpoint: Endpoint, _ owner: Owner, at time: Int64) {
        if let previous = endpoints[endpoint] {
            if previous.callID != owner.callID {
                retireStreams(of: previous.callID, at: endpoint, now: time)
            } else if previous.receiver == owner.receiver, previous.rtpmap == owner.rtpmap {
                return  // the same announcement again (a retransmission, another hop's copy)
            }
        }
        endpoints[endpoint] = owner
        endpointsOfCall[owner.callID, default: []].append(endpoint)
        generation += 1
    }

    /// A later call announced an address an earlier call's streams use (ports are reused,
    /// and some stacks reuse SSRCs too): those streams are finished as they are when their
    /// call already sent its BYE or CANCEL or they went quiet (nothing for `quietBeforeReuse`),
    /// so the new call's packets start streams of their own. A stream still flowing is marked
    /// contested and its next packet decides (see `handle`): two legs of one B2BUA call often
    /// announce the same address while media goes on.
    private mutating func retireStreams(of callID: String, at endpoint: Endpoint, now: Int64) {
        guard let keys = streamsOfCall[callID] else { return }
        var kept: [StreamKey] = []
        for key in keys {
            if key.source == endpoint || key.destination == endpoint, let index = streams.index(of: key) {
                if endedCalls[callID] != nil || now - streams.states[index].statistics.lastArrival > Self.quietBeforeReuse,
                   let state = streams.remove(key) {
                    retired[callID, default: []].append((key, state))
                    continue
                }
                streams.states[index].contested = true
            }
            kept.append(key)
        }
        streamsOfCall[callID] = kept
    }

    /// Ends a contested stream that paused: it stays with its call, and its key is free for
    /// the call that took its address over.
    private mutating func retire(_ key: StreamKey) {
        guard let state = streams.remove(key), let callID = state.callID else { return }
        streamsOfCall[callID]?.removeAll { $0 == key }
        retired[callID, default: []].append((key, state))
    }

    /// Takes a UDP datagram that is not SIP. Returns false when it is neither RTP nor RTCP.
    mutating func handle(_ flow: FlowKey, _ payload: UnsafeRawBufferPointer, arrival: Int64, input: Int, packet: Int) -> Bool {
        guard let header = RTPHeader.parse(payload) else {
            guard RTCPPacket.looksLikeRTCP(payload) else { return false }
            counts.rtcpPackets += 1
            return true
        }
        let key = StreamKey(source: flow.source, destination: flow.destination, ssrc: header.ssrc)
        var existing = streams.index(of: key)
        if let index = existing, Self.isContested(&streams.states[index]) {
            // After a pause, and when neither of its addresses is its call's any more (the new
            // call announced both, as a back-to-back call on the same ports does), the packets
            // are the new call's. A stream whose other end its call still owns stays (silence
            // suppression in a call whose far end a new call happens to reuse).
            let owner = streams.states[index].callID
            if arrival - streams.states[index].statistics.lastArrival > Self.pauseBeforeReuse,
               endpoints[key.source]?.callID != owner, endpoints[key.destination]?.callID != owner {
                retire(key)
                existing = nil  // a new stream starts below
            } else {
                streams.states[index].contested = false
            }
        }
        if var index = existing {
            if Self.awaitsOwner(&streams.states[index], generation: generation) {
                let found = findOwner(key, now: arrival)
                // Finding the owner may have retired other streams, which moves table entries.
                guard let moved = streams.index(of: key) else { return true }
                index = moved
                streams.states[index].adopt(found, generation: generation)
                if let found { streams.states[index].callEndedAt = endedCalls[found.owner.callID] }
                if found != nil { counts.orphanStreams -= 1 }
            }
            Self.update(&streams.states[index], header, payload, arrival, voiceActivity: options.voiceActivity)
        } else {
            var state = StreamState(statistics: RTPStreamStatistics(ssrc: header.ssrc), triedGeneration: -1)
            state.firstInput = input
            state.firstPacket = packet
            state.adopt(findOwner(key, now: arrival), generation: generation)
            if state.callID == nil {
                // Without SDP, well-known ports are other protocols whose first byte happens
                // to look like RTP (DNS, NetBIOS); RTP uses ports above 1023 (RFC 3551 §8).
                guard key.source.port >= 1024, key.destination.port >= 1024 else { return false }
                guard counts.orphanStreams < Self.orphanLimit else {
                    counts.unassociatedPackets += 1
                    return true
                }
                counts.orphanStreams += 1
            }
            state.callEndedAt = state.callID.flatMap { endedCalls[$0] }
            Self.update(&state, header, payload, arrival, voiceActivity: options.voiceActivity)
            streams.insert(key, state)
        }
        counts.rtpPackets += 1
        return true
    }

    private static func isContested(_ state: inout StreamState) -> Bool { state.contested }

    /// Whether an orphan stream should look for its call again (new SDP since it last tried).
    /// Takes the state `inout` so the check reads it in place instead of copying it out.
    private static func awaitsOwner(_ state: inout StreamState, generation: Int) -> Bool {
        state.callID == nil && state.triedGeneration != generation
    }

    /// The call and sender of a new stream, latching the address the SDP did not announce.
    private mutating func findOwner(_ key: StreamKey, now: Int64) -> (owner: Owner, sender: CallParty)? {
        if let receiving = endpoints[key.destination] {
            let sender: CallParty = receiving.receiver == .caller ? .callee : .caller
            if endpoints[key.source] == nil {  // the sender's real address (NAT)
                claim(key.source, Owner(callID: receiving.callID, receiver: sender, rtpmap: receiving.rtpmap), at: now)
            }
            streamsOfCall[receiving.callID, default: []].append(key)
            return (receiving, sender)
        }
        if let sending = endpoints[key.source] {
            let receiver: CallParty = sending.receiver == .caller ? .callee : .caller
            claim(key.destination, Owner(callID: sending.callID, receiver: receiver, rtpmap: sending.rtpmap), at: now)
            streamsOfCall[sending.callID, default: []].append(key)
            return (sending, sending.receiver)
        }
        return nil
    }

    /// Static, so updating a stream in place never copies `self` (and its dictionaries).
    private static func update(_ state: inout StreamState, _ header: RTPHeader, _ payload: UnsafeRawBufferPointer, _ arrival: Int64, voiceActivity: VoiceActivityOptions?) {
        if header.payloadType != state.lastPayloadType {
            state.lastPayloadType = header.payloadType
            let format = PayloadFormat.lookup(Int(header.payloadType), rtpmap: state.rtpmap)
            state.lastKind = format?.kind ?? .other
            state.lastClockRate = format?.clockRate ?? 0
            state.lastEncoding = format.flatMap { $0.kind == .audio ? AudioEncoding.encoding(forRTPMap: $0.name, payloadType: Int(header.payloadType)) : nil }
            if let format, format.kind == .audio { state.statistics.noteAudio(payloadType: Int(header.payloadType), format: format) }
        }
        state.statistics.add(header, arrival: arrival, kind: state.lastKind, clockRate: state.lastClockRate)
        guard let voiceActivity, state.callID != nil, let encoding = state.lastEncoding, state.lastClockRate > 0 else { return }
        if let callEndedAt = state.callEndedAt, arrival.subtractingReportingOverflow(callEndedAt).partialValue > Self.audioAfterEnd { return }
        let rate = state.lastClockRate
        let audio = UnsafeRawBufferPointer(rebasing: payload[header.payloadOffset..<(header.payloadOffset + header.payloadLength)])
        let energy = encoding.frameEnergy(audio)
        guard energy.samples > 0 else { return }
        // Placed by RTP timestamp, re-anchored across timestamp resets by the statistics. The
        // running timestamp is still the sender's to choose (steps just under a reset add up), so
        // it is converted with saturation: a product that once overflowed here stopped the run.
        let offset = Self.nanoseconds(clockUnits: state.statistics.timestampOffset, rate: rate)
        // Audio is heard when it arrives: placed far ahead of its own arrival it is misplaced (a
        // hostile timestamp no reset rule caught), and would only grow the track with silence.
        let arrivalOffset = arrival.subtractingReportingOverflow(state.statistics.firstArrival).partialValue
        if offset.subtractingReportingOverflow(arrivalOffset).partialValue > Self.audioAheadOfArrival {
            state.misplacedAudio += 1
            return
        }
        let duration = Int64(energy.samples) * 1_000_000_000 / Int64(rate)
        if state.activity == nil { state.activity = ActivityTrack(options: voiceActivity) }
        state.activity?.addAudio(at: offset, duration: duration, sumOfSquares: energy.sumOfSquares, samples: energy.samples)
    }

    /// `clockUnits / rate` seconds in nanoseconds, clamped to the range of Int64 instead of trapping.
    static func nanoseconds(clockUnits: Int64, rate: Int) -> Int64 {
        guard rate > 0 else { return 0 }
        let (seconds, remainder) = clockUnits.quotientAndRemainder(dividingBy: Int64(rate))
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return seconds < 0 ? .min : .max }
        // |remainder| < rate, and a clock rate fits in 32 bits, so this product cannot overflow.
        return saturatingAdd(whole, remainder * 1_000_000_000 / Int64(rate))
    }

    /// Ends the media of a call that became final: its streams are measured, its addresses
    /// freed for later calls, and (with voice activity on) its talk timeline built, naming the
    /// callee as the agent (`TalkSummary.withAgent` relabels it once direction is known).
    /// - Parameter endedAt: the call's end: audio placed after it is not talk (nil: open call).
    /// - Parameter answeredAt: the answer; without one there is no conversation and no
    ///   timeline, and audio before it (ringback, announcements) is not talk.
    mutating func finish(callID: String, answeredAt: Timestamp?, endedAt: Timestamp? = nil) -> CallMedia {
        var states = retired.removeValue(forKey: callID) ?? []
        for key in streamsOfCall.removeValue(forKey: callID) ?? [] {
            if let state = streams.remove(key) { states.append((key, state)) }
        }
        var summaries: [RTPStreamSummary] = []
        var tracks: [CallParty: [(origin: Int64, track: ActivityTrack)]] = [:]
        var misplaced = 0
        for (key, state) in states {
            misplaced += state.misplacedAudio
            guard state.statistics.packets > 0 else { continue }
            summaries.append(state.statistics.summary(source: key.source.description, destination: key.destination.description, sender: state.sender))
            if let activity = state.activity, let sender = state.sender {
                tracks[sender, default: []].append((state.statistics.firstArrival, activity))
            }
        }
        for endpoint in endpointsOfCall.removeValue(forKey: callID) ?? [] where endpoints[endpoint]?.callID == callID {
            endpoints[endpoint] = nil
        }
        endedCalls.removeValue(forKey: callID)
        summaries.sort { ($0.firstPacket, $0.ssrc) < ($1.firstPacket, $1.ssrc) }
        var talk: TalkSummary?
        if let vad = options.voiceActivity, !tracks.isEmpty, let answeredAt {
            talk = TalkTimeline.summarize(tracks: tracks, options: vad, from: answeredAt.nanoseconds, to: endedAt?.nanoseconds)
        }
        return CallMedia(streams: summaries, talk: talk, misplacedAudio: misplaced)
    }

    /// A stream that never belonged to a call, and where its first packet is.
    struct Orphan {
        var stream: RTPStreamSummary
        var input: Int
        var packet: Int
    }

    /// The streams that never belonged to a call, in order of their first packet.
    func orphans() -> [Orphan] {
        zip(streams.keys, streams.states).filter { $0.1.callID == nil }.map { key, state in
            Orphan(
                stream: state.statistics.summary(source: key.source.description, destination: key.destination.description, sender: nil),
                input: state.firstInput, packet: state.firstPacket
            )
        }.sorted { ($0.stream.firstPacket, $0.packet) < ($1.stream.firstPacket, $1.packet) }
    }
}

/// Packet counts of the media side of a run.
struct MediaCounts {
    var rtpPackets = 0
    var rtcpPackets = 0
    var orphanStreams = 0
    /// RTP-like datagrams past the orphan limit.
    var unassociatedPackets = 0
}

extension IPAddress {
    /// `0.0.0.0` or `::`: the hold address of RFC 2543 / RFC 3264 §8.4, where nothing is sent.
    var isUnspecified: Bool {
        switch self {
        case .v4(let value): value == 0
        case .v6(let high, let low): high == 0 && low == 0
        }
    }
}

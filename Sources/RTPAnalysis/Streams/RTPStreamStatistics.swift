import CallModel

/// Running quality figures of one RTP stream, updated packet by packet in arrival order.
///
/// - Loss and order (RFC 3550 §A.1, A.3): sequence numbers are extended over 16-bit
///   wraparound; a packet ahead of the highest advances it, one behind it is out of order, and
///   a window of the last 128 numbers tells duplicates apart. Lost = expected - received, as
///   tshark's `rtp,streams` counts it (duplicates can make it negative).
/// - Jitter (RFC 3550 §6.4.1, A.8): J += (|D| - J) / 16 with D the difference of transit
///   times of consecutive packets in arrival order, in milliseconds.
/// - Telephone events (RFC 4733) keep their event's start timestamp, so they leave jitter alone.
/// - Timestamp resets (a gateway switching to T.38 and back, a media server restarting its
///   stream): a timestamp a second or more away from what the sequence numbers say, while the
///   arrival clock disagrees with it by a second or more too, starts a new timestamp base
///   (RFC 3550 §5.1: the timestamp's initial value is random). The stream is re-anchored: the
///   packet is placed where its sequence number puts it (the last packet's timestamp plus the
///   packets since times the packet duration), so the reset is not taken for transit time and
///   jitter, max delta and MOS stay those of the steady stream. A network stall keeps
///   timestamps and sequence numbers in step, and silence suppression's gap is confirmed by
///   the arrival clock: neither is a reset. tshark 4.0 does not re-anchor (README, "Known,
///   checked differences").
/// - Max delta, max and mean jitter leave out what tshark leaves out: the first packet,
///   marker packets (a talkspurt starting after silence suppression), comfort noise and the
///   packet after it, and packets whose timestamp went back, so silence suppression is not
///   mistaken for network delay. The mean is tshark's: a running mean updated on the counted
///   packets and weighted by all packets before them.
///
/// - Complexity: O(1) per packet, no allocation.
public struct RTPStreamStatistics: Sendable {
    public let ssrc: UInt32
    public private(set) var firstArrival: Int64 = 0
    public private(set) var lastArrival: Int64 = 0
    public private(set) var packets = 0
    public private(set) var duplicates = 0
    public private(set) var outOfOrder = 0
    public private(set) var dtmfPackets = 0
    public private(set) var dtmfEvents = 0
    public private(set) var comfortNoisePackets = 0
    /// The first audio payload type seen, and its format.
    public private(set) var audioPayloadType: Int?
    public private(set) var audioFormat: PayloadFormat?

    private var baseSequence: Int64 = 0
    private var highestSequence: Int64 = 0  // extended
    /// Bit i set: sequence `highestSequence - i` was received (i < 128).
    private var recentLow: UInt64 = 0
    private var recentHigh: UInt64 = 0

    private var clockRate = 0
    private var lastTimestamp: UInt32 = 0
    private var extendedTimestamp: Int64 = 0
    /// The last packet with a clock (not a telephone event): its sequence number, timestamp
    /// and arrival (nil sequence: none yet).
    private var lastTimedSequence: UInt16?
    private var lastTimedTimestamp: UInt32 = 0
    private var lastTimedArrivalMilliseconds = 0.0
    /// Clock units per packet, learnt from consecutive packets (0 until then).
    private var packetDuration: Int64 = 0

    /// The last packet's RTP timestamp minus the first one's, unwrapped and re-anchored across
    /// timestamp resets (clock units).
    public var timestampOffset: Int64 { extendedTimestamp }
    /// How many timestamp resets the stream was re-anchored on.
    public private(set) var timestampResets = 0
    private var lastNominalMilliseconds = 0.0
    private var lastArrivalMilliseconds = 0.0
    private var jitter = 0.0
    private var maxJitter = 0.0
    private var meanJitter = 0.0
    private var maxDelta = 0.0
    private var previousWasComfortNoise = false
    private var lastEventTimestamp: UInt32?

    /// How far behind the highest sequence number a packet is still late rather than a jump.
    static let maximumMisorder: Int64 = 256

    public init(ssrc: UInt32) {
        self.ssrc = ssrc
    }

    /// Adds one packet that arrived at `arrival` (nanoseconds since the epoch). `format` is
    /// what its payload type carries (nil when unknown: counted, but no jitter without a clock).
    public mutating func add(_ header: RTPHeader, arrival: Int64, format: PayloadFormat?) {
        if let format, format.kind == .audio, audioPayloadType == nil { noteAudio(payloadType: Int(header.payloadType), format: format) }
        add(header, arrival: arrival, kind: format?.kind ?? .other, clockRate: format?.clockRate ?? 0)
    }

    /// Records the stream's audio format (its first audio payload type), once.
    public mutating func noteAudio(payloadType: Int, format: PayloadFormat) {
        guard audioPayloadType == nil else { return }
        audioPayloadType = payloadType
        audioFormat = format
    }

    /// The per-packet form of ``add(_:arrival:format:)`` with trivial arguments only (no
    /// reference counting per packet); call ``noteAudio(payloadType:format:)`` first for audio.
    public mutating func add(_ header: RTPHeader, arrival: Int64, kind: PayloadFormat.Kind, clockRate rate: Int) {
        let isFirst = packets == 0
        packets += 1
        if isFirst {
            firstArrival = arrival
            baseSequence = Int64(header.sequence)
            highestSequence = baseSequence
            recentLow = 1
            lastTimestamp = header.timestamp
        } else {
            trackSequence(header.sequence)
        }
        switch kind {
        case .telephoneEvent:
            dtmfPackets += 1
            if lastEventTimestamp != header.timestamp {
                dtmfEvents += 1
                lastEventTimestamp = header.timestamp
            }
        case .comfortNoise:
            comfortNoisePackets += 1
        case .audio, .other:
            break
        }

        // Jitter and delta, in arrival order, in milliseconds.
        let arrivalMilliseconds = Double(arrival - firstArrival) / 1_000_000
        var timestampStep = Int64(Int32(bitPattern: header.timestamp &- lastTimestamp))
        lastTimestamp = header.timestamp
        // Telephone events keep the timestamp of the event's start (RFC 4733 §2.5.1.2):
        // they say nothing about transit time, so they leave jitter alone, as in tshark.
        var timed = false
        if kind != .telephoneEvent, rate > 0 {
            timed = true
            if rate != clockRate { clockRate = rate }
            if let lastTimedSequence {
                reanchor(&timestampStep, header, since: lastTimedSequence, arrivalMilliseconds, rate: Int64(rate))
            }
            lastTimedSequence = header.sequence
            lastTimedTimestamp = header.timestamp
            lastTimedArrivalMilliseconds = arrivalMilliseconds
        }
        let timestampWentBack = timestampStep < 0
        extendedTimestamp += timestampStep
        if timed {
            let nominal = Double(extendedTimestamp) * 1000 / Double(rate)
            if !isFirst {
                let expected = lastArrivalMilliseconds + (nominal - lastNominalMilliseconds)
                let difference = abs(arrivalMilliseconds - expected)
                jitter = (15 * jitter + difference) / 16
            }
            lastNominalMilliseconds = nominal
        }
        let delta = arrivalMilliseconds - lastArrivalMilliseconds
        let counts = !isFirst && !header.marker && kind != .comfortNoise && !previousWasComfortNoise && !timestampWentBack
        if counts {
            if delta > maxDelta { maxDelta = delta }
            if timed {
                if jitter > maxJitter { maxJitter = jitter }
                meanJitter = (meanJitter * Double(packets - 2) + jitter) / Double(packets - 1)
            }
        }
        previousWasComfortNoise = kind == .comfortNoise
        lastArrivalMilliseconds = arrivalMilliseconds
        lastArrival = arrival
    }

    /// Replaces the timestamp step of a packet that starts a new timestamp base by the step its
    /// sequence number gives (see the type's notes), and learns the packet duration from
    /// consecutive packets otherwise.
    private mutating func reanchor(
        _ timestampStep: inout Int64, _ header: RTPHeader, since lastSequence: UInt16, _ arrivalMilliseconds: Double, rate: Int64
    ) {
        let stepSinceTimed = Int64(Int32(bitPattern: header.timestamp &- lastTimedTimestamp))
        let sequenceStep = Int64(Int16(bitPattern: header.sequence &- lastSequence))
        let arrivalStep = arrivalMilliseconds - lastTimedArrivalMilliseconds
        let nominalStep = Double(stepSinceTimed) * 1000 / Double(rate)
        let offSequence = abs(stepSinceTimed - sequenceStep * packetDuration) >= rate
        if offSequence, abs(nominalStep - arrivalStep) >= 1000 {
            // Bounded like any 32-bit timestamp step, whatever the packet values.
            let limit = Double(Int32.max)
            let placed = packetDuration > 0 && sequenceStep > 0
                ? Double(sequenceStep * packetDuration)
                : (arrivalStep * Double(rate) / 1000).rounded()
            timestampStep += Int64(min(max(placed, -limit), limit)) - stepSinceTimed
            timestampResets += 1
        } else if sequenceStep == 1, stepSinceTimed > 0, stepSinceTimed < rate, !header.marker {
            packetDuration = stepSinceTimed
        }
    }

    private mutating func trackSequence(_ sequence: UInt16) {
        let low = UInt16(truncatingIfNeeded: highestSequence)
        // Up to 255 behind the highest is a late or duplicate packet; anything else is ahead,
        // a jump counted as loss, as tshark counts it (RFC 3550 A.1 allows MAX_MISORDER = 100).
        let distance = Int64(sequence &- low)
        let step = distance > 65_536 - Self.maximumMisorder ? distance - 65_536 : distance
        if step > 0 {
            highestSequence += step
            shiftWindow(by: step)
            recentLow |= 1
        } else {
            let behind = -step
            if behind < 128, isReceived(behind) {
                duplicates += 1
                return
            }
            if behind > 0 { outOfOrder += 1 }
            markReceived(behind)
        }
    }

    private mutating func shiftWindow(by step: Int64) {
        if step >= 128 {
            recentLow = 0; recentHigh = 0
        } else if step >= 64 {
            recentHigh = recentLow << UInt64(step - 64)
            recentLow = 0
        } else {
            recentHigh = recentHigh << UInt64(step) | (recentLow >> UInt64(64 - step))
            recentLow = recentLow << UInt64(step)
        }
    }

    private func isReceived(_ behind: Int64) -> Bool {
        behind < 64 ? recentLow & (1 << UInt64(behind)) != 0 : recentHigh & (1 << UInt64(behind - 64)) != 0
    }

    private mutating func markReceived(_ behind: Int64) {
        guard behind < 128 else { return }
        if behind < 64 { recentLow |= 1 << UInt64(behind) } else { recentHigh |= 1 << UInt64(behind - 64) }
    }

    /// Extended highest sequence minus the first, plus one.
    public var expected: Int { packets == 0 ? 0 : Int(highestSequence - baseSequence + 1) }
    public var lost: Int { expected - packets }
    public var maxDeltaMilliseconds: Double { maxDelta }
    public var jitterMilliseconds: Double { jitter }
    public var maxJitterMilliseconds: Double { maxJitter }
    public var meanJitterMilliseconds: Double { meanJitter }

    /// The figures as the call model keeps them.
    public func summary(source: String, destination: String, sender: CallParty?) -> RTPStreamSummary {
        let lossPercent = expected > 0 ? Double(max(lost, 0)) * 100 / Double(expected) : 0
        return RTPStreamSummary(
            ssrc: ssrc, source: source, destination: destination, sender: sender,
            payloadType: audioPayloadType ?? -1, codec: audioFormat?.name, clockRate: audioFormat?.clockRate ?? clockRate,
            firstPacket: Timestamp(nanoseconds: firstArrival), lastPacket: Timestamp(nanoseconds: lastArrival),
            packets: packets, expected: expected, lost: lost, duplicates: duplicates, outOfOrder: outOfOrder,
            maxDeltaMilliseconds: maxDelta, jitterMilliseconds: jitter, maxJitterMilliseconds: maxJitter,
            meanJitterMilliseconds: meanJitterMilliseconds, dtmfPackets: dtmfPackets, dtmfEvents: dtmfEvents,
            comfortNoisePackets: comfortNoisePackets,
            mos: EModel.mos(codec: audioFormat?.name, lossPercent: lossPercent, jitterMilliseconds: meanJitterMilliseconds)
        )
    }
}

/// One planned call attempt of a ``SyntheticCaptureSpec``: who calls whom, when, how it
/// ends, and exactly how many records it puts in the capture.
///
/// Why a plan separate from the bytes: tests and benchmarks can know what a capture
/// holds (outcomes, call count, packet count) without parsing it, and the generator
/// turns each plan into packets only while the call is in progress.
///
/// Records per call (``packetCount``), with N = ``talkPackets`` RTP packets each way,
/// P = ptime and R = the RTCP interval:
///
/// | outcome              | SIP messages                                      | SIP | RTP | RTCP                |
/// |----------------------|---------------------------------------------------|-----|-----|---------------------|
/// | answered (200)       | INVITE 100 180 200 ACK BYE 200                    | 7   | 2N  | 2 * ((N*P - 1) / R) |
/// | busy (486)           | INVITE 100 486 ACK                                | 4   | 0   | 0                   |
/// | no answer (487)      | INVITE 100 180 CANCEL 200(CANCEL) 487 ACK         | 7   | 0   | 0                   |
/// | rejected 403         | INVITE 100 403 ACK                                | 4   | 0   | 0                   |
/// | rejected 603         | INVITE 100 180 603 ACK                            | 5   | 0   | 0                   |
/// | failed (503)         | INVITE 100 503 ACK                                | 4   | 0   | 0                   |
///
/// (RTCP: one sender report each way at k*R after that stream's first packet for every
/// k >= 1 with k*R < N*P, integer nanoseconds.) A 20 s answered call at 20 ms:
/// 7 + 2000 + 6 = 2013 records.
public struct SyntheticCallPlan: Sendable, Hashable {
    /// 0-based position in INVITE order.
    public let index: Int
    /// When the INVITE is sent, nanoseconds since the Unix epoch.
    public let inviteTime: Int64
    /// How the attempt ends.
    public let outcome: SyntheticOutcome
    /// The final response to the INVITE: 200, 486, 487, 403, 603 or 503.
    public let finalStatus: Int
    /// The negotiated codec (also the caller's first choice in the offer).
    public let codec: G711Codec
    /// The caller's E.164 number (From), drawn from a pool so callers repeat.
    public let callerNumber: String
    /// The dialled campaign number (Request-URI and To).
    public let dialledNumber: String
    /// The caller phone's IPv4 address, `10.1.x.y`.
    public let callerAddress: IPv4
    /// The agent phone's IPv4 address, `10.2.x.y` (in the SDP answer; meaningful for answered calls).
    public let agentAddress: IPv4
    /// 1-based agent number, matching ``agentAddress``.
    public let agent: Int
    /// The caller phone's RTP port (even; RTCP is the next port).
    public let callerMediaPort: UInt16
    /// The agent phone's RTP port (even; RTCP is the next port).
    public let agentMediaPort: UInt16
    /// From the INVITE to the final response (or to the CANCEL for no answer), nanoseconds.
    public let ringDuration: Int64
    /// RTP packets sent in each direction (0 unless answered); talk time is this times ptime.
    public let talkPackets: Int
    /// For answered calls, whether the caller sends the BYE (otherwise the PBX does).
    public let hangupByCaller: Bool
    /// The Call-ID, unique within the capture.
    public let callID: String
    /// Packetization time, milliseconds.
    public let ptime: Int
    /// RTCP interval, nanoseconds.
    public let rtcpIntervalNanoseconds: Int64
    /// Seeds this call's own draws while it is generated (tags, SSRCs, conversation, jitter).
    let callSeed: UInt64

    /// SIP messages on the wire for this call (see the table above).
    public var sipMessageCount: Int {
        switch outcome {
        case .answered, .noAnswer: 7
        case .rejected: finalStatus == 603 ? 5 : 4
        case .busy, .failed: 4
        }
    }

    /// RTCP sender reports sent by each side: k >= 1 with k*R < N*ptime.
    public var rtcpReportsPerDirection: Int {
        guard talkPackets > 0 else { return 0 }
        let span = Int64(talkPackets) * Int64(ptime) * 1_000_000
        return Int((span - 1) / rtcpIntervalNanoseconds)
    }

    /// Records this call puts in the capture: SIP + 2N RTP + 2 * RTCP per direction.
    public var packetCount: Int { sipMessageCount + 2 * talkPackets + 2 * rtcpReportsPerDirection }
}

/// A G.711 codec as negotiated in SDP (RFC 3551 §6, static payload types).
public enum G711Codec: String, Sendable, Hashable, CaseIterable {
    /// mu-law, payload type 0.
    case pcmu = "PCMU"
    /// A-law, payload type 8.
    case pcma = "PCMA"

    /// The static RTP payload type.
    public var payloadType: UInt8 { self == .pcmu ? 0 : 8 }
}

/// An IPv4 address as a 32-bit number in host order, printed dotted-quad.
///
/// Why not a String: the generator writes it into every header, and comparing numbers is cheap.
public struct IPv4: Sendable, Hashable, CustomStringConvertible {
    /// The address, most significant byte first when written on the wire.
    public let value: UInt32

    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        value = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// The PBX, `10.0.0.1`.
    public static let pbx = IPv4(10, 0, 0, 1)

    /// Caller phone number `k` (0-based, below 65024): `10.1.(k / 254).(k % 254 + 1)`.
    static func caller(_ k: Int) -> IPv4 { IPv4(10, 1, UInt8(truncatingIfNeeded: k / 254), UInt8(k % 254 + 1)) }
    /// Agent phone number `k` (0-based, below 65024): `10.2.(k / 254).(k % 254 + 1)`.
    static func agent(_ k: Int) -> IPv4 { IPv4(10, 2, UInt8(truncatingIfNeeded: k / 254), UInt8(k % 254 + 1)) }

    public var description: String {
        "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
    }
}

/// The calls of a ``SyntheticCaptureSpec`` in INVITE order, drawn lazily from the seed.
///
/// Why lazy: memory must not grow with the number of calls; the generator pulls the
/// next plan only when its INVITE time comes. State is O(agents), never O(calls).
public struct SyntheticCallPlanner: Sequence, IteratorProtocol, Sendable {
    private let spec: SyntheticCaptureSpec
    private var rng: Xoshiro256
    private var index = 0
    private var clock: Double
    private var remaining: [Int]
    private let callerPool: Int
    private let meanInterarrival: Double
    private var agentFreeAt: [Int64]
    private let numberOffset: Int
    private let dniWeights: [Int]

    private static let areaCodes = ["201", "312", "415", "617", "713", "206", "305", "503"]

    init(spec: SyntheticCaptureSpec) {
        self.spec = spec
        rng = Xoshiro256(seed: spec.seed)
        clock = Double(spec.startTime)
        let counts = spec.outcomeMix.counts(for: Swift.max(spec.calls, 0))
        remaining = SyntheticOutcome.allCases.map { counts[$0] ?? 0 }
        callerPool = Swift.min(Swift.max(spec.callerPoolSize ?? (Swift.max(spec.calls, 3) * 2 / 3), 1), 60_000)
        let normal = SyntheticOutcome.allCases.map { Swift.max(spec.outcomeMix[$0], 0) }
        let sum = Swift.max(normal.reduce(0, +), .leastNonzeroMagnitude)
        // Mean holding times (s) of each outcome, matching the draws in next().
        let holding = [5.95 + spec.callDuration, 0.3, 19.1, 3.7, 1.1]
        let meanHolding = zip(normal, holding).map { $0 / sum * $1 }.reduce(0, +)
        switch spec.arrivals {
        case .concurrency(let n): meanInterarrival = meanHolding / Double(Swift.max(n, 1)) * 1e9
        case .perSecond(let rate): meanInterarrival = 1e9 / Swift.max(rate, 1e-9)
        }
        agentFreeAt = Array(repeating: 0, count: Swift.max(1, Swift.min(spec.agents, 60_000)))
        numberOffset = Int(Xoshiro256.mix(spec.seed) % 8_000_000)
        dniWeights = spec.campaignNumbers.indices.map { Swift.max(4 - $0, 1) }
    }

    public mutating func next() -> SyntheticCallPlan? {
        let callsLeft = remaining.reduce(0, +)
        guard callsLeft > 0 else { return nil }
        defer { index += 1 }

        // Arrival: Poisson process (the first call at startTime).
        if index > 0 { clock += rng.exponential(mean: meanInterarrival) }
        let inviteTime = Int64(clock.rounded())

        // Outcome: drawn without replacement from the exact counts.
        var pick = rng.below(callsLeft)
        var outcomeIndex = 0
        while pick >= remaining[outcomeIndex] {
            pick -= remaining[outcomeIndex]
            outcomeIndex += 1
        }
        remaining[outcomeIndex] -= 1
        let outcome = SyntheticOutcome.allCases[outcomeIndex]

        // Caller: index u^1.5 * pool, skewed towards the start of the pool so a few numbers call often.
        let u = rng.unit()
        let callerIndex = Swift.min(Int((u * u.squareRoot()) * Double(callerPool)), callerPool - 1)
        let area = Self.areaCodes[callerIndex % Self.areaCodes.count]
        // 7919 is coprime with 8,000,000, so the subscriber part is unique per caller index.
        let subscriber = 2_000_000 + (callerIndex * 7919 + numberOffset) % 8_000_000
        let callerNumber = "+1\(area)\(subscriber)"

        var dniPick = rng.below(dniWeights.reduce(0, +))
        var dni = 0
        while dni < dniWeights.count - 1, dniPick >= dniWeights[dni] {
            dniPick -= dniWeights[dni]
            dni += 1
        }

        let codec: G711Codec = rng.chance(spec.pcmaShare) ? .pcma : .pcmu
        let callerMediaPort = UInt16(10_000 + 2 * rng.below(5_000))
        let agentMediaPort = UInt16(16_384 + 2 * rng.below(8_192))
        let hangupByCaller = rng.chance(0.5)
        let variation = rng.uniform(-1, 1) * spec.durationVariation
        let callSeed = rng.next()

        let finalStatus: Int
        let ring: Int64
        switch outcome {
        case .answered:
            finalStatus = 200
            ring = rng.millis(1_500, 10_000)
        case .busy:
            finalStatus = 486
            ring = rng.millis(80, 500)
        case .noAnswer:
            finalStatus = 487
            ring = rng.millis(8_000, 30_000)
        case .rejected:
            finalStatus = rng.chance(0.5) ? 403 : 603
            ring = finalStatus == 403 ? rng.millis(30, 300) : rng.millis(2_000, 12_000)
        case .failed:
            finalStatus = 503
            ring = rng.millis(20, 2_000)
        }

        var talkPackets = 0
        if outcome == .answered {
            let seconds = spec.callDuration * (1 + variation)
            talkPackets = Swift.max(1, Int((seconds * 1000 / Double(spec.ptime)).rounded()))
        }

        // Agent: a random one among those free at answer time, else the one free soonest.
        let answerTime = inviteTime + ring
        let start = rng.below(agentFreeAt.count)
        var agent = start
        var soonest = start
        var found = false
        for step in 0..<agentFreeAt.count {
            let candidate = (start + step) % agentFreeAt.count
            if agentFreeAt[candidate] <= answerTime {
                agent = candidate
                found = true
                break
            }
            if agentFreeAt[candidate] < agentFreeAt[soonest] { soonest = candidate }
        }
        if !found { agent = soonest }
        if outcome == .answered {
            agentFreeAt[agent] = answerTime + Int64(talkPackets) * Int64(spec.ptime) * 1_000_000 + 2_000_000_000
        }

        let callerAddress = IPv4.caller(callerIndex)
        let callID = "\(hex(callSeed, digits: 16))-\(String(index, radix: 16))@\(callerAddress)"

        return SyntheticCallPlan(
            index: index,
            inviteTime: inviteTime,
            outcome: outcome,
            finalStatus: finalStatus,
            codec: codec,
            callerNumber: callerNumber,
            dialledNumber: spec.campaignNumbers[dni],
            callerAddress: callerAddress,
            agentAddress: IPv4.agent(agent),
            agent: agent + 1,
            callerMediaPort: callerMediaPort,
            agentMediaPort: agentMediaPort,
            ringDuration: ring,
            talkPackets: talkPackets,
            hangupByCaller: hangupByCaller,
            callID: callID,
            ptime: spec.ptime,
            rtcpIntervalNanoseconds: Int64((spec.rtcpInterval * 1e9).rounded()),
            callSeed: callSeed
        )
    }
}

/// Lower-case hexadecimal, zero-padded to `digits`.
func hex(_ value: UInt64, digits: Int) -> String {
    let text = String(value, radix: 16)
    return text.count >= digits ? text : String(repeating: "0", count: digits - text.count) + text
}

/// What a synthetic capture should hold: how many calls, how they arrive, how long
/// they talk, how they end, which codec they use, and the seed that makes it reproducible.
///
/// Why a value: the same spec always yields the same calls (``plannedCalls()``) and
/// the same bytes (``CaptureSynthesizer``), so a benchmark or a test names a capture
/// by its spec instead of shipping hundreds of megabytes.
///
/// The network it models (one SIP leg per call, PBX as a B2BUA with direct media):
/// - caller phones `10.1.x.y` (one address per caller number, so repeat callers reuse it),
///   SIP from port 5060, RTP on an even port in 10000...19998;
/// - the PBX `10.0.0.1:5060` answers every INVITE, and puts the answering agent's phone
///   in the SDP answer;
/// - agent phones `10.2.x.y`, RTP on an even port in 16384...32766.
///
/// So SIP runs caller <-> PBX and RTP/RTCP caller <-> agent (RFC 3261, RFC 4566 c=/m=).
/// MAC addresses are `02:00:` followed by the IPv4 address (locally administered).
///
/// ```swift
/// let spec = SyntheticCaptureSpec(calls: 1000, callDuration: 20, seed: 1)
/// let summary = try CaptureSynthesizer(spec: spec).write(to: "/tmp/big.pcap")
/// ```
public struct SyntheticCaptureSpec: Sendable, Hashable {
    /// Number of call attempts (INVITEs).
    public var calls: Int
    /// How call attempts are spaced in time.
    public var arrivals: Arrivals
    /// Mean talk time of an answered call, in seconds (from answer to hang-up).
    public var callDuration: Double
    /// Talk times are uniform in `callDuration * (1 ± durationVariation)`; 0 makes every call exactly `callDuration`.
    public var durationVariation: Double
    /// The seed every random choice derives from.
    public var seed: UInt64
    /// The share of each outcome; the counts are allocated exactly (see ``OutcomeMix``).
    public var outcomeMix: OutcomeMix
    /// Share of calls negotiating PCMA (PT 8); the rest use PCMU (PT 0).
    public var pcmaShare: Double
    /// Packetization time in milliseconds (RFC 3551 §4.5.14 `a=ptime`): 10...60 in steps of 10.
    public var ptime: Int
    /// Seconds between RTCP sender reports of one stream (RFC 3550 §6.2 suggests 5 s).
    public var rtcpInterval: Double
    /// Time of the first possible INVITE, nanoseconds since the Unix epoch (UTC).
    public var startTime: Int64
    /// Distinct caller numbers; fewer than `calls` makes callers repeat. `nil`: two thirds of `calls`.
    public var callerPoolSize: Int?
    /// Distinct agent phones.
    public var agents: Int
    /// The dialled numbers (campaign DNIs), E.164; a call picks one with weights 4:3:2:1:1...
    public var campaignNumbers: [String]

    /// How call attempts arrive.
    public enum Arrivals: Sendable, Hashable {
        /// Poisson arrivals whose rate keeps about this many calls in progress (Little's law:
        /// rate = concurrency / mean holding time).
        case concurrency(Int)
        /// Poisson arrivals at this many calls per second.
        case perSecond(Double)
    }

    /// 2025-01-06 09:00:00 UTC, a Monday morning.
    public static let defaultStartTime: Int64 = 1_736_154_000 * 1_000_000_000

    /// The default campaign DNIs (fictional numbers).
    public static let defaultCampaignNumbers = ["+18005550100", "+18005550123", "+442071838750", "+18885550142"]

    public init(
        calls: Int,
        arrivals: Arrivals = .concurrency(100),
        callDuration: Double = 20,
        durationVariation: Double = 0.25,
        seed: UInt64,
        outcomeMix: OutcomeMix = .realistic,
        pcmaShare: Double = 0.2,
        ptime: Int = 20,
        rtcpInterval: Double = 5,
        startTime: Int64 = SyntheticCaptureSpec.defaultStartTime,
        callerPoolSize: Int? = nil,
        agents: Int = 150,
        campaignNumbers: [String] = SyntheticCaptureSpec.defaultCampaignNumbers
    ) {
        self.calls = calls
        self.arrivals = arrivals
        self.callDuration = callDuration
        self.durationVariation = durationVariation
        self.seed = seed
        self.outcomeMix = outcomeMix
        self.pcmaShare = pcmaShare
        self.ptime = ptime
        self.rtcpInterval = rtcpInterval
        self.startTime = startTime
        self.callerPoolSize = callerPoolSize
        self.agents = agents
        self.campaignNumbers = campaignNumbers
    }

    /// Checks the ranges the generator relies on.
    /// - Throws: ``SynthesisError`` saying which field is wrong.
    public func validate() throws(SynthesisError) {
        func fail(_ message: String) -> SynthesisError { SynthesisError.invalidSpec(message) }
        guard calls >= 0 else { throw fail("calls must be >= 0, not \(calls)") }
        guard callDuration.isFinite, callDuration > 0, callDuration <= 86_400 else {
            throw fail("callDuration must be in (0, 86400] seconds, not \(callDuration)")
        }
        guard durationVariation.isFinite, durationVariation >= 0, durationVariation < 1 else {
            throw fail("durationVariation must be in [0, 1), not \(durationVariation)")
        }
        guard pcmaShare.isFinite, (0...1).contains(pcmaShare) else { throw fail("pcmaShare must be in [0, 1]") }
        guard (10...60).contains(ptime), ptime % 10 == 0 else { throw fail("ptime must be 10...60 ms in steps of 10") }
        guard rtcpInterval.isFinite, rtcpInterval >= 1 else { throw fail("rtcpInterval must be >= 1 s") }
        guard startTime >= 0 else { throw fail("startTime must not be before 1970") }
        guard agents >= 1, agents <= 60_000 else { throw fail("agents must be 1...60000") }
        if let pool = callerPoolSize, pool < 1 || pool > 60_000 {
            throw fail("callerPoolSize must be 1...60000")
        }
        guard !campaignNumbers.isEmpty else { throw fail("campaignNumbers must not be empty") }
        for number in campaignNumbers {
            guard number.utf8.count <= 32, number.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2B }) else {
                throw fail("campaign number \(number) is not an E.164-like number")
            }
        }
        try outcomeMix.validate()
        switch arrivals {
        case .concurrency(let n):
            guard n >= 1 else { throw fail("concurrency must be >= 1") }
        case .perSecond(let rate):
            guard rate.isFinite, rate > 0 else { throw fail("arrival rate must be > 0 calls/s") }
        }
    }

    /// The calls this spec describes, in INVITE order, computed lazily (O(1) memory).
    public func plannedCalls() -> SyntheticCallPlanner { SyntheticCallPlanner(spec: self) }

    /// The number of records ``CaptureSynthesizer`` writes for this spec: the sum of
    /// ``SyntheticCallPlan/packetCount`` over ``plannedCalls()``.
    public func expectedPacketCount() -> Int {
        var total = 0
        for call in plannedCalls() { total += call.packetCount }
        return total
    }
}

/// How the attempts of a ``SyntheticCaptureSpec`` end: shares of each ``SyntheticOutcome``.
///
/// Why exact counts: a 12-call test must see the mix it asked for, not a random draw.
/// The shares are normalised, turned into counts by the largest-remainder method (ties
/// to the earlier outcome in ``SyntheticOutcome/allCases`` order), and the calls then
/// draw outcomes without replacement, so the plan holds exactly those counts in a
/// seeded random order.
public struct OutcomeMix: Sendable, Hashable {
    /// 200 OK, talk, BYE.
    public var answered: Double
    /// 486 Busy Here.
    public var busy: Double
    /// Ringing until the caller gives up: CANCEL, 487 Request Terminated.
    public var noAnswer: Double
    /// 403 Forbidden or 603 Decline (half each).
    public var rejected: Double
    /// 503 Service Unavailable.
    public var failed: Double

    public init(answered: Double, busy: Double, noAnswer: Double, rejected: Double, failed: Double) {
        self.answered = answered
        self.busy = busy
        self.noAnswer = noAnswer
        self.rejected = rejected
        self.failed = failed
    }

    /// 70% answered, 8% busy, 12% no answer, 6% rejected, 4% failed.
    public static let realistic = OutcomeMix(answered: 0.70, busy: 0.08, noAnswer: 0.12, rejected: 0.06, failed: 0.04)
    /// Every call answered: the benchmark shape ("1,000 calls of 20 s each").
    public static let allAnswered = OutcomeMix(answered: 1, busy: 0, noAnswer: 0, rejected: 0, failed: 0)

    /// The share of one outcome, as given (not normalised).
    public subscript(outcome: SyntheticOutcome) -> Double {
        switch outcome {
        case .answered: answered
        case .busy: busy
        case .noAnswer: noAnswer
        case .rejected: rejected
        case .failed: failed
        }
    }

    func validate() throws(SynthesisError) {
        let shares = SyntheticOutcome.allCases.map { self[$0] }
        guard shares.allSatisfy({ $0.isFinite && $0 >= 0 }), shares.reduce(0, +) > 0 else {
            throw SynthesisError.invalidSpec("outcome shares must be >= 0 and not all 0")
        }
    }

    /// Exact counts for `calls` attempts (largest remainder), in ``SyntheticOutcome/allCases`` order.
    public func counts(for calls: Int) -> [SyntheticOutcome: Int] {
        let outcomes = SyntheticOutcome.allCases
        let shares = outcomes.map { max(self[$0], 0) }
        let total = shares.reduce(0, +)
        guard total > 0, calls > 0 else { return Dictionary(uniqueKeysWithValues: outcomes.map { ($0, 0) }) }
        let ideal = shares.map { $0 / total * Double(calls) }
        var counts = ideal.map { Int($0.rounded(.down)) }
        var left = calls - counts.reduce(0, +)
        let order = outcomes.indices.sorted { a, b in
            let ra = ideal[a] - Double(counts[a]), rb = ideal[b] - Double(counts[b])
            return ra != rb ? ra > rb : a < b
        }
        var index = 0
        while left > 0 {
            counts[order[index % order.count]] += 1
            left -= 1
            index += 1
        }
        return Dictionary(uniqueKeysWithValues: zip(outcomes, counts))
    }
}

/// How a synthetic call attempt ends, and the SIP final response that says so (RFC 3261 §21).
public enum SyntheticOutcome: String, Sendable, Hashable, CaseIterable {
    /// 200 OK, then BYE from either side.
    case answered
    /// 486 Busy Here.
    case busy
    /// 180 Ringing, then the caller's CANCEL and 487 Request Terminated.
    case noAnswer
    /// 403 Forbidden or 603 Decline.
    case rejected
    /// 503 Service Unavailable.
    case failed
}

/// A spec the generator cannot honour, or a capture it cannot write.
///
/// A struct around a private enum (swift-nio's pattern) so new kinds do not break callers.
public struct SynthesisError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable {
        case invalidSpec(String)
        case write(path: String, reason: String)
    }

    private let kind: Kind

    static func invalidSpec(_ message: String) -> SynthesisError { SynthesisError(kind: .invalidSpec(message)) }
    static func write(path: String, reason: String) -> SynthesisError {
        SynthesisError(kind: .write(path: path, reason: reason))
    }

    /// `true` when the spec was rejected before anything was written.
    public var isInvalidSpec: Bool {
        if case .invalidSpec = kind { return true }
        return false
    }

    /// What went wrong, without decoration.
    public var reason: String {
        switch kind {
        case .invalidSpec(let message): message
        case .write(_, let reason): reason
        }
    }

    public var description: String {
        switch kind {
        case .invalidSpec(let message): "invalid capture spec: \(message)"
        case .write(let path, let reason): "\(path): cannot write capture (\(reason))"
        }
    }
}

import CallModel

/// What the ledger (CDR calls) and the wire (captured calls) say about the same period.
public struct ReconcileReport: Sendable {
    /// CDR calls paired with a captured call, in CDR order.
    public var pairs: [ReconciledPair]
    /// CDR calls with no captured call, whose start (clock offset removed) lies inside the
    /// capture's time window: in the ledger, not on the wire.
    public var cdrOnly: [Call]
    /// CDR calls with no captured call outside that window: not counted against either side.
    public var cdrOutsideWindow: Int
    /// Captured calls no CDR call was paired with: on the wire, never written by the PBX.
    public var wireOnly: [Call]
    /// The PBX clock minus the capture clock, estimated from the Call-ID matches; nil when
    /// there were none (then no offset is applied).
    public var clockOffset: ClockOffset?
    /// The capture's time window: its first call's start to its last call's end.
    public var captureWindow: ClosedRange<Timestamp>?

    public init(pairs: [ReconciledPair], cdrOnly: [Call], cdrOutsideWindow: Int, wireOnly: [Call], clockOffset: ClockOffset?, captureWindow: ClosedRange<Timestamp>?) {
        self.pairs = pairs; self.cdrOnly = cdrOnly; self.cdrOutsideWindow = cdrOutsideWindow
        self.wireOnly = wireOnly; self.clockOffset = clockOffset; self.captureWindow = captureWindow
    }

    /// The pairs with at least one difference of `kind`.
    public func mismatches(_ kind: MismatchKind) -> [ReconciledPair] {
        pairs.filter { $0.differences.contains { $0.kind == kind } }
    }

    /// Talk time the ledger states for the matched calls (`talk_s` of the CDR calls).
    public var billedTalkNanoseconds: Int64 { pairs.reduce(0) { $0 &+ ($1.cdr.talkTime?.nanoseconds ?? 0) } }
    /// Talk time measured on the wire for the same calls.
    public var measuredTalkNanoseconds: Int64 { pairs.reduce(0) { $0 &+ ($1.wire.talkTime?.nanoseconds ?? 0) } }

    /// Whether everything agrees: every CDR call matched, no wire-only call, no difference.
    public var allAgree: Bool { cdrOnly.isEmpty && wireOnly.isEmpty && pairs.allSatisfy(\.differences.isEmpty) }
}

/// The clock offset between the PBX and the capture host.
public struct ClockOffset: Sendable, Hashable {
    /// PBX time minus capture time: the median of the start differences of the Call-ID matches.
    public var nanoseconds: Int64
    /// How many matches it was estimated from.
    public var samples: Int

    public init(nanoseconds: Int64, samples: Int) { self.nanoseconds = nanoseconds; self.samples = samples }
}

/// A CDR call and the captured call that is the same call.
public struct ReconciledPair: Sendable {
    public enum Method: String, Sendable, Hashable {
        /// The CDR carries the captured call's SIP Call-ID.
        case callID = "call_id"
        /// Same caller and dialled number, start within `--max-skew` after the clock offset.
        case time
    }

    public var cdr: Call
    public var wire: Call
    public var method: Method
    /// The CDR call's start, clock offset removed, minus the captured call's start.
    public var skewNanoseconds: Int64
    public var differences: [Difference]

    public init(cdr: Call, wire: Call, method: Method, skewNanoseconds: Int64, differences: [Difference]) {
        self.cdr = cdr; self.wire = wire; self.method = method; self.skewNanoseconds = skewNanoseconds; self.differences = differences
    }
}

/// What the ledger and the wire disagree on, in one call (README "Reconcile").
public enum MismatchKind: String, Sendable, Hashable, CaseIterable {
    /// Answered on one side, not on the other.
    case outcome
    /// Both unanswered, but not the same way (busy vs congestion...): disposition vs SIP status.
    case status
    /// Answer times further apart than the tolerance.
    case answer
    /// End times further apart than the tolerance.
    case end
    /// Talk (billed vs wire) further apart than the tolerance.
    case talk
    /// Different sides hung up.
    case endedBy = "ended_by"
    /// Caller or dialled number differ (rewriting, withheld numbers).
    case numbers
}

/// One disagreement: its kind and the two values as text.
public struct Difference: Sendable, Hashable {
    public var kind: MismatchKind
    public var cdr: String
    public var wire: String

    public init(kind: MismatchKind, cdr: String, wire: String) { self.kind = kind; self.cdr = cdr; self.wire = wire }
}

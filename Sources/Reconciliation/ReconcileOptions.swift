/// How `Reconciler` pairs and compares calls; every field has a CLI flag (README "Reconcile").
public struct ReconcileOptions: Sendable, Hashable {
    /// How far apart (after the clock offset) a CDR call's start and a captured call's start may
    /// be for a match without a Call-ID (`--max-skew`, default 2 s).
    public var maxSkewNanoseconds: Int64
    /// The largest difference of talk, answer and end times that is not a mismatch
    /// (`--talk-tolerance`, default 1 s).
    public var toleranceNanoseconds: Int64

    public init(maxSkewNanoseconds: Int64 = 2_000_000_000, toleranceNanoseconds: Int64 = 1_000_000_000) {
        self.maxSkewNanoseconds = maxSkewNanoseconds
        self.toleranceNanoseconds = toleranceNanoseconds
    }
}

import CallModel

/// How far a streaming read of a CDR file looks back (README "Output order"): calls are handed
/// on while the file is read, so memory follows the calls in progress, not the calls in the file.
///
/// A call (the rows of one linkedid) is complete when its last row is `rows` rows back and its
/// latest end `closeNanoseconds` before the latest end read so far (cdr_csv writes each row at
/// the hangup of its channel, so the rows of a call are close together). Calls are then put in
/// start order through a window of `reorderNanoseconds`: a call is written once no call still
/// open, and no call whose rows are yet to come (started at most that long before the latest
/// end read), can start before it.
public struct CDRStreamWindow: Sendable, Hashable {
    public var rows: Int
    public var closeNanoseconds: Int64
    public var reorderNanoseconds: Int64

    /// How often (in rows read) complete calls are looked for: 8,192 rows, or every `rows / 2`
    /// rows for a smaller window.
    public var flushRows: Int { max(1, min(8192, rows / 2)) }

    public init(rows: Int = 20_000, closeSeconds: Int64 = 3600, reorderSeconds: Int64 = 6 * 3600) {
        self.rows = rows
        self.closeNanoseconds = closeSeconds * 1_000_000_000
        self.reorderNanoseconds = reorderSeconds * 1_000_000_000
    }
}

/// Calls a streaming read hands on, and how far their order is settled.
public struct CDRStreamBatch: Sendable {
    /// Complete calls, in no particular order.
    public var calls: [Call]
    /// No call handed on later starts before this instant (nanoseconds since the epoch;
    /// `Int64.max` at the end of the file): held calls starting earlier can be written.
    public var startFloor: Int64

    public init(calls: [Call], startFloor: Int64) {
        self.calls = calls
        self.startFloor = startFloor
    }
}

/// A CDR reader that hands calls on while it reads (``CDRStreamWindow``), for files far larger
/// than memory.
public protocol CDRStreamingReader: CDRReader {
    /// Reads every record of `bytes`, handing complete calls to `emit` as it goes (the last
    /// batch with `startFloor` `Int64.max`); `release` is told the offset before which the
    /// reader will not look at `bytes` again.
    func stream(_ bytes: UnsafeRawBufferPointer, context: inout CDRContext, window: CDRStreamWindow,
                release: (Int) -> Void, emit: (CDRStreamBatch) -> Void) throws(CDRError)
}

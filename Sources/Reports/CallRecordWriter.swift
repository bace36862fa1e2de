import CallModel
import Foundation

/// Writes calls as ndjson, json or csv through a ``RecordStream``: on the calling thread, or,
/// when `threaded`, on a thread of its own, so that reading the next calls and encoding the
/// last ones run side by side (`calls --jobs 2`).
///
/// Why a thread: encoding a call's record costs about as much as reading the call from a CDR
/// file (docs/performance.md "CDR steps (session 8)"), so on two cores the two halves overlap.
/// The output is the same bytes either way: one writer thread takes the batches in the order
/// they were handed over. Memory stays bounded: at most ``depth`` batches of ``batchSize``
/// calls wait, and the reading thread waits when they are full.
public final class CallRecordWriter: @unchecked Sendable {
    /// Calls handed to the writer thread at once (the lock is taken once per batch).
    public static let batchSize = 256
    /// Batches that may wait for the writer thread.
    public static let depth = 8

    // Touched by the writer thread only while it runs; by the caller before it starts and after
    // `finish` has seen it end (the lock orders the two).
    private var stream: RecordStream
    private var time: SiteTime
    private let detail: Bool

    private let threaded: Bool
    /// The caller's batch being filled (caller's thread only).
    private var batch: [Call] = []
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [[Call]] = []
    private var closed = false
    private var writerDone = false

    /// - Parameters:
    ///   - detail: nested `streams`, `media` and `messages` (JSON formats).
    ///   - time: the site's clock for the local-time fields.
    ///   - threaded: encode and write on a thread of this writer's own.
    ///   - write: takes each chunk of about 1 MiB of output, in order (on the writer thread when threaded).
    public init(format: RecordStream.Format, header: [String], detail: Bool, time: SiteTime, threaded: Bool,
                write: @escaping ([UInt8]) -> Void) {
        stream = RecordStream(format: format, header: header, write: write)
        self.time = time
        self.detail = detail
        self.threaded = threaded
        guard threaded else { return }
        batch.reserveCapacity(Self.batchSize)
        let thread = Thread { [self] in self.drain() }
        thread.stackSize = 1 << 21
        thread.start()
    }

    /// Writes `call` after the calls appended before it.
    public func append(_ call: consuming Call) {
        guard threaded else {
            stream.append(call: call, detail: detail, time: &time)
            return
        }
        batch.append(call)
        if batch.count >= Self.batchSize { handOver() }
    }

    /// Writes what is left (and closes a JSON array); with a thread, waits until it has written
    /// every call. Call once, after the last `append`.
    public func finish() {
        if threaded {
            if !batch.isEmpty { handOver() }
            condition.lock()
            closed = true
            condition.broadcast()
            while !writerDone { condition.wait() }
            condition.unlock()
        }
        stream.finish()
    }

    /// Queues the caller's batch, waiting while ``depth`` batches already wait.
    private func handOver() {
        let full = batch
        batch = []
        batch.reserveCapacity(Self.batchSize)
        condition.lock()
        while queue.count >= Self.depth { condition.wait() }
        queue.append(full)
        condition.broadcast()
        condition.unlock()
    }

    /// The writer thread: batches in the order they were queued, until `finish` closes the queue.
    private func drain() {
        while true {
            condition.lock()
            while queue.isEmpty && !closed { condition.wait() }
            if queue.isEmpty {
                writerDone = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let calls = queue.removeFirst()
            condition.broadcast()
            condition.unlock()
            for i in calls.indices { stream.append(call: calls[i], detail: detail, time: &time) }
        }
    }
}

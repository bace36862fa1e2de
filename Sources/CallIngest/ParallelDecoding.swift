import Foundation
import PacketCapture
import PacketDecoding

/// What one frame of a capture decoded to, copied out of libpcap's buffer so it can cross
/// threads (`--jobs`): a transport payload, the error that stopped its decoding, or nothing (not
/// IP, an IP fragment held for reassembly). `frame` identifies the frame's bytes for
/// ``DuplicateFrameFilter``, as the one-thread path compares them: the whole frame's hash for a
/// frame that gave nothing, else the hash of its headers (``DuplicateFrameFilter/headerFingerprint(of:)``),
/// which the merge combines with the payload. So a copy taken on another link type or with other
/// IP header fields is a different frame with any `--jobs`.
struct DecodedEvent {
    enum Kind {
        case packet(flow: FlowKey, payload: Range<Int>, tcp: TCPSegmentInfo?, sctp: SCTPDataChunkInfo?)
        case decodeError(String)
        case nothing
    }

    var timestamp: Int64
    var frameNumber: Int
    var kind: Kind
    var frame: Int
}

/// A run of events of one file, in file order, with the bytes their payloads point into.
struct DecodedBatch {
    var events: [DecodedEvent] = []
    var bytes: [UInt8] = []
    /// Frames read for this batch (those that decoded to nothing included).
    var frames = 0
    /// Set on the last batch of the file: the read error that ended it, if any.
    var readError: CaptureError?
    /// Set on the last batch: datagrams still waiting for IP fragments when the file ended
    /// (with `--jobs`, each file has its own defragmenter).
    var unfinishedFragments = 0
    /// The number of the last frame read into this batch.
    var lastFrame = 0
    var isLast = false
}

/// Reads and decodes capture files on `threads` threads, one batch of one file at a time,
/// for the analysis thread (`--jobs`).
///
/// Demand-driven: every file has at most `depth` batches ready or being decoded, so memory
/// stays bounded (a few MiB per file for up to 4 files, 512 KiB per file beyond) however many
/// files are merged, and never more than `threads` threads exist. Only libpcap reading,
/// link/IP/UDP/TCP decoding and defragmentation run here; TCP stream reassembly, SIP and RTP
/// analysis stay on the analysis thread, in timestamp order over all files, so calls spanning
/// files come out whole as without `--jobs`.
final class DecodingPool: @unchecked Sendable {
    private final class Source {
        let file: CaptureFile
        var decoder = PacketDecoder()
        var ready: [DecodedBatch] = []
        var decoding = false
        var finished = false
        init(file: CaptureFile) { self.file = file }
    }

    private let sources: [Source]
    private let condition = NSCondition()
    private var tasks: [Int] = []
    private var stopping = false
    private let batchEvents: Int
    private let batchBytes: Int
    private let depth: Int

    init(files: [CaptureFile], threads: Int) {
        sources = files.map(Source.init)
        let few = files.count <= 4
        batchEvents = few ? 4096 : 512
        batchBytes = few ? 1 << 20 : 1 << 18
        depth = few ? 4 : 2
        tasks = Array(files.indices)
        for source in sources { source.decoding = true }
        for _ in 0..<max(1, min(threads, files.count)) {
            let thread = Thread { [self] in self.work() }
            thread.stackSize = 1 << 21
            thread.start()
        }
    }

    /// Stops the threads once the queued work is done (call after the last batch was taken).
    func shutDown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch of file `index`, waiting for it; the last one has `isLast` set. The
    /// batch after it starts decoding at once.
    func take(_ index: Int) -> DecodedBatch {
        condition.lock()
        defer { condition.unlock() }
        let source = sources[index]
        while source.ready.isEmpty { condition.wait() }
        let batch = source.ready.removeFirst()
        scheduleIfRoom(index)
        return batch
    }

    /// Queues the next batch of file `index` when it has room (call with the lock held).
    private func scheduleIfRoom(_ index: Int) {
        let source = sources[index]
        guard !source.finished, !source.decoding, source.ready.count < depth else { return }
        source.decoding = true
        tasks.append(index)
        condition.broadcast()
    }

    private func work() {
        while true {
            condition.lock()
            while tasks.isEmpty && !stopping { condition.wait() }
            if tasks.isEmpty {
                condition.unlock()
                return
            }
            let index = tasks.removeFirst()
            condition.unlock()
            let batch = decodeBatch(sources[index])  // a source is decoded by one thread at a time
            condition.lock()
            let source = sources[index]
            source.ready.append(batch)
            source.decoding = false
            if batch.isLast { source.finished = true }
            scheduleIfRoom(index)
            condition.broadcast()
            condition.unlock()
        }
    }

    private func decodeBatch(_ source: Source) -> DecodedBatch {
        var batch = DecodedBatch()
        batch.events.reserveCapacity(batchEvents)
        let linkType = LinkType(rawValue: source.file.linkType)
        while batch.events.count < batchEvents, batch.bytes.count < batchBytes {
            let frame: CapturedFrame?
            do { frame = try source.file.next() } catch {
                batch.readError = error
                frame = nil
            }
            guard let frame else {
                batch.isLast = true
                batch.lastFrame = source.file.framesRead
                batch.unfinishedFragments = source.decoder.pendingFragmentGroups
                return batch
            }
            batch.frames += 1
            batch.lastFrame = frame.frameNumber
            let eventsBefore = batch.events.count
            let header = DuplicateFrameFilter.headerFingerprint(of: frame)
            defer {
                if batch.events.count == eventsBefore {
                    batch.events.append(DecodedEvent(timestamp: frame.timestamp, frameNumber: frame.frameNumber, kind: .nothing, frame: DuplicateFrameFilter.fingerprint(of: frame)))
                }
            }
            do {
                _ = try source.decoder.decode(frame: frame.data, linkType: linkType, timestamp: frame.timestamp) { packet in
                    let start = batch.bytes.count
                    batch.bytes.append(contentsOf: packet.payload)
                    batch.events.append(DecodedEvent(
                        timestamp: frame.timestamp, frameNumber: frame.frameNumber,
                        kind: .packet(flow: packet.flow, payload: start..<batch.bytes.count, tcp: packet.tcp, sctp: packet.sctp),
                        frame: header
                    ))
                }
            } catch {
                batch.events.append(DecodedEvent(timestamp: frame.timestamp, frameNumber: frame.frameNumber, kind: .decodeError(String(describing: error)), frame: header))
            }
        }
        return batch
    }
}

extension DecodedBatch {
    /// A hash of frame `index`'s bytes for ``DuplicateFrameFilter``: its header hash with the payload
    /// it decoded to (or the whole frame's hash when it decoded to nothing).
    func fingerprint(of index: Int) -> Int {
        let event = events[index]
        guard case .packet(_, let payload, _, _) = event.kind else { return event.frame }
        var hasher = Hasher()
        hasher.combine(event.frame)
        bytes.withUnsafeBytes { hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: $0[payload])) }
        return hasher.finalize()
    }
}

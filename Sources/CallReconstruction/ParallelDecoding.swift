import Foundation
import PacketCapture
import PacketDecoding

/// What one frame of a capture decoded to, copied out of libpcap's buffer so it can cross
/// threads (`--jobs`): a transport payload, or the error that stopped its decoding.
struct DecodedEvent {
    enum Kind {
        case packet(flow: FlowKey, payload: Range<Int>, tcp: TCPSegmentInfo?)
        case decodeError(String)
    }

    var timestamp: Int64
    var frameNumber: Int
    var kind: Kind
}

/// A run of events of one file, in file order, with the bytes their payloads point into.
struct DecodedBatch {
    var events: [DecodedEvent] = []
    var bytes: [UInt8] = []
    /// Frames read for this batch (those that decoded to nothing included).
    var frames = 0
    /// Set on the last batch of the file: the read error that ended it, if any.
    var readError: CaptureError?
    var isLast = false
}

/// Reads and decodes one capture file on its own thread, handing batches of events to the
/// analysis thread through a small bounded queue (so memory stays bounded: at most
/// `capacity` batches of about 1 MiB wait per file).
///
/// Only libpcap reading, link/IP/UDP/TCP decoding and defragmentation run here; TCP stream
/// reassembly, SIP and RTP analysis stay on the one analysis thread, in timestamp order over
/// all files, so calls spanning files come out whole exactly as without `--jobs`.
final class DecodingWorker: @unchecked Sendable {
    private let file: CaptureFile
    private let condition = NSCondition()
    private var queue: [DecodedBatch] = []
    private let capacity = 4
    private static let batchEvents = 4096
    private static let batchBytes = 1 << 20

    init(file: CaptureFile) {
        self.file = file
    }

    func start() {
        let thread = Thread { [self] in self.work() }
        thread.stackSize = 1 << 22
        thread.start()
    }

    /// The next batch, waiting for it; the last one has `isLast` set.
    func take() -> DecodedBatch {
        condition.lock()
        while queue.isEmpty { condition.wait() }
        let batch = queue.removeFirst()
        condition.signal()
        condition.unlock()
        return batch
    }

    private func put(_ batch: DecodedBatch) {
        condition.lock()
        while queue.count >= capacity { condition.wait() }
        queue.append(batch)
        condition.signal()
        condition.unlock()
    }

    private func work() {
        var decoder = PacketDecoder()
        var batch = DecodedBatch()
        batch.events.reserveCapacity(Self.batchEvents)
        batch.bytes.reserveCapacity(Self.batchBytes + 65_536)
        let linkType = LinkType(rawValue: file.linkType)
        while true {
            let frame: CapturedFrame?
            do { frame = try file.next() } catch {
                batch.readError = error
                break
            }
            guard let frame else { break }
            batch.frames += 1
            do {
                _ = try decoder.decode(frame: frame.data, linkType: linkType, timestamp: frame.timestamp) { packet in
                    let start = batch.bytes.count
                    batch.bytes.append(contentsOf: packet.payload)
                    batch.events.append(DecodedEvent(
                        timestamp: frame.timestamp, frameNumber: frame.frameNumber,
                        kind: .packet(flow: packet.flow, payload: start..<batch.bytes.count, tcp: packet.tcp)
                    ))
                }
            } catch {
                batch.events.append(DecodedEvent(timestamp: frame.timestamp, frameNumber: frame.frameNumber, kind: .decodeError(String(describing: error))))
            }
            if batch.events.count >= Self.batchEvents || batch.bytes.count >= Self.batchBytes {
                put(batch)
                batch = DecodedBatch()
                batch.events.reserveCapacity(Self.batchEvents)
                batch.bytes.reserveCapacity(Self.batchBytes + 65_536)
            }
        }
        batch.isLast = true
        put(batch)
    }
}

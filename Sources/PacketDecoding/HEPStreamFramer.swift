/// Cuts a TCP byte stream of HEPv3 messages (as Kamailio's siptrace, heplify and OpenSIPS send
/// them to a collector over TCP) into messages, by the total length in each `HEP3` header.
///
/// Only HEPv3 can be framed: v1 and v2 headers carry no total length. Bytes that do not start
/// a `HEP3` header (a sender that spoke something else, a connection joined mid-message) are
/// skipped up to the next `HEP3` and counted; at most `limit` bytes are held, so a peer that
/// announces a long message and never sends it costs bounded memory.
public struct HEPStreamFramer: Sendable {
    private var buffer: [UInt8] = []
    private var start = 0
    /// Bytes skipped because they did not start a HEP3 message.
    public private(set) var skippedBytes = 0
    public let limit: Int

    public init(limit: Int = 1 << 20) { self.limit = limit }

    /// Bytes held, waiting for the rest of a message.
    public var bufferedByteCount: Int { buffer.count - start }

    /// Adds bytes received; returns false (and drops what is held) when more than `limit`
    /// bytes would be waiting.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if start > 0, start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        guard bufferedByteCount + bytes.count <= limit else {
            skippedBytes += bufferedByteCount + bytes.count
            buffer.removeAll(keepingCapacity: true)
            start = 0
            return false
        }
        buffer.append(contentsOf: bytes)
        return true
    }

    /// Hands each whole message held to `body` (valid during the call only).
    public mutating func drain(_ body: (UnsafeRawBufferPointer) -> Void) {
        while true {
            let available = buffer.count - start
            guard available >= 6 else { return }
            if !isMagic(at: start) {
                // Resynchronise at the next "HEP3" (or keep the last 3 bytes, which may begin one).
                var next = start + 1
                while next + 4 <= buffer.count, !isMagic(at: next) { next += 1 }
                if next + 4 > buffer.count { next = max(start + 1, buffer.count - 3) }
                skippedBytes += next - start
                start = next
                continue
            }
            let total = Int(buffer[start + 4]) << 8 | Int(buffer[start + 5])
            guard total >= 6 else {
                skippedBytes += 4
                start += 4
                continue
            }
            guard available >= total else { return }
            buffer.withUnsafeBytes { raw in body(UnsafeRawBufferPointer(rebasing: raw[start..<(start + total)])) }
            start += total
        }
    }

    private func isMagic(at index: Int) -> Bool {
        index + 4 <= buffer.count && buffer[index] == 0x48 && buffer[index + 1] == 0x45 && buffer[index + 2] == 0x50 && buffer[index + 3] == 0x33
    }
}

import CallscopeBase
import Testing

@Suite("Big-endian reads")
struct BigEndianTests {
    static let bytes: [UInt8] = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0xFF, 0xFE]

    /// Network byte order at the first and the last offset each width allows.
    @Test func readsAtBounds() {
        Self.bytes.withUnsafeBytes { raw in
            #expect(raw.uint16(at: 0) == 0x0102)
            #expect(raw.uint16(at: raw.count - 2) == 0xFFFE)
            #expect(raw.uint32(at: 0) == 0x0102_0304)
            #expect(raw.uint32(at: raw.count - 4) == 0x0708_FFFE)
            #expect(raw.uint64(at: 0) == 0x0102_0304_0506_0708)
            #expect(raw.uint64(at: raw.count - 8) == 0x0304_0506_0708_FFFE)
        }
    }

    /// The same as the standard library's byte-order conversion of an unaligned load, at every
    /// offset of a slice that does not start at its buffer's start (a rebased slice, as headers are).
    @Test func agreesWithLoadUnaligned() {
        let bytes: [UInt8] = (0..<40).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        bytes.withUnsafeBytes { whole in
            let raw = UnsafeRawBufferPointer(rebasing: whole[3...])
            for offset in 0...(raw.count - 8) {
                #expect(raw.uint16(at: offset) == UInt16(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
                #expect(raw.uint32(at: offset) == UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                #expect(raw.uint64(at: offset) == UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            }
        }
    }
}

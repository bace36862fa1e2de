// Big-endian reads on borrowed bytes.
//
// The subscripts of UnsafeRawBufferPointer are only checked in debug builds, so every
// caller checks `count` against the header length *before* reading; these helpers
// never check on their own. Keep the checks next to the reads they protect.

extension UnsafeRawBufferPointer {
    /// Two bytes at `offset`, network byte order. Caller guarantees `offset + 2 <= count`.
    @inline(__always)
    func uint16(at offset: Int) -> UInt16 {
        UInt16(self[offset]) << 8 | UInt16(self[offset + 1])
    }

    /// Four bytes at `offset`, network byte order. Caller guarantees `offset + 4 <= count`.
    @inline(__always)
    func uint32(at offset: Int) -> UInt32 {
        UInt32(self[offset]) << 24 | UInt32(self[offset + 1]) << 16
            | UInt32(self[offset + 2]) << 8 | UInt32(self[offset + 3])
    }

    /// Eight bytes at `offset`, network byte order. Caller guarantees `offset + 8 <= count`.
    @inline(__always)
    func uint64(at offset: Int) -> UInt64 {
        UInt64(uint32(at: offset)) << 32 | UInt64(uint32(at: offset + 4))
    }

    /// The bytes `from..<to`, sharing storage. Caller guarantees `0 <= from <= to <= count`.
    @inline(__always)
    func slice(from: Int, to: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: self[from..<to])
    }

    /// The bytes from `from` to the end, sharing storage. Caller guarantees `0 <= from <= count`.
    @inline(__always)
    func slice(from: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: self[from..<count])
    }
}

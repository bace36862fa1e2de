// Big-endian (network byte order) reads on borrowed bytes: the one reader of every
// protocol header in the package (IP, UDP, TCP, SCTP, RTP, RTCP, WebSocket, SHA-256 words).
//
// The subscripts of UnsafeRawBufferPointer are only checked in debug builds, so every
// caller checks `count` against the header length *before* reading; these helpers
// never check on their own. Keep the checks next to the reads they protect. They are
// inlined into the callers (the packet path calls them several times per packet).

extension UnsafeRawBufferPointer {
    /// Two bytes at `offset`, network byte order. Caller guarantees `0 <= offset` and `offset + 2 <= count`.
    @inlinable @inline(__always)
    public func uint16(at offset: Int) -> UInt16 {
        UInt16(self[offset]) << 8 | UInt16(self[offset + 1])
    }

    /// Four bytes at `offset`, network byte order. Caller guarantees `0 <= offset` and `offset + 4 <= count`.
    @inlinable @inline(__always)
    public func uint32(at offset: Int) -> UInt32 {
        UInt32(self[offset]) << 24 | UInt32(self[offset + 1]) << 16
            | UInt32(self[offset + 2]) << 8 | UInt32(self[offset + 3])
    }

    /// Eight bytes at `offset`, network byte order. Caller guarantees `0 <= offset` and `offset + 8 <= count`.
    @inlinable @inline(__always)
    public func uint64(at offset: Int) -> UInt64 {
        UInt64(uint32(at: offset)) << 32 | UInt64(uint32(at: offset + 4))
    }
}

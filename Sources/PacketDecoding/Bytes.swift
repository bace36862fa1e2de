// Slices of borrowed bytes; the big-endian reads (`uint16(at:)`, `uint32(at:)`, `uint64(at:)`)
// are CallscopeBase's, the one reader of the package.
//
// The subscripts of UnsafeRawBufferPointer are only checked in debug builds, so every
// caller checks `count` against the header length *before* reading; these helpers
// never check on their own. Keep the checks next to the reads they protect.

extension UnsafeRawBufferPointer {
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

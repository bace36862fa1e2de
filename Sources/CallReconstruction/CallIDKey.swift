import SIPParsing

/// A Call-ID as the key of the tracker's table of calls in progress (``OpenHashTable``): its
/// text and a hash of its bytes, so a message's Call-ID is found from its bytes in the packet
/// without building a `String` or going through `Hasher` (docs/performance.md "SIP steps
/// (session 8)").
///
/// Keys are equal as their `String`s are (`==`, Unicode canonical equivalence), like the
/// `Dictionary` the table replaces: an ASCII Call-ID (all but hostile ones) is hashed on its
/// bytes; any other through the `String`'s own hash, or on the bytes of the ASCII text it is
/// equivalent to (three scalars decompose to ASCII: KELVIN SIGN, GREEK QUESTION MARK, GREEK VARIA).
struct CallIDKey: TableKey, Sendable {
    let text: String
    let tableHash: Int

    init(_ text: String) {
        self.text = text
        self.tableHash = Self.hash(of: text)
    }

    static func == (a: CallIDKey, b: CallIDKey) -> Bool { a.text == b.text }

    /// The hash of the Call-ID at `range` of `message` (equal to its key's ``tableHash``).
    static func hash(_ message: SIPMessageView, _ range: Range<Int>) -> Int {
        let bytes = UnsafeRawBufferPointer(rebasing: message.bytes[range])
        return isASCII(bytes) ? hash(bytes) : hash(of: message.string(range))
    }

    static func hash(of text: String) -> Int {
        if let ascii = text.utf8.withContiguousStorageIfAvailable({ isASCII(UnsafeRawBufferPointer($0)) ? hash(UnsafeRawBufferPointer($0)) : nil }) {
            if let ascii { return ascii }
        } else if text.utf8.allSatisfy({ $0 < 0x80 }) {
            return Array(text.utf8).withUnsafeBytes { hash($0) }
        }
        var folded: [UInt8] = []
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0..<0x80: folded.append(UInt8(scalar.value))
            case 0x212A: folded.append(UInt8(ascii: "K"))
            case 0x037E: folded.append(UInt8(ascii: ";"))
            case 0x1FEF: folded.append(UInt8(ascii: "`"))
            default: return text.hashValue
            }
        }
        return folded.withUnsafeBytes { hash($0) }
    }

    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        for byte in bytes where byte >= 0x80 { return false }
        return true
    }

    /// A multiply-xor fold of the bytes, eight at a time (as ``StreamTable``'s key fold).
    static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        var h = UInt64(truncatingIfNeeded: bytes.count) &* 0x9E37_79B9_7F4A_7C15
        var i = 0
        while i + 8 <= bytes.count {
            h = (h ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < bytes.count {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 29
        return Int(truncatingIfNeeded: h)
    }
}

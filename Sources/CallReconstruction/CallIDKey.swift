import CallscopeBase
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

    /// ``ByteHash/fold(_:)`` of the bytes.
    static func hash(_ bytes: UnsafeRawBufferPointer) -> Int { ByteHash.fold(bytes) }
}

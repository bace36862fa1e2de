/// The header fields of one SCTP DATA chunk (RFC 4960 §3.3.1) or I-DATA chunk (RFC 8260 §2.1)
/// that user-message reassembly needs (RFC 4960 §6.9, RFC 8260 §2.1).
///
/// A user message larger than the path MTU is sent as several chunks: the first has the B
/// (beginning) flag, the last the E (ending) flag, an unfragmented message both. DATA
/// fragments of one message have consecutive TSNs and share the stream identifier and stream
/// sequence number; I-DATA fragments share the stream identifier and message identifier and
/// are numbered by their fragment sequence number (0 for the first), since fragments of
/// several messages may interleave.
public struct SCTPDataChunkInfo: Hashable, Sendable {
    public var tsn: UInt32
    public var streamIdentifier: UInt16
    /// DATA: the stream sequence number (meaningless when unordered); I-DATA: the message identifier.
    public var messageNumber: UInt32
    /// I-DATA: the fragment sequence number (0 for the first fragment, whose field holds the
    /// payload protocol identifier); DATA: 0.
    public var fragmentNumber: UInt32
    /// The chunk flags: E (0x01), B (0x02), U (0x04, unordered), I (0x08, SACK at once).
    public var flags: UInt8
    /// An I-DATA chunk (RFC 8260).
    public var interleaved: Bool

    public init(tsn: UInt32, streamIdentifier: UInt16, messageNumber: UInt32, fragmentNumber: UInt32 = 0, flags: UInt8, interleaved: Bool = false) {
        self.tsn = tsn
        self.streamIdentifier = streamIdentifier
        self.messageNumber = messageNumber
        self.fragmentNumber = fragmentNumber
        self.flags = flags
        self.interleaved = interleaved
    }

    public static let endingFlag: UInt8 = 0x01
    public static let beginningFlag: UInt8 = 0x02
    public static let unorderedFlag: UInt8 = 0x04

    public var ending: Bool { flags & Self.endingFlag != 0 }
    public var beginning: Bool { flags & Self.beginningFlag != 0 }
    public var unordered: Bool { flags & Self.unorderedFlag != 0 }
    /// A whole user message in one chunk (B and E both set).
    public var isWholeMessage: Bool { beginning && ending }
}

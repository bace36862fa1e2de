/// One SIP message of a captured call, reduced to what a ladder diagram (sngrep, Homer) draws:
/// when, from where to where, what it was and its transaction (RFC 3261 §7.1, §7.2, §20.16).
///
/// Kept for every message the call tracker attributes to a call, retransmissions included, in
/// capture order (`Call.messages`). Strings only for what reaches the output; the first line is
/// cut at ``firstLineLimit`` bytes so a hostile Request-URI cannot grow memory without bound.
public struct SIPMessageSummary: Sendable, Hashable {
    /// When the message was captured (the HEP header's time for HEP).
    public var time: Timestamp
    /// Sender as `address:port` (`[v6]:port`).
    public var source: String
    /// Receiver as `address:port`.
    public var destination: String
    /// `udp`, `tcp`, `sctp` or `ws`.
    public var transport: String
    /// The request method (`INVITE`) or the response status code as text (`180`).
    public var label: String
    /// The CSeq sequence number and method (RFC 3261 §20.16).
    public var cseqNumber: UInt32
    public var cseqMethod: String
    /// The request or status line as sent, at most ``firstLineLimit`` bytes (cut on a character).
    public var firstLine: String

    /// The longest first line kept, in bytes.
    public static let firstLineLimit = 512

    public init(time: Timestamp, source: String, destination: String, transport: String, label: String,
                cseqNumber: UInt32, cseqMethod: String, firstLine: String) {
        self.time = time; self.source = source; self.destination = destination; self.transport = transport
        self.label = label; self.cseqNumber = cseqNumber; self.cseqMethod = cseqMethod; self.firstLine = firstLine
    }

    /// Whether the message is a response (its label is a status code).
    public var isResponse: Bool { label.utf8.first.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }

    /// The first line of a message's bytes: up to the first CR or LF, at most ``firstLineLimit``
    /// bytes, invalid UTF-8 replaced (U+FFFD).
    public static func firstLine(of bytes: UnsafeRawBufferPointer) -> String {
        var end = 0
        let limit = min(bytes.count, firstLineLimit)
        while end < limit, bytes[end] != 0x0D, bytes[end] != 0x0A { end += 1 }
        // Do not cut inside a UTF-8 sequence: back off over continuation bytes when truncated.
        if end == firstLineLimit, end < bytes.count {
            while end > 0, bytes[end] & 0xC0 == 0x80 { end -= 1 }
        }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<end]), as: UTF8.self)
    }
}

/// The HTTP/1.1 messages that open a WebSocket (RFC 6455 §4.1, §4.2.2), read at the start of
/// a TCP stream on any port: the client's `GET` with `Upgrade: websocket` and the server's
/// answer, `101 Switching Protocols` when it accepts. SIP over WebSocket names the `sip`
/// subprotocol in `Sec-WebSocket-Protocol` of both (RFC 7118 §4); WebSocket frames follow the
/// blank line that ends the header section.
public struct WebSocketHandshake: Sendable, Hashable {
    /// Which side of the opening handshake a message is.
    public enum Kind: Sendable, Hashable {
        /// The client's `GET` asking for `Upgrade: websocket`.
        case request
        /// An HTTP response: `switched` when it is `101` with `Upgrade: websocket` (frames follow),
        /// false for any other status (the upgrade was refused).
        case response(switched: Bool)
    }

    /// What ``parse(_:)`` found.
    public enum Parse: Sendable, Hashable {
        /// The bytes begin like a `GET` or an HTTP response but its header section is not complete.
        case needMoreBytes
        /// Not the start of a WebSocket handshake.
        case notHandshake
        case handshake(WebSocketHandshake)
    }

    public var kind: Kind
    /// Whether `Sec-WebSocket-Protocol` lists `sip`: offered by the request, chosen by the response.
    public var carriesSIP: Bool
    /// Bytes of the HTTP header section, blank line included.
    public var length: Int

    /// A header section longer than this is not taken for a handshake.
    public static let maxHeaderBytes = 16_384

    /// Reads a handshake message at the start of `bytes`.
    /// - Complexity: O(n) in the header section; no allocation.
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> Parse {
        let isRequest = bytes.matchesLowercase("get ", at: 0)
        let isResponse = bytes.matchesLowercase("http/1.", at: 0)
        guard isRequest || isResponse else {
            return isPrefix(bytes, of: "GET ") || isPrefix(bytes, of: "HTTP/1.") ? .needMoreBytes : .notHandshake
        }
        guard let (blankLine, end) = SIPStreamFramer.headerSectionEnd(bytes, from: 0, limit: maxHeaderBytes) else {
            return bytes.count > maxHeaderBytes ? .notHandshake : .needMoreBytes
        }
        var upgradesToWebSocket = false, carriesSIP = false
        var line = bytes.skipLineTerminator(at: bytes.lineEnd(from: 0))
        while line < blankLine {
            let lineEnd = bytes.lineEnd(from: line, limit: blankLine)
            if bytes.matchesLowercase("upgrade:", at: line) {
                upgradesToWebSocket = upgradesToWebSocket || contains("websocket", bytes, (line + 8)..<lineEnd)
            } else if bytes.matchesLowercase("sec-websocket-protocol:", at: line) {
                carriesSIP = carriesSIP || listsSIP(bytes, (line + 23)..<lineEnd)
            }
            let next = bytes.skipLineTerminator(at: lineEnd)
            if next == line { break }
            line = next
        }
        if isRequest {
            guard upgradesToWebSocket else { return .notHandshake }
            return .handshake(WebSocketHandshake(kind: .request, carriesSIP: carriesSIP, length: end))
        }
        // Status-Line = HTTP-version SP status-code SP reason-phrase (RFC 9112 §4)
        guard bytes.count > 11, bytes[8] == 0x20, isDigit(bytes[9]), isDigit(bytes[10]), isDigit(bytes[11]) else {
            return .notHandshake
        }
        let switched = bytes[9] == UInt8(ascii: "1") && bytes[10] == UInt8(ascii: "0") && bytes[11] == UInt8(ascii: "1")
            && upgradesToWebSocket
        return .handshake(WebSocketHandshake(kind: .response(switched: switched), carriesSIP: carriesSIP, length: end))
    }

    /// Whether all of `bytes` (fewer than `literal`'s) are the start of `literal`, ignoring case.
    static func isPrefix(_ bytes: UnsafeRawBufferPointer, of literal: StaticString) -> Bool {
        guard bytes.count < literal.utf8CodeUnitCount else { return false }
        let start = literal.utf8Start
        for index in 0..<bytes.count where lowercased(bytes[index]) != lowercased(start[index]) { return false }
        return true
    }

    /// Whether `word` (lower-case) occurs in `range`, ignoring case.
    static func contains(_ word: StaticString, _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        var index = range.lowerBound
        while index + word.utf8CodeUnitCount <= range.upperBound {
            if bytes.matchesLowercase(word, at: index) { return true }
            index += 1
        }
        return false
    }

    /// Whether the comma-separated tokens of `range` include `sip` (case-insensitive).
    static func listsSIP(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        var start = range.lowerBound
        while start < range.upperBound {
            var end = start
            while end < range.upperBound, bytes[end] != UInt8(ascii: ",") { end += 1 }
            var low = start, high = end
            while low < high, isWhitespace(bytes[low]) { low += 1 }
            while high > low, isWhitespace(bytes[high - 1]) { high -= 1 }
            if high - low == 3, bytes.matchesLowercase("sip", at: low) { return true }
            start = end + 1
        }
        return false
    }
}

/// Splits a reassembled byte stream (SIP over TCP or TLS-decrypted streams) into messages
/// using `Content-Length` framing (RFC 3261 §18.3, §7.5).
///
/// One segment may carry several messages and one message may span segments: bytes are
/// handed to `append` in stream order and complete messages come out. When the stream does
/// not start with a SIP start line (a capture joined mid-connection, or a gap), bytes are
/// skipped up to the next start line and reported, never silently dropped. CRLF keep-alives
/// (RFC 5626 §3.5.1) are skipped.
public struct SIPStreamFramer: Sendable {
    /// What the framer found in the stream.
    public enum Event {
        /// One complete message; the bytes are valid only inside the callback.
        case message(UnsafeRawBufferPointer)
        /// Bytes that could not belong to any message, and why.
        case skipped(bytes: Int, reason: String)
    }

    private var buffer: [UInt8] = []
    private let maxHeaderBytes: Int
    private let maxBodyBytes: Int

    /// - Parameters:
    ///   - maxHeaderBytes: a header section longer than this is treated as garbage.
    ///   - maxBodyBytes: a larger Content-Length is treated as garbage.
    public init(maxHeaderBytes: Int = 65_536, maxBodyBytes: Int = 1 << 20) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
    }

    /// Bytes waiting for the rest of their message.
    public var bufferedByteCount: Int { buffer.count }

    /// Adds the next bytes of the stream and reports every complete message.
    /// - Complexity: O(n) in the bytes added; the buffer is copied only when a message spans calls.
    public mutating func append(_ bytes: UnsafeRawBufferPointer, _ body: (Event) throws -> Void) rethrows {
        if buffer.isEmpty {
            let consumed = try Self.frame(bytes, maxHeaderBytes: maxHeaderBytes, maxBodyBytes: maxBodyBytes, body)
            if consumed < bytes.count { buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[consumed...])) }
            return
        }
        buffer.append(contentsOf: bytes)
        let (maxHeader, maxBody) = (maxHeaderBytes, maxBodyBytes)
        let consumed = try buffer.withUnsafeBytes { try Self.frame($0, maxHeaderBytes: maxHeader, maxBodyBytes: maxBody, body) }
        buffer.removeFirst(consumed)
    }

    /// Forgets buffered bytes, e.g. after a hole in the stream. Returns how many were dropped
    /// so the caller can report them.
    @discardableResult
    public mutating func reset() -> Int {
        let dropped = buffer.count
        buffer.removeAll(keepingCapacity: true)
        return dropped
    }

    /// Frames as many messages as `data` holds; returns the number of bytes consumed.
    static func frame(_ data: UnsafeRawBufferPointer, maxHeaderBytes: Int, maxBodyBytes: Int, _ body: (Event) throws -> Void) rethrows -> Int {
        var pos = 0
        while pos < data.count {
            while pos < data.count, isLineEnd(data[pos]) { pos += 1 }
            guard pos < data.count else { break }
            let firstLineEnd = data.lineEnd(from: pos, limit: pos + maxHeaderBytes)
            if firstLineEnd == data.count { return pos }  // start line not complete yet
            guard SIPMessage.startLineKind(data, at: pos) != nil else {
                let next = nextStartLine(data, after: pos)
                var stop = next ?? lastLineStart(data, after: pos)
                if next == nil, data.count - stop > maxHeaderBytes { stop = data.count }  // a "line" longer than any header
                if stop > pos { try body(.skipped(bytes: stop - pos, reason: "bytes before the next SIP start line")) }
                pos = stop
                if next == nil { return pos }
                continue
            }
            guard let (headerEnd, bodyStart) = headerSectionEnd(data, from: pos, limit: maxHeaderBytes) else {
                if data.count - pos > maxHeaderBytes {
                    let next = nextStartLine(data, after: pos) ?? data.count
                    try body(.skipped(bytes: next - pos, reason: "no end of SIP headers within \(maxHeaderBytes) bytes"))
                    pos = next
                    continue
                }
                return pos
            }
            let length = contentLength(data, pos..<headerEnd) ?? 0
            if length > maxBodyBytes {
                let next = nextStartLine(data, after: pos) ?? data.count
                try body(.skipped(bytes: next - pos, reason: "Content-Length \(length) too large"))
                pos = next
                continue
            }
            guard bodyStart + length <= data.count else { return pos }
            try body(.message(UnsafeRawBufferPointer(rebasing: data[pos..<(bodyStart + length)])))
            pos = bodyStart + length
        }
        return pos
    }

    /// The end of the header section (index of the blank line) and the first body byte.
    static func headerSectionEnd(_ d: UnsafeRawBufferPointer, from: Int, limit: Int) -> (Int, Int)? {
        var i = from
        let stop = Swift.min(d.count, from + limit)
        while i < stop {
            if d[i] == 0x0A {
                // LF followed by CRLF or LF: blank line.
                if i + 2 < d.count, d[i + 1] == 0x0D, d[i + 2] == 0x0A { return (i + 1, i + 3) }
                if i + 1 < d.count, d[i + 1] == 0x0A { return (i + 1, i + 2) }
            }
            i += 1
        }
        return nil
    }

    /// The Content-Length (`Content-Length` or `l`) of a header section, nil when absent or invalid.
    static func contentLength(_ d: UnsafeRawBufferPointer, _ headers: Range<Int>) -> Int? {
        var line = headers.lowerBound
        while line < headers.upperBound {
            let end = d.lineEnd(from: line, limit: headers.upperBound)
            var nameEnd = -1
            if d.matchesLowercase("content-length", at: line) { nameEnd = line + 14 }
            else if end > line, lowercased(d[line]) == UInt8(ascii: "l") { nameEnd = line + 1 }
            if nameEnd >= 0 {
                var i = nameEnd
                while i < end, isWhitespace(d[i]) { i += 1 }
                if i < end, d[i] == UInt8(ascii: ":") {
                    i += 1
                    while i < end, isWhitespace(d[i]) { i += 1 }
                    var value = 0, digits = 0
                    while i < end, isDigit(d[i]), digits < 10 { value = value * 10 + Int(d[i] - 48); i += 1; digits += 1 }
                    return digits > 0 ? value : nil
                }
            }
            line = d.skipLineTerminator(at: end)
            if line == end { break }
        }
        return nil
    }

    /// The next line start after `pos` that begins a SIP message.
    static func nextStartLine(_ d: UnsafeRawBufferPointer, after pos: Int) -> Int? {
        var i = pos
        while i < d.count {
            if d[i] == 0x0A, i + 1 < d.count, SIPMessage.startLineKind(d, at: i + 1) != nil { return i + 1 }
            i += 1
        }
        return nil
    }

    /// The start of the last (possibly incomplete) line, kept for the next append.
    static func lastLineStart(_ d: UnsafeRawBufferPointer, after pos: Int) -> Int {
        var i = d.count
        while i > pos, d[i - 1] != 0x0A { i -= 1 }
        return i
    }
}

extension SIPStreamFramer {
    /// Offset of the first SIP start line in `bytes`: at the very start (after keep-alive CRLFs)
    /// or at the start of a later line; nil when there is none. Used to decide that a TCP
    /// stream carries SIP and where its first whole message begins.
    public static func firstStartLine(in bytes: UnsafeRawBufferPointer) -> Int? {
        if SIPMessage.looksLikeSIP(bytes) { return 0 }
        if let next = nextStartLine(bytes, after: 0) { return next }
        return couldBeginStartLine(bytes) ? 0 : nil
    }

    /// Whether `bytes` hold no complete line yet but could be the beginning of a start line
    /// (`INVITE sip:...` or `SIP/2.0 ...` cut by a segment boundary): an upper-case token, then
    /// optionally a space and more of the line.
    static func couldBeginStartLine(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        while i < bytes.count, isLineEnd(bytes[i]) { i += 1 }
        guard i < bytes.count, bytes.count - i < 8192, bytes[i] >= 0x41, bytes[i] <= 0x5A else { return false }
        var j = i
        while j < bytes.count {
            if isLineEnd(bytes[j]) { return false }
            j += 1
        }
        var k = i
        while k < bytes.count, k - i <= 32, isTokenByte(bytes[k]) || bytes[k] == UInt8(ascii: "/") { k += 1 }
        return k == bytes.count || (k - i <= 32 && bytes[k] == 0x20)
    }
}

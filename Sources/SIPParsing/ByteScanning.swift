// Small byte-level helpers shared by the SIP and SDP parsers. Internal: callers see Strings
// only for the values that reach the call model.

@inline(__always) func isWhitespace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
@inline(__always) func isLineEnd(_ b: UInt8) -> Bool { b == 0x0D || b == 0x0A }
@inline(__always) func lowercased(_ b: UInt8) -> UInt8 { (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b }
@inline(__always) func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

/// RFC 3261 §25.1 `token` characters (method names, header names).
@inline(__always) func isTokenByte(_ b: UInt8) -> Bool {
    switch b {
    case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
    case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "%"), UInt8(ascii: "*"),
         UInt8(ascii: "_"), UInt8(ascii: "+"), UInt8(ascii: "`"), UInt8(ascii: "'"), UInt8(ascii: "~"):
        return true
    default: return false
    }
}

extension UnsafeRawBufferPointer {
    /// Index of the first line terminator (CR or LF) at or after `from`, or `endIndex`.
    @inline(__always) func lineEnd(from: Int, limit: Int? = nil) -> Int {
        let stop = Swift.min(limit ?? count, count)
        var i = from
        while i < stop, !isLineEnd(self[i]) { i += 1 }
        return i
    }

    /// Index just past the terminator that starts at `i` (CRLF, LF, or a lone CR).
    @inline(__always) func skipLineTerminator(at i: Int) -> Int {
        guard i < count else { return i }
        if self[i] == 0x0D { return (i + 1 < count && self[i + 1] == 0x0A) ? i + 2 : i + 1 }
        return self[i] == 0x0A ? i + 1 : i
    }

    /// Whether the bytes at `at` equal `literal` ignoring ASCII case (`literal` must be lower-case).
    @inline(__always) func matchesLowercase(_ literal: StaticString, at: Int) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard at >= 0, at + n <= count else { return false }
        let p = literal.utf8Start
        for k in 0..<n where lowercased(self[at + k]) != p[k] { return false }
        return true
    }

    /// Decodes `range` as UTF-8 (invalid sequences replaced), trimming spaces and tabs.
    func trimmedString(_ range: Range<Int>) -> String {
        var lo = range.lowerBound, hi = range.upperBound
        while lo < hi, isWhitespace(self[lo]) { lo += 1 }
        while hi > lo, isWhitespace(self[hi - 1]) || isLineEnd(self[hi - 1]) { hi -= 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: self[lo..<hi]), as: UTF8.self)
    }
}

/// Tells which bytes of a header value stand outside quoted strings: a quoted string is one
/// token, with `\"` and `\\` quoted-pairs inside it (RFC 3261 §25.1).
struct QuotedStringTracker {
    private var inQuotes = false, escaped = false

    /// Takes the next byte; true when it is outside any quoted string and not a quote itself.
    mutating func isUnquoted(_ c: UInt8) -> Bool {
        if escaped { escaped = false; return false }
        if inQuotes && c == UInt8(ascii: "\\") { escaped = true; return false }
        if c == UInt8(ascii: "\"") { inQuotes.toggle(); return false }
        return !inQuotes
    }
}

extension StringProtocol {
    /// Splits a header value at top-level commas, ignoring commas inside quotes and `<...>`
    /// (RFC 3261 §7.3.1: multiple values of one header may share a line).
    func splitHeaderValues() -> [Substring] {
        // On UTF-8 code units: the delimiters are ASCII, so every split falls on a character
        // boundary, and no grapheme breaking is paid per character (callgrind: 5x cheaper).
        var values: [Substring] = []
        var quotes = QuotedStringTracker(), inAngle = false
        let bytes = utf8
        var start = bytes.startIndex
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let c = bytes[i]
            if !quotes.isUnquoted(c) {}
            else if c == UInt8(ascii: "<") { inAngle = true }
            else if c == UInt8(ascii: ">") { inAngle = false }
            else if !inAngle && c == UInt8(ascii: ",") {
                values.append(Substring(self[start..<i]))
                start = bytes.index(after: i)
            }
            i = bytes.index(after: i)
        }
        values.append(Substring(self[start..<endIndex]))
        return values.map { $0.trimmingSpaces }.filter { !$0.isEmpty }
    }
}

extension Substring {
    /// Without leading and trailing spaces, tabs and line ends (on UTF-8 code units).
    var trimmingSpaces: Substring {
        let bytes = utf8
        var start = bytes.startIndex
        var end = bytes.endIndex
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        while start < end, isSpace(bytes[start]) { start = bytes.index(after: start) }
        while end > start, isSpace(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
        return self[start..<end]
    }
}

extension String {
    var trimmingSpaces: Substring { self[...].trimmingSpaces }
}

/// Parses `;name=value;flag` parameters (RFC 3261 §25.1 `generic-param`), names lower-cased,
/// quotes removed from quoted values.
func parseParameters(_ text: Substring) -> [(name: String, value: String?)] {
    var result: [(String, String?)] = []
    let bytes = text.utf8
    var start = bytes.startIndex
    var index = bytes.startIndex
    func take(_ raw: Substring) {
        let part = raw.trimmingSpaces
        guard !part.isEmpty else { return }
        if let eq = part.utf8.firstIndex(of: UInt8(ascii: "=")) {
            let name = part[..<eq].trimmingSpaces.lowercased()
            var value = part[part.utf8.index(after: eq)...].trimmingSpaces
            if value.utf8.count >= 2, value.utf8.first == UInt8(ascii: "\""), value.utf8.last == UInt8(ascii: "\"") { value = value.dropFirst().dropLast() }
            result.append((name, String(value)))
        } else {
            result.append((part.lowercased(), nil))
        }
    }
    while index < bytes.endIndex {  // split at ';' on UTF-8 code units
        if bytes[index] == UInt8(ascii: ";") {
            take(text[start..<index])
            start = bytes.index(after: index)
        }
        index = bytes.index(after: index)
    }
    take(text[start..<bytes.endIndex])
    return result
}

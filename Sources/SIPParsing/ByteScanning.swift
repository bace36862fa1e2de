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

extension StringProtocol {
    /// Splits a header value at top-level commas, ignoring commas inside quotes and `<...>`
    /// (RFC 3261 §7.3.1: multiple values of one header may share a line).
    func splitHeaderValues() -> [Substring] {
        var values: [Substring] = []
        var inQuotes = false, inAngle = false, escaped = false
        var start = startIndex
        var i = startIndex
        while i < endIndex {
            let c = self[i]
            if escaped { escaped = false }
            else if inQuotes && c == "\\" { escaped = true }
            else if c == "\"" { inQuotes.toggle() }
            else if !inQuotes && c == "<" { inAngle = true }
            else if !inQuotes && c == ">" { inAngle = false }
            else if !inQuotes && !inAngle && c == "," {
                values.append(Substring(self[start..<i]))
                start = index(after: i)
            }
            i = index(after: i)
        }
        values.append(Substring(self[start..<endIndex]))
        return values.map { $0.trimmingSpaces }.filter { !$0.isEmpty }
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self[...]
        while let f = s.first, f == " " || f == "\t" || f.isNewline { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l.isNewline { s = s.dropLast() }
        return s
    }
}

extension String {
    var trimmingSpaces: Substring { self[...].trimmingSpaces }
}

/// Parses `;name=value;flag` parameters (RFC 3261 §25.1 `generic-param`), names lower-cased,
/// quotes removed from quoted values.
func parseParameters(_ text: Substring) -> [(name: String, value: String?)] {
    var result: [(String, String?)] = []
    for raw in text.split(separator: ";", omittingEmptySubsequences: true) {
        let part = raw.trimmingSpaces
        guard !part.isEmpty else { continue }
        if let eq = part.firstIndex(of: "=") {
            let name = part[..<eq].trimmingSpaces.lowercased()
            var value = part[part.index(after: eq)...].trimmingSpaces
            if value.count >= 2, value.first == "\"", value.last == "\"" { value = value.dropFirst().dropLast() }
            result.append((name, String(value)))
        } else {
            result.append((part.lowercased(), nil))
        }
    }
    return result
}

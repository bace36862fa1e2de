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

/// The lanes of `word` (eight bytes) equal to the byte repeated in `pattern`, as the high bit
/// of each lane. Only the lowest marked lane is exact (a borrow may mark lanes above it), which
/// is all a search for the first match needs (the "has zero byte" trick, Hacker's Delight §6-1).
@inline(__always) func matchingLanes(_ word: UInt64, _ pattern: UInt64) -> UInt64 {
    let x = word ^ pattern
    return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
}

extension UnsafeRawBufferPointer {
    /// The eight bytes at `i` as one little-endian word (lane 0 is byte `i`); `i + 8 <= count`.
    @inline(__always) func word(at i: Int) -> UInt64 {
        UInt64(littleEndian: loadUnaligned(fromByteOffset: i, as: UInt64.self))
    }

    /// Index of the first line terminator (CR or LF) at or after `from`, or `endIndex`: eight
    /// bytes at a time.
    @inline(__always) func lineEnd(from: Int, limit: Int? = nil) -> Int {
        let stop = Swift.min(limit ?? count, count)
        var i = from
        while i + 8 <= stop {
            let w = word(at: i)
            let found = matchingLanes(w, 0x0D0D_0D0D_0D0D_0D0D) | matchingLanes(w, 0x0A0A_0A0A_0A0A_0A0A)
            if found != 0 { return i + found.trailingZeroBitCount / 8 }
            i += 8
        }
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

extension UnsafeRawBufferPointer {
    /// `range` without leading and trailing spaces, tabs and line ends.
    @inline(__always) func trimmed(_ range: Range<Int>) -> Range<Int> {
        var lo = range.lowerBound, hi = range.upperBound
        while lo < hi, isWhitespace(self[lo]) || isLineEnd(self[lo]) { lo += 1 }
        while hi > lo, isWhitespace(self[hi - 1]) || isLineEnd(self[hi - 1]) { hi -= 1 }
        return lo..<hi
    }

    /// `range` decoded as UTF-8 (invalid sequences replaced), as it is.
    @inline(__always) func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: self[range]), as: UTF8.self)
    }

    /// `range` with ASCII letters lower-cased, as a `String`.
    func lowercasedString(_ range: Range<Int>) -> String {
        String(unsafeUninitializedCapacity: range.count) { out in
            var k = 0
            for i in range { out[k] = lowercased(self[i]); k += 1 }
            return k
        }
    }

    /// Index of the first `byte` in `range`, or nil: eight bytes at a time.
    @inline(__always) func firstIndex(of byte: UInt8, in range: Range<Int>) -> Int? {
        var i = range.lowerBound
        let pattern = UInt64(byte) &* 0x0101_0101_0101_0101
        while i + 8 <= range.upperBound {
            let found = matchingLanes(word(at: i), pattern)
            if found != 0 { return i + found.trailingZeroBitCount / 8 }
            i += 8
        }
        while i < range.upperBound {
            if self[i] == byte { return i }
            i += 1
        }
        return nil
    }

    /// Whether the bytes of `range` equal `literal` exactly.
    @inline(__always) func equals(_ range: Range<Int>, _ literal: StaticString) -> Bool {
        guard range.count == literal.utf8CodeUnitCount else { return false }
        let p = literal.utf8Start
        for k in 0..<range.count where self[range.lowerBound + k] != p[k] { return false }
        return true
    }

    /// Whether the bytes of `range` are exactly the UTF-8 of `text`.
    @inline(__always) func equals(_ range: Range<Int>, _ text: String) -> Bool {
        let utf8 = text.utf8
        guard range.count == utf8.count else { return false }
        if let result = utf8.withContiguousStorageIfAvailable({ equals(range, $0) }) { return result }
        return elementsEqual(range, utf8)
    }

    /// Whether the bytes of `range` equal `other` (same length and bytes).
    @inline(__always) func equals(_ range: Range<Int>, _ other: UnsafeBufferPointer<UInt8>) -> Bool {
        guard range.count == other.count else { return false }
        var i = range.lowerBound
        for c in other {
            if self[i] != c { return false }
            i += 1
        }
        return true
    }

    /// Whether every byte of `range` is ASCII.
    func isASCII(_ range: Range<Int>) -> Bool {
        for i in range where self[i] >= 0x80 { return false }
        return true
    }

    private func elementsEqual(_ range: Range<Int>, _ utf8: String.UTF8View) -> Bool {
        var i = range.lowerBound
        for c in utf8 {
            guard i < range.upperBound, self[i] == c else { return false }
            i += 1
        }
        return i == range.upperBound
    }

    /// Whether the bytes of `range` equal `literal`, ignoring ASCII case (`literal` lower-case).
    @inline(__always) func equalsLowercase(_ range: Range<Int>, _ literal: StaticString) -> Bool {
        range.count == literal.utf8CodeUnitCount && matchesLowercase(literal, at: range.lowerBound)
    }

    /// The decimal number `range` holds, as Swift's `Int(String)` reads it (a sign allowed);
    /// nil when it is not one. Plain digits are read here, anything else through `Int(_:)`.
    func integer(_ range: Range<Int>) -> Int? {
        guard !range.isEmpty else { return nil }
        if range.count <= 18 {
            var value = 0
            var allDigits = true
            for i in range {
                let c = self[i]
                guard isDigit(c) else { allDigits = false; break }
                value = value &* 10 &+ Int(c &- 0x30)
            }
            if allDigits { return value }
        }
        return Int(string(range))
    }

    /// Calls `body` with each value of a header that may hold several, split at top-level
    /// commas (not inside quotes or `<...>`), trimmed, empty ones skipped (RFC 3261 §7.3.1).
    func forEachHeaderValue(in range: Range<Int>, _ body: (Range<Int>) -> Void) {
        var quotes = QuotedStringTracker(), inAngle = false
        var start = range.lowerBound
        var i = range.lowerBound
        func take(_ part: Range<Int>) {
            let value = trimmed(part)
            if !value.isEmpty { body(value) }
        }
        while i < range.upperBound {
            let c = self[i]
            if !quotes.isUnquoted(c) {}
            else if c == UInt8(ascii: "<") { inAngle = true }
            else if c == UInt8(ascii: ">") { inAngle = false }
            else if !inAngle && c == UInt8(ascii: ",") {
                take(start..<i)
                start = i + 1
            }
            i += 1
        }
        take(start..<range.upperBound)
    }

    /// The first value ``forEachHeaderValue(in:_:)`` gives, nil when there is none. Without a
    /// quote or `<` before the first comma (a Via, most values) the value ends at that comma,
    /// found eight bytes at a time; otherwise the values are split as there.
    func firstHeaderValue(in range: Range<Int>) -> Range<Int>? {
        let comma = firstIndex(of: UInt8(ascii: ","), in: range) ?? range.upperBound
        if firstIndex(of: UInt8(ascii: "\""), in: range.lowerBound..<comma) == nil,
           firstIndex(of: UInt8(ascii: "<"), in: range.lowerBound..<comma) == nil {
            let value = trimmed(range.lowerBound..<comma)
            if !value.isEmpty { return value }
        }
        var first: Range<Int>?
        forEachHeaderValue(in: range) { if first == nil { first = $0 } }
        return first
    }

    /// Calls `body` with each `;name=value` or `;flag` parameter of `range` (RFC 3261 §25.1
    /// `generic-param`): the name and the value trimmed, the value without its quotes.
    func forEachParameter(in range: Range<Int>, _ body: (_ name: Range<Int>, _ value: Range<Int>?) -> Void) {
        var start = range.lowerBound
        func take(_ raw: Range<Int>) {
            let part = trimmed(raw)
            guard !part.isEmpty else { return }
            if let eq = firstIndex(of: UInt8(ascii: "="), in: part) {
                var value = trimmed((eq + 1)..<part.upperBound)
                if value.count >= 2, self[value.lowerBound] == UInt8(ascii: "\""), self[value.upperBound - 1] == UInt8(ascii: "\"") {
                    value = (value.lowerBound + 1)..<(value.upperBound - 1)
                }
                body(trimmed(part.lowerBound..<eq), value)
            } else {
                body(part, nil)
            }
        }
        var i = range.lowerBound
        while i < range.upperBound {
            if self[i] == UInt8(ascii: ";") {
                take(start..<i)
                start = i + 1
            }
            i += 1
        }
        take(start..<range.upperBound)
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

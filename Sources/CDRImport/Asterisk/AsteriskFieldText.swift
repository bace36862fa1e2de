/// How quoted text is escaped in the Asterisk file being read.
enum AsteriskEscapes: Sendable {
    /// CSV: `""` inside a quoted field (RFC 4180).
    case csv
    /// MySQL string literals: backslash escapes (`\"`, `\'`, `\n`, `\\`...) and `''`.
    case sql
}

extension UnsafeRawBufferPointer {
    /// The field as text under `escapes`; nil when empty or a SQL null (`NULL`, `\N`).
    func asteriskText(_ field: CSVField, _ escapes: AsteriskEscapes) -> String? {
        if isNull(field) { return nil }
        let text = escapes == .csv ? string(field) : sqlString(field)
        return text.isEmpty ? nil : text
    }

    /// The field's bytes with surrounding spaces trimmed.
    func trimmed(_ field: CSVField) -> Range<Int> {
        var lo = field.range.lowerBound, hi = field.range.upperBound
        while lo < hi, self[lo] == 0x20 || self[lo] == 0x09 { lo += 1 }
        while hi > lo, self[hi - 1] == 0x20 || self[hi - 1] == 0x09 { hi -= 1 }
        return lo..<hi
    }

    /// Whether the field (spaces trimmed) equals the ASCII `literal`.
    func trimmedEquals(_ field: CSVField, _ literal: StaticString) -> Bool {
        let r = trimmed(field)
        let n = literal.utf8CodeUnitCount
        guard r.count == n else { return false }
        let p = literal.utf8Start
        for k in 0..<n where self[r.lowerBound + k] != p[k] { return false }
        return true
    }

    /// Whether the field (spaces trimmed) equals the ASCII `literal`, ignoring ASCII case.
    func trimmedEqualsIgnoringCase(_ field: CSVField, _ literal: StaticString) -> Bool {
        let r = trimmed(field)
        let n = literal.utf8CodeUnitCount
        guard r.count == n else { return false }
        let p = literal.utf8Start
        for k in 0..<n where Self.asciiLower(self[r.lowerBound + k]) != Self.asciiLower(p[k]) { return false }
        return true
    }

    private static func asciiLower(_ b: UInt8) -> UInt8 { b &- 0x41 < 26 ? b | 0x20 : b }

    /// A short, printable copy of a field for messages (at most 40 characters).
    func quotedForMessage(_ field: CSVField) -> String { quotedForMessage(field.range) }

    /// A short, printable copy of the bytes in `range` for messages (at most 40 characters).
    func quotedForMessage(_ range: Range<Int>) -> String {
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: self[range.prefix(40)]), as: UTF8.self)
        return "\"" + text + (range.count > 40 ? "..." : "") + "\""
    }
}

/// Asterisk caller-id strings (`"Name" <number>`, see `ast_callerid_merge` in callerid.c).
enum CallerID {
    /// The number of a caller id: the text between the last `<` and the following `>`, or the
    /// whole text when it has no `<...>` and reads as a number; nil for a name alone (`apptel`).
    static func number(_ clid: String) -> String? {
        if let open = clid.lastIndex(of: "<") {
            let rest = clid[clid.index(after: open)...]
            guard let close = rest.firstIndex(of: ">") else { return nil }
            let number = rest[..<close].trimmingCharacters(in: " ")
            return number.isEmpty ? nil : number
        }
        let bare = Substring(clid).trimmingCharacters(in: " \"")
        guard !bare.isEmpty, bare.allSatisfy({ $0.isNumber || "+*#-(). ".contains($0) }), bare.contains(where: \.isNumber) else { return nil }
        return bare
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = self
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

extension CivilDateTime {
    /// Parses `d/m/yyyy H:MM:SS` (day and month with or without a leading zero, hour 1 or 2
    /// digits), the calldate of the FreePBX `cdr` export without header; nil otherwise.
    static func parseDayMonthYear(_ b: UnsafeRawBufferPointer, _ range: Range<Int>) -> CivilDateTime? {
        var i = range.lowerBound, hi = range.upperBound
        while i < hi, b[i] == 0x20 { i += 1 }
        while hi > i, b[hi - 1] == 0x20 { hi -= 1 }
        func number(minDigits: Int, maxDigits: Int) -> Int? {
            var value = 0, n = 0
            while i < hi, n < maxDigits {
                let d = b[i] &- 0x30
                guard d < 10 else { break }
                value = value * 10 + Int(d)
                i += 1
                n += 1
            }
            return n >= minDigits ? value : nil
        }
        func expect(_ byte: UInt8) -> Bool {
            guard i < hi, b[i] == byte else { return false }
            i += 1
            return true
        }
        guard let day = number(minDigits: 1, maxDigits: 2), expect(0x2F),
              let month = number(minDigits: 1, maxDigits: 2), expect(0x2F),
              let year = number(minDigits: 4, maxDigits: 4), expect(0x20),
              let hour = number(minDigits: 1, maxDigits: 2), expect(0x3A),
              let minute = number(minDigits: 2, maxDigits: 2), expect(0x3A),
              let second = number(minDigits: 2, maxDigits: 2), i == hi
        else { return nil }
        let value = CivilDateTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        return value.isValid ? value : nil
    }
}

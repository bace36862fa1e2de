/// Reading typed values out of CSV fields, on bytes; a `String` is built only for values kept.
extension UnsafeRawBufferPointer {
    /// The field as text: `""` unescaped, invalid UTF-8 replaced (U+FFFD), spaces trimmed.
    public func string(_ field: CSVField) -> String {
        var range = field.range
        if !field.quoted || field.irregular {
            while range.lowerBound < range.upperBound, self[range.lowerBound] == 0x20 || self[range.lowerBound] == 0x09 { range = (range.lowerBound + 1)..<range.upperBound }
            while range.upperBound > range.lowerBound, self[range.upperBound - 1] == 0x20 || self[range.upperBound - 1] == 0x09 { range = range.lowerBound..<(range.upperBound - 1) }
        }
        let raw = UnsafeRawBufferPointer(rebasing: self[range])
        guard field.hasEscapes, !field.irregular else { return String(decoding: raw, as: UTF8.self) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.count)
        var i = 0
        while i < raw.count {
            bytes.append(raw[i])
            i += (raw[i] == 0x22 && i + 1 < raw.count && raw[i + 1] == 0x22) ? 2 : 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The field as text, nil when empty or one of the null markers `NULL` / `\N`.
    public func optionalString(_ field: CSVField) -> String? {
        if isNull(field) { return nil }
        let text = string(field)
        return text.isEmpty ? nil : text
    }

    /// Whether the field is empty or a SQL null written out (`NULL`, `\N`).
    public func isNull(_ field: CSVField) -> Bool {
        let r = field.range
        if r.isEmpty { return true }
        if r.count == 4, !field.quoted, self[r.lowerBound] == 0x4E, self[r.lowerBound + 1] == 0x55, self[r.lowerBound + 2] == 0x4C, self[r.lowerBound + 3] == 0x4C { return true }
        if r.count == 2, self[r.lowerBound] == 0x5C, self[r.lowerBound + 1] == 0x4E { return true }
        return false
    }

    /// The field as a decimal integer (optional sign, surrounding spaces allowed); nil otherwise.
    public func integer(_ field: CSVField) -> Int64? {
        var i = field.range.lowerBound
        var end = field.range.upperBound
        while i < end, self[i] == 0x20 { i += 1 }
        while end > i, self[end - 1] == 0x20 { end -= 1 }
        guard i < end else { return nil }
        var negative = false
        if self[i] == 0x2D { negative = true; i += 1 } else if self[i] == 0x2B { i += 1 }
        guard i < end, end - i <= 18 else { return nil }
        var value: Int64 = 0
        while i < end {
            let d = self[i] &- 0x30
            guard d < 10 else { return nil }
            value = value * 10 + Int64(d)
            i += 1
        }
        return negative ? -value : value
    }

    /// A number a spreadsheet wrote in scientific notation (`9.12678E+11`): its digits are lost.
    public func isScientificNotation(_ field: CSVField) -> Bool {
        let r = field.range
        guard r.count >= 4 else { return false }
        var sawE = false, sawDigit = false
        for i in r {
            let b = self[i]
            switch b {
            case 0x30...0x39: sawDigit = true
            case 0x2E, 0x2B, 0x2D: continue
            case 0x45, 0x65: if sawE || !sawDigit { return false }; sawE = true
            default: return false
            }
        }
        return sawE
    }

    /// Whether the field equals `literal` exactly (ASCII, case-sensitive).
    public func equals(_ field: CSVField, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard field.range.count == n else { return false }
        let p = literal.utf8Start
        for k in 0..<n where self[field.range.lowerBound + k] != p[k] { return false }
        return true
    }
}

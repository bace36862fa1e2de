extension UnsafeRawBufferPointer {
    /// A MySQL string literal's content (`field.range` inside the quotes, as `MySQLDumpScanner`
    /// reads it) with its escapes undone.
    func sqlString(_ field: CSVField) -> String {
        let raw = UnsafeRawBufferPointer(rebasing: self[field.range])
        guard field.hasEscapes else { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        appendSQLUnescaped(field, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the field's bytes to `out`, undoing MySQL string escapes when it has any (MySQL
    /// Reference Manual, "String Literals", table 11.1): `\0 \b \n \r \t \Z`, any other `\x` is
    /// `x`, and the quote doubled inside the string (`''` in `'...'`, `""` in `"..."`) is one.
    func appendSQLUnescaped(_ field: CSVField, to out: inout [UInt8]) {
        let raw = UnsafeRawBufferPointer(rebasing: self[field.range])
        guard field.hasEscapes else { out.append(contentsOf: raw); return }
        // The scanner's range starts just after the opening quote.
        let quote: UInt8 = field.range.lowerBound > 0 && self[field.range.lowerBound - 1] == 0x22 ? 0x22 : 0x27
        var i = 0
        while i < raw.count {
            let b = raw[i]
            if b == 0x5C, i + 1 < raw.count {
                switch raw[i + 1] {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "0"): out.append(0x00)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "Z"): out.append(0x1A)
                default: out.append(raw[i + 1])
                }
                i += 2
            } else if b == quote, i + 1 < raw.count, raw[i + 1] == quote {
                out.append(quote)
                i += 2
            } else {
                out.append(b)
                i += 1
            }
        }
    }
}

import CallModel

/// Splits stock queue_log text into `|`-separated records, one per line, on bytes.
///
/// queue_log is not CSV: app_queue writes fields as they are, so a `"` is an ordinary byte and
/// never joins lines (a `CSVScanner` would let an unmatched quote swallow the rest of the
/// file). Line ends are LF, CRLF or CR; empty lines are skipped but counted. Fields are
/// `CSVField`s (never quoted), so the `FieldDecoding` helpers read them.
struct PipeLineScanner {
    let bytes: UnsafeRawBufferPointer
    private var position = 0
    private var line = 1

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
    }

    /// Reads the next non-empty line into `record` (its fields are replaced).
    /// - Returns: false at the end of the input.
    mutating func next(into record: inout CSVRecord) -> Bool {
        while position < bytes.count, bytes[position] == 0x0A || bytes[position] == 0x0D { consumeLineEnd() }
        guard position < bytes.count else { return false }
        record.fields.removeAll(keepingCapacity: true)
        record.line = line
        record.unterminatedQuote = false
        let start = position
        var fieldStart = position
        while position < bytes.count, bytes[position] != 0x0A, bytes[position] != 0x0D {
            if bytes[position] == 0x7C {
                record.fields.append(CSVField(range: fieldStart..<position, quoted: false, hasEscapes: false, irregular: false))
                fieldStart = position + 1
            }
            position += 1
        }
        record.fields.append(CSVField(range: fieldStart..<position, quoted: false, hasEscapes: false, irregular: false))
        record.byteRange = start..<position
        if position < bytes.count { consumeLineEnd() }
        return true
    }

    private mutating func consumeLineEnd() {
        if bytes[position] == 0x0D, position + 1 < bytes.count, bytes[position + 1] == 0x0A { position += 2 } else { position += 1 }
        line += 1
    }
}

/// Queue_log field helpers on bytes (a namespace, so that no name clashes with other readers).
enum QueueLogField {
    /// `range` without surrounding spaces and tabs.
    static func trimmed(_ b: UnsafeRawBufferPointer, _ range: Range<Int>) -> Range<Int> {
        var lo = range.lowerBound, hi = range.upperBound
        while lo < hi, b[lo] == 0x20 || b[lo] == 0x09 { lo += 1 }
        while hi > lo, b[hi - 1] == 0x20 || b[hi - 1] == 0x09 { hi -= 1 }
        return lo..<hi
    }

    /// Epoch seconds with an optional fraction (`1543602660`, `1366720340.123456`), as
    /// queue_log and table exports write them; nil for anything else.
    static func epoch(_ b: UnsafeRawBufferPointer, _ field: CSVField) -> Timestamp? {
        let r = trimmed(b, field.range)
        var i = r.lowerBound
        var seconds: Int64 = 0
        var digits = 0
        while i < r.upperBound, case let d = b[i] &- 0x30, d < 10 {
            guard digits < 12 else { return nil }
            seconds = seconds * 10 + Int64(d)
            digits += 1
            i += 1
        }
        guard digits > 0 else { return nil }
        var nanos: Int64 = 0
        if i < r.upperBound, b[i] == 0x2E {
            i += 1
            var scale: Int64 = 100_000_000
            while i < r.upperBound, case let d = b[i] &- 0x30, d < 10 {
                nanos += Int64(d) * scale
                scale /= 10
                i += 1
            }
        }
        guard i == r.upperBound else { return nil }
        return Timestamp(nanoseconds: seconds * 1_000_000_000 + nanos)
    }

    /// Whether the field is empty or one of the "no value" markers of queue_log (`NONE`,
    /// `NULL`, `\N`).
    static func isNone(_ b: UnsafeRawBufferPointer, _ field: CSVField) -> Bool {
        if b.isNull(field) { return true }
        let r = trimmed(b, field.range)
        if r.isEmpty { return true }
        return r.count == 4 && b[r.lowerBound] == 0x4E && b[r.lowerBound + 1] == 0x4F && b[r.lowerBound + 2] == 0x4E && b[r.lowerBound + 3] == 0x45
    }

    /// The field as text unless it is empty, `NONE` or null.
    static func value(_ b: UnsafeRawBufferPointer, _ field: CSVField) -> String? {
        isNone(b, field) ? nil : b.optionalString(field)
    }
}

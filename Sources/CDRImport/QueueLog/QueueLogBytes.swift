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

    /// The latest time callscope accepts, 2100-01-01T00:00:00Z (epoch seconds).
    static let latestEpochSeconds: Int64 = 4_102_444_800

    /// What a time field of a queue_log record holds.
    enum Time {
        /// A time within 1970-01-01 ... 2100-01-01 (UTC).
        case time(Timestamp)
        /// A well-formed time outside 1970-2100: a bad record (and nanoseconds would overflow).
        case outOfRange
        /// Not a time at all.
        case invalid
    }

    /// Whether `t` is within 1970-01-01 ... 2100-01-01 (UTC), the times callscope accepts.
    static func inRange(_ t: Timestamp) -> Bool {
        t.nanoseconds >= 0 && t.nanoseconds <= latestEpochSeconds * 1_000_000_000
    }

    /// Epoch seconds with an optional fraction (`1543602660`, `1366720340.123456`), as
    /// queue_log and table exports write them: `.invalid` for anything else, `.outOfRange` for
    /// a number of seconds outside 0...4102444800 (1970-2100), whatever its digit count.
    static func epoch(_ b: UnsafeRawBufferPointer, _ field: CSVField) -> Time {
        let r = trimmed(b, field.range)
        var i = r.lowerBound
        var seconds: Int64 = 0
        var overflow = false
        var digits = 0
        while i < r.upperBound, case let d = b[i] &- 0x30, d < 10 {
            if !overflow {
                let (times10, o1) = seconds.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(Int64(d))
                if o1 || o2 { overflow = true } else { seconds = sum }
            }
            digits += 1
            i += 1
        }
        guard digits > 0 else { return .invalid }
        var nanos: Int64 = 0
        if i < r.upperBound, b[i] == 0x2E {
            i += 1
            var scale: Int64 = 100_000_000
            while i < r.upperBound, case let d = b[i] &- 0x30, d < 10 {
                nanos += Int64(d) * scale  // at most 999_999_999: scale is 0 after nine digits
                scale /= 10
                i += 1
            }
        }
        guard i == r.upperBound else { return .invalid }
        guard !overflow, seconds <= latestEpochSeconds else { return .outOfRange }
        // seconds <= 4102444800: no overflow; the fraction may not pass 2100-01-01T00:00:00Z.
        let t = Timestamp(nanoseconds: seconds * 1_000_000_000 + nanos)
        return inRange(t) ? .time(t) : .outOfRange
    }

    /// A hold, ring or wait time of a record.
    enum Duration {
        /// Empty, `NONE` or null: not given.
        case absent
        /// Nanoseconds, within 0 ... 365 days.
        case nanoseconds(Int64)
        /// Given, but not a whole number within 0 ... 365 days (a negative, absurd or
        /// non-numeric value): ignored, and reported once per file.
        case ignored
    }

    /// The longest hold, ring or wait time taken (365 days, in seconds); longer ones are ignored.
    static let longestDurationSeconds: Int64 = 31_536_000

    /// A whole number of seconds (`unitNanoseconds` 1e9) or milliseconds (1e6) within 0 ...
    /// 365 days, computed with overflow-reporting arithmetic (the digits come from the input).
    static func duration(_ b: UnsafeRawBufferPointer, _ field: CSVField?, unitNanoseconds: Int64) -> Duration {
        guard let field, !isNone(b, field) else { return .absent }
        let r = trimmed(b, field.range)
        var i = r.lowerBound
        var negative = false
        if b[i] == 0x2D || b[i] == 0x2B { negative = b[i] == 0x2D; i += 1 }
        guard i < r.upperBound else { return .ignored }
        var value: Int64 = 0
        var overflow = false
        while i < r.upperBound {
            let d = b[i] &- 0x30
            guard d < 10 else { return .ignored }
            if !overflow {
                let (times10, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(Int64(d))
                if o1 || o2 { overflow = true } else { value = sum }
            }
            i += 1
        }
        let unitsPerSecond = 1_000_000_000 / unitNanoseconds
        guard !overflow, !negative || value == 0 else { return .ignored }
        let (limit, o1) = longestDurationSeconds.multipliedReportingOverflow(by: unitsPerSecond)
        guard !o1, value <= limit else { return .ignored }
        let (nanoseconds, o2) = value.multipliedReportingOverflow(by: unitNanoseconds)
        return o2 ? .ignored : .nanoseconds(nanoseconds)
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

/// One field of a CSV record: a byte range into the scanned buffer.
public struct CSVField: Sendable, Hashable {
    /// The field's bytes without enclosing quotes (escaped `""` still doubled inside).
    public var range: Range<Int>
    /// The field was enclosed in double quotes.
    public var quoted: Bool
    /// The quoted content holds `""` escapes that `CSVRecord.string(_:)` turns into `"`.
    public var hasEscapes: Bool
    /// A quoted field that went on after its closing quote (`"User 9" <113>`, not RFC 4180);
    /// `range` then covers the raw text, quotes included.
    public var irregular: Bool
}

/// Splits CSV text into records on bytes (RFC 4180, plus what PBX exports really write).
///
/// - Line ends: CRLF, LF, or CR alone (spreadsheets on old Macs); a line break inside a quoted
///   field belongs to the field. Empty lines are skipped.
/// - Quotes: `"..."` with `""` escapes; a field that continues after its closing quote is kept
///   raw and marked `irregular`; an unterminated quote marks the record `unterminatedQuote`.
/// - No allocation per record: the caller passes the field array to fill and reuse.
///
/// ```swift
/// var scanner = CSVScanner(bytes: buffer)
/// var record = CSVRecord()
/// while scanner.next(into: &record) { print(record.line, record.count) }
/// ```
public struct CSVScanner {
    public let bytes: UnsafeRawBufferPointer
    public let separator: UInt8
    private var position = 0
    private var line = 1

    public init(bytes: UnsafeRawBufferPointer, separator: UInt8 = UInt8(ascii: ",")) {
        self.bytes = bytes
        self.separator = separator
        // A UTF-8 byte-order mark is not data.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
    }

    /// Whether all input has been read.
    public var isAtEnd: Bool { position >= bytes.count }

    /// The byte offset the next record is read from (every byte before it has been read).
    public var offset: Int { position }

    /// Reads the next non-empty record into `record` (its fields are replaced).
    /// - Returns: false at the end of the input.
    /// - Complexity: O(n) in the record's bytes.
    public mutating func next(into record: inout CSVRecord) -> Bool {
        // The position and line in locals (not written back through `self` per byte), and one
        // compare per ordinary byte (above `stop`, or above `"` inside quotes, nothing ends a field).
        let bytes = self.bytes
        let end = bytes.count
        let separator = self.separator
        let stop = max(separator, 0x0D)
        var position = self.position
        var line = self.line
        defer {
            self.position = position
            self.line = line
        }
        @inline(__always) func byte(_ i: Int) -> UInt8 { bytes.load(fromByteOffset: i, as: UInt8.self) }
        @inline(__always) func consumeLineEnd() {
            if byte(position) == 0x0D, position + 1 < end, byte(position + 1) == 0x0A { position += 2 } else { position += 1 }
            line += 1
        }
        // Skip empty lines.
        while position < end, byte(position) == 0x0A || byte(position) == 0x0D {
            consumeLineEnd()
        }
        guard position < end else { return false }
        record.fields.removeAll(keepingCapacity: true)
        record.line = line
        record.unterminatedQuote = false
        let recordStart = position
        while true {
            var field = CSVField(range: position..<position, quoted: false, hasEscapes: false, irregular: false)
            if position < end, byte(position) == 0x22 {
                // Quoted field.
                let fieldStart = position
                position += 1
                let contentStart = position
                var closed = false
                while position < end {
                    let b = byte(position)
                    if b > 0x22 {
                        position += 1
                        continue
                    }
                    if b == 0x22 {
                        if position + 1 < end, byte(position + 1) == 0x22 {
                            field.hasEscapes = true
                            position += 2
                            continue
                        }
                        closed = true
                        break
                    }
                    if b == 0x0A || (b == 0x0D && !(position + 1 < end && byte(position + 1) == 0x0A)) { line += 1 }
                    position += 1
                }
                field.quoted = true
                field.range = contentStart..<position
                if closed {
                    position += 1  // the closing quote
                    if position < end, byte(position) != separator, byte(position) != 0x0A, byte(position) != 0x0D {
                        // Text after the closing quote: keep the raw field.
                        while position < end, byte(position) != separator, byte(position) != 0x0A, byte(position) != 0x0D { position += 1 }
                        field.range = fieldStart..<position
                        field.irregular = true
                    }
                } else {
                    record.unterminatedQuote = true
                }
            } else {
                let start = position
                while position < end {
                    let b = byte(position)
                    if b > stop || (b != separator && b != 0x0A && b != 0x0D) {
                        position += 1
                        continue
                    }
                    break
                }
                field.range = start..<position
            }
            record.fields.append(field)
            if position < end, byte(position) == separator {
                position += 1
                continue
            }
            break
        }
        record.byteRange = recordStart..<position
        if position < end { consumeLineEnd() }
        return true
    }
}

/// The fields of one CSV record, reused from record to record.
public struct CSVRecord {
    public var fields: [CSVField] = []
    /// 1-based line where the record starts.
    public var line = 0
    public var byteRange: Range<Int> = 0..<0
    /// The last field opened a quote that the input never closed.
    public var unterminatedQuote = false

    public init() {}

    public var count: Int { fields.count }
}

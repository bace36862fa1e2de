import CallModel

/// Writes records as JSON text (RFC 8259), keys in record order, as UTF-8 bytes appended to a
/// buffer the caller reuses and flushes (see `RecordStream`).
///
/// Hand-written rather than `JSONEncoder` so the key order is the schema's and durations keep
/// their three decimals; bytes rather than `String` because output is a hot path for a
/// million calls.
public enum JSONWriter {
    /// One record as a single-line JSON object.
    public static func append(_ record: Record, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (i, field) in record.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            appendString(field.name, to: &out)
            out.append(UInt8(ascii: ":"))
            append(field.value, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    public static func append(_ value: FieldValue, to out: inout [UInt8]) {
        switch value {
        case .string(let s): appendString(s, to: &out)
        case .integer(let i): appendDecimal(i, to: &out)
        case .decimal(let d): out.append(contentsOf: d.utf8)
        case .time(let t):
            out.append(0x22)
            t.appendISO8601(to: &out)
            out.append(0x22)
        case .seconds(let d): d.appendSeconds3(to: &out)
        case .bool(let b): out.append(contentsOf: b ? "true".utf8 : "false".utf8)
        case .null: out.append(contentsOf: "null".utf8)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                append(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let fields):
            out.append(UInt8(ascii: "{"))
            for (i, field) in fields.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                appendString(field.0, to: &out)
                out.append(UInt8(ascii: ":"))
                append(field.1, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A JSON string literal with the escapes of RFC 8259 §7 (control characters, `"`, `\`), and
    /// `\uXXXX` for what a terminal or a script would act on though JSON allows it raw: DEL, the C1
    /// controls, the bidirectional formatting characters of ``TerminalText`` and U+2028/U+2029
    /// (line breaks to JavaScript). Lossless: any JSON reader gets the value back as written.
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        // The string's own bytes when it has them (native strings, small ones included): no copy
        // of the string and no retain, as `withUTF8` on a `var` needs.
        if s.utf8.withContiguousStorageIfAvailable({ appendString(utf8: $0, to: &out) }) != nil { return }
        var s = s
        s.withUTF8 { appendString(utf8: $0, to: &out) }
    }

    /// ``appendString(_:to:)`` of UTF-8 bytes: text with nothing to escape (the usual case:
    /// no control character, quote, backslash, DEL or non-ASCII byte) is copied at once.
    public static func appendString(utf8 bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var plain = true
        for b in bytes where b < 0x20 || b == 0x22 || b == 0x5C || b >= 0x7F {
            plain = false
            break
        }
        if plain {
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: bytes)
            out.append(UInt8(ascii: "\""))
            return
        }
        out.append(UInt8(ascii: "\""))
        do {
            var start = 0
            var i = 0
            let hex: StaticString = "0123456789abcdef"
            func appendUnicodeEscape(_ value: UInt32) {
                out.append(contentsOf: "\\u".utf8)
                hex.withUTF8Buffer { digits in
                    for shift in stride(from: 12, through: 0, by: -4) { out.append(digits[Int(value >> UInt32(shift) & 0xF)]) }
                }
            }
            while i < bytes.count {
                let b = bytes[i]
                if b < 0x20 || b == 0x22 || b == 0x5C || b == 0x7F {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
                    switch b {
                    case 0x22: out.append(contentsOf: "\\\"".utf8)
                    case 0x5C: out.append(contentsOf: "\\\\".utf8)
                    case 0x0A: out.append(contentsOf: "\\n".utf8)
                    case 0x0D: out.append(contentsOf: "\\r".utf8)
                    case 0x09: out.append(contentsOf: "\\t".utf8)
                    default: appendUnicodeEscape(UInt32(b))
                    }
                    i += 1
                    start = i
                } else if b == 0xC2 || b == 0xD8 || b == 0xE2, let scalar = escapedScalar(bytes, at: i) {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
                    appendUnicodeEscape(scalar.value)
                    i += scalar.length
                    start = i
                } else {
                    i += 1
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    /// The scalar starting at `i` when it is one JSON output escapes beyond RFC 8259's minimum
    /// (C1, bidirectional formatting, U+2028/U+2029), with its UTF-8 length.
    @inline(__always)
    static func escapedScalar(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (value: UInt32, length: Int)? {
        let remaining = bytes.count - i
        switch bytes[i] {
        case 0xC2:  // U+0080-U+009F: C2 80-9F
            guard remaining >= 2, (0x80...0x9F).contains(bytes[i + 1]) else { return nil }
            return (UInt32(bytes[i + 1]), 2)
        case 0xD8:  // U+061C ARABIC LETTER MARK: D8 9C
            guard remaining >= 2, bytes[i + 1] == 0x9C else { return nil }
            return (0x061C, 2)
        case 0xE2:  // U+200E/F, U+2028-202E: E2 80 xx; U+2066-2069: E2 81 A6-A9
            guard remaining >= 3 else { return nil }
            let b1 = bytes[i + 1], b2 = bytes[i + 2]
            if b1 == 0x80, b2 == 0x8E || b2 == 0x8F || (0xA8...0xAE).contains(b2) {
                return (0x2000 | UInt32(b2 & 0x3F), 3)
            }
            if b1 == 0x81, (0xA6...0xA9).contains(b2) { return (0x2040 | UInt32(b2 & 0x3F), 3) }
            return nil
        default:
            return nil
        }
    }

    static func appendDecimal(_ value: Int64, to out: inout [UInt8]) {
        if value == 0 { out.append(UInt8(ascii: "0")); return }
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while magnitude > 0 {
                buffer[count] = UInt8(magnitude % 10) + 0x30
                magnitude /= 10
                count += 1
            }
            if value < 0 { out.append(UInt8(ascii: "-")) }
            for k in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[k]) }
        }
    }

    /// A record as a `String` (tests, small outputs).
    public static func object(_ record: Record) -> String {
        var out: [UInt8] = []
        append(record, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

/// Writes scalar records as CSV (RFC 4180): a header row, `\n` line ends, fields quoted when
/// they hold a comma, quote or line break; null is an empty field; arrays and objects are
/// written as JSON text in one cell.
///
/// Text cells that a spreadsheet would run as a formula (OWASP "CSV Injection": a cell beginning
/// with `=`, `@`, tab or carriage return, or with `+`/`-` not followed by a telephone number) are
/// written with a leading `'`, which spreadsheets take as "text". Numbers such as `+447700900123`
/// and `-` stay as they are.
public enum CSVWriter {
    public static func appendHeader(_ header: [String], to out: inout [UInt8]) {
        for (i, name) in header.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            appendEscaped(name, to: &out)
        }
        out.append(0x0A)
    }

    /// One row: the record's fields in header order (the record is in schema order already,
    /// so names are matched in one pass).
    public static func append(_ record: Record, header: [String], to out: inout [UInt8]) {
        var index = 0
        for (i, name) in header.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            var value: FieldValue = .null
            if index < record.count, record[index].name == name {
                value = record[index].value
                index += 1
            } else if let found = record.first(where: { $0.name == name }) {
                value = found.value
            }
            appendCell(value, to: &out)
        }
        out.append(0x0A)
    }

    static func appendCell(_ value: FieldValue, to out: inout [UInt8]) {
        switch value {
        case .string(let s): appendEscaped(isFormulaLike(s) ? "'" + s : s, to: &out)
        case .integer(let i): JSONWriter.appendDecimal(i, to: &out)
        case .decimal(let d): out.append(contentsOf: d.utf8)
        case .time(let t): t.appendISO8601(to: &out)
        case .seconds(let d): d.appendSeconds3(to: &out)
        case .bool(let b): out.append(contentsOf: b ? "true".utf8 : "false".utf8)
        case .null: break
        case .array, .object:
            var json: [UInt8] = []
            JSONWriter.append(value, to: &json)
            appendEscaped(String(decoding: json, as: UTF8.self), to: &out)
        }
    }

    /// Whether a spreadsheet would read `s` as a formula (see the type's rules).
    public static func isFormulaLike(_ s: String) -> Bool {
        let utf8 = s.utf8
        guard let first = utf8.first else { return false }
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "@"), 0x09, 0x0D: return true
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            // A telephone number (`+4420...`, `*21#`) or a lone sign is data, anything else may compute.
            return !utf8.dropFirst().allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "#") }
        default: return false
        }
    }

    static func appendEscaped(_ s: String, to out: inout [UInt8]) {
        let utf8 = s.utf8
        guard utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {
            out.append(contentsOf: utf8)
            return
        }
        out.append(0x22)
        for b in utf8 {
            if b == 0x22 { out.append(0x22) }
            out.append(b)
        }
        out.append(0x22)
    }
}

/// Renders calls as ndjson, json or csv into a byte buffer handed to `write` in chunks of about
/// 1 MiB, so output of any size needs no more memory than one chunk.
public struct RecordStream {
    public enum Format: Sendable { case ndjson, json, csv }

    private let format: Format
    private let header: [String]
    private let write: ([UInt8]) -> Void
    private var buffer: [UInt8] = []
    private var count = 0

    public init(format: Format, header: [String] = [], write: @escaping ([UInt8]) -> Void) {
        self.format = format
        self.header = header
        self.write = write
        buffer.reserveCapacity(1 << 20 + 65_536)
        switch format {
        case .csv: CSVWriter.appendHeader(header, to: &buffer)
        case .json: buffer.append(UInt8(ascii: "["))
        case .ndjson: break
        }
    }

    public mutating func append(_ record: Record) {
        switch format {
        case .ndjson:
            JSONWriter.append(record, to: &buffer)
            buffer.append(0x0A)
        case .json:
            buffer.append(contentsOf: count == 0 ? "\n  ".utf8 : ",\n  ".utf8)
            JSONWriter.append(record, to: &buffer)
        case .csv:
            CSVWriter.append(record, header: header, to: &buffer)
        }
        count += 1
        if buffer.count >= 1 << 20 {
            write(buffer)
            buffer.removeAll(keepingCapacity: true)
        }
    }

    /// One call: JSON and ndjson are written straight from the call (``CallRecord/appendJSON(_:detail:time:to:)``),
    /// CSV through its record; `detail` adds `streams` and `media` (JSON formats only).
    public mutating func append(call: Call, detail: Bool, time: inout SiteTime) {
        switch format {
        case .ndjson:
            CallRecord.appendJSON(call, detail: detail, time: &time, to: &buffer)
            buffer.append(0x0A)
        case .json:
            buffer.append(contentsOf: count == 0 ? "\n  ".utf8 : ",\n  ".utf8)
            CallRecord.appendJSON(call, detail: detail, time: &time, to: &buffer)
        case .csv:
            CSVWriter.append(CallRecord.record(call, detail: false, time: &time), header: header, to: &buffer)
        }
        count += 1
        if buffer.count >= 1 << 20 {
            write(buffer)
            buffer.removeAll(keepingCapacity: true)
        }
    }

    /// Writes what is left (and closes the JSON array).
    public mutating func finish() {
        if format == .json { buffer.append(contentsOf: count == 0 ? "]\n".utf8 : "\n]\n".utf8) }
        if !buffer.isEmpty { write(buffer) }
        buffer.removeAll()
    }
}

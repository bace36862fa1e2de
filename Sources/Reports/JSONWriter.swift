/// Writes records as JSON text (RFC 8259) with keys in record order.
///
/// Hand-written rather than `JSONEncoder` so the key order is the schema's and durations keep
/// their three decimals.
public enum JSONWriter {
    /// One record as a single-line JSON object.
    public static func object(_ record: Record) -> String {
        var out = ""
        write(.object(record.map { ($0.name, $0.value) }), into: &out)
        return out
    }

    /// ndjson: one object per line (https://github.com/ndjson/ndjson-spec).
    public static func ndjson(_ records: [Record]) -> String {
        var out = ""
        for record in records {
            write(.object(record.map { ($0.name, $0.value) }), into: &out)
            out += "\n"
        }
        return out
    }

    /// A JSON array with one object per line.
    public static func array(_ records: [Record]) -> String {
        guard !records.isEmpty else { return "[]\n" }
        var out = "[\n"
        for (index, record) in records.enumerated() {
            out += "  "
            write(.object(record.map { ($0.name, $0.value) }), into: &out)
            out += index == records.count - 1 ? "\n" : ",\n"
        }
        return out + "]\n"
    }

    public static func write(_ value: FieldValue, into out: inout String) {
        switch value {
        case .string(let s): writeString(s, into: &out)
        case .integer(let i): out += String(i)
        case .decimal(let d): out += d
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                write(item, into: &out)
            }
            out += "]"
        case .object(let fields):
            out += "{"
            for (i, field) in fields.enumerated() {
                if i > 0 { out += "," }
                writeString(field.0, into: &out)
                out += ":"
                write(field.1, into: &out)
            }
            out += "}"
        }
    }

    /// A JSON string literal with the escapes of RFC 8259 §7.
    public static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

/// Writes scalar records as CSV (RFC 4180): a header row, CRLF-free `\n` line ends, fields
/// quoted when they hold a comma, quote or line break; null is an empty field.
public enum CSVWriter {
    public static func table(header: [String], rows: [Record]) -> String {
        var out = header.map(escape).joined(separator: ",") + "\n"
        for row in rows {
            let byName = Dictionary(row.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
            out += header.map { cell(byName[$0] ?? .null) }.joined(separator: ",") + "\n"
        }
        return out
    }

    static func cell(_ value: FieldValue) -> String {
        switch value {
        case .string(let s): escape(s)
        case .integer(let i): String(i)
        case .decimal(let d): d
        case .bool(let b): b ? "true" : "false"
        case .null: ""
        case .array, .object:
            escape({ var out = ""; JSONWriter.write(value, into: &out); return out }())
        }
    }

    static func escape(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

/// Rows of ClickHouse's `TabSeparated` output: fields split on tab, rows on newline, `\N` for
/// NULL, and the escapes `\t \n \r \b \f \0 \' \\` undone (clickhouse.com/docs/en/interfaces/formats#tabseparated).
struct TabSeparatedRows: Sequence, IteratorProtocol {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func next() -> [String?]? {
        guard position < bytes.count else { return nil }
        var fields: [String?] = []
        var field: [UInt8] = []
        var escaped = false
        var isNull = false
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if escaped {
                escaped = false
                switch byte {
                case UInt8(ascii: "N") where field.isEmpty: isNull = true
                case UInt8(ascii: "t"): field.append(9)
                case UInt8(ascii: "n"): field.append(10)
                case UInt8(ascii: "r"): field.append(13)
                case UInt8(ascii: "b"): field.append(8)
                case UInt8(ascii: "f"): field.append(12)
                case UInt8(ascii: "0"): field.append(0)
                default: field.append(byte)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\\"): escaped = true
            case 9:
                fields.append(isNull ? nil : String(decoding: field, as: UTF8.self)); field.removeAll(keepingCapacity: true); isNull = false
            case 10:
                fields.append(isNull ? nil : String(decoding: field, as: UTF8.self))
                return fields
            default: field.append(byte)
            }
        }
        fields.append(isNull ? nil : String(decoding: field, as: UTF8.self))
        return fields
    }
}

/// Typed reads of one TabSeparated row; a value that does not parse reads as 0 or nil.
struct TabSeparatedRow {
    let fields: [String?]
    subscript(_ i: Int) -> String? { i < fields.count ? fields[i] : nil }
    func string(_ i: Int) -> String { self[i] ?? "" }
    func int64(_ i: Int) -> Int64 { self[i].flatMap { Int64($0) } ?? 0 }
    func int64OrNil(_ i: Int) -> Int64? { self[i].flatMap { Int64($0) } }
    func uint64(_ i: Int) -> UInt64 { self[i].flatMap { UInt64($0) } ?? 0 }
    func int(_ i: Int) -> Int { Int(truncatingIfNeeded: int64(i)) }
    func intOrNil(_ i: Int) -> Int? { int64OrNil(i).map { Int(truncatingIfNeeded: $0) } }
    func bool(_ i: Int) -> Bool { int64(i) != 0 }
}

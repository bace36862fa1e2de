import CallModel

/// A value in a machine-readable record, rendered identically by every writer.
///
/// Durations are kept as pre-formatted decimals (`12.034`) so JSON and CSV never show
/// binary floating-point noise.
public enum FieldValue: Sendable, Hashable {
    case string(String)
    case integer(Int64)
    /// A decimal number already formatted, written without quotes.
    case decimal(String)
    /// A point in time, written as an ISO-8601 UTC string with milliseconds.
    case time(Timestamp)
    /// A duration, written as seconds with three decimals.
    case seconds(Duration3)
    case bool(Bool)
    case null
    case array([FieldValue])
    case object([(String, FieldValue)])

    public static func == (lhs: FieldValue, rhs: FieldValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): a == b
        case (.integer(let a), .integer(let b)): a == b
        case (.decimal(let a), .decimal(let b)): a == b
        case (.time(let a), .time(let b)): a == b
        case (.seconds(let a), .seconds(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.null, .null): true
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .string(let s): hasher.combine(s)
        case .integer(let i): hasher.combine(i)
        case .decimal(let d): hasher.combine(d)
        case .time(let t): hasher.combine(t)
        case .seconds(let d): hasher.combine(d)
        case .bool(let b): hasher.combine(b)
        case .null: hasher.combine(0)
        case .array(let a): hasher.combine(a)
        case .object(let o): for (k, v) in o { hasher.combine(k); hasher.combine(v) }
        }
    }

    /// Optional helpers.
    public static func string(_ value: String?) -> FieldValue { value.map(FieldValue.string) ?? .null }
    public static func integer<I: BinaryInteger>(_ value: I?) -> FieldValue { value.map { .integer(Int64($0)) } ?? .null }

    /// Whether the value is a scalar (fits in one CSV cell).
    public var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }
}

/// One output row: named fields in a stable order.
public typealias Record = [(name: String, value: FieldValue)]

import CallMetrics
import CallModel

/// A selection of records by their schema fields: conditions (`--where`), an order (`--sort`)
/// and a count (`--limit`), for every command that lists calls (README "Finding calls").
///
/// A condition is `FIELD OP VALUE` with `OP` one of `=`, `!=`, `<`, `<=`, `>`, `>=`, `~` (glob:
/// `*` any run, `?` one character, case-insensitive) and `!~`. Conditions are combined with AND.
/// Numbers (counts, seconds, decimals) compare numerically, times chronologically (the value a
/// time through the `time` reader, e.g. a local date of the site, else its ISO-8601 UTC text),
/// anything else as text. An empty value or `null` stands for "not known": `agent=` is the calls
/// with no agent. The order is stable, known values first whichever the direction.
/// Parsing never traps: any text gives a query or a ``QueryError``.
public struct CallQuery: Sendable {
    public enum Operator: String, Sendable, CaseIterable {
        case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        case matches = "~", notMatches = "!~"
    }

    public struct Condition: Sendable, Hashable {
        public let field: String
        public let op: Operator
        public let value: String
        /// The value read once, not once per record: empty or `null` ("not known"), as a
        /// number, as a flag, and as an instant (set by the query, which knows the site's zone).
        let wantsNull: Bool
        let number: Double?
        let flag: Bool?
        fileprivate(set) var instant: Timestamp?

        init(field: String, op: Operator, value: String) {
            self.field = field
            self.op = op
            self.value = value
            wantsNull = value.isEmpty || value.lowercased() == "null"
            number = Double(value).flatMap { $0.isFinite ? $0 : nil }
            flag = Bool(value.lowercased())
        }
    }

    public struct Order: Sendable, Hashable {
        public var field: String
        public var descending: Bool
    }

    /// A condition, sort field or limit that cannot be used; the message says why and what can.
    public struct QueryError: Error, CustomStringConvertible, Equatable {
        private enum Kind: Equatable { case noOperator, noField, unknownField, limit }
        private let kind: Kind
        public let description: String
        static func noOperator(_ text: String) -> QueryError {
            QueryError(kind: .noOperator, description: "--where '\(text)' has no comparison: write FIELD=VALUE, FIELD!=VALUE, FIELD<N, FIELD<=N, FIELD>N, FIELD>=N, FIELD~GLOB or FIELD!~GLOB.")
        }
        static func noField(_ text: String) -> QueryError {
            QueryError(kind: .noField, description: "--where '\(text)' names no field: write FIELD=VALUE, e.g. outcome=busy.")
        }
        static func unknownField(_ field: String, option: String, fields: [String]) -> QueryError {
            QueryError(kind: .unknownField, description: "\(option): unknown field '\(field)'; the fields are: \(fields.joined(separator: ", ")).")
        }
        static func limit(_ value: Int) -> QueryError {
            QueryError(kind: .limit, description: "--limit must be 1 or more (got \(value)).")
        }
    }

    public private(set) var conditions: [Condition]
    public private(set) var order: Order?
    public private(set) var limit: Int?

    /// Whether the query keeps every record in its order.
    public var isEmpty: Bool { conditions.isEmpty && order == nil && limit == nil }

    /// The query of `--where` texts, `--sort` (`-FIELD` descending) and `--limit`, on `fields`;
    /// `time` reads a condition's value as an instant for time fields (a local date or time of the site).
    public init(where texts: [String] = [], sort: String? = nil, limit: Int? = nil, fields: [String],
                time: @escaping @Sendable (String) -> Timestamp? = { _ in nil }) throws(QueryError) {
        let known = Set(fields)
        conditions = []
        for text in texts {
            var condition = try Self.condition(text)
            guard known.contains(condition.field) else { throw .unknownField(condition.field, option: "--where", fields: fields) }
            condition.instant = time(condition.value)
            conditions.append(condition)
        }
        if let sort {
            let trimmed = sort.trimmingWhitespace
            let descending = trimmed.hasPrefix("-")
            let field = String((descending || trimmed.hasPrefix("+") ? trimmed.dropFirst() : Substring(trimmed))).lowercased()
            guard known.contains(field) else { throw .unknownField(field, option: "--sort", fields: fields) }
            order = Order(field: field, descending: descending)
        }
        if let limit, limit < 1 { throw .limit(limit) }
        self.limit = limit
    }

    /// `text` read as one condition; the field is not checked against a list.
    static func condition(_ text: String) throws(QueryError) -> Condition {
        let scalars = Array(text.unicodeScalars)
        guard let start = scalars.firstIndex(where: { "=!<>~".unicodeScalars.contains($0) }) else { throw .noOperator(text) }
        let next = start + 1 < scalars.count ? scalars[start + 1] : nil
        let op: Operator
        var length = 2
        switch (scalars[start], next) {
        case ("!", "="): op = .notEqual
        case ("!", "~"): op = .notMatches
        case ("<", "="): op = .lessOrEqual
        case (">", "="): op = .greaterOrEqual
        case ("=", "="): op = .equal
        case ("=", _): op = .equal; length = 1
        case ("<", _): op = .less; length = 1
        case (">", _): op = .greater; length = 1
        case ("~", _): op = .matches; length = 1
        default: throw .noOperator(text)
        }
        let field = String(String.UnicodeScalarView(scalars[..<start])).trimmingWhitespace.lowercased()
        if field.isEmpty { throw .noField(text) }
        let value = String(String.UnicodeScalarView(scalars[(start + length)...])).trimmingWhitespace
        return Condition(field: field, op: op, value: value)
    }

    /// The items whose records meet every condition, in the query's order, at most `limit`.
    /// - Complexity: O(n log n) with an order, else O(n), records built once per item.
    public func apply<Item>(_ items: [Item], record: (Item) -> Record) -> [Item] {
        guard !isEmpty else { return items }
        var kept: [(item: Item, key: SortKey)] = []
        for item in items {
            let fields = record(item)
            guard conditions.allSatisfy({ meets($0, Self.value(of: $0.field, in: fields)) }) else { continue }
            kept.append((item, order.map { SortKey(Self.value(of: $0.field, in: fields)) } ?? .null))
        }
        if let order {
            // Stable: ties keep the input order (enumerated index).
            kept = kept.enumerated().sorted { a, b in
                if let before = SortKey.before(a.element.key, b.element.key, descending: order.descending) { return before }
                return a.offset < b.offset
            }.map(\.element)
        }
        let selected = kept.map(\.item)
        return limit.map { Array(selected.prefix($0)) } ?? selected
    }

    /// Whether one record meets every condition.
    public func matches(_ fields: Record) -> Bool {
        conditions.allSatisfy { meets($0, Self.value(of: $0.field, in: fields)) }
    }

    static func value(of field: String, in record: Record) -> FieldValue {
        record.first { $0.name == field }?.value ?? .null
    }

    func meets(_ condition: Condition, _ value: FieldValue) -> Bool {
        let wantsNull = condition.wantsNull
        switch condition.op {
        case .matches, .notMatches:
            let text = Self.text(value)
            let hit = text.map { Glob.matches($0, pattern: condition.value) } ?? wantsNull
            return (condition.op == .matches) == hit
        case .equal, .notEqual:
            let equal: Bool
            if case .null = value {
                equal = wantsNull
            } else if wantsNull {
                equal = false
            } else if let order = compare(value, condition) {
                equal = order == 0
            } else {
                equal = Self.text(value) == condition.value
            }
            return (condition.op == .equal) == equal
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard let order = compare(value, condition) else { return false }
            switch condition.op {
            case .less: return order < 0
            case .lessOrEqual: return order <= 0
            case .greater: return order > 0
            default: return order >= 0
            }
        }
    }

    /// -1, 0, 1 comparing `value` with the condition's value, as numbers, times or text; nil
    /// when they cannot be compared (no value, a number field against text that is not a number).
    func compare(_ value: FieldValue, _ condition: Condition) -> Int? {
        func sign<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a > b ? 1 : 0) }
        switch SortKey(value) {
        case .null: return nil
        case .number(let number):
            guard let wanted = condition.number else { return nil }
            return sign(number, wanted)
        case .time(let nanoseconds):
            if let instant = condition.instant { return sign(nanoseconds, instant.nanoseconds) }
            return sign(Timestamp(nanoseconds: nanoseconds).iso8601, condition.value)
        case .flag(let flag):
            guard let wanted = condition.flag else { return nil }
            return sign(flag ? 1 : 0, wanted ? 1 : 0)
        case .text(let text):
            return sign(text, condition.value)
        }
    }

    /// The text a glob or an equality sees; nil for no value.
    static func text(_ value: FieldValue) -> String? {
        switch value {
        case .string(let s): s
        case .integer(let i): String(i)
        case .decimal(let d): d
        case .time(let t): t.iso8601
        case .seconds(let d): d.seconds3
        case .bool(let b): String(b)
        case .null, .array, .object: nil
        }
    }

    /// A field value as it sorts: numbers numerically, times chronologically, text by code point.
    enum SortKey {
        case null, number(Double), time(Int64), flag(Bool), text(String)

        init(_ value: FieldValue) {
            switch value {
            case .string(let s): self = .text(s)
            case .integer(let i): self = .number(Double(i))
            case .decimal(let d): self = Double(d).map(SortKey.number) ?? .text(d)
            case .time(let t): self = .time(t.nanoseconds)
            case .seconds(let d): self = .number(Double(d.nanoseconds) / 1e9)
            case .bool(let b): self = .flag(b)
            case .null, .array, .object: self = .null
            }
        }

        private var rank: Int {
            switch self {
            case .number: 0
            case .time: 1
            case .flag: 2
            case .text: 3
            case .null: 4
            }
        }

        /// Whether `a` goes before `b`; nil when they tie. No value goes last either way.
        static func before(_ a: SortKey, _ b: SortKey, descending: Bool) -> Bool? {
            if a.rank != b.rank {
                if case .null = a { return false }
                if case .null = b { return true }
                return a.rank < b.rank
            }
            func order<T: Comparable>(_ x: T, _ y: T) -> Bool? { x == y ? nil : (descending ? x > y : x < y) }
            switch (a, b) {
            case (.number(let x), .number(let y)): return order(x, y)
            case (.time(let x), .time(let y)): return order(x, y)
            case (.flag(let x), .flag(let y)): return order(x ? 1 : 0, y ? 1 : 0)
            case (.text(let x), .text(let y)): return order(x, y)
            default: return nil
            }
        }
    }
}

/// `--call ID`: the calls a Call-ID (or a leg's or recording's id) names, whole or by any
/// unique prefix, as tables cut long Call-IDs.
public enum CallIDSelection {
    public enum Match<Item> {
        /// Items with that id (several when one call was read twice, or an id reused).
        case found([Item])
        case none
        /// The prefix starts several calls' ids: these, sorted.
        case ambiguous([String])
    }

    /// The items `id` names: those with an id equal to it, else those with exactly one
    /// distinct call id (the first of `ids`) starting with it.
    public static func select<Item>(_ id: String, in items: [Item], ids: (Item) -> [String]) -> Match<Item> {
        guard !id.isEmpty else { return .none }
        let exact = items.filter { ids($0).contains(id) }
        if !exact.isEmpty { return .found(exact) }
        var names: Set<String> = []
        var found: [Item] = []
        for item in items {
            let all = ids(item)
            guard all.contains(where: { $0.hasPrefix(id) }) else { continue }
            found.append(item)
            names.insert(all.first ?? id)
        }
        if found.isEmpty { return .none }
        return names.count == 1 ? .found(found) : .ambiguous(names.sorted())
    }
}

extension String {
    fileprivate var trimmingWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}

import Foundation

/// The query string of a request, decoded as a browser's form sends it (WHATWG URL
/// "application/x-www-form-urlencoded": `+` is a space, `%XX` a byte of UTF-8), names repeatable.
///
/// Every value reaches the pages only as data: compared, parsed, bound to SQL statements as
/// parameters, or escaped into markup. A parameter that cannot be decoded or is not known to
/// the page is a 400 with a message naming it.
struct QueryParameters: Sendable {
    private(set) var pairs: [(name: String, value: String)] = []

    /// The longest query string read, in bytes.
    static let limit = 8192

    init(_ query: String?, allowed: Set<String>) throws(DashboardError) {
        guard let query, !query.isEmpty else { return }
        guard query.utf8.count <= Self.limit else { throw DashboardError(.badRequest, "The query string is longer than \(Self.limit) bytes.") }
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let equals = part.firstIndex(of: "=")
            let name = try Self.decode(equals.map { part[..<$0] } ?? part)
            var value = ""
            if let equals { value = try Self.decode(part[part.index(after: equals)...]) }
            guard allowed.contains(name) else {
                throw DashboardError(.badRequest, "Unknown query parameter '\(name)'; this page takes: \(allowed.sorted().joined(separator: ", ")).")
            }
            pairs.append((name, value))
        }
    }

    static func decode(_ text: Substring) throws(DashboardError) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        guard let decoded = spaced.removingPercentEncoding else {
            throw DashboardError(.badRequest, "The query string has a bad %-escape or is not UTF-8 near '\(String(text.prefix(40)))'.")
        }
        return decoded
    }

    /// The last value of `name`, nil when absent or empty.
    func value(_ name: String) -> String? {
        guard let value = pairs.last(where: { $0.name == name })?.value, !value.isEmpty else { return nil }
        return value
    }

    /// Every non-empty value of `name`, in order.
    func values(_ name: String) -> [String] { pairs.filter { $0.name == name && !$0.value.isEmpty }.map(\.value) }

    /// `name` as a whole number in `range`; nil when absent.
    func integer(_ name: String, in range: ClosedRange<Int>) throws(DashboardError) -> Int? {
        guard let text = value(name) else { return nil }
        guard let number = Int(text), range.contains(number) else {
            throw DashboardError(.badRequest, "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound) (got '\(String(text.prefix(40)))').")
        }
        return number
    }
}

/// A plain-text table for people: a header, a rule, left-aligned text and right-aligned numbers.
public struct TextTable: Sendable {
    public enum Alignment: Sendable { case left, right }
    public struct Column: Sendable {
        public var title: String
        public var alignment: Alignment
        public var maxWidth: Int
        public init(_ title: String, _ alignment: Alignment = .left, maxWidth: Int = 40) {
            self.title = title; self.alignment = alignment; self.maxWidth = maxWidth
        }
    }

    public var columns: [Column]
    public var rows: [[String]] = []

    public init(columns: [Column]) { self.columns = columns }

    public mutating func append(_ row: [String]) { rows.append(row) }

    /// Characters a terminal shows for `text`: ANSI colour sequences (`ESC [ ... m`) take none.
    static func visibleWidth(_ text: String) -> Int {
        guard text.contains("\u{1B}") else { return text.count }
        var width = 0
        var inEscape = false
        for character in text {
            if inEscape {
                if character == "m" { inEscape = false }
            } else if character == "\u{1B}" {
                inEscape = true
            } else {
                width += 1
            }
        }
        return width
    }

    /// The rendered table; cells longer than their column's maximum are cut with `…`.
    /// Coloured cells (ANSI sequences) are measured by what shows, and never cut.
    public func render() -> String {
        let cells = rows.map { row in
            columns.indices.map { i -> String in
                let text = i < row.count ? row[i] : ""
                let limit = columns[i].maxWidth
                return Self.visibleWidth(text) > limit && !text.contains("\u{1B}") ? String(text.prefix(limit - 1)) + "…" : text
            }
        }
        let widths = columns.indices.map { i in
            max(columns[i].title.count, cells.map { Self.visibleWidth($0[i]) }.max() ?? 0)
        }
        func line(_ values: [String]) -> String {
            var parts: [String] = []
            for (i, value) in values.enumerated() {
                let padding = String(repeating: " ", count: max(0, widths[i] - Self.visibleWidth(value)))
                parts.append(columns[i].alignment == .right ? padding + value : value + padding)
            }
            var text = parts.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }
        var out = line(columns.map(\.title)) + "\n"
        out += line(widths.map { String(repeating: "-", count: $0) }) + "\n"
        for row in cells { out += line(row) + "\n" }
        return out
    }
}

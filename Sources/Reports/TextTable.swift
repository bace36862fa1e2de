/// A plain-text table for people: a header, a rule, left-aligned text and right-aligned numbers.
///
/// Cells are text from input (caller IDs, CDR fields): every cell is shown through
/// ``TerminalText/escaped(_:)``, so no cell can send a control sequence to the terminal. Only a
/// column declared `styled` (our own coloured strips) keeps its ANSI colour sequences.
public struct TextTable: Sendable {
    public enum Alignment: Sendable { case left, right }
    public struct Column: Sendable {
        public var title: String
        public var alignment: Alignment
        public var maxWidth: Int
        /// The cells are our own text with ANSI colour (`ESC [ ... m`): shown as they are, never cut.
        public var styled: Bool
        public init(_ title: String, _ alignment: Alignment = .left, maxWidth: Int = 40, styled: Bool = false) {
            self.title = title; self.alignment = alignment; self.maxWidth = maxWidth; self.styled = styled
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
    /// Control characters are shown escaped; cells of `styled` columns keep their colour, are
    /// measured by what shows, and are never cut.
    public func render() -> String {
        let cells = rows.map { row in
            columns.indices.map { i -> String in
                let raw = i < row.count ? row[i] : ""
                if columns[i].styled { return raw }
                let text = TerminalText.escaped(raw)
                let limit = columns[i].maxWidth
                return text.count > limit ? String(text.prefix(max(0, limit - 1))) + "…" : text
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
        var out = line(columns.map { TerminalText.escaped($0.title) }) + "\n"
        out += line(widths.map { String(repeating: "-", count: $0) }) + "\n"
        for row in cells { out += line(row) + "\n" }
        return out
    }
}

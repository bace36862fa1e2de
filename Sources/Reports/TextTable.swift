/// A plain-text table for people: a header, a rule, left-aligned text and right-aligned numbers.
///
/// Cells are text from input (caller IDs, CDR fields): every cell is shown through
/// ``TerminalText/escaped(_:)``, so no cell can send a control sequence to the terminal. Only a
/// column declared `styled` (our own coloured strips) keeps its ANSI colour sequences.
///
/// Fitting (``render(width:)``): given a terminal width, the columns of least importance
/// (highest `priority`) are dropped until the most important ones fit at their minimum width,
/// then text columns are narrowed, least important first. Columns keep their declared order.
/// Cells are cut with `…` on a whole character: never inside an escape such as `\x1b`, a
/// multi-byte character or a grapheme cluster; wide (East Asian) characters count two columns.
public struct TextTable: Sendable {
    public enum Alignment: Sendable { case left, right }
    public struct Column: Sendable {
        public var title: String
        public var alignment: Alignment
        /// Widest the cells are shown when the table is not drawn `unbounded`.
        public var maxWidth: Int
        /// The cells are our own text with ANSI colour (`ESC [ ... m`): shown as they are, never cut.
        public var styled: Bool
        /// Lower is kept first when the terminal is too narrow for every column.
        public var priority: Int
        /// Narrowest a text column is cut to before the column is dropped instead; numbers
        /// (right-aligned) and styled columns are never cut.
        public var minWidth: Int
        public init(_ title: String, _ alignment: Alignment = .left, maxWidth: Int = 40, styled: Bool = false, priority: Int = 50, minWidth: Int = 6) {
            self.title = title; self.alignment = alignment; self.maxWidth = maxWidth; self.styled = styled
            self.priority = priority; self.minWidth = minWidth
        }

        var cuttable: Bool { alignment == .left && !styled }
    }

    /// How wide the table may be drawn.
    public enum Width: Sendable, Hashable {
        /// Each column cut at its `maxWidth` (output piped to a file or another program).
        case columnLimits
        /// Nothing cut (`--wide`).
        case unbounded
        /// Fitted to a terminal this many columns wide.
        case terminal(Int)
    }

    public var columns: [Column]
    public var rows: [[String]] = []

    public init(columns: [Column]) { self.columns = columns }

    public mutating func append(_ row: [String]) { rows.append(row) }

    /// Terminal columns `text` takes: ANSI colour sequences (`ESC [ ... m`) take none, wide
    /// characters two, a grapheme cluster (a letter and its combining marks) one.
    public static func displayWidth(_ text: String) -> Int {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text.utf8.count }
        var width = 0
        var inEscape = false
        for character in text {
            if inEscape {
                if character == "m" { inEscape = false }
            } else if character == "\u{1B}" {
                inEscape = true
            } else {
                width += displayWidth(character)
            }
        }
        return width
    }

    /// 2 for East Asian wide and fullwidth characters and emoji (Unicode UAX #11 W/F ranges), else 1.
    static func displayWidth(_ character: Character) -> Int {
        guard let scalar = character.unicodeScalars.first else { return 0 }
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }

    /// `raw` escaped for the terminal and cut to `limit` columns with `…`: whole characters
    /// only, and an escape (`\x1b`, `\u202e`) is kept whole or left out whole.
    static func cut(_ raw: String, to limit: Int) -> String { cut(Shown(raw), to: limit).text }

    /// A cell as it shows: escaped once, measured once.
    struct Shown {
        var raw: String
        var text: String
        var width: Int
        init(_ raw: String, styled: Bool = false) {
            self.raw = raw
            text = styled ? raw : TerminalText.escaped(raw)
            width = TextTable.displayWidth(text)
        }
        init(raw: String, text: String, width: Int) { self.raw = raw; self.text = text; self.width = width }
    }

    /// `cell` cut to `limit` columns (see ``cut(_:to:)``); the raw text is walked only when it must be cut.
    static func cut(_ cell: Shown, to limit: Int) -> Shown {
        guard cell.width > limit else { return cell }
        guard limit > 0 else { return Shown(raw: cell.raw, text: "", width: 0) }
        var out = ""
        var width = 0
        for character in cell.raw {
            let shown = TerminalText.escaped(String(character))
            let w = displayWidth(shown)
            if width + w > limit - 1 { break }
            out += shown
            width += w
        }
        return Shown(raw: cell.raw, text: out + "…", width: width + 1)
    }

    /// The rendered table; cells longer than their column's maximum are cut with `…`.
    /// Control characters are shown escaped; cells of `styled` columns keep their colour, are
    /// measured by what shows, and are never cut.
    public func render() -> String { render(width: .columnLimits) }

    /// The table drawn within `width` (see the type's fitting rules).
    public func render(width: Width) -> String {
        let limits: [Int] = columns.map { column in
            switch width {
            case .columnLimits: column.maxWidth
            case .unbounded, .terminal: Int.max
            }
        }
        // Every cell escaped and measured once; styled cells measured by what shows.
        let titles = columns.map { Shown($0.title) }
        let cells = rows.map { row in columns.indices.map { i in Shown(i < row.count ? row[i] : "", styled: columns[i].styled) } }
        // Natural width of each column: its title and cells, within its limit.
        var natural = columns.indices.map { i in
            cells.reduce(titles[i].width) { widest, row in max(widest, min(row[i].width, limits[i])) }
        }
        var kept = Array(columns.indices)
        if case .terminal(let total) = width {
            // A column shown wider than the terminal is no help: cap each at the terminal first.
            for i in natural.indices where columns[i].cuttable { natural[i] = min(natural[i], max(1, total)) }
            func minimum(_ i: Int) -> Int { columns[i].cuttable ? min(natural[i], columns[i].minWidth) : natural[i] }
            func span(_ indices: [Int], _ widthOf: (Int) -> Int) -> Int {
                indices.reduce(0) { $0 + widthOf($1) } + 2 * max(0, indices.count - 1)
            }
            while kept.count > 1, span(kept, minimum) > total {
                // Drop the least important column (the later one among equals).
                if let drop = kept.max(by: { (columns[$0].priority, $0) < (columns[$1].priority, $1) }) {
                    kept.removeAll { $0 == drop }
                }
            }
            var excess = span(kept, { natural[$0] }) - total
            for i in kept.sorted(by: { (columns[$0].priority, $0) > (columns[$1].priority, $1) }) where excess > 0 {
                let give = min(excess, natural[i] - minimum(i))
                if give > 0 { natural[i] -= give; excess -= give }
            }
        }
        let widths = natural
        func cell(_ shown: Shown, _ i: Int) -> Shown {
            columns[i].styled ? shown : Self.cut(shown, to: min(widths[i], limits[i]))
        }
        func line(_ values: [Shown]) -> String {
            var parts: [String] = []
            for (position, i) in kept.enumerated() {
                let value = values[position]
                let padding = String(repeating: " ", count: max(0, widths[i] - value.width))
                parts.append(columns[i].alignment == .right ? padding + value.text : value.text + padding)
            }
            var text = parts.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }
        var out = line(kept.map { Self.cut(titles[$0], to: widths[$0]) }) + "\n"
        out += line(kept.map { Shown(raw: "", text: String(repeating: "-", count: widths[$0]), width: widths[$0]) }) + "\n"
        for row in cells { out += line(kept.map { cell(row[$0], $0) }) + "\n" }
        return out
    }
}

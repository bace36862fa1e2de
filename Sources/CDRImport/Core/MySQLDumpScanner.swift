/// Walks a MySQL dump (mysqldump output) on bytes: the column lists of `CREATE TABLE` and the
/// value tuples of `INSERT [IGNORE] INTO` / `REPLACE INTO name [(columns)] VALUES (...),(...);`
/// (MySQL Reference Manual, "INSERT Statement" and "String Literals"). The Asterisk `cdr` and
/// `queue_log` dump readers both read through it.
///
/// A tuple is read into a `CSVRecord` whose fields are byte ranges of the dump, without copying:
/// a string's content inside its quotes (`quoted`; `hasEscapes` when it holds a backslash escape
/// or a doubled quote, undone by `UnsafeRawBufferPointer.sqlString` / `appendSQLUnescaped`), or a
/// bare token (`NULL`, a number) with surrounding spaces trimmed. Strings may be quoted with `'`
/// (what mysqldump writes) or `"`. A record's line is the line where its tuple starts.
/// Everything between statements (comments, `LOCK TABLES`, `/*!...*/` directives) is skipped.
///
/// One recovery rule for a broken tuple (`TupleResult.malformed`), whatever the table:
/// - the tuple ends at the first `)` that is followed by `,` `(` (the next tuple) or by `;`
///   (spaces and line breaks allowed between), or at a `;` that ends the statement, looking
///   outside quoted strings; reading goes on with the next tuple, or the next statement;
/// - when the quotes after the break do not pair up as values do (a quote closes and what follows
///   is not `,` or `)`: a stray `'` such as `'O'Brien'`), the same boundary is looked for ignoring
///   quotes, a `;` then counting only at the end of a line;
/// - when there is neither, or a quoted string never closes, the tuple runs to the end of the file.
/// Junk where a tuple should open (`...),oops;`) is a broken tuple by the same rule.
struct MySQLDumpScanner {
    /// A statement the scanner stopped at.
    enum Statement: Equatable {
        /// `CREATE TABLE name (`: its column names, in order, lower-cased.
        case createTable(name: String, columns: [String])
        /// `INSERT INTO name [(columns)] VALUES`: read its tuples with `nextTuple`, or skip them
        /// with `skipStatement`. `columns` is the INSERT's own column list, lower-cased.
        case insert(name: String, columns: [String]?, line: Int)
    }

    /// What `nextTuple` read.
    enum TupleResult: Equatable {
        /// A well-formed tuple, in the record.
        case tuple
        /// The statement ended (`;`, or the input ended after a complete tuple).
        case end
        /// The tuple starting at the record's line is broken; the scanner has moved on by the
        /// recovery rule. The record holds the values read before the break.
        case malformed(reason: String)
    }

    let bytes: UnsafeRawBufferPointer
    private var position = 0
    private var line = 1

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    // MARK: - Statements

    /// The next `CREATE TABLE` or `INSERT`/`REPLACE` statement (table name: its last part,
    /// lower-cased, so `` `asterisk`.`cdr` `` is `cdr`), skipping other lines; nil at the end.
    mutating func nextStatement() -> Statement? {
        while position < bytes.count {
            skipSpaces()
            guard position < bytes.count else { return nil }
            let statementLine = line
            if matchKeywords("CREATE", "TABLE") {
                _ = matchKeywords("IF", "NOT", "EXISTS")
                let name = tableName()
                return .createTable(name: name, columns: createTableColumns())
            }
            if matchKeywords("INSERT", "INTO") || matchKeywords("INSERT", "IGNORE", "INTO") || matchKeywords("REPLACE", "INTO") {
                let name = tableName()
                skipSpaces()
                var columns: [String]?
                if position < bytes.count, bytes[position] == 0x28 { columns = columnList() }
                skipSpaces()
                guard matchKeywords("VALUES") || matchKeywords("VALUE") else {
                    skipStatement()
                    continue
                }
                return .insert(name: name, columns: columns, line: statementLine)
            }
            skipLine()
        }
        return nil
    }

    /// Skips the rest of a statement (its tuples when they are not wanted), past its `;`.
    mutating func skipStatement() {
        var quote: UInt8 = 0
        while position < bytes.count {
            let b = bytes[position]
            if b == 0x0A { line += 1 }
            position += 1
            if quote != 0 {
                if b == 0x5C { if position < bytes.count { if bytes[position] == 0x0A { line += 1 }; position += 1 }; continue }
                if b == quote { quote = 0 }
            } else if b == 0x27 || b == 0x22 {
                quote = b
            } else if b == 0x3B {
                return
            }
        }
    }

    // MARK: - Tuples

    /// Reads the next tuple of the current INSERT into `record` (its fields are replaced).
    /// - Complexity: O(n) in the tuple's bytes; no allocation once the record has grown.
    mutating func nextTuple(into record: inout CSVRecord) -> TupleResult {
        record.fields.removeAll(keepingCapacity: true)
        record.unterminatedQuote = false
        skipSpacesCountingLines()
        if position < bytes.count, bytes[position] == 0x2C {
            position += 1
            skipSpacesCountingLines()
        }
        record.line = line
        record.byteRange = position..<position
        guard position < bytes.count else { return .end }
        if bytes[position] == 0x3B { position += 1; return .end }
        guard bytes[position] == 0x28 else {
            let shown = shownJunk(from: position)
            resynchronise()
            record.byteRange = record.byteRange.lowerBound..<position
            return .malformed(reason: "malformed tuple: \(shown) where \"(\" should open a tuple")
        }
        let tupleStart = position
        position += 1
        while true {
            skipSpacesCountingLines()
            guard position < bytes.count else {
                record.unterminatedQuote = true
                return .malformed(reason: "unterminated tuple: the values run to the end of the file")
            }
            var field = CSVField(range: position..<position, quoted: false, hasEscapes: false, irregular: false)
            let first = bytes[position]
            if first == 0x27 || first == 0x22 {
                position += 1
                let start = position
                var closed = false
                while position < bytes.count {
                    let b = bytes[position]
                    if b == 0x5C {
                        field.hasEscapes = true
                        if position + 1 < bytes.count, bytes[position + 1] == 0x0A { line += 1 }
                        position += 2
                        continue
                    }
                    if b == first {
                        if position + 1 < bytes.count, bytes[position + 1] == first { field.hasEscapes = true; position += 2; continue }
                        closed = true
                        break
                    }
                    if b == 0x0A { line += 1 }
                    position += 1
                }
                field.quoted = true
                field.range = start..<min(position, bytes.count)
                guard closed else {
                    record.fields.append(field)
                    record.unterminatedQuote = true
                    position = bytes.count
                    record.byteRange = tupleStart..<position
                    return .malformed(reason: "unterminated quoted string: the values run to the end of the file")
                }
                position += 1
                skipSpacesCountingLines()
            } else {
                let start = position
                while position < bytes.count, bytes[position] != 0x2C, bytes[position] != 0x29 { position += 1 }
                var end = position
                while end > start, Self.isSpace(bytes[end - 1]) { end -= 1 }
                countLines(start..<position)
                field.range = start..<end
            }
            record.fields.append(field)
            guard position < bytes.count else {
                record.unterminatedQuote = true
                record.byteRange = tupleStart..<position
                return .malformed(reason: "unterminated tuple: the values run to the end of the file")
            }
            if bytes[position] == 0x2C { position += 1; continue }
            if bytes[position] == 0x29 {
                position += 1
                record.byteRange = tupleStart..<position
                return .tuple
            }
            let shown = shownJunk(from: position)
            let count = record.count
            resynchronise()
            record.byteRange = tupleStart..<position
            return .malformed(reason: "malformed tuple: value \(count) is followed by \(shown) instead of \",\" or \")\"")
        }
    }

    /// Up to 40 bytes from `from` to the end of the line, quoted, for a message.
    private func shownJunk(from: Int) -> String {
        var end = from
        while end < bytes.count, end - from <= 40, bytes[end] != 0x0A, bytes[end] != 0x0D { end += 1 }
        return bytes.quotedForMessage(CSVField(range: from..<end, quoted: false, hasEscapes: false, irregular: false))
    }

    // MARK: - Recovery

    /// Moves past a broken tuple by the recovery rule (see the type's documentation).
    private mutating func resynchronise() {
        let from = position
        let to = Self.tupleBoundary(bytes, from: from, quotes: true) ?? Self.tupleBoundary(bytes, from: from, quotes: false) ?? bytes.count
        countLines(from..<to)
        position = to
    }

    /// The offset just after the first `)` from `from` that is followed by `, (` or `;`, or of a
    /// `;` that ends the statement; nil when there is none, or (`quotes`) when a closing quote is
    /// not followed by `,` or `)`.
    private static func tupleBoundary(_ bytes: UnsafeRawBufferPointer, from: Int, quotes: Bool) -> Int? {
        var quote: UInt8 = 0
        var p = from
        while p < bytes.count {
            let b = bytes[p]
            if quote != 0 {
                if b == 0x5C { p += 2; continue }
                if b == quote {
                    if p + 1 < bytes.count, bytes[p + 1] == quote { p += 2; continue }
                    quote = 0
                    // A value's closing quote is followed by `,` or `)`: anything else means the
                    // quotes are out of step (a stray `'` in the junk).
                    var q = p + 1
                    while q < bytes.count, isSpace(bytes[q]) { q += 1 }
                    if q < bytes.count, bytes[q] != 0x2C, bytes[q] != 0x29 { return nil }
                }
            } else if quotes, b == 0x27 || b == 0x22 {
                quote = b
            } else if b == 0x3B {
                if quotes { return p }
                var q = p + 1
                while q < bytes.count, bytes[q] == 0x20 || bytes[q] == 0x09 || bytes[q] == 0x0D { q += 1 }
                if q == bytes.count || bytes[q] == 0x0A { return p }
            } else if b == 0x29 {
                var q = p + 1
                while q < bytes.count, isSpace(bytes[q]) { q += 1 }
                if q < bytes.count, bytes[q] == 0x3B { return p + 1 }
                if q < bytes.count, bytes[q] == 0x2C {
                    q += 1
                    while q < bytes.count, isSpace(bytes[q]) { q += 1 }
                    if q < bytes.count, bytes[q] == 0x28 { return p + 1 }
                }
            }
            p += 1
        }
        return nil
    }

    // MARK: - Names

    /// `name`, `` `name` `` or `` `db`.`name` ``: the last part, lower-cased.
    private mutating func tableName() -> String {
        skipSpaces()
        var name: [UInt8] = []
        while position < bytes.count {
            name.removeAll()
            if bytes[position] == 0x60 {
                position += 1
                while position < bytes.count, bytes[position] != 0x60 { name.append(bytes[position]); position += 1 }
                if position < bytes.count { position += 1 }
            } else {
                while position < bytes.count, Self.isIdentifierByte(bytes[position]) { name.append(bytes[position]); position += 1 }
            }
            guard position < bytes.count, bytes[position] == 0x2E else { break }
            position += 1
        }
        return String(decoding: name, as: UTF8.self).lowercased()
    }

    /// `(`a`, `b`, c)` of an INSERT: the names, lower-cased.
    private mutating func columnList() -> [String] {
        position += 1  // (
        var names: [String] = []
        var current: [UInt8] = []
        while position < bytes.count {
            let b = bytes[position]
            if b == 0x29 { position += 1; break }
            if b == 0x2C {
                names.append(String(decoding: current, as: UTF8.self).lowercased())
                current.removeAll()
            } else if b != 0x60, !Self.isSpace(b) {
                current.append(b)
            }
            if b == 0x0A { line += 1 }
            position += 1
        }
        names.append(String(decoding: current, as: UTF8.self).lowercased())
        return names
    }

    /// The column definitions of `CREATE TABLE name (` ... `);`: each item at the top level whose
    /// first word is a backquoted name, or an identifier that is not a key or constraint keyword.
    private mutating func createTableColumns() -> [String] {
        while position < bytes.count, bytes[position] != 0x28, bytes[position] != 0x3B {
            if bytes[position] == 0x0A { line += 1 }
            position += 1
        }
        guard position < bytes.count, bytes[position] == 0x28 else { skipStatement(); return [] }
        position += 1
        var columns: [String] = []
        var depth = 1
        var atItemStart = true
        while position < bytes.count, depth > 0 {
            let b = bytes[position]
            if atItemStart, !Self.isSpace(b) {
                atItemStart = false
                if b == 0x60 {
                    position += 1
                    var name: [UInt8] = []
                    while position < bytes.count, bytes[position] != 0x60 { name.append(bytes[position]); position += 1 }
                    if position < bytes.count { position += 1 }
                    columns.append(String(decoding: name, as: UTF8.self).lowercased())
                    continue
                }
                var word: [UInt8] = []
                var i = position
                while i < bytes.count, Self.isIdentifierByte(bytes[i]) { word.append((0x41...0x5A).contains(bytes[i]) ? bytes[i] | 0x20 : bytes[i]); i += 1 }
                let text = String(decoding: word, as: UTF8.self)
                if !word.isEmpty, !Self.definitionKeywords.contains(text) { columns.append(text) }
            }
            switch b {
            case 0x28: depth += 1
            case 0x29: depth -= 1
            case 0x2C where depth == 1: atItemStart = true
            case 0x27, 0x22:
                // A quoted default or comment: skip it whole.
                position += 1
                while position < bytes.count, bytes[position] != b {
                    if bytes[position] == 0x5C { position += 1 }
                    if position < bytes.count, bytes[position] == 0x0A { line += 1 }
                    position += 1
                }
            case 0x0A: line += 1
            default: break
            }
            position += 1
        }
        skipStatement()
        return columns
    }

    /// Words that open a key or constraint in a `CREATE TABLE` body, not a column.
    private static let definitionKeywords: Set<String> = ["primary", "unique", "key", "index", "constraint", "foreign", "fulltext", "spatial", "check"]

    // MARK: - Pieces

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    private static func isIdentifierByte(_ b: UInt8) -> Bool {
        (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || b == 0x5F || b == 0x24
    }

    private mutating func skipSpaces() { skipSpacesCountingLines() }

    private mutating func skipSpacesCountingLines() {
        while position < bytes.count {
            let b = bytes[position]
            if b == 0x0A { line += 1 } else if b != 0x20, b != 0x0D, b != 0x09 { return }
            position += 1
        }
    }

    private mutating func skipLine() {
        while position < bytes.count, bytes[position] != 0x0A { position += 1 }
        if position < bytes.count { position += 1; line += 1 }
    }

    private mutating func countLines(_ range: Range<Int>) {
        for i in range where i < bytes.count && bytes[i] == 0x0A { line += 1 }
    }

    /// Consumes `words` separated by spaces, ASCII case-insensitively, the last one ending at a
    /// non-identifier byte; leaves the position unchanged when they do not match.
    private mutating func matchKeywords(_ words: StaticString...) -> Bool {
        let saved = (position, line)
        for (k, word) in words.enumerated() {
            if k > 0 {
                guard position < bytes.count, Self.isSpace(bytes[position]) else {
                    (position, line) = saved
                    return false
                }
                skipSpaces()
            }
            let n = word.utf8CodeUnitCount
            guard position + n <= bytes.count else {
                (position, line) = saved
                return false
            }
            for i in 0..<n where bytes[position + i] | 0x20 != word.utf8Start[i] | 0x20 {
                (position, line) = saved
                return false
            }
            position += n
        }
        if position < bytes.count, Self.isIdentifierByte(bytes[position]) {
            (position, line) = saved
            return false
        }
        return true
    }

    // MARK: - Detection

    /// Whether `bytes` hold the ASCII `needle` (case-sensitive); for format detection on a sample.
    static func contains(_ bytes: UnsafeRawBufferPointer, _ needle: StaticString) -> Bool {
        let n = needle.utf8CodeUnitCount
        let p = needle.utf8Start
        guard n > 0, bytes.count >= n else { return false }
        var i = 0
        while i <= bytes.count - n {
            if bytes[i] == p[0] {
                var k = 1
                while k < n, bytes[i + k] == p[k] { k += 1 }
                if k == n { return true }
            }
            i += 1
        }
        return false
    }
}

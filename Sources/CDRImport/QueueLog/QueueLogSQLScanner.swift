/// Walks a MySQL dump (mysqldump output) on bytes: `CREATE TABLE` column lists and the value
/// tuples of `INSERT INTO ... VALUES (...),(...);` (MySQL Reference Manual, "String Literals").
///
/// Values are unescaped into a reusable scratch buffer and described as `CSVField`s over it:
/// a quoted string is `quoted` (so `NULL` inside quotes stays text), a bare `NULL` is the four
/// unquoted bytes `NULL` that `FieldDecoding.isNull` recognises. Escapes: `\0 \b \n \r \t \Z`,
/// any other `\x` is `x`, and `''` is `'`.
struct QueueLogSQLScanner {
    /// What the scanner met next.
    enum Statement {
        /// `CREATE TABLE name (`: its column names, in order.
        case createTable(name: String, columns: [String])
        /// `INSERT INTO name [(columns)] VALUES`: read its tuples with `nextTuple`.
        case insert(name: String, columns: [String]?, line: Int)
    }

    /// How one tuple ended.
    enum TupleResult {
        /// A tuple was read; more may follow in the statement.
        case tuple(line: Int)
        /// The statement ended (`;`, or the input ended after a complete tuple).
        case end
        /// The tuple starting at `line` is not valid SQL; the scanner has skipped to the next
        /// top-level tuple (`),(` outside quotes) or the statement's end, so reading goes on.
        case malformed(line: Int, reason: String)
    }

    let bytes: UnsafeRawBufferPointer
    private var position = 0
    private(set) var line = 1

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// The next `CREATE TABLE` or `INSERT INTO` statement, skipping everything else (comments,
    /// `LOCK TABLES`, `/*!...*/` directives); nil at the end of the input.
    mutating func nextStatement() -> Statement? {
        while position < bytes.count {
            skipSpaces()
            guard position < bytes.count else { return nil }
            if matchKeywords("CREATE", "TABLE") {
                _ = matchKeywords("IF", "NOT", "EXISTS")
                let name = tableName()
                return .createTable(name: name, columns: createTableColumns())
            }
            if matchKeywords("INSERT", "INTO") || matchKeywords("REPLACE", "INTO") || matchKeywords("INSERT", "IGNORE", "INTO") {
                let statementLine = line
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

    /// Skips the rest of an INSERT whose tuples are not wanted.
    mutating func skipStatement() {
        while position < bytes.count {
            let b = bytes[position]
            if b == 0x27 || b == 0x22 {
                position += 1
                skipQuoted(b)
                continue
            }
            advance()
            if b == 0x3B { return }
        }
    }

    /// Reads the next tuple of the current INSERT into `values` (fields over `scratch`).
    mutating func nextTuple(into values: inout [CSVField], scratch: inout [UInt8]) -> TupleResult {
        values.removeAll(keepingCapacity: true)
        scratch.removeAll(keepingCapacity: true)
        skipSpaces()
        guard position < bytes.count else { return .end }
        if bytes[position] == 0x3B { position += 1; return .end }
        if bytes[position] == 0x2C { position += 1; skipSpaces() }
        let tupleLine = line
        guard position < bytes.count, bytes[position] == 0x28 else {
            resynchronise()
            return .malformed(line: tupleLine, reason: "expected '(' to open a VALUES tuple")
        }
        position += 1
        while true {
            skipSpaces()
            guard position < bytes.count else { return .malformed(line: tupleLine, reason: "the input ends inside a VALUES tuple") }
            let start = scratch.count
            var quoted = false
            let b = bytes[position]
            if b == 0x27 || b == 0x22 {
                quoted = true
                position += 1
                guard readQuoted(b, into: &scratch) else {
                    return .malformed(line: tupleLine, reason: "unterminated quoted string")
                }
            } else {
                while position < bytes.count, bytes[position] != 0x2C, bytes[position] != 0x29, bytes[position] != 0x0A {
                    scratch.append(bytes[position])
                    position += 1
                }
                while scratch.count > start, scratch[scratch.count - 1] == 0x20 || scratch[scratch.count - 1] == 0x09 || scratch[scratch.count - 1] == 0x0D { scratch.removeLast() }
            }
            values.append(CSVField(range: start..<scratch.count, quoted: quoted, hasEscapes: false, irregular: false))
            skipSpaces()
            guard position < bytes.count else { return .malformed(line: tupleLine, reason: "the input ends inside a VALUES tuple") }
            if bytes[position] == 0x2C { position += 1; continue }
            if bytes[position] == 0x29 { position += 1; return .tuple(line: tupleLine) }
            resynchronise()
            return .malformed(line: tupleLine, reason: "expected ',' or ')' after a value")
        }
    }

    /// After a malformed tuple: skips to the `,` of the next top-level `)` `,` `(` (spaces
    /// allowed between them) or to the `;` that ends the statement, outside quoted strings,
    /// so that `nextTuple` reads the next tuple or ends the statement. Always moves forward
    /// (or stays at the end of the input).
    private mutating func resynchronise() {
        while position < bytes.count {
            let b = bytes[position]
            if b == 0x27 || b == 0x22 {
                position += 1
                skipQuoted(b)
                continue
            }
            if b == 0x3B { return }
            advance()
            guard b == 0x29 else { continue }
            // `)`: the end of the broken tuple when `,` `(` or `;` follows.
            let saved = (position, line)
            skipSpaces()
            guard position < bytes.count else { return }
            if bytes[position] == 0x3B { return }
            if bytes[position] == 0x2C {
                let comma = (position, line)
                position += 1
                skipSpaces()
                if position < bytes.count, bytes[position] == 0x28 {
                    (position, line) = comma
                    return
                }
            }
            (position, line) = saved
        }
    }

    // MARK: - Pieces

    private mutating func advance() {
        if bytes[position] == 0x0A { line += 1 }
        position += 1
    }

    private mutating func skipSpaces() {
        while position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x09 || bytes[position] == 0x0A || bytes[position] == 0x0D {
            advance()
        }
    }

    private mutating func skipLine() {
        while position < bytes.count, bytes[position] != 0x0A { position += 1 }
        if position < bytes.count { advance() }
    }

    /// Consumes `words` separated by spaces, ASCII case-insensitively; leaves the position
    /// unchanged when they do not match.
    private mutating func matchKeywords(_ words: StaticString...) -> Bool {
        let saved = (position, line)
        for (k, word) in words.enumerated() {
            if k > 0 {
                guard position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x0A || bytes[position] == 0x09 else {
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
        // A keyword ends at a non-identifier byte.
        if position < bytes.count, Self.isIdentifierByte(bytes[position]) {
            (position, line) = saved
            return false
        }
        return true
    }

    private static func isIdentifierByte(_ b: UInt8) -> Bool {
        (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || b == 0x5F || b == 0x24
    }

    /// `name`, `` `name` `` or `` `db`.`name` ``: the last part, lower-cased.
    private mutating func tableName() -> String {
        skipSpaces()
        var name: [UInt8] = []
        while position < bytes.count {
            name.removeAll()
            if bytes[position] == 0x60 {
                position += 1
                while position < bytes.count, bytes[position] != 0x60 { name.append(bytes[position]); advance() }
                if position < bytes.count { position += 1 }
            } else {
                while position < bytes.count, Self.isIdentifierByte(bytes[position]) { name.append(bytes[position]); position += 1 }
            }
            guard position < bytes.count, bytes[position] == 0x2E else { break }
            position += 1
        }
        return String(decoding: name, as: UTF8.self).lowercased()
    }

    /// `(`a`, `b`, c)`: the names, lower-cased.
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
            } else if b != 0x60, b != 0x20, b != 0x0A, b != 0x0D, b != 0x09 {
                current.append(b)
            }
            advance()
        }
        names.append(String(decoding: current, as: UTF8.self).lowercased())
        return names
    }

    /// The column definitions of `CREATE TABLE name (` ... `)`: each line whose first
    /// non-space byte is a backtick (or an identifier not a key/constraint keyword) names one.
    private mutating func createTableColumns() -> [String] {
        while position < bytes.count, bytes[position] != 0x28 { advance() }
        guard position < bytes.count else { return [] }
        position += 1
        var columns: [String] = []
        var depth = 1
        var atItemStart = true
        while position < bytes.count, depth > 0 {
            let b = bytes[position]
            if atItemStart, b != 0x20, b != 0x0A, b != 0x0D, b != 0x09 {
                atItemStart = false
                if b == 0x60 {
                    position += 1
                    var name: [UInt8] = []
                    while position < bytes.count, bytes[position] != 0x60 { name.append(bytes[position]); advance() }
                    if position < bytes.count { position += 1 }
                    columns.append(String(decoding: name, as: UTF8.self).lowercased())
                    continue
                }
                var word: [UInt8] = []
                var i = position
                while i < bytes.count, Self.isIdentifierByte(bytes[i]) { word.append((0x41...0x5A).contains(bytes[i]) ? bytes[i] | 0x20 : bytes[i]); i += 1 }
                let text = String(decoding: word, as: UTF8.self)
                if !word.isEmpty, !["primary", "unique", "key", "index", "constraint", "foreign", "fulltext", "spatial", "check"].contains(text) {
                    columns.append(text)
                }
            }
            switch b {
            case 0x28: depth += 1
            case 0x29: depth -= 1
            case 0x2C where depth == 1: atItemStart = true
            case 0x27, 0x22:
                position += 1
                skipQuoted(b)
                continue
            default: break
            }
            advance()
        }
        skipStatement()
        return columns
    }

    /// Skips a quoted string whose opening quote was consumed.
    private mutating func skipQuoted(_ quote: UInt8) {
        while position < bytes.count {
            let b = bytes[position]
            if b == 0x5C { advance(); if position < bytes.count { advance() }; continue }
            advance()
            if b == quote {
                if position < bytes.count, bytes[position] == quote { position += 1; continue }
                return
            }
        }
    }

    /// Unescapes a quoted string whose opening quote was consumed; false when it never closes.
    private mutating func readQuoted(_ quote: UInt8, into out: inout [UInt8]) -> Bool {
        while position < bytes.count {
            let b = bytes[position]
            if b == 0x5C {
                advance()
                guard position < bytes.count else { return false }
                let e = bytes[position]
                switch e {
                case 0x30: out.append(0)           // \0
                case 0x62: out.append(0x08)        // \b
                case 0x6E: out.append(0x0A)        // \n
                case 0x72: out.append(0x0D)        // \r
                case 0x74: out.append(0x09)        // \t
                case 0x5A: out.append(0x1A)        // \Z
                default: out.append(e)             // \\ \' \" and any other
                }
                advance()
                continue
            }
            advance()
            if b == quote {
                if position < bytes.count, bytes[position] == quote {
                    out.append(quote)
                    position += 1
                    continue
                }
                return true
            }
            out.append(b)
        }
        return false
    }
}

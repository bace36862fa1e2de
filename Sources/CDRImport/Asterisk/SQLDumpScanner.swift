/// Reads one table out of a mysqldump on bytes: its column names from `CREATE TABLE` and its
/// rows from `INSERT INTO ... VALUES (...),(...);` tuples.
///
/// Each tuple becomes a `CSVRecord` whose fields are byte ranges: a quoted string's content
/// (`quoted`, `hasEscapes` when it holds backslash or `''` escapes, see
/// `UnsafeRawBufferPointer.sqlString`), or a bare token (`NULL`, a number). A record's line is
/// the line where its tuple starts. Statements for other tables are skipped. A malformed tuple
/// (junk after a value) is returned with `malformation` set, and reading goes on at the next
/// tuple of the statement.
struct SQLDumpScanner {
    let bytes: UnsafeRawBufferPointer
    let table: String
    private var position = 0
    private var line = 1
    /// Inside the VALUES list of an INSERT for `table`.
    private var inValues = false
    /// The column list of the INSERT being read, when it names one.
    private(set) var insertColumns: [String]?
    /// Why the tuple last read is malformed; nil when it is not.
    private(set) var malformation: String?

    init(bytes: UnsafeRawBufferPointer, table: String) {
        self.bytes = bytes
        self.table = table
    }

    // MARK: - CREATE TABLE

    /// The column names of `CREATE TABLE table (...)`, nil when the dump has none.
    func createTableColumns() -> [String]? {
        var i = 0
        while let at = Self.find(bytes, "CREATE TABLE", from: i) {
            i = at + 12
            var p = i
            skipSpaces(&p)
            if matchWord(&p, "IF NOT EXISTS") { skipSpaces(&p) }
            guard let name = tableName(&p), name == table else { continue }
            skipSpaces(&p)
            guard p < bytes.count, bytes[p] == 0x28 else { continue }
            p += 1
            var columns: [String] = []
            // One definition per line: `name` type ...; keys and constraints are not columns.
            while p < bytes.count {
                skipSpaces(&p)
                guard p < bytes.count else { break }
                if bytes[p] == 0x29 { break }
                if bytes[p] == 0x60 {
                    let start = p + 1
                    var e = start
                    while e < bytes.count, bytes[e] != 0x60 { e += 1 }
                    columns.append(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<e]), as: UTF8.self))
                    p = e
                }
                // To the end of the line.
                while p < bytes.count, bytes[p] != 0x0A { p += 1 }
            }
            return columns.isEmpty ? nil : columns
        }
        return nil
    }

    // MARK: - INSERT tuples

    /// Reads the next VALUES tuple of an INSERT for the table into `record`.
    /// - Returns: false at the end of the dump.
    mutating func next(into record: inout CSVRecord) -> Bool {
        while true {
            if inValues {
                skipSpacesCountingLines()
                guard position < bytes.count else { inValues = false; return false }
                let b = bytes[position]
                if b == 0x2C { position += 1; continue }
                if b == 0x3B { position += 1; inValues = false; continue }
                if b == 0x28 {
                    readTuple(into: &record)
                    return true
                }
                // Not SQL we understand between tuples: go on at the next tuple or statement end.
                resynchronise()
                continue
            }
            guard findInsert() else { return false }
        }
    }

    /// Moves to the VALUES of the next `INSERT INTO table` at the start of a line.
    private mutating func findInsert() -> Bool {
        while position < bytes.count {
            let lineStart = position
            var p = position
            if matchWord(&p, "INSERT") {
                skipSpaces(&p)
                if matchWord(&p, "IGNORE") { skipSpaces(&p) }
                if matchWord(&p, "INTO") {
                    skipSpaces(&p)
                    if let name = tableName(&p), name == table {
                        skipSpaces(&p)
                        insertColumns = nil
                        if p < bytes.count, bytes[p] == 0x28 { insertColumns = columnList(&p) }
                        skipSpaces(&p)
                        if matchWord(&p, "VALUES") || matchWord(&p, "VALUE") {
                            countLines(lineStart..<p)
                            position = p
                            inValues = true
                            return true
                        }
                    }
                }
                // Another table's INSERT: skip the statement (strings may hold ';').
                position = lineStart
                skipStatement()
                continue
            }
            // To the next line.
            while position < bytes.count, bytes[position] != 0x0A { position += 1 }
            if position < bytes.count { position += 1; line += 1 }
        }
        return false
    }

    private mutating func readTuple(into record: inout CSVRecord) {
        record.fields.removeAll(keepingCapacity: true)
        record.line = line
        record.unterminatedQuote = false
        malformation = nil
        let tupleStart = position
        position += 1  // (
        while true {
            skipSpacesCountingLines()
            guard position < bytes.count else { record.unterminatedQuote = true; break }
            var field = CSVField(range: position..<position, quoted: false, hasEscapes: false, irregular: false)
            if bytes[position] == 0x27 {
                position += 1
                let start = position
                var closed = false
                while position < bytes.count {
                    let b = bytes[position]
                    if b == 0x5C { field.hasEscapes = true; if position + 1 < bytes.count, bytes[position + 1] == 0x0A { line += 1 }; position += 2; continue }
                    if b == 0x27 {
                        if position + 1 < bytes.count, bytes[position + 1] == 0x27 { field.hasEscapes = true; position += 2; continue }
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
                    break
                }
                position += 1
                skipSpacesCountingLines()
            } else {
                let start = position
                while position < bytes.count, bytes[position] != 0x2C, bytes[position] != 0x29 { position += 1 }
                var end = position
                while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D || bytes[end - 1] == 0x09 { end -= 1 }
                countLines(start..<position)
                field.range = start..<end
            }
            record.fields.append(field)
            guard position < bytes.count else { record.unterminatedQuote = true; break }
            if bytes[position] == 0x2C { position += 1; continue }
            if bytes[position] == 0x29 { position += 1; break }
            // Junk after a value: the tuple is bad; go on at the next tuple or statement end.
            var junk = position
            while junk < bytes.count, junk - position <= 40, bytes[junk] != 0x0A, bytes[junk] != 0x0D { junk += 1 }
            let shown = bytes.quotedForMessage(CSVField(range: position..<junk, quoted: false, hasEscapes: false, irregular: false))
            malformation = "malformed tuple: value \(record.count) is followed by \(shown) instead of \",\" or \")\""
            resynchronise()
            break
        }
        record.byteRange = tupleStart..<position
    }

    // MARK: - Helpers

    /// Moves from junk inside a VALUES list to just after the `)` that ends it: one followed by
    /// `,` and `(` (the next tuple) or by `;` (the statement's end), spaces allowed between, outside
    /// quotes; or to a `;` that ends the statement without it. When quotes do not pair up (a stray
    /// `'` in the junk), the first such place regardless of quotes (a `;` then only at a line's
    /// end); when there is none, the end of the dump.
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
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
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

    private mutating func skipStatement() {
        var quote: UInt8 = 0
        while position < bytes.count {
            let b = bytes[position]
            if b == 0x0A { line += 1 }
            if quote != 0 {
                if b == 0x5C { position += 2; continue }
                if b == quote { quote = 0 }
            } else if b == 0x27 || b == 0x22 {
                quote = b
            } else if b == 0x3B {
                position += 1
                return
            }
            position += 1
        }
    }

    private mutating func skipSpacesCountingLines() {
        while position < bytes.count {
            let b = bytes[position]
            if b == 0x0A { line += 1 } else if b != 0x20, b != 0x0D, b != 0x09 { return }
            position += 1
        }
    }

    private mutating func countLines(_ range: Range<Int>) {
        for i in range where bytes[i] == 0x0A { line += 1 }
    }

    private func skipSpaces(_ p: inout Int) {
        while p < bytes.count, bytes[p] == 0x20 || bytes[p] == 0x09 || bytes[p] == 0x0A || bytes[p] == 0x0D { p += 1 }
    }

    /// Matches `word` case-insensitively (ASCII) at `p` and moves past it.
    private func matchWord(_ p: inout Int, _ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard p + n <= bytes.count else { return false }
        let w = word.utf8Start
        for k in 0..<n where bytes[p + k] | 0x20 != w[k] | 0x20 { return false }
        p += n
        return true
    }

    /// A table name, backquoted or bare, at `p`.
    private func tableName(_ p: inout Int) -> String? {
        guard p < bytes.count else { return nil }
        let start: Int, end: Int
        if bytes[p] == 0x60 {
            start = p + 1
            var e = start
            while e < bytes.count, bytes[e] != 0x60 { e += 1 }
            guard e < bytes.count else { return nil }
            end = e
            p = e + 1
        } else {
            start = p
            var e = p
            while e < bytes.count, bytes[e] == 0x5F || bytes[e] == 0x2E || (bytes[e] | 0x20 >= 0x61 && bytes[e] | 0x20 <= 0x7A) || (bytes[e] >= 0x30 && bytes[e] <= 0x39) { e += 1 }
            end = e
            p = e
        }
        guard end > start else { return nil }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    /// `(`a`, `b`, ...)` of an INSERT.
    private func columnList(_ p: inout Int) -> [String] {
        var names: [String] = []
        p += 1
        while p < bytes.count, bytes[p] != 0x29 {
            skipSpaces(&p)
            if p < bytes.count, let name = tableName(&p) { names.append(name) } else if p < bytes.count, bytes[p] != 0x29 { p += 1 }
            skipSpaces(&p)
            if p < bytes.count, bytes[p] == 0x2C { p += 1 }
        }
        if p < bytes.count { p += 1 }
        return names
    }

    /// The offset of `needle` (ASCII, case-sensitive) in `bytes` from `from`.
    static func find(_ bytes: UnsafeRawBufferPointer, _ needle: StaticString, from: Int = 0) -> Int? {
        let n = needle.utf8CodeUnitCount
        let p = needle.utf8Start
        guard n > 0, bytes.count >= n else { return nil }
        var i = from
        while i <= bytes.count - n {
            if bytes[i] == p[0] {
                var k = 1
                while k < n, bytes[i + k] == p[k] { k += 1 }
                if k == n { return i }
            }
            i += 1
        }
        return nil
    }
}

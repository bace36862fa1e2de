/// A mysqldump of the Asterisk realtime `cdr` table (cdr_adaptive_odbc / cdr_mysql).
///
/// Column names come from `CREATE TABLE \`cdr\` (...)` (or the INSERT's own column list); each
/// `(...)` tuple of `INSERT INTO \`cdr\` VALUES (...),(...);` is one record, numbered by the line
/// where it starts. Strings are MySQL literals (`\"`, `\'` escapes), `NULL` is an empty value,
/// datetimes are `'YYYY-MM-DD HH:MM:SS'`. Other tables of the dump are skipped.
public struct AsteriskSQLReader: CDRReader {
    public static let format = CDRFormat.asteriskSQL

    public init() {}

    /// `CREATE TABLE` or `INSERT INTO` for the table `cdr` (95); a bare `INSERT INTO cdr` (80).
    public static func detect(_ sample: CDRSample) -> Int {
        sample.bytes.withUnsafeBytes { b in
            if MySQLDumpScanner.contains(b, "CREATE TABLE `cdr`") || MySQLDumpScanner.contains(b, "INSERT INTO `cdr`") { return 95 }
            if MySQLDumpScanner.contains(b, "CREATE TABLE IF NOT EXISTS `cdr`") { return 95 }
            if MySQLDumpScanner.contains(b, "INSERT INTO cdr ") || MySQLDumpScanner.contains(b, "INSERT INTO cdr(") { return 80 }
            return 0
        }
    }

    public func read(_ bytes: UnsafeRawBufferPointer, context: inout CDRContext) throws(CDRError) -> CDRReadResult {
        var builder = AsteriskCallBuilder(format: Self.format, escapes: .sql, source: context.input.name, expectedBytes: bytes.count)
        var scanner = MySQLDumpScanner(bytes: bytes)
        var tableColumns: [String]?
        var record = CSVRecord()
        var layouts: [[String]: AsteriskColumns] = [:]
        while let statement = scanner.nextStatement() {
            switch statement {
            case .createTable(let name, let columns):
                if name == "cdr" { tableColumns = columns }
            case .insert(let name, let insertColumns, let line):
                guard name == "cdr" else {
                    scanner.skipStatement()
                    continue
                }
                guard let names = insertColumns ?? tableColumns else {
                    throw CDRError(input: context.input.path, line: line,
                                   reason: "no CREATE TABLE `cdr` (or INSERT column list) names the columns of the values")
                }
                let columns: AsteriskColumns
                if let known = layouts[names] {
                    columns = known
                } else {
                    switch AsteriskColumns.named(names) {
                    case .success(let c): columns = c
                    case .failure(let missing):
                        throw CDRError(input: context.input.path, line: line, reason: "the cdr table has no \(missing.name) column")
                    }
                    layouts[names] = columns
                }
                tuples: while true {
                    switch scanner.nextTuple(into: &record) {
                    case .end:
                        break tuples
                    case .malformed(let reason):
                        try builder.reject(line: record.line, reason, context: &context)
                    case .tuple:
                        guard record.count == columns.fieldCount else {
                            try builder.reject(line: record.line, "\(record.count) values, expected \(columns.fieldCount) (the table's columns)", context: &context)
                            continue
                        }
                        try builder.add(record, columns: columns, bytes: bytes, context: &context)
                    }
                }
            }
        }
        return try builder.finish(bytes: bytes, context: context)
    }
}

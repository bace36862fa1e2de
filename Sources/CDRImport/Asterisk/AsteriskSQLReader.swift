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
            if SQLDumpScanner.find(b, "CREATE TABLE `cdr`") != nil || SQLDumpScanner.find(b, "INSERT INTO `cdr`") != nil { return 95 }
            if SQLDumpScanner.find(b, "CREATE TABLE IF NOT EXISTS `cdr`") != nil { return 95 }
            if SQLDumpScanner.find(b, "INSERT INTO cdr ") != nil || SQLDumpScanner.find(b, "INSERT INTO cdr(") != nil { return 80 }
            return 0
        }
    }

    public func read(_ bytes: UnsafeRawBufferPointer, context: inout CDRContext) throws(CDRError) -> CDRReadResult {
        var builder = AsteriskCallBuilder(format: Self.format, escapes: .sql, source: context.input.name, expectedBytes: bytes.count)
        var scanner = SQLDumpScanner(bytes: bytes, table: "cdr")
        let tableColumns = scanner.createTableColumns()
        var record = CSVRecord()
        var layouts: [[String]: AsteriskColumns] = [:]
        while scanner.next(into: &record) {
            guard let names = scanner.insertColumns ?? tableColumns else {
                throw CDRError(input: context.input.path, line: record.line,
                               reason: "no CREATE TABLE `cdr` (or INSERT column list) names the columns of the values")
            }
            let columns: AsteriskColumns
            if let known = layouts[names] {
                columns = known
            } else {
                switch AsteriskColumns.named(names) {
                case .success(let c): columns = c
                case .failure(let missing):
                    throw CDRError(input: context.input.path, line: record.line, reason: "the cdr table has no \(missing.name) column")
                }
                layouts[names] = columns
            }
            if record.unterminatedQuote {
                try builder.reject(line: record.line, "unterminated quote or tuple: the values run to the end of the file", context: &context)
                continue
            }
            if let malformation = scanner.malformation {
                try builder.reject(line: record.line, malformation, context: &context)
                continue
            }
            guard record.count == columns.fieldCount else {
                try builder.reject(line: record.line, "\(record.count) values, expected \(columns.fieldCount) (the table's columns)", context: &context)
                continue
            }
            try builder.add(record, columns: columns, bytes: bytes, context: &context)
        }
        return try builder.finish(bytes: bytes, context: context)
    }
}

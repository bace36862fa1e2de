import CallModel

/// Reads a mysqldump of the Asterisk realtime `queue_log` table.
///
/// The table (Asterisk `contrib/realtime/mysql`, logger.c) has `id, time, callid, queuename,
/// agent, event, data1..data5` (older schemas one `data` column with `|`-joined values); the
/// columns are taken from `CREATE TABLE` (or an INSERT's own column list), else that stock
/// order. `time` is a `YYYY-MM-DD HH:MM:SS[.ffffff]` datetime without offset, so it is read
/// in `--timezone` like every offset-less timestamp (Asterisk writes it with
/// `ast_localtime`); epoch seconds are accepted too. One VALUES tuple is one record; tuples of
/// other tables are skipped. Events map to calls as in `QueueLogReader`.
public struct QueueLogSQLReader: CDRReader {
    public static let format = CDRFormat.queueLogSQL

    public init() {}

    /// 95 when the sample holds `CREATE TABLE` or `INSERT INTO` of a `queue_log` table; 0 otherwise.
    public static func detect(_ sample: CDRSample) -> Int {
        let patterns: [StaticString] = [
            "CREATE TABLE `queue_log`", "INSERT INTO `queue_log`", "CREATE TABLE queue_log", "INSERT INTO queue_log",
            "CREATE TABLE IF NOT EXISTS `queue_log`",
        ]
        return sample.bytes.withUnsafeBytes { b in
            patterns.contains { MySQLDumpScanner.contains(b, $0) } ? 95 : 0
        }
    }

    /// The stock realtime columns, used when the dump has no CREATE TABLE for the table.
    static let stockColumns = ["id", "time", "callid", "queuename", "agent", "event", "data1", "data2", "data3", "data4", "data5"]

    public func read(_ bytes: UnsafeRawBufferPointer, context: inout CDRContext) throws(CDRError) -> CDRReadResult {
        var scanner = MySQLDumpScanner(bytes: bytes)
        var tableColumns: [String]?
        var assembler: QueueCallAssembler?
        var record = CSVRecord()
        var values: [CSVField] = []
        var scratch: [UInt8] = []
        var row = QueueLogRow()
        var sawTable = false
        // Rows are dumped in id order, the order they were written in: the previous one tells
        // the repeated hour apart.
        var previous: Timestamp?
        while let statement = scanner.nextStatement() {
            switch statement {
            case .createTable(let name, let columns):
                if Self.isQueueLog(name) {
                    sawTable = true
                    tableColumns = columns
                }
            case .insert(let name, let insertColumns, let line):
                guard Self.isQueueLog(name) else {
                    scanner.skipStatement()
                    continue
                }
                sawTable = true
                let names = insertColumns ?? tableColumns ?? Self.stockColumns
                guard let columns = QueueLogTableColumns(names: names) else {
                    throw CDRError(input: context.input.path, line: line, reason: "queue_log table without time, callid and event columns (\(names.joined(separator: ",")))")
                }
                if assembler == nil {
                    assembler = QueueCallAssembler(layout: columns.layout, source: context.input.name, format: Self.format, inputPath: context.input.path)
                }
                tuples: while true {
                    let result = scanner.nextTuple(into: &record)
                    let line = record.line
                    switch result {
                    case .end:
                        break tuples
                    case .malformed(let reason):
                        // The scanner has moved on to the next tuple (or the statement's end).
                        context.countRow()
                        try context.badRow(line: line, reason)
                    case .tuple:
                        context.countRow()
                        guard record.count == columns.count else {
                            try context.badRow(line: line, "\(record.count) values, expected \(columns.count) (\(names.joined(separator: ",")))")
                            continue
                        }
                        // The values unescaped into `scratch`, which holds this tuple only.
                        values.removeAll(keepingCapacity: true)
                        scratch.removeAll(keepingCapacity: true)
                        for field in record.fields {
                            let start = scratch.count
                            bytes.appendSQLUnescaped(field, to: &scratch)
                            values.append(CSVField(range: start..<scratch.count, quoted: field.quoted, hasEscapes: false, irregular: false))
                        }
                        let failure: String? = scratch.withUnsafeBytes { b in
                            let time: Timestamp
                            switch columns.time(values[columns.time], bytes: b, writtenAfter: previous, context: &context) {
                            case .time(let t): time = t; previous = t
                            case .outOfRange: return "\(columns.timeName) '\(b.string(values[columns.time]))' is outside 1970-2100"
                            case .invalid: return "\(columns.timeName) '\(b.string(values[columns.time]))' is not YYYY-MM-DD HH:MM:SS"
                            }
                            guard !b.isNull(values[columns.event]), !QueueLogField.trimmed(b, values[columns.event].range).isEmpty else {
                                return "empty event"
                            }
                            row.time = time
                            columns.fill(&row, from: values, bytes: b, quotedData: true)
                            assembler?.add(row, line: line, bytes: b, context: &context)
                            return nil
                        }
                        if let failure { try context.badRow(line: line, failure) }
                    }
                }
            }
        }
        guard sawTable else {
            throw CDRError(input: context.input.path, reason: "no queue_log table (CREATE TABLE or INSERT INTO `queue_log`) in the dump")
        }
        guard let assembler else { return CDRReadResult(calls: []) }
        return CDRReadResult(calls: assembler.finish(context: &context), agentEvents: assembler.agentEvents)
    }

    private static func isQueueLog(_ name: String) -> Bool {
        name == "queue_log" || name.hasSuffix("queue_log")
    }
}

import CallModel

/// Reads an Asterisk `queue_log`: the stock text log, or a queue_log table exported as CSV
/// with a header row.
///
/// Stock text (Asterisk queue_log docs, "Queue Logs"): one event per line,
/// `epoch|callid|queue|agent|EVENT|data1|data2|...`; every field after EVENT is data, whether
/// Asterisk wrote them as separate fields or as one `|`-joined data field (they read the same).
/// Table export: columns found by header name (`time`/`date_time`, `callid`, `queuename`/
/// `queue_name`, `agent`/`type`, `event`, then `data1..n`, a single `data`, or `param1..n`
/// with `htime`, see `QueueDataLayout.paramTimes`). Calls, legs and agent events follow
/// docs/cdr-formats.md, "Asterisk queue_log".
///
/// A record is bad (reported, skipped) when it has too few fields (text) or not the header's
/// field count (table), a time that is not epoch seconds (or, in a table, `YYYY-MM-DD
/// HH:MM:SS` in `--timezone`) or is outside 1970-2100, or an empty event.
public struct QueueLogReader: CDRReader {
    public static let format = CDRFormat.queueLog

    public init() {}

    /// 90 for a header naming `callid` and `event` columns, or for first lines that are all
    /// `epoch|callid|queue|agent|EVENT...` (60 when most are); 0 otherwise.
    public static func detect(_ sample: CDRSample) -> Int {
        let names = Set(sample.firstRecordFields.map { $0.trimmingSpaces.lowercased() })
        if names.contains("callid"), names.contains("event") { return 90 }
        guard !sample.lines.isEmpty else { return 0 }
        let matching = sample.lines.filter(isStockLine).count
        if matching == sample.lines.count { return 90 }
        return matching * 2 > sample.lines.count ? 60 : 0
    }

    /// `epoch|callid|queue|agent|EVENT...`: an epoch first and an upper-case event fifth.
    static func isStockLine(_ line: String) -> Bool {
        let fields = line.split(separator: "|", maxSplits: 5, omittingEmptySubsequences: false)
        guard fields.count >= 5 else { return false }
        let epoch = fields[0].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let seconds = epoch.first, (1...12).contains(seconds.count), seconds.allSatisfy(\.isASCIIDigit),
              epoch.count == 1 || epoch[1].allSatisfy(\.isASCIIDigit)
        else { return false }
        let event = fields[4]
        guard let first = event.first, ("A"..."Z").contains(first) else { return false }
        return event.allSatisfy { ("A"..."Z").contains($0) || $0.isASCIIDigit || $0 == "_" }
    }

    public func read(_ bytes: UnsafeRawBufferPointer, context: inout CDRContext) throws(CDRError) -> CDRReadResult {
        var scanner = CSVScanner(bytes: bytes)
        var header = CSVRecord()
        if scanner.next(into: &header) {
            let names = header.fields.map { bytes.string($0).lowercased() }
            if let columns = QueueLogTableColumns(names: names) {
                return try readTable(&scanner, columns: columns, bytes: bytes, context: &context)
            }
        }
        return try readText(bytes, context: &context)
    }

    private func readText(_ bytes: UnsafeRawBufferPointer, context: inout CDRContext) throws(CDRError) -> CDRReadResult {
        var assembler = QueueCallAssembler(layout: .stock, source: context.input.name, format: Self.format, inputPath: context.input.path)
        var scanner = PipeLineScanner(bytes: bytes)
        var record = CSVRecord()
        var row = QueueLogRow()
        while scanner.next(into: &record) {
            context.countRow()
            let f = record.fields
            guard f.count >= 5 else {
                try context.badRow(line: record.line, "\(f.count) fields, expected at least 5 (epoch|callid|queue|agent|event|data...)")
                continue
            }
            let time: Timestamp
            switch QueueLogField.epoch(bytes, f[0]) {
            case .time(let t): time = t
            case .outOfRange:
                try context.badRow(line: record.line, "time '\(bytes.string(f[0]))' is outside 1970-2100 (epoch seconds 0 to 4102444800)")
                continue
            case .invalid:
                try context.badRow(line: record.line, "time '\(bytes.string(f[0]))' is not epoch seconds")
                continue
            }
            guard !QueueLogField.trimmed(bytes, f[4].range).isEmpty else {
                try context.badRow(line: record.line, "empty event")
                continue
            }
            row.time = time
            row.callID = f[1]; row.queue = f[2]; row.agent = f[3]; row.event = f[4]
            row.data.removeAll(keepingCapacity: true)
            row.data.append(contentsOf: f[5...])
            assembler.add(row, line: record.line, bytes: bytes, context: &context)
        }
        return CDRReadResult(calls: assembler.finish(context: &context), agentEvents: assembler.agentEvents)
    }

    private func readTable(_ scanner: inout CSVScanner, columns: QueueLogTableColumns, bytes: UnsafeRawBufferPointer, context: inout CDRContext) throws(CDRError) -> CDRReadResult {
        var assembler = QueueCallAssembler(layout: columns.layout, source: context.input.name, format: Self.format, inputPath: context.input.path)
        var record = CSVRecord()
        var row = QueueLogRow()
        // Rows are written in time order: the previous one tells the repeated hour apart.
        var previous: Timestamp?
        while scanner.next(into: &record) {
            context.countRow()
            let f = record.fields
            if record.unterminatedQuote {
                try context.badRow(line: record.line, "unterminated quote")
                continue
            }
            guard f.count == columns.count else {
                try context.badRow(line: record.line, "\(f.count) fields, expected \(columns.count) (the header's columns)")
                continue
            }
            let time: Timestamp
            switch columns.time(f[columns.time], bytes: bytes, writtenAfter: previous, context: &context) {
            case .time(let t): time = t; previous = t
            case .outOfRange:
                try context.badRow(line: record.line, "\(columns.timeName) '\(bytes.string(f[columns.time]))' is outside 1970-2100")
                continue
            case .invalid:
                try context.badRow(line: record.line, "\(columns.timeName) '\(bytes.string(f[columns.time]))' is not epoch seconds or YYYY-MM-DD HH:MM:SS")
                continue
            }
            guard !QueueLogField.trimmed(bytes, f[columns.event].range).isEmpty else {
                try context.badRow(line: record.line, "empty event")
                continue
            }
            row.time = time
            columns.fill(&row, from: f, bytes: bytes, quotedData: false)
            assembler.add(row, line: record.line, bytes: bytes, context: &context)
        }
        return CDRReadResult(calls: assembler.finish(context: &context), agentEvents: assembler.agentEvents)
    }
}

/// Column positions of a queue_log table export, from its header row.
struct QueueLogTableColumns {
    /// Fills `row` (all but its time) from one record's fields: callid, queue, agent, event,
    /// the data fields (one `data1|data2|...` column split at `|`, or one column each) and htime.
    func fill(_ row: inout QueueLogRow, from f: [CSVField], bytes: UnsafeRawBufferPointer, quotedData: Bool) {
        let empty = CSVField(range: 0..<0, quoted: false, hasEscapes: false, irregular: false)
        row.callID = f[callID]
        row.queue = queue.map { f[$0] } ?? empty
        row.agent = agent.map { f[$0] } ?? empty
        row.event = f[event]
        row.data.removeAll(keepingCapacity: true)
        if let joinedData {
            let r = f[joinedData].range
            var start = r.lowerBound
            for i in r where bytes[i] == 0x7C {
                row.data.append(CSVField(range: start..<i, quoted: quotedData, hasEscapes: false, irregular: false))
                start = i + 1
            }
            row.data.append(CSVField(range: start..<r.upperBound, quoted: quotedData, hasEscapes: false, irregular: false))
        } else {
            for index in data { row.data.append(f[index]) }
        }
        row.htime = htime.map { f[$0] }
    }

    var count: Int
    var time: Int
    var timeName: String
    var callID: Int
    var queue: Int?
    var agent: Int?
    var event: Int
    /// `data1..n` or `param1..n`, in order.
    var data: [Int]
    /// A single `data` column with `|`-joined values.
    var joinedData: Int?
    var htime: Int?
    var layout: QueueDataLayout

    /// Nil unless the header names `callid`, `event` and a time column.
    init?(names: [String]) {
        let names = names.map { $0.trimmingSpaces.lowercased() }
        func index(_ candidates: String...) -> Int? {
            for c in candidates { if let i = names.firstIndex(of: c) { return i } }
            return nil
        }
        // `date_time` (epoch) before `time`, which some exports write as local wall clock.
        guard let callID = index("callid", "call_id"), let event = index("event"),
              let time = index("date_time", "time", "timestamp", "epoch")
        else { return nil }
        self.count = names.count
        self.time = time
        self.timeName = names[time]
        self.callID = callID
        self.event = event
        self.queue = index("queuename", "queue_name", "queue")
        self.agent = index("agent", "membername", "type")
        func numbered(_ prefix: String) -> [Int] {
            var out: [Int] = []
            while let i = names.firstIndex(of: prefix + String(out.count + 1)) { out.append(i) }
            return out
        }
        let params = numbered("param")
        self.htime = index("htime")
        if !params.isEmpty {
            self.data = params
            self.joinedData = nil
            self.layout = htime == nil ? .stock : .paramTimes
        } else {
            self.data = numbered("data")
            self.joinedData = data.isEmpty ? index("data") : nil
            self.layout = .stock
        }
    }

    /// The record's time: epoch seconds, or an ISO date-time in `--timezone`; outside 1970-2100
    /// it is `.outOfRange` (a bad record), checked on the year before any arithmetic. A date-time
    /// in the repeated hour when clocks go back is read in the occurrence that keeps the log in
    /// time order after `previous`, the time of the record before it.
    func time(_ field: CSVField, bytes: UnsafeRawBufferPointer, writtenAfter previous: Timestamp?, context: inout CDRContext) -> QueueLogField.Time {
        let epoch = QueueLogField.epoch(bytes, field)
        if case .invalid = epoch {} else { return epoch }
        guard let civil = CivilDateTime.parseISO(bytes, field.range) else { return .invalid }
        // One day either side of 1970-2100 for the zone offset; the instant is checked after.
        guard (1969...2100).contains(civil.year) else { return .outOfRange }
        let t = context.localTime.timestamp(civil, writtenAfter: previous)
        return QueueLogField.inRange(t) ? .time(t) : .outOfRange
    }
}

fileprivate extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

fileprivate extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and double quotes.
    var trimmingSpaces: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" || c == "\"" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\"" { s = s.dropLast() }
        return String(s)
    }
}

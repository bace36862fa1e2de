import CallModel
import Foundation

/// Reads any CSV with a header row through the `--mapping` YAML file (`CSVMapping`): the
/// generic importer for PBXs callscope has no reader of its own (docs/cdr-formats.md,
/// "Mapped CSV").
///
/// - Rows sharing `call_id` are one call (file order of first appearance); without a
///   `call_id` column, or when it is empty, every row is a call of its own, whose id is
///   `<file>:<line>`.
/// - `start` is the earliest row start; `ended_at` the latest `end`, or `start + duration`,
///   or `answer + talk`.
/// - A row is answered when its outcome column maps to `answered`; without an outcome column,
///   when it has an answer time or `talk > 0`. The answering row is the answered row with the
///   longest talk (ties: the earliest); its `answer` (else `end - talk`) is `answered_at` and
///   its `agent` (a channel such as `SIP/201-0000001a` reduced to `201`) the agent; an
///   unanswered call keeps the first agent written (the one rung).
/// - Unanswered: the first row's mapped outcome; without an outcome column, `no_answer`.
///   An outcome value the mapping does not list is `unknown` (one warning per value).
/// - `wait_s`: the `wait` column when given, else "Common".
///
/// Errors (the file is not read): no `--mapping`, a mapping file that cannot be read or is not
/// valid (with the YAML line), a mapped column missing from the header (named), no header.
/// Bad rows: a field count other than the header's, a `start` (or non-empty `answer`/`end`)
/// not in `time_format`, a non-integer `duration`, `talk` or `wait` (scientific notation named
/// as spreadsheet damage), times out of order or not fitting `duration` in any reading of the
/// repeated hour (`CDRRowTimes`).
public struct MappedCSVReader: CDRReader {
    public static let format = CDRFormat.mappedCSV

    public init() {}

    /// Never chosen by content: only by `--input-format mapped-csv` or a `--mapping` file.
    public static func detect(_ sample: CDRSample) -> Int { 0 }

    public func read(_ bytes: UnsafeRawBufferPointer, context: inout CDRContext) throws(CDRError) -> CDRReadResult {
        guard let path = context.options.mappingPath else {
            throw CDRError(input: context.input.path, reason: "mapped-csv needs --mapping FILE (a YAML file naming the columns, see docs/cdr-formats.md \"Mapped CSV\")")
        }
        let mapping = try CSVMapping.load(path: path)
        return try read(bytes, mapping: mapping, mappingName: path, context: &context)
    }

    /// One row that parsed.
    struct Row {
        var line: Int
        var callID: String
        var caller: String?
        var dialed: String?
        var agent: String?
        var queue: String?
        var start: Timestamp
        var answer: Timestamp?
        var end: Timestamp?
        var talk: Int64?
        var wait: Int64?
        var outcomeText: String?
        var outcome: CallOutcome?
        var answered: Bool
    }

    /// Reads `bytes` with an already loaded mapping (`mappingName` is used in messages).
    public func read(_ bytes: UnsafeRawBufferPointer, mapping: CSVMapping, mappingName: String, context: inout CDRContext) throws(CDRError) -> CDRReadResult {
        var scanner = CSVScanner(bytes: bytes, separator: mapping.delimiter)
        var record = CSVRecord()
        guard scanner.next(into: &record) else {
            throw CDRError(input: context.input.path, reason: "empty file: a mapped CSV needs a header row")
        }
        // Header names -> positions (exact first, then case-insensitive).
        var exact: [String: Int] = [:], folded: [String: Int] = [:]
        var headerNames: [String] = []
        for (i, field) in record.fields.enumerated() {
            let name = bytes.string(field)
            headerNames.append(name)
            if exact[name] == nil { exact[name] = i }
            if folded[name.lowercased()] == nil { folded[name.lowercased()] = i }
        }
        let headerCount = record.count
        var index: [CSVMapping.Field: Int] = [:]
        let base = mappingName.split(separator: "/").last.map(String.init) ?? mappingName
        for field in CSVMapping.Field.allCases {
            guard let name = mapping.columns[field] else { continue }
            guard let i = exact[name] ?? folded[name.lowercased()] else {
                throw CDRError(input: context.input.path, line: record.line, reason: "column '\(name)' (columns.\(field.rawValue) in \(base)) is not in the header; the header has: \(headerNames.joined(separator: ", "))")
            }
            index[field] = i
        }
        var foldedOutcomes: [String: CallOutcome] = [:]
        for (key, value) in mapping.outcomes { foldedOutcomes[PBXCallAssembly.trim(key).uppercased()] = value }
        var unknownOutcomes = Set<String>()
        var converter = mapping.timeZone.map(LocalTimeConverter.init(timeZone:)) ?? context.localTime
        let hasOutcome = index[.outcome] != nil

        var rows: [Row] = []
        while scanner.next(into: &record) {
            context.countRow()
            let f = record.fields
            guard !record.unterminatedQuote else {
                try context.badRow(line: record.line, "unterminated quoted field")
                continue
            }
            guard f.count == headerCount else {
                try context.badRow(line: record.line, "\(f.count) fields, expected \(headerCount) (as in the header)")
                continue
            }
            func text(_ field: CSVMapping.Field) -> String? { index[field].flatMap { bytes.optionalString(f[$0]) } }
            enum Parsed { case absent, value(LocalInstants), bad(String) }
            func time(_ field: CSVMapping.Field) -> Parsed {
                guard let i = index[field], !bytes.isNull(f[i]) else { return .absent }
                switch mapping.timeFormat.read(bytes, f[i].range) {
                case .civil(let civil)?: return .value(converter.instants(civil))
                case .instant(let t)?: return .value(LocalInstants(t))
                case nil: return .bad("\(field.rawValue) '\(bytes.string(f[i]))' (column \(headerNames[i])) is not in time_format '\(mapping.timeFormatText)'")
                }
            }
            func seconds(_ field: CSVMapping.Field) -> Result<Int64?, MappingProblem> {
                guard let i = index[field], !bytes.isNull(f[i]) else { return .success(nil) }
                let value = bytes.string(f[i])
                if let v = bytes.integer(f[i]) {
                    guard (0...PBXCallAssembly.maxDurationSeconds).contains(v) else {
                        return .failure(MappingProblem("\(field.rawValue) '\(value)' (column \(headerNames[i])) is not a number of seconds from 0 to \(PBXCallAssembly.maxDurationSeconds)"))
                    }
                    return .success(v)
                }
                if bytes.isScientificNotation(f[i]) {
                    return .failure(MappingProblem("\(field.rawValue) '\(value)' (column \(headerNames[i])) is in scientific notation: a spreadsheet re-save lost its digits"))
                }
                return .failure(MappingProblem("\(field.rawValue) '\(value)' (column \(headerNames[i])) is not a whole number of seconds"))
            }
            let starts: LocalInstants
            switch time(.start) {
            case .value(let t): starts = t
            case .bad(let reason): try context.badRow(line: record.line, reason); continue
            case .absent: try context.badRow(line: record.line, "start (column \(mapping.columns[.start] ?? "")) is empty"); continue
            }
            var answers: LocalInstants?, ends: LocalInstants?
            switch time(.answer) {
            case .value(let t): answers = t
            case .bad(let reason): try context.badRow(line: record.line, reason); continue
            case .absent: break
            }
            switch time(.end) {
            case .value(let t): ends = t
            case .bad(let reason): try context.badRow(line: record.line, reason); continue
            case .absent: break
            }
            var numbers: [Int64?] = []
            var problem: MappingProblem?
            for field in [CSVMapping.Field.duration, .talk, .wait] {
                switch seconds(field) {
                case .success(let v): numbers.append(v)
                case .failure(let p): problem = problem ?? p; numbers.append(nil)
                }
            }
            if let problem { try context.badRow(line: record.line, problem.message); continue }
            let (duration, talk, wait) = (numbers[0], numbers[1], numbers[2])
            // The times read so that they fit duration and talk (README "Time zones"); a missing
            // end is start + duration, else answer + talk.
            let start: Timestamp, answer: Timestamp?, end: Timestamp?
            switch CDRRowTimes.resolve(start: starts, answer: answers, end: ends, duration: duration, billsec: talk) {
            case .success(let times): (start, answer, end) = (times.start, times.answer, times.end)
            case .failure(let problem):
                func label(_ field: CSVMapping.Field) -> String? {
                    index[field].map { "\(field.rawValue) '\(bytes.string(f[$0]))' (column \(headerNames[$0]))" }
                }
                let message = problem.message(start: label(.start) ?? "start", answer: label(.answer), end: label(.end))
                try context.badRow(line: record.line, message)
                continue
            }

            var outcome: CallOutcome?
            let outcomeText = text(.outcome)
            if let outcomeText {
                outcome = mapping.outcomes[outcomeText] ?? foldedOutcomes[PBXCallAssembly.trim(outcomeText).uppercased()]
                if outcome == nil, unknownOutcomes.insert(outcomeText).inserted {
                    context.warning(line: record.line, "outcome '\(outcomeText)' is not listed under outcomes: in \(base); read as unknown")
                }
            }
            let answered = hasOutcome ? outcome == .answered : (answer != nil || (talk ?? 0) > 0)
            let rawCallID = text(.callID)
            var agent = text(.agent)
            if let channel = agent, channel.contains("/") { agent = ChannelName.agent(channel) }
            rows.append(Row(
                line: record.line, callID: rawCallID ?? "\(context.input.name):\(record.line)",
                caller: text(.caller), dialed: text(.dialed), agent: agent, queue: text(.queue),
                start: start, answer: answer, end: end, talk: talk, wait: wait,
                outcomeText: outcomeText, outcome: hasOutcome ? (outcome ?? .unknown) : nil, answered: answered
            ))
        }
        if mapping.timeZone == nil { context.localTime = converter }
        return CDRReadResult(calls: Self.calls(rows, source: context.input.name))
    }

    static func calls(_ rows: [Row], source: String) -> [Call] {
        groupedInOrder(rows, by: \.callID).map { call($0, source: source) }
    }

    private static func call(_ rows: [Row], source: String) -> Call {
        let first = rows.min { $0.start < $1.start } ?? rows[0]
        let start = first.start
        let end = rows.compactMap(\.end).max()
        func talk(_ row: Row) -> Int64 {
            if let t = row.talk { return t }
            if let a = row.answer, let e = row.end { return max(0, a.distance(to: e) / 1_000_000_000) }
            return 0
        }
        var answering: Row?
        for row in rows where row.answered && (answering.map { talk(row) > talk($0) } ?? true) { answering = row }
        let answeredAt = answering.flatMap { row in
            row.answer ?? row.end.flatMap { e in row.talk.map { PBXCallAssembly.minus(e, seconds: $0) } }
        }
        let outcome: CallOutcome = answering != nil ? .answered : (first.outcome ?? .noAnswer)
        let wait = rows.lazy.compactMap(\.wait).first.flatMap(PBXCallAssembly.nanoseconds(seconds:))
            ?? PBXCallAssembly.wait(start: start, answeredAt: answeredAt, endedAt: end)
        return Call(
            callID: first.callID, source: source, start: start,
            caller: PBXCallAssembly.party(first.caller ?? rows.lazy.compactMap(\.caller).first),
            dialed: PBXCallAssembly.party(first.dialed ?? rows.lazy.compactMap(\.dialed).first),
            outcome: outcome, answeredAt: answeredAt, endedAt: end,
            agent: PBXCallAssembly.party(answering?.agent ?? rows.lazy.compactMap(\.agent).first), queue: rows.lazy.compactMap(\.queue).first,
            waitNanoseconds: wait, format: format.rawValue, packets: rows.count,
            legs: rows.map { row in
                CallLeg(id: "\(source):\(row.line)", status: row.outcomeText ?? (row.answered ? "answered" : "no_answer"),
                        start: row.start, answered: row.answered, destination: row.agent ?? row.dialed,
                        answeredAt: row.answer ?? (row.answered ? row.end.flatMap { e in row.talk.map { PBXCallAssembly.minus(e, seconds: $0) } } : nil),
                        endedAt: row.end)
            }
        )
    }
}

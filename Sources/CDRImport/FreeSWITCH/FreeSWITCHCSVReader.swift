import CallModel

/// Reads FreeSWITCH mod_cdr_csv files written with the default (`example`) template.
///
/// The template has 15 quoted fields and no header: `caller_id_name, caller_id_number,
/// destination_number, context, start_stamp, answer_stamp, end_stamp, duration, billsec,
/// hangup_cause, uuid, bleg_uuid, accountcode, read_codec, write_codec`
/// (FreeSWITCH `conf/autoload_configs/cdr_csv.conf.xml`). Mapping: docs/cdr-formats.md,
/// "FreeSWITCH".
///
/// - Rows with the same uuid are one leg written twice; a row whose uuid is another row's
///   `bleg_uuid` is that call's B-leg. `call_id` is the A-leg uuid.
/// - Answered when any leg has `billsec > 0`; `answered_at` is the answering leg's
///   `answer_stamp` (the B-leg's when there is one), or `end_stamp - billsec` when the stamp is
///   empty. `agent` is the answered B-leg's `destination_number`.
/// - Unanswered outcome and `reason_cause` from the A-leg's `hangup_cause`.
/// - Stamps are wall-clock time in `--timezone`.
///
/// Bad rows (reported, skipped): not 15 fields, an unterminated quote, a `start_stamp` that is
/// not `YYYY-MM-DD HH:MM:SS`, a non-integer `duration` or `billsec`, stamps out of order or not
/// fitting `duration` in any reading of the repeated hour (`CDRRowTimes`). An `answer_stamp` or
/// `end_stamp` in another form is not trusted: a warning is given and the value is derived
/// from `end - billsec` / `start + duration`.
///
/// **A file where every row is bad** (the corpus's spreadsheet re-save, with quotes stripped
/// and stamps such as `2020/2/10 22:41`) is not thrown: the reader returns no calls, every
/// row stays reported as a bad row, and one file-level warning says that the file looks like a
/// spreadsheet re-save of a `Master.csv`. Other files of the same run are still read, and
/// `--strict` already stops at the first bad row.
public struct FreeSWITCHCSVReader: CDRReader {
    public static let format = CDRFormat.freeswitchCSV

    /// Field positions of the default template.
    enum Field {
        static let callerName = 0, callerNumber = 1, destination = 2, context = 3
        static let start = 4, answer = 5, end = 6, duration = 7, billsec = 8
        static let hangupCause = 9, uuid = 10, bLegUUID = 11
        static let count = 15
    }

    public init() {}

    /// 15 fields, a uuid in field 11 and a `start_stamp` in field 5 score highest; 15 fields with
    /// a uuid and an upper-case hangup cause but a damaged stamp still pass 50, so that a
    /// spreadsheet re-save is read (and reported) by this reader rather than misread by another.
    public static func detect(_ sample: CDRSample) -> Int {
        guard sample.firstRecordFieldCount == Field.count else { return 0 }
        let fields = sample.firstRecordFields
        guard fields.count == Field.count else { return 0 }
        var score = 10
        if isUUID(fields[Field.uuid]) { score += 40 }
        if isHangupCause(fields[Field.hangupCause]) { score += 20 }
        let stamp = Array(fields[Field.start].utf8)
        let iso = stamp.withUnsafeBytes { CivilDateTime.parseISO($0, 0..<$0.count) != nil }
        if iso { score += 30 }
        return min(score, 100)
    }

    /// One row that parsed.
    struct Row {
        var line: Int
        var callerNumber: String?
        var destination: String?
        var start: Timestamp
        var answer: Timestamp?
        var end: Timestamp
        var billsec: Int64
        var hangupCause: String
        var uuid: String
        var bLegUUID: String?
    }

    public func read(_ bytes: UnsafeRawBufferPointer, context: inout CDRContext) throws(CDRError) -> CDRReadResult {
        var scanner = CSVScanner(bytes: bytes)
        var record = CSVRecord()
        var rows: [Row] = []
        var firstBadStamp: String?
        var sawQuotes = false
        var first = true
        while scanner.next(into: &record) {
            let f = record.fields
            // A header written by hand (`caller_id_name,...,start_stamp,...`) is not data.
            if first {
                first = false
                if f.count == Field.count, bytes.equals(f[Field.start], "start_stamp") { continue }
            }
            context.countRow()
            if f.contains(where: \.quoted) { sawQuotes = true }
            guard !record.unterminatedQuote else {
                try context.badRow(line: record.line, "unterminated quoted field")
                continue
            }
            guard f.count == Field.count else {
                try context.badRow(line: record.line, "\(f.count) fields, expected 15 (mod_cdr_csv default template)")
                continue
            }
            guard let startCivil = CivilDateTime.parseISO(bytes, f[Field.start].range) else {
                let value = bytes.string(f[Field.start])
                if firstBadStamp == nil { firstBadStamp = value }
                try context.badRow(line: record.line, "start_stamp '\(value)' is not YYYY-MM-DD HH:MM:SS")
                continue
            }
            guard let duration = bytes.integer(f[Field.duration]) else {
                try context.badRow(line: record.line, "duration '\(bytes.string(f[Field.duration]))' is not an integer")
                continue
            }
            guard let billsec = bytes.integer(f[Field.billsec]) else {
                try context.badRow(line: record.line, "billsec '\(bytes.string(f[Field.billsec]))' is not an integer")
                continue
            }
            // As for Asterisk: times derived from these (an end from start + duration, an answer
            // from end - billsec) must not fall before the start.
            guard duration >= 0, billsec >= 0 else {
                try context.badRow(line: record.line, "negative \(duration < 0 ? "duration \(duration)" : "billsec \(billsec)")")
                continue
            }
            guard billsec <= duration + 1 else {
                try context.badRow(line: record.line, "billsec \(billsec) is longer than duration \(duration)")
                continue
            }
            let uuid = bytes.string(f[Field.uuid])
            guard !uuid.isEmpty else {
                try context.badRow(line: record.line, "uuid is empty")
                continue
            }
            var ends: LocalInstants?, answers: LocalInstants?
            if !bytes.isNull(f[Field.end]) {
                if let civil = CivilDateTime.parseISO(bytes, f[Field.end].range) {
                    ends = context.localTime.instants(civil)
                } else {
                    context.warning(line: record.line, "end_stamp '\(bytes.string(f[Field.end]))' is not YYYY-MM-DD HH:MM:SS; using start_stamp + duration")
                }
            }
            if !bytes.isNull(f[Field.answer]) {
                if let civil = CivilDateTime.parseISO(bytes, f[Field.answer].range) {
                    answers = context.localTime.instants(civil)
                } else {
                    context.warning(line: record.line, "answer_stamp '\(bytes.string(f[Field.answer]))' is not YYYY-MM-DD HH:MM:SS; using end_stamp - billsec")
                }
            }
            // The stamps read so that they fit duration and billsec (README "Time zones").
            let starts = context.localTime.instants(startCivil)
            let times: CDRRowTimes
            switch CDRRowTimes.resolve(start: starts, answer: answers, end: ends, duration: duration, billsec: billsec) {
            case .success(let resolved): times = resolved
            case .failure(let problem):
                func label(_ name: String, _ index: Int) -> String { "\(name) '\(bytes.string(f[index]))'" }
                try context.badRow(line: record.line, problem.message(
                    start: label("start_stamp", Field.start), answer: label("answer_stamp", Field.answer), end: label("end_stamp", Field.end)))
                continue
            }
            let start = times.start, answer = times.answer
            let end = times.end ?? start  // never nil: the duration is stated
            rows.append(Row(
                line: record.line,
                callerNumber: bytes.optionalString(f[Field.callerNumber]),
                destination: bytes.optionalString(f[Field.destination]),
                start: start, answer: answer, end: end, billsec: billsec,
                hangupCause: bytes.string(f[Field.hangupCause]),
                uuid: uuid, bLegUUID: bytes.optionalString(f[Field.bLegUUID])
            ))
        }
        if rows.isEmpty, context.rows > 0, context.badRows == context.rows {
            var message = "no row could be read (all \(context.rows) are bad)"
            if let firstBadStamp {
                message += "; start stamps such as '\(firstBadStamp)' instead of YYYY-MM-DD HH:MM:SS"
                if !sawQuotes { message += " and no quoted field" }
                message += ": the file looks like a spreadsheet re-save of a FreeSWITCH Master.csv (quotes stripped, dates reformatted, seconds lost)"
            }
            context.warning(line: nil, message)
        }
        return CDRReadResult(calls: Self.calls(rows, source: context.input.name))
    }

    /// Merges rows into calls (same uuid, or uuid = another row's bleg_uuid).
    static func calls(_ rows: [Row], source: String) -> [Call] {
        var grouper = FreeSWITCHLegGrouper()
        for row in rows { grouper.add(row.uuid) }
        for row in rows {
            if let b = row.bLegUUID, b != row.uuid, grouper.contains(b) { grouper.link(aLeg: row.uuid, bLeg: b) }
        }
        return grouper.groups(rows.map(\.uuid)).map { call(rows: $0.map { rows[$0] }, source: source) }
    }

    private static func call(rows: [Row], source: String) -> Call {
        let bLegs = Set(rows.compactMap { $0.bLegUUID == $0.uuid ? nil : $0.bLegUUID })
        let aRows = rows.filter { !bLegs.contains($0.uuid) }
        let candidates = aRows.isEmpty ? rows : aRows
        // The caller's own leg: the earliest A-leg row (file order on ties).
        let primary = candidates.min { $0.start < $1.start } ?? rows[0]
        let start = rows.map(\.start).min() ?? primary.start
        let end = rows.map(\.end).max()
        let answeredRows = rows.filter { $0.billsec > 0 }
        // The answering leg: an answered B-leg when there is one (the agent), else the A-leg;
        // the longest billsec, ties the earliest.
        let answeredB = answeredRows.filter { bLegs.contains($0.uuid) }
        let pool = answeredB.isEmpty ? answeredRows : answeredB
        var answering: Row?
        for row in pool where answering.map({ row.billsec > $0.billsec }) ?? true { answering = row }
        let answeredAt = answering.map { $0.answer ?? PBXCallAssembly.minus($0.end, seconds: $0.billsec) }
        let outcome: CallOutcome
        let cause: Int?
        if answering != nil {
            outcome = .answered
            cause = FreeSWITCHOutcome.q850(cause: primary.hangupCause)
        } else {
            (outcome, cause) = FreeSWITCHOutcome.unanswered(cause: primary.hangupCause)
        }
        let agent = answering.flatMap { bLegs.contains($0.uuid) ? PBXCallAssembly.party($0.destination) : nil }
        let legs = rows.map {
            CallLeg(id: $0.uuid, status: $0.hangupCause, start: $0.start, answered: $0.billsec > 0,
                    destination: $0.destination, answeredAt: $0.billsec > 0 ? ($0.answer ?? PBXCallAssembly.minus($0.end, seconds: $0.billsec)) : $0.answer,
                    endedAt: $0.end)
        }
        return Call(
            callID: primary.uuid, source: source, start: start,
            caller: PBXCallAssembly.party(primary.callerNumber), dialed: PBXCallAssembly.party(primary.destination),
            outcome: outcome, reasonCause: cause, answeredAt: answeredAt, endedAt: end,
            agent: agent, waitNanoseconds: PBXCallAssembly.wait(start: start, answeredAt: answeredAt, endedAt: end),
            format: format.rawValue, packets: rows.count, legs: legs
        )
    }

    /// `8-4-4-4-12` hexadecimal digits.
    static func isUUID(_ text: String) -> Bool {
        let u = Array(text.utf8)
        guard u.count == 36 else { return false }
        for (i, b) in u.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                if b != UInt8(ascii: "-") { return false }
            } else if !(b >= 0x30 && b <= 0x39 || b >= 0x61 && b <= 0x66 || b >= 0x41 && b <= 0x46) {
                return false
            }
        }
        return true
    }

    /// `NORMAL_CLEARING`-like: upper-case letters and underscores.
    static func isHangupCause(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 == UInt8(ascii: "_") || ($0 >= 0x41 && $0 <= 0x5A) }
    }
}

import CallModel

/// Turns Asterisk CDR records of any layout into calls (docs/cdr-formats.md, "Asterisk CDR"):
/// the one grouping and mapping core behind the cdr_csv, cdr_custom, table-export and SQL
/// readers.
///
/// Records are validated and reduced to a compact `Row` (timestamps, integers and byte ranges
/// into the file) as they are read; `String`s are built only for the group key and, at the end,
/// for the values that reach a call. Rows are grouped with one dictionary keyed by linkedid
/// (else uniqueid; else one call per row).
///
/// - Complexity: O(n) to add n records, O(n + c log c) to finish with c calls.
struct AsteriskCallBuilder {
    let format: CDRFormat
    let escapes: AsteriskEscapes
    private let source: String
    private var rows: [Row] = []
    /// Group of each key, and the key of each group (nil: a row with neither linkedid nor uniqueid).
    private var groupOfKey: [String: Int32] = [:]
    private var groupKeys: [String?] = []
    private var firstProblem: (line: Int, reason: String)?

    /// - Parameter expectedBytes: the file's size, to reserve room for its rows up front.
    init(format: CDRFormat, escapes: AsteriskEscapes, source: String, expectedBytes: Int = 0) {
        self.format = format
        self.escapes = escapes
        self.source = source
        // A cdr_csv record is 200-350 bytes; reserving avoids regrowing the arrays while reading.
        let rowsGuess = expectedBytes / 200
        rows.reserveCapacity(rowsGuess)
        groupOfKey.reserveCapacity(rowsGuess / 2)
        groupKeys.reserveCapacity(rowsGuess / 2)
    }

    /// A byte range of a field kept for later (`count` -1: empty or null).
    struct FieldRef {
        var start: Int
        var count: Int32
        var flags: UInt8

        static let none = FieldRef(start: 0, count: -1, flags: 0)
        var isNone: Bool { count < 0 }

        init(start: Int, count: Int32, flags: UInt8) { self.start = start; self.count = count; self.flags = flags }

        init(_ field: CSVField, in bytes: UnsafeRawBufferPointer) {
            if bytes.isNull(field) || field.range.count > Int(Int32.max) {
                self = .none
            } else {
                self.init(start: field.range.lowerBound, count: Int32(field.range.count),
                          flags: (field.quoted ? 1 : 0) | (field.hasEscapes ? 2 : 0) | (field.irregular ? 4 : 0))
            }
        }

        var field: CSVField {
            CSVField(range: start..<(start + Int(count)), quoted: flags & 1 != 0, hasEscapes: flags & 2 != 0, irregular: flags & 4 != 0)
        }
    }

    /// One valid record.
    struct Row {
        var line: Int
        var group: Int32
        var answered: Bool
        /// The row of the call's originating channel: its uniqueid is the call's key (linkedid).
        var originating: Bool
        var start: Timestamp
        /// Nanoseconds of the answer time; `Int64.min` when the row has none.
        var answer: Int64
        var end: Timestamp
        var billsec: Int64
        var disposition: FieldRef
        var uniqueid: FieldRef
        var dstchannel: FieldRef
        var src: FieldRef
        var clid: FieldRef
        var dst: FieldRef
        var did: FieldRef
        /// lastdata of a `Queue` row, else none.
        var queueData: FieldRef
    }

    /// Counts a record that cannot be read at all (wrong field count, broken quoting) and reports it.
    mutating func reject(line: Int, _ reason: String, context: inout CDRContext) throws(CDRError) {
        context.countRow()
        if firstProblem == nil { firstProblem = (line, reason) }
        try context.badRow(line: line, reason)
    }

    /// Validates one record of `columns` (its field count already checked) and keeps it.
    /// - Complexity: O(bytes of the record).
    mutating func add(_ record: CSVRecord, columns c: AsteriskColumns, bytes: UnsafeRawBufferPointer, context: inout CDRContext) throws(CDRError) {
        let fields = record.fields
        let line = record.line
        let startField = fields[c.start]
        let civilStart: CivilDateTime?
        switch c.dateForm {
        case .iso: civilStart = CivilDateTime.parseISO(bytes, startField.range)
        case .dayMonthYear: civilStart = CivilDateTime.parseDayMonthYear(bytes, startField.range)
        }
        guard let civilStart else {
            return try reject(line: line, "\(c.startName) \(bytes.quotedForMessage(startField)) is not \(c.dateForm.written)", context: &context)
        }
        guard let duration = bytes.integer(fields[c.duration]) else {
            return try reject(line: line, "duration \(bytes.quotedForMessage(fields[c.duration])) is not an integer", context: &context)
        }
        guard duration >= 0, duration <= Self.maxSeconds else {
            return try reject(line: line, "duration \(bytes.quotedForMessage(fields[c.duration])) is not a number of seconds from 0 to \(Self.maxSeconds)", context: &context)
        }
        guard let billsec = bytes.integer(fields[c.billsec]) else {
            return try reject(line: line, "billsec \(bytes.quotedForMessage(fields[c.billsec])) is not an integer", context: &context)
        }
        guard billsec >= 0, billsec <= Self.maxSeconds else {
            return try reject(line: line, "billsec \(bytes.quotedForMessage(fields[c.billsec])) is not a number of seconds from 0 to \(Self.maxSeconds)", context: &context)
        }
        // cdr.c truncates duration but, with `initiatedseconds = yes` in cdr.conf, rounds billsec
        // half up (cdr_object_get_billsec): a leg answered at its start can have billsec = duration + 1.
        guard billsec <= duration + 1 else {
            return try reject(line: line, "billsec \(bytes.quotedForMessage(fields[c.billsec])) is more than duration \(bytes.quotedForMessage(fields[c.duration]))", context: &context)
        }
        if let index = c.src, bytes.isScientificNotation(fields[index]) {
            return try reject(line: line, "src \(bytes.quotedForMessage(fields[index])) is in scientific notation (a spreadsheet lost its digits)", context: &context)
        }
        if let index = c.dst, bytes.isScientificNotation(fields[index]) {
            return try reject(line: line, "dst \(bytes.quotedForMessage(fields[index])) is in scientific notation (a spreadsheet lost its digits)", context: &context)
        }
        var ends: LocalInstants?, answers: LocalInstants?
        if let e = c.end {
            switch try time(fields[e], name: "end", form: c.dateForm, line: line, bytes: bytes, context: &context) {
            case .bad: return
            case .value(let t): ends = t
            case .empty: break
            }
        }
        if let a = c.answer {
            switch try time(fields[a], name: "answer", form: c.dateForm, line: line, bytes: bytes, context: &context) {
            case .bad: return
            case .value(let t): answers = t
            case .empty: break
            }
        }
        // One reading of the row's times that fits its duration and billsec (the repeated hour
        // read in the occurrence that fits); without an end column, end = start + duration.
        let starts = context.localTime.instants(civilStart)
        let times: CDRRowTimes
        let hint = starts.isAmbiguous ? c.uniqueid.flatMap { Self.creationTime(uniqueid: fields[$0], bytes) } : nil
        switch CDRRowTimes.resolve(start: starts, answer: answers, end: ends, duration: duration, billsec: billsec, startHint: hint) {
        case .success(let resolved): times = resolved
        case .failure(let problem) where problem.problem == .endOutOfRange:
            return try reject(line: line, "\(c.startName) \(bytes.quotedForMessage(startField)) + duration \(bytes.quotedForMessage(fields[c.duration])) is past the last time a timestamp holds (2262-04-11)", context: &context)
        case .failure(let problem):
            let message = problem.message(
                start: "\(c.startName) \(bytes.quotedForMessage(startField))",
                answer: c.answer.map { "answer \(bytes.quotedForMessage(fields[$0]))" },
                end: c.end.map { "end \(bytes.quotedForMessage(fields[$0]))" })
            return try reject(line: line, message, context: &context)
        }
        let start = times.start
        let end = times.end ?? start  // never nil: the duration is stated
        let (bridged, underflow) = end.nanoseconds.subtractingReportingOverflow(billsec * 1_000_000_000)
        guard !underflow else {
            return try reject(line: line, "end - billsec \(bytes.quotedForMessage(fields[c.billsec])) is before the first time a timestamp holds (1677-09-21)", context: &context)
        }
        let dispositionField = fields[c.disposition]
        let answered = bytes.trimmedEqualsIgnoringCase(dispositionField, "ANSWERED")
        var answer = Int64.min
        if let resolved = times.answer {
            answer = resolved.nanoseconds
        } else if c.answer == nil, answered {
            answer = bridged
        }
        context.countRow()

        // The call key: linkedid, else uniqueid, else none (one call per row).
        var key: String?
        if let l = c.linkedid { key = bytes.asteriskText(fields[l], escapes) }
        if key == nil, let u = c.uniqueid { key = bytes.asteriskText(fields[u], escapes) }
        // The originating channel's row: its uniqueid is the key (true of every row keyed by uniqueid).
        let originating = if let key, let u = c.uniqueid { Self.field(fields[u], is: key, bytes, escapes) } else { false }
        let group: Int32
        let next = Int32(truncatingIfNeeded: groupKeys.count)
        if let key {
            group = Self.resolve(&groupOfKey[key, default: -1], next: next)
            if group == next { groupKeys.append(key) }
        } else {
            group = next
            groupKeys.append(nil)
        }

        func ref(_ index: Int?) -> FieldRef { index.map { FieldRef(fields[$0], in: bytes) } ?? .none }
        var queueData = FieldRef.none
        if let app = c.lastapp, let data = c.lastdata, bytes.trimmedEquals(fields[app], "Queue") {
            // The queue name: lastdata up to the first `,`.
            var field = fields[data]
            var cut = field.range.lowerBound
            while cut < field.range.upperBound, bytes[cut] != 0x2C { cut += 1 }
            field.range = field.range.lowerBound..<cut
            field.range = bytes.trimmed(field)
            queueData = FieldRef(field, in: bytes)
        }
        let src = ref(c.src)
        rows.append(Row(
            line: line, group: group, answered: answered, originating: originating, start: start, answer: answer, end: end, billsec: billsec,
            disposition: FieldRef(dispositionField, in: bytes), uniqueid: ref(c.uniqueid), dstchannel: ref(c.dstchannel),
            src: src, clid: src.isNone ? ref(c.clid) : .none, dst: ref(c.dst), did: ref(c.did), queueData: queueData))
    }

    /// The largest duration or billsec accepted: 10 years of seconds.
    static let maxSeconds: Int64 = 315_360_000

    /// Whether the field's text is `key` (compared on bytes when the field needs no unescaping).
    private static func field(_ field: CSVField, is key: String, _ bytes: UnsafeRawBufferPointer, _ escapes: AsteriskEscapes) -> Bool {
        if field.hasEscapes || field.irregular { return bytes.asteriskText(field, escapes) == key }
        guard field.range.count == key.utf8.count, !bytes.isNull(field) else { return false }
        return key.utf8.elementsEqual(UnsafeRawBufferPointer(rebasing: bytes[field.range]))
    }

    private static func resolve(_ slot: inout Int32, next: Int32) -> Int32 {
        if slot < 0 { slot = next }
        return slot
    }

    /// The channel's creation time in a uniqueid `EPOCH.SEQUENCE` (Asterisk `ast_channel_alloc`,
    /// optionally prefixed `systemname-`): a row's start in UTC; nil in any other form.
    static func creationTime(uniqueid field: CSVField, _ bytes: UnsafeRawBufferPointer) -> Timestamp? {
        var i = field.range.lowerBound
        for k in field.range where bytes[k] == 0x2D { i = k + 1 }
        var seconds: Int64 = 0, digits = 0
        while i < field.range.upperBound, bytes[i] &- 0x30 < 10, digits < 12 {
            seconds = seconds * 10 + Int64(bytes[i] &- 0x30)
            digits += 1
            i += 1
        }
        guard digits >= 9, i < field.range.upperBound, bytes[i] == 0x2E else { return nil }
        return PBXCallAssembly.instant(seconds: seconds)
    }

    private enum ParsedTime { case empty, value(LocalInstants), bad }

    /// An answer or end time: empty, NULL and MySQL's zero date mean none; any other text that
    /// does not parse makes the row bad (spreadsheet damage is never misread).
    private mutating func time(_ field: CSVField, name: String, form: AsteriskDateForm, line: Int, bytes: UnsafeRawBufferPointer, context: inout CDRContext) throws(CDRError) -> ParsedTime {
        if bytes.isNull(field) || bytes.trimmed(field).isEmpty { return .empty }
        let civil = form == .iso ? CivilDateTime.parseISO(bytes, field.range) : CivilDateTime.parseDayMonthYear(bytes, field.range)
        if let civil { return .value(context.localTime.instants(civil)) }
        if bytes.trimmedEquals(field, "0000-00-00 00:00:00") { return .empty }
        try reject(line: line, "\(name) \(bytes.quotedForMessage(field)) is not \(form.written)", context: &context)
        return .bad
    }

    /// The calls of every record added, ordered by start (then file order).
    /// - Parameter bytes: the file the records were read from (kept values are byte ranges into it).
    /// - Throws: `CDRError` when the file held no record, or no good one.
    func finish(bytes: UnsafeRawBufferPointer, context: CDRContext) throws(CDRError) -> CDRReadResult {
        guard !rows.isEmpty else {
            if context.rows == 0 { throw CDRError(input: context.input.path, reason: "no \(format.rawValue) records (empty file)") }
            let first = firstProblem.map { " (first at line \($0.line): \($0.reason))" } ?? ""
            throw CDRError(input: context.input.path, reason: "none of the \(context.rows) records could be read as \(format.rawValue)\(first)")
        }
        return CDRReadResult(calls: buildCalls(bytes: bytes))
    }

    // MARK: - Calls

    /// Groups the rows (a stable counting sort on the group number) and maps each group to a call.
    private func buildCalls(bytes: UnsafeRawBufferPointer) -> [Call] {
        let groupCount = groupKeys.count
        // offsets[g]..<offsets[g + 1] are group g's rows in `order`.
        var offsets = [Int](repeating: 0, count: groupCount + 1)
        for row in rows { offsets[Int(row.group) + 1] += 1 }
        for g in 0..<groupCount { offsets[g + 1] += offsets[g] }
        var fill = offsets
        var order = [Int32](repeating: 0, count: rows.count)
        for (i, row) in rows.enumerated() {
            order[fill[Int(row.group)]] = Int32(truncatingIfNeeded: i)
            fill[Int(row.group)] += 1
        }
        // Each group's first row (by start, then file order) decides the call's place.
        var firstOfGroup = [Int32](repeating: -1, count: groupCount)
        for g in 0..<groupCount {
            var best = order[offsets[g]]
            for k in offsets[g]..<offsets[g + 1] where Self.precedes(rows[Int(order[k])], order[k], rows[Int(best)], best) { best = order[k] }
            firstOfGroup[g] = best
        }
        var groupOrder = Array(0..<groupCount)
        groupOrder.sort { a, b in
            let x = firstOfGroup[a], y = firstOfGroup[b]
            return Self.precedes(rows[Int(x)], x, rows[Int(y)], y)
        }
        var calls: [Call] = []
        calls.reserveCapacity(groupCount)
        var members: [Int32] = []
        for g in groupOrder {
            members.removeAll(keepingCapacity: true)
            members.append(contentsOf: order[offsets[g]..<offsets[g + 1]])
            // By start, then file order (insertion sort: groups are small and mostly in order).
            if members.count > 1 {
                for i in 1..<members.count {
                    let m = members[i]
                    var j = i
                    while j > 0, Self.precedes(rows[Int(m)], m, rows[Int(members[j - 1])], members[j - 1]) {
                        members[j] = members[j - 1]
                        j -= 1
                    }
                    members[j] = m
                }
            }
            calls.append(call(groupKeys[g], members, bytes: bytes))
        }
        return calls
    }

    /// `PhoneNumber.normalize`, skipped for the common value it would return unchanged: an
    /// optional `+` then ASCII digits.
    static func normalize(_ value: String) -> String {
        var utf8 = Substring(value).utf8[...]
        if utf8.first == UInt8(ascii: "+") { utf8 = utf8.dropFirst() }
        if !utf8.isEmpty, utf8.allSatisfy({ $0 &- 0x30 < 10 }) { return value }
        return PhoneNumber.normalize(value)
    }

    private static func precedes(_ a: Row, _ ai: Int32, _ b: Row, _ bi: Int32) -> Bool {
        a.start != b.start ? a.start < b.start : ai < bi
    }

    private func text(_ ref: FieldRef, _ bytes: UnsafeRawBufferPointer) -> String? {
        ref.isNone ? nil : bytes.asteriskText(ref.field, escapes)
    }

    /// Whether the field holds exactly `string` (compared on bytes, to share that string).
    private func sameText(_ ref: FieldRef, _ string: String, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard !ref.isNone, ref.flags & 6 == 0, Int(ref.count) == string.utf8.count else { return false }
        return string.utf8.elementsEqual(UnsafeRawBufferPointer(rebasing: bytes[ref.start..<(ref.start + Int(ref.count))]))
    }

    /// The disposition as written; the usual ones without building a new string.
    private func disposition(_ ref: FieldRef, _ bytes: UnsafeRawBufferPointer) -> String {
        guard !ref.isNone else { return "" }
        let f = ref.field
        if bytes.trimmedEquals(f, "ANSWERED") { return "ANSWERED" }
        if bytes.trimmedEquals(f, "NO ANSWER") { return "NO ANSWER" }
        if bytes.trimmedEquals(f, "BUSY") { return "BUSY" }
        if bytes.trimmedEquals(f, "FAILED") { return "FAILED" }
        if bytes.trimmedEquals(f, "CONGESTION") { return "CONGESTION" }
        return text(ref, bytes) ?? ""
    }

    /// The outcome of an unanswered call from a disposition in any case, spaces trimmed.
    private func unansweredOutcome(_ ref: FieldRef, _ bytes: UnsafeRawBufferPointer) -> CallOutcome {
        var text = Substring(disposition(ref, bytes))
        while let f = text.first, f == " " || f == "\t" { text.removeFirst() }
        while let l = text.last, l == " " || l == "\t" { text.removeLast() }
        return OutcomeMapping.asteriskDisposition(String(text))
    }

    /// One call from its rows, sorted by start then file order (docs/cdr-formats.md, "Asterisk CDR").
    private func call(_ key: String?, _ members: [Int32], bytes: UnsafeRawBufferPointer) -> Call {
        let first = rows[Int(members[0])]
        // The caller's own row gives caller, dialed and the unanswered outcome: the originating
        // channel's (uniqueid == linkedid), else the first. A Local `;2` or agent row can start in
        // the same second as the caller's and be written before it.
        var callerRow = first
        for m in members where rows[Int(m)].originating {
            callerRow = rows[Int(m)]
            break
        }
        let callID = key ?? "\(source):\(first.line)"
        var legs: [CallLeg] = []
        legs.reserveCapacity(members.count)
        var ended = first.end
        var anyAnswered = false
        // The answering leg: ANSWERED with a dstchannel and the largest billsec (ties: the
        // earliest); else, without any dstchannel, the longest ANSWERED row.
        var agentLeg: Int32 = -1
        var longestAnswered: Int32 = -1
        var queue: String?
        var did: String?
        for m in members {
            let row = rows[Int(m)]
            if row.end > ended { ended = row.end }
            if row.answered {
                anyAnswered = true
                if !row.dstchannel.isNone, agentLeg < 0 || row.billsec > rows[Int(agentLeg)].billsec { agentLeg = m }
                if longestAnswered < 0 || row.billsec > rows[Int(longestAnswered)].billsec { longestAnswered = m }
            }
            if queue == nil, !row.queueData.isNone { queue = text(row.queueData, bytes) }
            if did == nil, !row.did.isNone { did = text(row.did, bytes) }
            let destination = text(row.dstchannel, bytes) ?? text(row.dst, bytes)
            legs.append(CallLeg(
                id: sameText(row.uniqueid, callID, bytes) ? callID : text(row.uniqueid, bytes) ?? callID, status: disposition(row.disposition, bytes),
                start: row.start, answered: row.answered, destination: destination,
                answeredAt: row.answered && row.answer != Int64.min ? Timestamp(nanoseconds: row.answer) : nil,
                endedAt: row.end))
        }
        let start = first.start
        var answeredAt: Timestamp?
        var agent: String?
        if anyAnswered {
            let leg = rows[Int(agentLeg >= 0 ? agentLeg : longestAnswered)]
            // Checked when the row was added.
            let bridged = Timestamp(nanoseconds: leg.end.nanoseconds - leg.billsec * 1_000_000_000)
            if agentLeg >= 0 {
                if let channel = text(leg.dstchannel, bytes), let name = ChannelName.agent(channel) { agent = Self.normalize(name) }
                // Answered at once by an IVR, Queue or Playback: the agent's part began at end - billsec.
                answeredAt = leg.answer == Int64.min || leg.answer == leg.start.nanoseconds ? bridged : Timestamp(nanoseconds: leg.answer)
            } else {
                answeredAt = bridged
            }
        }
        var caller = text(callerRow.src, bytes)
        if caller == nil, let clid = text(callerRow.clid, bytes) { caller = CallerID.number(clid) }
        let dialed = did ?? text(callerRow.dst, bytes)
        let waitEnd = answeredAt ?? ended
        return Call(
            callID: callID, source: source, start: start,
            caller: caller.map(Self.normalize), dialed: dialed.map(Self.normalize),
            outcome: anyAnswered ? .answered : unansweredOutcome(callerRow.disposition, bytes),
            answeredAt: answeredAt, endedAt: ended, agent: agent, queue: queue,
            waitNanoseconds: max(0, start.distance(to: waitEnd)),
            format: format.rawValue, packets: members.count, legs: legs)
    }
}

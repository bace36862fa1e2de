import CallModel
import CallscopeBase
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns Asterisk CDR records of any layout into calls (docs/cdr-formats.md, "Asterisk CDR"):
/// the one grouping and mapping core behind the cdr_csv, cdr_custom, table-export and SQL
/// readers.
///
/// Records are validated and reduced to a compact `Row` (timestamps, integers and byte ranges
/// into the file) as they are read; `String`s are built only for a new group's key and, at the
/// end, for the values that reach a call. Rows are grouped by linkedid (else uniqueid; else one
/// call per row) through an `OpenHashTable` looked up with the key's bytes in the file.
///
/// - Complexity: O(n) to add n records, O(n + c log c) to finish with c calls.
struct AsteriskCallBuilder {
    let format: CDRFormat
    let escapes: AsteriskEscapes
    private let source: String
    private var rows: [Row] = []
    /// Group of each key, and the key of each group (nil: a row with neither linkedid nor uniqueid).
    private var groupOfKey = OpenHashTable<KeyText, Int32>()
    private var groupKeys: [KeyText?] = []
    private var firstProblem: (line: Int, reason: String)?
    /// Per group (indexed as `groupKeys`), for streaming reads (``flush(window:final:bytes:)``):
    /// the number of its last row (counted by `rowsAdded`), its latest end and earliest start.
    private var groupLastRow: [Int] = []
    private var groupLatestEnd: [Int64] = []
    private var groupEarliestStart: [Int64] = []
    /// Good rows added since the start of the file (those already handed on included).
    private(set) var rowsAdded = 0
    /// The latest end of any row read: the file's clock (cdr_csv writes a row at hangup).
    private var clock = Int64.min

    /// - Parameter expectedBytes: the file's size, to reserve room for its rows up front.
    init(format: CDRFormat, escapes: AsteriskEscapes, source: String, expectedBytes: Int = 0) {
        self.format = format
        self.escapes = escapes
        self.source = source
        // A cdr_csv record is 200-350 bytes; reserving avoids regrowing the arrays while reading.
        let rowsGuess = expectedBytes / 200
        rows.reserveCapacity(rowsGuess)
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
        /// Where the record starts in the file (about: a byte or so before it).
        var offset: Int
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
        /// What `lastapp` (and `dcontext`) say about who answered the row's channel.
        var app: AsteriskApplication
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
        var key: GroupKey?
        if let l = c.linkedid { key = groupKey(fields[l], bytes) }
        if key == nil, let u = c.uniqueid { key = groupKey(fields[u], bytes) }
        // The originating channel's row: its uniqueid is the key (true of every row keyed by uniqueid).
        let originating = if let key, let u = c.uniqueid, let unique = groupKey(fields[u], bytes) { unique.sameText(as: key, bytes) } else { false }
        let group: Int32
        let next = Int32(truncatingIfNeeded: groupKeys.count)
        if let key {
            let hash = key.hash(bytes)
            if let found = groupOfKey.index(hash: hash, where: { key.isText(of: $0.text, bytes) }) {
                group = groupOfKey.states[found]
            } else {
                group = next
                let text = KeyText(text: key.text(bytes), tableHash: hash)
                groupOfKey.insert(text, next)
                groupKeys.append(text)
            }
        } else {
            group = next
            groupKeys.append(nil)
        }
        if group == next {
            groupLastRow.append(rowsAdded)
            groupLatestEnd.append(end.nanoseconds)
            groupEarliestStart.append(start.nanoseconds)
        } else {
            let g = Int(group)
            groupLastRow[g] = rowsAdded
            groupLatestEnd[g] = max(groupLatestEnd[g], end.nanoseconds)
            groupEarliestStart[g] = min(groupEarliestStart[g], start.nanoseconds)
        }
        rowsAdded += 1
        clock = max(clock, end.nanoseconds)

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
        let app = AsteriskApplication.classify(bytes, lastapp: c.lastapp.map { fields[$0] }, dcontext: c.dcontext.map { fields[$0] })
        let src = ref(c.src)
        rows.append(Row(
            line: line, offset: max(0, (fields.first?.range.lowerBound ?? 0) - 1), group: group, answered: answered, originating: originating, start: start, answer: answer, end: end, billsec: billsec,
            disposition: FieldRef(dispositionField, in: bytes), uniqueid: ref(c.uniqueid), dstchannel: ref(c.dstchannel),
            src: src, clid: src.isNone ? ref(c.clid) : .none, dst: ref(c.dst), did: ref(c.did), queueData: queueData, app: app))
    }

    /// The largest duration or billsec accepted: 10 years of seconds.
    static let maxSeconds: Int64 = 315_360_000

    /// A call key as read from a row: the field's own bytes when its text is exactly them (ASCII,
    /// nothing to unescape or trim), else its text.
    enum GroupKey {
        case bytes(Range<Int>)
        case text(String)

        /// The key's text.
        func text(_ file: UnsafeRawBufferPointer) -> String {
            switch self {
            case .bytes(let range): String(decoding: UnsafeRawBufferPointer(rebasing: file[range]), as: UTF8.self)
            case .text(let text): text
            }
        }

        /// The `ByteHash` of the key's UTF-8 (its ``KeyText/tableHash``).
        func hash(_ file: UnsafeRawBufferPointer) -> Int {
            switch self {
            case .bytes(let range): return ByteHash.fold(UnsafeRawBufferPointer(rebasing: file[range]))
            case .text(var text): return text.withUTF8 { ByteHash.fold(UnsafeRawBufferPointer($0)) }
            }
        }

        /// Whether `string`'s UTF-8 is this key's.
        func isText(of string: String, _ file: UnsafeRawBufferPointer) -> Bool {
            switch self {
            case .bytes(let range): AsteriskCallBuilder.equal(string, UnsafeRawBufferPointer(rebasing: file[range]))
            case .text(let text): text.utf8.elementsEqual(string.utf8)
            }
        }

        /// Whether two keys have the same UTF-8.
        func sameText(as other: GroupKey, _ file: UnsafeRawBufferPointer) -> Bool {
            switch (self, other) {
            case (.bytes(let a), .bytes(let b)):
                guard a.count == b.count, let base = file.baseAddress else { return a.count == b.count }
                return memcmp(base + a.lowerBound, base + b.lowerBound, a.count) == 0
            case (.bytes, .text(let text)): return isText(of: text, file)
            case (.text(let text), _): return other.isText(of: text, file)
            }
        }
    }

    /// A group's key in the table: its text and the `ByteHash` of its UTF-8; keys are equal when
    /// their bytes are (not by Unicode canonical equivalence, as `String` compares): ids are
    /// compared as the PBX wrote them.
    struct KeyText: TableKey {
        let text: String
        let tableHash: Int
        static func == (a: KeyText, b: KeyText) -> Bool { a.tableHash == b.tableHash && a.text.utf8.elementsEqual(b.text.utf8) }
    }

    /// The key a field gives (nil when empty or null, as ``asteriskText(_:_:)``): its bytes when
    /// they are its text (CSV escapes, no `""` inside, not irregular, ASCII), else its text.
    private func groupKey(_ field: CSVField, _ bytes: UnsafeRawBufferPointer) -> GroupKey? {
        if escapes == .csv, !field.hasEscapes, !field.irregular {
            if bytes.isNull(field) { return nil }
            let range = field.quoted ? field.range : bytes.trimmed(field)
            if range.isEmpty { return nil }
            var ascii = true
            for i in range where bytes[i] >= 0x80 {
                ascii = false
                break
            }
            if ascii { return .bytes(range) }
        }
        return bytes.asteriskText(field, escapes).map(GroupKey.text)
    }

    /// Whether `string`'s UTF-8 is `raw` (one `memcmp` on the string's contiguous bytes).
    static func equal(_ string: String, _ raw: UnsafeRawBufferPointer) -> Bool {
        let utf8 = string.utf8
        guard utf8.count == raw.count else { return false }
        if let same = utf8.withContiguousStorageIfAvailable({ buffer -> Bool in
            guard let a = buffer.baseAddress, let b = raw.baseAddress else { return raw.isEmpty }
            return memcmp(a, b, raw.count) == 0
        }) { return same }
        return utf8.elementsEqual(raw)
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
        try checkRows(context: context)
        return CDRReadResult(calls: buildCalls(bytes: bytes))
    }

    /// Throws when the file held no record, or no good one.
    func checkRows(context: CDRContext) throws(CDRError) {
        guard rowsAdded == 0 else { return }
        if context.rows == 0 { throw CDRError(input: context.input.path, reason: "no \(format.rawValue) records (empty file)") }
        let first = firstProblem.map { " (first at line \($0.line): \($0.reason))" } ?? ""
        throw CDRError(input: context.input.path, reason: "none of the \(context.rows) records could be read as \(format.rawValue)\(first)")
    }

    /// Streaming reads: builds the calls of the groups that can no longer change and drops their
    /// rows. A group is complete when its last row is `window.rows` rows back and its latest end
    /// `window.closeNanoseconds` before the latest end read (rows of one linkedid are written
    /// close together, at the hangups of its channels); every group is complete when `final`.
    /// - Returns: the calls (in no order), the start before which no later call can begin
    ///   (``CDRStreamBatch/startFloor``), and the first byte a remaining row still points into.
    /// - Complexity: O(rows and groups held).
    mutating func flush(window: CDRStreamWindow, final: Bool, bytes: UnsafeRawBufferPointer) -> (calls: [Call], startFloor: Int64, firstHeldOffset: Int?) {
        let groupCount = groupKeys.count
        let closeBefore = clock.subtractingReportingOverflow(window.closeNanoseconds)
        let closeFloor = closeBefore.overflow ? Int64.min : closeBefore.partialValue
        var closed = [Bool](repeating: false, count: groupCount)
        var closedCount = 0
        for g in 0..<groupCount where final || (rowsAdded - groupLastRow[g] >= window.rows && groupLatestEnd[g] < closeFloor) {
            closed[g] = true
            closedCount += 1
        }
        var calls: [Call] = []
        if closedCount > 0 {
            calls.reserveCapacity(closedCount)
            let (offsets, order) = rowsByGroup(groupCount)
            var members: [Int32] = []
            for g in 0..<groupCount where closed[g] {
                members.removeAll(keepingCapacity: true)
                members.append(contentsOf: order[offsets[g]..<offsets[g + 1]])
                sortMembers(&members)
                calls.append(call(groupKeys[g]?.text, members, bytes: bytes))
            }
            // The open groups, renumbered in their order; their rows kept in file order.
            var renumbered = [Int32](repeating: -1, count: groupCount)
            var next: Int32 = 0
            for g in 0..<groupCount where !closed[g] {
                renumbered[g] = next
                next += 1
            }
            rows.removeAll { closed[Int($0.group)] }
            for i in rows.indices { rows[i].group = renumbered[Int(rows[i].group)] }
            func keepOpen<T>(_ values: inout [T]) {
                var k = 0
                for g in 0..<groupCount where !closed[g] {
                    values.swapAt(k, g)
                    k += 1
                }
                values.removeLast(values.count - k)
            }
            keepOpen(&groupKeys)
            // The table made again from the open groups' keys, renumbered (cheaper than a
            // removal and a renumbering per key: a look holds a few thousand open groups).
            groupOfKey.removeAll()
            for g in groupKeys.indices { if let key = groupKeys[g] { groupOfKey.insert(key, Int32(truncatingIfNeeded: g)) } }
            keepOpen(&groupLastRow)
            keepOpen(&groupLatestEnd)
            keepOpen(&groupEarliestStart)
        }
        let reorder = clock.subtractingReportingOverflow(window.reorderNanoseconds)
        var floor = reorder.overflow ? Int64.min : reorder.partialValue
        for start in groupEarliestStart { floor = min(floor, start) }
        return (calls, final ? Int64.max : floor, rows.first?.offset)
    }

    // MARK: - Calls

    /// Groups the rows (a stable counting sort on the group number) and maps each group to a call.
    private func buildCalls(bytes: UnsafeRawBufferPointer) -> [Call] {
        let groupCount = groupKeys.count
        let (offsets, order) = rowsByGroup(groupCount)
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
            sortMembers(&members)
            calls.append(call(groupKeys[g]?.text, members, bytes: bytes))
        }
        return calls
    }

    /// The rows grouped by a stable counting sort on the group number: `offsets[g]..<offsets[g + 1]`
    /// are group g's row indexes in `order`, in file order.
    private func rowsByGroup(_ groupCount: Int) -> (offsets: [Int], order: [Int32]) {
        var offsets = [Int](repeating: 0, count: groupCount + 1)
        for row in rows { offsets[Int(row.group) + 1] += 1 }
        for g in 0..<groupCount { offsets[g + 1] += offsets[g] }
        var fill = offsets
        var order = [Int32](repeating: 0, count: rows.count)
        for (i, row) in rows.enumerated() {
            order[fill[Int(row.group)]] = Int32(truncatingIfNeeded: i)
            fill[Int(row.group)] += 1
        }
        return (offsets, order)
    }

    /// A group's rows by start, then file order (insertion sort: groups are small and mostly in order).
    private func sortMembers(_ members: inout [Int32]) {
        guard members.count > 1 else { return }
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

    /// `PhoneNumber.normalize`, skipped for the common value it would return unchanged: an
    /// optional `+` then ASCII digits.
    static func normalize(_ value: String) -> String {
        // On the string's own bytes (String.UTF8View indexing cost about 750 instructions a number).
        let plain = value.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            var i = bytes.first == UInt8(ascii: "+") ? 1 : 0
            guard i < bytes.count else { return false }
            while i < bytes.count {
                guard bytes[i] &- 0x30 < 10 else { return false }
                i += 1
            }
            return true
        } ?? false
        return plain ? value : PhoneNumber.normalize(value)
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
        return Self.equal(string, UnsafeRawBufferPointer(rebasing: bytes[ref.start..<(ref.start + Int(ref.count))]))
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
    ///
    /// Who answered: the caller's own row in `Queue` or an IVR application (`Hangup` included)
    /// with nobody bridged (no `dstchannel`) is answered by that application, a system answer.
    /// Any other `ANSWERED` row is a person's answer; an agent leg when its `dstchannel` names
    /// whom. The caller's Queue/IVR row bridged to someone but billed from its start carries
    /// the application's answer time, not the person's: another agent leg's answer wins.
    private func call(_ key: String?, _ members: [Int32], bytes: UnsafeRawBufferPointer) -> Call {
        let first = rows[Int(members[0])]
        // The caller's own row gives caller, dialed and the unanswered outcome: the originating
        // channel's (uniqueid == linkedid), else the first. A Local `;2` or agent row can start in
        // the same second as the caller's and be written before it.
        var callerMember = members[0]
        for m in members where rows[Int(m)].originating {
            callerMember = m
            break
        }
        let callerRow = rows[Int(callerMember)]
        let callID = key ?? "\(source):\(first.line)"
        func callerSide(_ m: Int32) -> Bool { m == callerMember || rows[Int(m)].originating }
        // The caller's own Queue or IVR row with nobody bridged: only the application answered
        // (Asterisk 12+ writes such a row, `ANSWERED`, while the caller waits or after the last
        // member dialled: the member dials have rows of their own, with the member's disposition).
        func systemRow(_ m: Int32) -> Bool {
            let row = rows[Int(m)]
            return row.answered && callerSide(m) && row.dstchannel.isNone && (row.app == .queue || row.app == .system)
        }
        // The caller's own Queue or IVR row bridged to a person but billed from its start (the
        // application answered at once): a person answered, but not at this row's answer.
        func applicationBilled(_ m: Int32) -> Bool {
            let row = rows[Int(m)]
            guard row.answered, callerSide(m), !row.dstchannel.isNone, row.app == .queue || row.app == .system else { return false }
            return row.end.nanoseconds - row.billsec * 1_000_000_000 <= row.start.nanoseconds + 1_000_000_000
        }
        var ended = first.end
        var queue: String?
        var did: String?
        var reachedQueue = false
        var firstPersonAnswer = Int64.max
        for m in members {
            let row = rows[Int(m)]
            if row.end > ended { ended = row.end }
            if queue == nil, !row.queueData.isNone { queue = text(row.queueData, bytes) }
            if did == nil, !row.did.isNone { did = text(row.did, bytes) }
            if row.app == .queue { reachedQueue = true }
            if row.answered, !systemRow(m), !applicationBilled(m) {
                firstPersonAnswer = min(firstPersonAnswer, personAnswer(row))
            }
        }
        // Only application-billed rows say a person answered: their answer is all there is.
        if firstPersonAnswer == Int64.max {
            for m in members where applicationBilled(m) { firstPersonAnswer = min(firstPersonAnswer, personAnswer(rows[Int(m)])) }
        }
        /// Answered by a person (see above): an agent leg when it names whom (`dstchannel`).
        func isPerson(_ m: Int32) -> Bool { rows[Int(m)].answered && !systemRow(m) }
        // Person legs in order of their answer: the first gives answered_at and the agent; each
        // other agent after it is a transfer. An agent's part of the talk runs from their answer
        // (or the end of the previous agent's part, for an attended transfer's consultation) to
        // the end of their last row.
        // The agent name of every answered bridged row, built once per distinct dstchannel (the
        // caller's row and the agent's own half usually name the same channel).
        var bridged: [(index: Int, name: String)] = []
        for (i, m) in members.enumerated() where rows[Int(m)].answered && !rows[Int(m)].dstchannel.isNone {
            let channel = rows[Int(m)].dstchannel
            if let same = bridged.first(where: { sameBytes(rows[Int(members[$0.index])].dstchannel, channel, bytes) }) {
                bridged.append((i, same.name))
            } else {
                bridged.append((i, agentName(rows[Int(m)], bytes)))
            }
        }
        func name(_ i: Int) -> String { bridged.first { $0.index == i }?.name ?? "" }
        var personLegs: [(index: Int, answer: Int64)] = []
        for (i, m) in members.enumerated() where isPerson(m) && !rows[Int(m)].dstchannel.isNone {
            personLegs.append((i, personAnswer(rows[Int(m)])))
        }
        // A Local channel half stands for the device its other half dialled: a Local leg names
        // an agent only when no leg names a device (else an outbound call through a Local
        // channel would look transferred from the dialled number to the trunk).
        if personLegs.contains(where: { !isLocal(rows[Int(members[$0.index])], bytes) }) {
            personLegs.removeAll { isLocal(rows[Int(members[$0.index])], bytes) }
        }
        personLegs.sort { $0.answer != $1.answer ? $0.answer < $1.answer : $0.index < $1.index }
        // Agents in order of first answer (a call has one or a few: arrays, no dictionaries).
        var agents: [(name: String, answer: Int64, end: Int64, firstLeg: Int, talk: Int64)] = []
        for leg in personLegs {
            let agent = name(leg.index)
            if !agent.isEmpty, !agents.contains(where: { $0.name == agent }) { agents.append((agent, leg.answer, Int64.min, leg.index, 0)) }
        }
        // Every answered row bridged to an agent of the call (application bridges included: after
        // Local channel optimisation the caller's Queue row holds the bridge) extends their part.
        for (i, agent) in bridged where !agent.isEmpty {
            guard let a = agents.firstIndex(where: { $0.name == agent }) else { continue }
            agents[a].end = max(agents[a].end, min(rows[Int(members[i])].end.nanoseconds, ended.nanoseconds))
        }
        var previousEnd = Int64.min
        for a in agents.indices {
            let from = max(agents[a].answer, previousEnd)
            let to = agents[a].end == Int64.min ? from : agents[a].end
            agents[a].talk = max(0, to - from)
            previousEnd = max(previousEnd, to)
        }

        var legs: [CallLeg] = []
        legs.reserveCapacity(members.count)
        var systemAnswer = Int64.max
        var reach = Int64.max
        var reachFromBridge = Int64.max
        var lastDial: Int32 = -1
        var hasSystemRow = false
        var callerAnswer = Int64.max
        var lastCallerRow: Int32 = -1
        for (i, m) in members.enumerated() {
            let row = rows[Int(m)]
            if systemRow(m) || applicationBilled(m) {
                let at = row.answer != Int64.min ? row.answer : row.end.nanoseconds - row.billsec * 1_000_000_000
                if at < firstPersonAnswer { systemAnswer = min(systemAnswer, at) }
                hasSystemRow = true
            }
            if callerSide(m) {
                // Every record of the caller's channel keeps its answer, whatever its disposition
                // (a member dial that failed says NO ANSWER with the caller's answer time).
                if row.answer != Int64.min { callerAnswer = min(callerAnswer, row.answer) }
                if lastCallerRow < 0 || row.end >= rows[Int(lastCallerRow)].end { lastCallerRow = m }
            }
            if !callerSide(m) { reach = min(reach, row.start.nanoseconds) }
            if !row.dstchannel.isNone {
                reachFromBridge = min(reachFromBridge, row.start.nanoseconds)
                if !row.answered { lastDial = m }
            } else if row.app == .dial, !row.answered || lastDial < 0 {
                lastDial = m
            }
            var leg = CallLeg(
                id: sameText(row.uniqueid, callID, bytes) ? callID : text(row.uniqueid, bytes) ?? callID, status: disposition(row.disposition, bytes),
                start: row.start, answered: row.answered, destination: text(row.dstchannel, bytes) ?? text(row.dst, bytes),
                answeredAt: row.answered && row.answer != Int64.min ? Timestamp(nanoseconds: row.answer) : nil,
                endedAt: row.end)
            if !agents.isEmpty, personLegs.contains(where: { $0.index == i }), case let legAgent = name(i), let agent = agents.first(where: { $0.name == legAgent }) {
                leg.agent = agent.name
                // The agent's whole part is on their first answered leg; their other rows say 0.
                leg.talkNanoseconds = agent.firstLeg == i ? agent.talk : 0
            }
            legs.append(leg)
        }
        if hasSystemRow, callerAnswer < firstPersonAnswer { systemAnswer = min(systemAnswer, callerAnswer) }
        let start = first.start
        let personAnswered = firstPersonAnswer != Int64.max
        var answeredAt: Timestamp?
        var agent: String?
        if personAnswered {
            answeredAt = Timestamp(nanoseconds: firstPersonAnswer)
            agent = agents.first?.name
        }
        var systemAnsweredAt: Timestamp?
        var ivr: Int64?
        let outcome: CallOutcome
        if personAnswered {
            outcome = .answered
        } else if systemAnswer != Int64.max {
            // Answered by the PBX only: the caller gave up in a queue, was not answered by the
            // person dialled, or ended in the IVR (an IVR drop-off).
            if reachedQueue {
                // The caller's last record still in Queue: they hung up there; else the queue
                // gave up (timeout, empty) and the dialplan went on.
                outcome = rows[Int(lastCallerRow >= 0 ? lastCallerRow : callerMember)].app == .queue ? .abandoned : .noAnswer
            } else if lastDial >= 0 {
                let written = rows[Int(lastDial)].answered ? .noAnswer : unansweredOutcome(rows[Int(lastDial)].disposition, bytes)
                outcome = written == .unknown || written == .answered ? .noAnswer : written
            } else {
                outcome = .ivrDropoff
            }
        } else {
            outcome = unansweredOutcome(callerRow.disposition, bytes)
        }
        if systemAnswer != Int64.max {
            systemAnsweredAt = Timestamp(nanoseconds: systemAnswer)
            // Until the first agent leg rang (else the first bridge), or the end for a drop-off.
            let reached = reach != Int64.max ? reach : reachFromBridge
            if outcome == .ivrDropoff {
                ivr = max(0, start.distance(to: ended))
            } else if reached != Int64.max {
                ivr = max(0, reached - start.nanoseconds)
            }
        }
        var caller = text(callerRow.src, bytes)
        if caller == nil, let clid = text(callerRow.clid, bytes) { caller = CallerID.number(clid) }
        let dialed = did ?? text(callerRow.dst, bytes)
        let waitEnd = answeredAt ?? ended
        var call = Call(
            callID: callID, source: source, start: start,
            caller: caller.map(Self.normalize), dialed: dialed.map(Self.normalize),
            outcome: outcome,
            answeredAt: answeredAt, endedAt: ended, agent: agent, queue: queue,
            waitNanoseconds: max(0, start.distance(to: waitEnd)),
            format: format.rawValue, packets: members.count, legs: legs)
        call.systemAnsweredAt = systemAnsweredAt
        call.ivrNanoseconds = ivr
        call.transfers = max(0, agents.count - 1)
        return call
    }

    /// When a person answered on an agent leg: its `answer`, or `end - billsec` when the row was
    /// answered at its start by an application (then billsec is the bridged part only).
    private func personAnswer(_ row: Row) -> Int64 {
        if row.answer == Int64.min || row.answer == row.start.nanoseconds {
            return row.end.nanoseconds - row.billsec * 1_000_000_000  // checked when the row was added
        }
        return row.answer
    }

    /// Whether two fields hold the same bytes (no unescaping: equal raw bytes, equal text).
    private func sameBytes(_ a: FieldRef, _ b: FieldRef, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard !a.isNone, !b.isNone, a.count == b.count, a.flags == b.flags else { return false }
        return UnsafeRawBufferPointer(rebasing: bytes[a.start..<(a.start + Int(a.count))])
            .elementsEqual(UnsafeRawBufferPointer(rebasing: bytes[b.start..<(b.start + Int(b.count))]))
    }

    /// Whether the row's `dstchannel` is a Local channel half (`Local/201@from-queue-0001;1`).
    private func isLocal(_ row: Row, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard !row.dstchannel.isNone, row.dstchannel.count >= 6 else { return false }
        let p = row.dstchannel.start
        return bytes[p] | 0x20 == 0x6C && bytes[p + 1] | 0x20 == 0x6F && bytes[p + 2] | 0x20 == 0x63
            && bytes[p + 3] | 0x20 == 0x61 && bytes[p + 4] | 0x20 == 0x6C && bytes[p + 5] == 0x2F
    }

    /// The agent name of a row's `dstchannel` (`SIP/201-0000001a` -> `201`), normalised; empty
    /// when the channel names none.
    private func agentName(_ row: Row, _ bytes: UnsafeRawBufferPointer) -> String {
        guard let channel = text(row.dstchannel, bytes), let name = ChannelName.agent(channel) else { return "" }
        return Self.normalize(name)
    }
}

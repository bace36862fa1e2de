import CallModel

/// Reads Cisco Unified Communications Manager CDR flat files (Cisco "CDR Analysis and Reporting"
/// / "Call Detail Records Administration Guide", CDR field descriptions).
///
/// Row 1 names the fields (matched case-insensitively: versions and tools spell
/// `IncomingProtocolID` / `incomingProtocolID` differently); row 2 gives their types
/// (`INTEGER`, `VARCHAR(50)`, `UNIQUEIDENTIFIER`) when present and is skipped. Columns are found
/// by name, so 123-, 129- or any other width works. Times are epoch seconds in UTC.
/// Mapping: docs/cdr-formats.md, "Cisco CUCM".
///
/// - `call_id` = `<globalCallID_callManagerId>-<globalCallID_callId>`; rows sharing it are legs.
/// - `caller` = callingPartyNumber and `dialed` = originalCalledPartyNumber of the first leg;
///   `start` = dateTimeOrigination; `ended_at` = dateTimeDisconnect (or origination + duration).
/// - Answered when any leg connected (`dateTimeConnect` ≠ 0): `answered_at` and `agent`
///   (finalCalledPartyNumber) come from the earliest connected leg.
/// - `queue` = the first huntPilotDN set; `wait_s` = the first non-zero totalWaitTimeInQueue.
/// - Clearing cause of a leg: `origCause_value` when non-zero, else `destCause_value`.
///   Unanswered outcome: `OutcomeMapping.unconnectedQ850` of the first leg's cause, and
///   `reason_cause` = that cause; an answered call's `reason_cause` is the cause of the leg
///   that ended last.
///
/// Bad rows: a field count other than the header's, a non-integer globalCallID field,
/// dateTimeOrigination, dateTimeConnect or (non-empty) dateTimeDisconnect, and scientific
/// notation (`9.12678E+11`, a spreadsheet re-save that lost the digits) in any
/// `*PartyNumber*` field or lastRedirectDn, and times out of order (a connect before the
/// origination or after the disconnect, a disconnect before the origination).
public struct CUCMReader: CDRReader {
    public static let format = CDRFormat.cucm

    public init() {}

    /// A first row naming both `globalCallID_callId` and `dateTimeOrigination` scores 95; one
    /// of them 60.
    public static func detect(_ sample: CDRSample) -> Int {
        let names = Set(sample.firstRecordFields.map { $0.lowercased() })
        let hits = ["globalcallid_callid", "datetimeorigination"].filter(names.contains).count
        return [0, 60, 95][hits]
    }

    /// Column positions found in the header.
    struct Columns {
        var managerID = 0, callID = 0, origination = 0, connect = 0
        var disconnect: Int?, duration: Int?
        var calling: Int?, originalCalled: Int?, finalCalled: Int?
        var origCause: Int?, destCause: Int?
        var huntPilotDN: Int?, waitInQueue: Int?, pkid: Int?, origLeg: Int?
        /// Columns checked for scientific notation, with their names as written.
        var numbers: [(index: Int, name: String)] = []
        var count = 0
    }

    struct Row {
        var line: Int
        var key: String
        var origination: Timestamp
        /// Nil when the leg never connected (`dateTimeConnect` 0).
        var connect: Timestamp?
        var disconnect: Timestamp?
        var caller: String?
        var originalCalled: String?
        var finalCalled: String?
        var cause: Int
        var huntPilot: String?
        var waitInQueue: Int64?
        var legID: String
    }

    public func read(_ bytes: UnsafeRawBufferPointer, context: inout CDRContext) throws(CDRError) -> CDRReadResult {
        var scanner = CSVScanner(bytes: bytes)
        var record = CSVRecord()
        guard scanner.next(into: &record) else {
            throw CDRError(input: context.input.path, reason: "empty file: no CUCM header row")
        }
        let columns = try Self.columns(bytes, record, input: context.input.path)
        var rows: [Row] = []
        var first = true
        while scanner.next(into: &record) {
            if first {
                first = false
                if Self.isTypeRow(bytes, record) { continue }
            }
            context.countRow()
            if let row = try Self.row(bytes, record, columns, context: &context) { rows.append(row) }
        }
        return CDRReadResult(calls: Self.calls(rows, source: context.input.name))
    }

    /// Finds the columns by name (case-insensitive); the four that grouping and outcome need
    /// must be there.
    static func columns(_ bytes: UnsafeRawBufferPointer, _ header: CSVRecord, input: String) throws(CDRError) -> Columns {
        var index: [String: Int] = [:]
        var names: [String] = []
        for (i, field) in header.fields.enumerated() {
            let name = bytes.string(field)
            names.append(name)
            let key = name.lowercased()
            if index[key] == nil { index[key] = i }
        }
        var c = Columns()
        c.count = header.count
        var missing: [String] = []
        func required(_ name: String) -> Int {
            if let i = index[name.lowercased()] { return i }
            missing.append(name)
            return 0
        }
        c.managerID = required("globalCallID_callManagerId")
        c.callID = required("globalCallID_callId")
        c.origination = required("dateTimeOrigination")
        c.connect = required("dateTimeConnect")
        guard missing.isEmpty else {
            throw CDRError(input: input, line: header.line, reason: "not a CUCM CDR header: no column \(missing.joined(separator: ", "))")
        }
        c.disconnect = index["datetimedisconnect"]
        c.duration = index["duration"]
        c.calling = index["callingpartynumber"]
        c.originalCalled = index["originalcalledpartynumber"]
        c.finalCalled = index["finalcalledpartynumber"]
        c.origCause = index["origcause_value"]
        c.destCause = index["destcause_value"]
        c.huntPilotDN = index["huntpilotdn"]
        c.waitInQueue = index["totalwaittimeinqueue"]
        c.pkid = index["pkid"]
        c.origLeg = index["origlegcallidentifier"]
        for (i, name) in names.enumerated() {
            let key = name.lowercased()
            if key.contains("partynumber") || key == "lastredirectdn" { c.numbers.append((i, name)) }
        }
        return c
    }

    /// The datatype row: every non-empty field an upper-case SQL type such as `INTEGER`,
    /// `VARCHAR(50)` or `UNIQUEIDENTIFIER`.
    static func isTypeRow(_ bytes: UnsafeRawBufferPointer, _ record: CSVRecord) -> Bool {
        var sawType = false
        for field in record.fields {
            var i = field.range.lowerBound
            let end = field.range.upperBound
            guard i < end else { continue }
            var letters = 0
            while i < end, bytes[i] >= 0x41, bytes[i] <= 0x5A { i += 1; letters += 1 }
            guard letters >= 3 else { return false }
            if i < end {
                guard bytes[i] == UInt8(ascii: "("), bytes[end - 1] == UInt8(ascii: ")") else { return false }
                i += 1
                while i < end - 1 {
                    guard (bytes[i] >= 0x30 && bytes[i] <= 0x39) || bytes[i] == UInt8(ascii: ",") else { return false }
                    i += 1
                }
            }
            sawType = true
        }
        return sawType
    }

    static func row(_ bytes: UnsafeRawBufferPointer, _ record: CSVRecord, _ c: Columns, context: inout CDRContext) throws(CDRError) -> Row? {
        let f = record.fields
        guard !record.unterminatedQuote else {
            try context.badRow(line: record.line, "unterminated quoted field")
            return nil
        }
        guard f.count == c.count else {
            try context.badRow(line: record.line, "\(f.count) fields, expected \(c.count) (as in the header)")
            return nil
        }
        func integer(_ index: Int, _ name: String) throws(CDRError) -> Int64? {
            if let value = bytes.integer(f[index]) { return value }
            try context.badRow(line: record.line, "\(name) '\(bytes.string(f[index]))' is not an integer")
            return nil
        }
        /// An epoch-seconds column; 0 is "never" (nil), a value past any representable instant is bad.
        func epoch(_ index: Int, _ name: String) throws(CDRError) -> Timestamp?? {
            guard let seconds = try integer(index, name) else { return nil }
            if seconds == 0 { return .some(nil) }
            if let instant = PBXCallAssembly.instant(seconds: seconds) { return .some(instant) }
            try context.badRow(line: record.line, "\(name) '\(bytes.string(f[index]))' is not an epoch time")
            return nil
        }
        guard let manager = try integer(c.managerID, "globalCallID_callManagerId"),
              let callID = try integer(c.callID, "globalCallID_callId"),
              let originationValue = try epoch(c.origination, "dateTimeOrigination"),
              let connect = try epoch(c.connect, "dateTimeConnect")
        else { return nil }
        guard let origination = originationValue else {
            try context.badRow(line: record.line, "dateTimeOrigination is 0")
            return nil
        }
        var disconnect: Timestamp?
        if let d = c.disconnect, !bytes.isNull(f[d]) {
            guard let value = try epoch(d, "dateTimeDisconnect") else { return nil }
            disconnect = value
        }
        for (index, name) in c.numbers where bytes.isScientificNotation(f[index]) {
            try context.badRow(line: record.line, "\(name) '\(bytes.string(f[index]))' is in scientific notation: a spreadsheet re-save lost its digits")
            return nil
        }
        // Epoch times have no repeated hour, but must still be in order (README "Bad rows").
        if case .failure(let problem) = CDRRowTimes.resolve(start: LocalInstants(origination), answer: connect.map(LocalInstants.init), end: disconnect.map(LocalInstants.init)) {
            func label(_ index: Int?, _ name: String) -> String? { index.map { "\(name) '\(bytes.string(f[$0]))'" } }
            try context.badRow(line: record.line, problem.message(
                start: label(c.origination, "dateTimeOrigination") ?? "dateTimeOrigination",
                answer: label(c.connect, "dateTimeConnect"), end: label(c.disconnect, "dateTimeDisconnect")))
            return nil
        }
        if disconnect == nil, let d = c.duration, let seconds = bytes.integer(f[d]), (0...PBXCallAssembly.maxDurationSeconds).contains(seconds) {
            disconnect = PBXCallAssembly.plus(origination, seconds: seconds)
        }
        let origCause = c.origCause.flatMap { bytes.integer(f[$0]) } ?? 0
        let destCause = c.destCause.flatMap { bytes.integer(f[$0]) } ?? 0
        let key = "\(manager)-\(callID)"
        return Row(
            line: record.line, key: key, origination: origination, connect: connect,
            disconnect: disconnect,
            caller: c.calling.flatMap { bytes.optionalString(f[$0]) },
            originalCalled: c.originalCalled.flatMap { bytes.optionalString(f[$0]) },
            finalCalled: c.finalCalled.flatMap { bytes.optionalString(f[$0]) },
            cause: Int(origCause != 0 ? origCause : destCause),
            huntPilot: c.huntPilotDN.flatMap { bytes.optionalString(f[$0]) },
            waitInQueue: c.waitInQueue.flatMap { bytes.integer(f[$0]) }.flatMap(PBXCallAssembly.nanoseconds(seconds:)),
            legID: c.pkid.flatMap { bytes.optionalString(f[$0]) } ?? c.origLeg.flatMap { bytes.optionalString(f[$0]) } ?? "\(key)/\(record.line)"
        )
    }

    /// Groups rows by global call id, in order of first appearance.
    static func calls(_ rows: [Row], source: String) -> [Call] {
        groupedInOrder(rows, by: \.key).map { call($0, source: source) }
    }

    private static func call(_ legs: [Row], source: String) -> Call {
        // First leg: earliest origination, file order on ties (min keeps the first minimum).
        let first = legs.min { $0.origination < $1.origination } ?? legs[0]
        let start = first.origination
        let end = legs.compactMap(\.disconnect).max()
        let connected = legs.filter { $0.connect != nil }.min { ($0.connect ?? start) < ($1.connect ?? start) }
        let answeredAt = connected?.connect
        // The cause of the leg that ended last for a connected call (its final clearing), of the
        // first leg for one that never connected.
        var last = legs[0]
        for leg in legs.dropFirst() where (leg.disconnect ?? leg.origination) >= (last.disconnect ?? last.origination) { last = leg }
        let cause = connected != nil ? last.cause : first.cause
        let queueWait = legs.lazy.compactMap(\.waitInQueue).first { $0 > 0 } ?? 0
        return Call(
            callID: first.key, source: source, start: start,
            caller: PBXCallAssembly.party(first.caller), dialed: PBXCallAssembly.party(first.originalCalled),
            outcome: connected != nil ? .answered : OutcomeMapping.unconnectedQ850(cause),
            reasonCause: cause, answeredAt: answeredAt, endedAt: end,
            agent: connected.flatMap { PBXCallAssembly.party($0.finalCalled) },
            queue: legs.lazy.compactMap(\.huntPilot).first,
            waitNanoseconds: queueWait > 0 ? queueWait : PBXCallAssembly.wait(start: start, answeredAt: answeredAt, endedAt: end),
            format: format.rawValue, packets: legs.count,
            legs: legs.map {
                CallLeg(id: $0.legID, status: String($0.cause), start: $0.origination, answered: $0.connect != nil,
                        destination: $0.finalCalled, answeredAt: $0.connect, endedAt: $0.disconnect)
            }
        )
    }
}

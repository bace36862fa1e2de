import CallModel

/// One accounting record of a Kamailio (or OpenSIPS) log, read from one line on bytes.
///
/// The acc module's log backend writes a transaction as `ACC: <kind>: key=value;key=value...`
/// (`transaction answered`, `call missed`, ...; kamailio.org/docs/modules/5.6.x/modules/acc.html
/// "log_flag", "log_missed_flag", "log_extra"); with `cdr_enable` the dialog's CDR is written as
/// `start_time=...; end_time=...; duration=...[; extra...]`. Whatever prefixes the record
/// (syslog's date and host, the `-E` stderr `N(pid) NOTICE: acc [acc.c:268]: acc_log_request():`)
/// is skipped. Mapping: docs/cdr-formats.md, "Kamailio".
struct KamailioAccRecord {
    enum Kind: Equatable {
        /// `ACC: transaction answered:` (and every other kind but `call missed`): a reply the
        /// proxy sent upstream for the transaction, 2xx or (failed_transaction_flag) an error.
        case transaction
        /// `ACC: call missed:`: a failed branch (log_missed_flag): the callee's error or the
        /// proxy's own timeout.
        case missed
        /// A dialog CDR (`start_time=`, `end_time=`, `duration=`).
        case cdr
    }

    var kind: Kind
    var line: Int
    /// The record's time (`time_attr`, else `timestamp`); a CDR's `start_time`.
    var time: Timestamp
    /// A CDR's `end_time`.
    var end: Timestamp?
    var method: String?
    var code: Int?
    var callID: String
    var fromTag: String?
    var toTag: String?
    /// `src_user`, `dst_user`, `dst_ouser` of Debian's kamailio.cfg log_extra.
    var sourceUser: String?
    var destinationUser: String?
    var destinationToUser: String?
}

/// `key=value` pairs of one record, as byte ranges of the line.
struct KamailioFields {
    var keys: [Range<Int>] = []
    var values: [Range<Int>] = []

    /// Splits `range` of `b` at `;` into pairs (spaces around keys and values dropped).
    mutating func parse(_ b: UnsafeRawBufferPointer, _ range: Range<Int>) {
        keys.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        var start = range.lowerBound
        var i = range.lowerBound
        while i <= range.upperBound {
            if i == range.upperBound || b[i] == 0x3B {
                var eq = start
                while eq < i, b[eq] != 0x3D { eq += 1 }
                if eq < i {
                    keys.append(QueueLogField.trimmed(b, start..<eq))
                    values.append(QueueLogField.trimmed(b, (eq + 1)..<i))
                }
                start = i + 1
            }
            i += 1
        }
    }

    /// The value range of `key`, the first one written.
    func value(_ b: UnsafeRawBufferPointer, _ key: StaticString) -> Range<Int>? {
        for (index, k) in keys.enumerated() where KamailioBytes.equals(b, k, key) { return values[index] }
        return nil
    }
}

/// Byte helpers of the Kamailio reader.
enum KamailioBytes {
    /// Whether `range` of `b` holds exactly `literal`.
    static func equals(_ b: UnsafeRawBufferPointer, _ range: Range<Int>, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard range.count == n else { return false }
        let p = literal.utf8Start
        for k in 0..<n where b[range.lowerBound + k] != p[k] { return false }
        return true
    }

    /// The first offset of `literal` within `range`, nil when absent.
    static func find(_ b: UnsafeRawBufferPointer, _ literal: StaticString, in range: Range<Int>) -> Int? {
        let n = literal.utf8CodeUnitCount
        guard n > 0, range.count >= n else { return nil }
        let p = literal.utf8Start
        var i = range.lowerBound
        let last = range.upperBound - n
        while i <= last {
            if b[i] == p[0] {
                var k = 1
                while k < n, b[i + k] == p[k] { k += 1 }
                if k == n { return i }
            }
            i += 1
        }
        return nil
    }

    /// The text of `range`, nil when empty.
    /// A field quoted for a message, at most 40 characters (`""` when absent).
    static func quoted(_ b: UnsafeRawBufferPointer, _ range: Range<Int>?) -> String { b.quotedForMessage(range ?? 0..<0) }

    static func text(_ b: UnsafeRawBufferPointer, _ range: Range<Int>?) -> String? {
        guard let range, !range.isEmpty else { return nil }
        return String(decoding: UnsafeRawBufferPointer(rebasing: b[range]), as: UTF8.self)
    }

    /// An epoch time `seconds[.fraction]`, within 1970-2100.
    static func epoch(_ b: UnsafeRawBufferPointer, _ range: Range<Int>) -> Timestamp? {
        let field = CSVField(range: range, quoted: false, hasEscapes: false, irregular: false)
        if case .time(let t) = QueueLogField.epoch(b, field) { return t }
        return nil
    }

    /// A SIP status code: three digits, 100-699.
    static func status(_ b: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int? {
        guard range.count == 3 else { return nil }
        var value = 0
        for i in range {
            let d = b[i] &- 0x30
            guard d < 10 else { return nil }
            value = value * 10 + Int(d)
        }
        return (100...699).contains(value) ? value : nil
    }
}

/// Finds and reads the records of a log, line by line.
struct KamailioLineReader {
    /// What one line held.
    enum Outcome {
        /// No accounting record: a log line of anything else.
        case none
        case record(KamailioAccRecord)
        /// An accounting record that cannot be used, and why.
        case bad(String)
        /// A CDR without `call_id`: it cannot be joined to its call.
        case cdrWithoutCallID
    }

    private var fields = KamailioFields()

    /// Reads the record of `line` (the byte range of one line of `b`, no line end).
    mutating func read(_ b: UnsafeRawBufferPointer, _ line: Range<Int>, number: Int) -> Outcome {
        if let marker = KamailioBytes.find(b, "ACC: ", in: line) {
            // `ACC: <kind>: key=value;...`
            var kindEnd = marker + 5
            while kindEnd < line.upperBound, b[kindEnd] != 0x3A { kindEnd += 1 }
            guard kindEnd < line.upperBound else { return .none }
            let missed = KamailioBytes.equals(b, (marker + 5)..<kindEnd, "call missed")
            fields.parse(b, (kindEnd + 1)..<line.upperBound)
            return transaction(b, missed: missed, number: number)
        }
        if let start = KamailioBytes.find(b, "start_time=", in: line),
           KamailioBytes.find(b, "end_time=", in: start..<line.upperBound) != nil {
            fields.parse(b, start..<line.upperBound)
            return cdr(b, number: number)
        }
        return .none
    }

    private func transaction(_ b: UnsafeRawBufferPointer, missed: Bool, number: Int) -> Outcome {
        guard let callID = KamailioBytes.text(b, fields.value(b, "call_id")) else { return .bad("acc record without call_id") }
        guard let time = recordTime(b) else {
            let written = fields.value(b, "timestamp") ?? 0..<0
            return .bad(written.isEmpty ? "acc record without timestamp" : "timestamp \(b.quotedForMessage(written)) is not epoch seconds within 1970-2100")
        }
        var code: Int?
        if let range = fields.value(b, "code") {
            guard let status = KamailioBytes.status(b, range) else {
                return .bad("code \(KamailioBytes.quoted(b, range)) is not a SIP status (100-699)")
            }
            code = status
        }
        return .record(KamailioAccRecord(
            kind: missed ? .missed : .transaction, line: number, time: time, end: nil,
            method: KamailioBytes.text(b, fields.value(b, "method")), code: code, callID: callID,
            fromTag: KamailioBytes.text(b, fields.value(b, "from_tag")), toTag: KamailioBytes.text(b, fields.value(b, "to_tag")),
            sourceUser: KamailioBytes.text(b, fields.value(b, "src_user")),
            destinationUser: KamailioBytes.text(b, fields.value(b, "dst_user")),
            destinationToUser: KamailioBytes.text(b, fields.value(b, "dst_ouser"))
        ))
    }

    /// `time_attr` as seconds.milliseconds (time_mode 2), seconds plus `time_exten`
    /// microseconds (time_mode 1), else `timestamp`.
    private func recordTime(_ b: UnsafeRawBufferPointer) -> Timestamp? {
        if let attr = fields.value(b, "time_attr"), let t = KamailioBytes.epoch(b, attr) {
            if let exten = fields.value(b, "time_exten"), !exten.isEmpty {
                let micro = CSVField(range: exten, quoted: false, hasEscapes: false, irregular: false)
                guard case .nanoseconds(let ns) = QueueLogField.duration(b, micro, unitNanoseconds: 1000), ns < 1_000_000_000 else { return nil }
                return Timestamp(nanoseconds: t.nanoseconds + ns)
            }
            return t
        }
        guard let stamp = fields.value(b, "timestamp") else { return nil }
        return KamailioBytes.epoch(b, stamp)
    }

    private func cdr(_ b: UnsafeRawBufferPointer, number: Int) -> Outcome {
        guard let startRange = fields.value(b, "start_time"), let start = KamailioBytes.epoch(b, startRange) else {
            return .bad("CDR start_time \(KamailioBytes.quoted(b, fields.value(b, "start_time"))) is not epoch seconds within 1970-2100")
        }
        guard let endRange = fields.value(b, "end_time"), let end = KamailioBytes.epoch(b, endRange) else {
            return .bad("CDR end_time \(KamailioBytes.quoted(b, fields.value(b, "end_time"))) is not epoch seconds within 1970-2100")
        }
        guard end >= start else { return .bad("CDR end_time is before its start_time") }
        guard let callID = KamailioBytes.text(b, fields.value(b, "call_id")) else { return .cdrWithoutCallID }
        return .record(KamailioAccRecord(
            kind: .cdr, line: number, time: start, end: end, method: nil, code: nil, callID: callID,
            sourceUser: KamailioBytes.text(b, fields.value(b, "src_user")),
            destinationUser: KamailioBytes.text(b, fields.value(b, "dst_user"))
        ))
    }
}

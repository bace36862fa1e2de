import CallModel

/// Reads the accounting records Kamailio's (or OpenSIPS's) acc module writes to its log
/// (syslog, or stderr under `-E`): one record per transaction (`ACC: transaction answered:`,
/// `ACC: call missed:`) and, with `cdr_enable`, one dialog CDR per call; every other log line is
/// passed over. Records are joined into calls by `call_id` (`KamailioCallAssembler`).
///
/// Bad records (reported as `file:line`, skipped): no `call_id`, a `timestamp`/`time_attr` that is
/// not epoch seconds within 1970-2100, a `code` that is not a SIP status, a CDR whose times are
/// not epoch seconds or end before they start. Mapping: docs/cdr-formats.md, "Kamailio".
public struct KamailioAccReader: CDRReader {
    public static let format = CDRFormat.kamailioAcc

    public init() {}

    /// 95 when the sample holds an `ACC: ...` record with `call_id=`, 70 when it holds only
    /// dialog CDRs (`start_time=`, `end_time=`, `duration=`) with `call_id=`; 0 otherwise.
    public static func detect(_ sample: CDRSample) -> Int {
        sample.bytes.withUnsafeBytes { b -> Int in
            var score = 0
            var position = 0
            while position < b.count {
                var end = position
                while end < b.count, b[end] != 0x0A, b[end] != 0x0D { end += 1 }
                let line = position..<end
                if KamailioBytes.find(b, "call_id=", in: line) != nil {
                    if let acc = KamailioBytes.find(b, "ACC: ", in: line), KamailioBytes.find(b, "method=", in: acc..<end) != nil {
                        return 95
                    }
                    if KamailioBytes.find(b, "start_time=", in: line) != nil, KamailioBytes.find(b, "end_time=", in: line) != nil,
                       KamailioBytes.find(b, "duration=", in: line) != nil {
                        score = 70
                    }
                }
                position = end + 1
            }
            return score
        }
    }

    public func read(_ bytes: UnsafeRawBufferPointer, context: inout CDRContext) throws(CDRError) -> CDRReadResult {
        var reader = KamailioLineReader()
        var records: [KamailioAccRecord] = []
        var position = 0
        var number = 1
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
        var warnedCDRWithoutCallID = false
        while position < bytes.count {
            var end = position
            while end < bytes.count, bytes[end] != 0x0A, bytes[end] != 0x0D { end += 1 }
            switch reader.read(bytes, position..<end, number: number) {
            case .none: break
            case .record(let record):
                context.countRow()
                records.append(record)
            case .bad(let reason):
                context.countRow()
                try context.badRow(line: number, reason)
            case .cdrWithoutCallID:
                context.countRow()
                if !warnedCDRWithoutCallID {
                    warnedCDRWithoutCallID = true
                    context.warning(line: number, "dialog CDRs without call_id (add call_id=$ci to acc's cdr_extra): they are not joined to calls")
                }
            }
            // One line end: LF, CRLF or CR.
            if end < bytes.count, bytes[end] == 0x0D, end + 1 < bytes.count, bytes[end + 1] == 0x0A { end += 1 }
            position = end + 1
            number += 1
        }
        var assembler = KamailioCallAssembler(source: context.input.name)
        let calls = assembler.calls(records)
        for problem in assembler.problems { context.warning(line: problem.line, problem.message) }
        return CDRReadResult(calls: calls)
    }
}

import CallModel
import Foundation
@testable import CDRImport

/// What one reader made of one input, with the diagnostics it reported.
struct AsteriskReadOutcome {
    var calls: [Call]
    var rows: Int
    var badRows: Int
    var diagnostics: [Diagnostic]
    var answered: Int { calls.filter { $0.outcome == .answered }.count }
}

/// Reads `bytes` named `name` with `reader`, in `timeZone` (UTC by default).
func readAsterisk<R: CDRReader>(
    _ reader: R, _ bytes: [UInt8], name: String = "test.csv",
    timeZone: String = "UTC", strict: Bool = false
) throws(CDRError) -> AsteriskReadOutcome {
    let options = CDRImportOptions(timeZone: LocalTimeConverter.zone(named: timeZone) ?? TimeZone(identifier: "UTC")!, strict: strict)
    let run = ReaderRun(reader, bytes, path: name, options: options)
    let result = try run.result.get()
    return AsteriskReadOutcome(calls: result.calls, rows: run.rows, badRows: run.badRows, diagnostics: run.diagnostics)
}

func readAsterisk<R: CDRReader>(
    _ reader: R, _ text: String, timeZone: String = "UTC", strict: Bool = false
) throws(CDRError) -> AsteriskReadOutcome {
    try readAsterisk(reader, Array(text.utf8), timeZone: timeZone, strict: strict)
}

/// An instant written in UTC.
func utc(_ text: String) -> Timestamp {
    let parts = text.split(whereSeparator: { $0 == "-" || $0 == " " || $0 == ":" }).compactMap { Int($0) }
    return Timestamp(year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4], second: parts[5])
}

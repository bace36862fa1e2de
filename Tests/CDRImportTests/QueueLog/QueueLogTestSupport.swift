import CallModel
import Foundation
@testable import CDRImport

/// Runs a queue_log reader over inline text or a corpus file and keeps what it reported.
struct QueueLogRun {
    var result: CDRReadResult
    var rows: Int
    var badRows: Int
    var diagnostics: [Diagnostic]

    var calls: [Call] { result.calls }

    static let utc = TimeZone(identifier: "UTC") ?? .current

    static func read<R: CDRReader>(
        _ reader: R.Type, _ text: String, name: String = "queue_log", strict: Bool = false
    ) throws(CDRError) -> QueueLogRun {
        try read(reader, bytes: Array(text.utf8), path: name, strict: strict)
    }

    static func read<R: CDRReader>(
        _ reader: R.Type, bytes: [UInt8], path: String, strict: Bool = false
    ) throws(CDRError) -> QueueLogRun {
        let run = ReaderRun(R(), bytes, path: path, options: CDRImportOptions(timeZone: utc, strict: strict))
        let result = try run.result.get()
        return QueueLogRun(result: result, rows: run.rows, badRows: run.badRows, diagnostics: run.diagnostics)
    }
}

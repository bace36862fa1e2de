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
        let collected = QueueLogDiagnosticBox()
        var context = CDRContext(
            options: CDRImportOptions(timeZone: utc, strict: strict), input: CDRInput(path: path, bytes: bytes),
            report: { collected.items.append($0) })
        let outcome: Result<CDRReadResult, CDRError> = bytes.withUnsafeBytes { buffer in
            do throws(CDRError) { return .success(try R().read(buffer, context: &context)) } catch { return .failure(error) }
        }
        let result = try outcome.get()
        return QueueLogRun(result: result, rows: context.rows, badRows: context.badRows, diagnostics: collected.items)
    }
}

/// Diagnostics collected from the reader's report closure.
final class QueueLogDiagnosticBox: @unchecked Sendable {
    var items: [Diagnostic] = []
}

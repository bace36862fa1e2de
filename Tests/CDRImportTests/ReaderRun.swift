import CallModel
@testable import CDRImport

/// One reader run over one input, as the importer drives it: what the reader returned or
/// threw, the rows the context counted and the diagnostics it reported. The per-format
/// helpers (`readAsterisk`, `QueueLogRun`, `OthersHarness`) shape it for their tests.
struct ReaderRun {
    var result: Result<CDRReadResult, CDRError>
    var rows: Int
    var badRows: Int
    var diagnostics: [Diagnostic]

    /// Diagnostics collected from the context's report closure.
    private final class Sink: @unchecked Sendable {
        var items: [Diagnostic] = []
    }

    init<R: CDRReader>(_ reader: R, _ bytes: [UInt8], path: String, options: CDRImportOptions) {
        let sink = Sink()
        var context = CDRContext(options: options, input: CDRInput(path: path, bytes: bytes), report: { sink.items.append($0) })
        result = bytes.withUnsafeBytes { buffer in
            do throws(CDRError) { return .success(try reader.read(buffer, context: &context)) } catch { return .failure(error) }
        }
        rows = context.rows
        badRows = context.badRows
        diagnostics = sink.items
    }
}

import CallModel
import Foundation
import Testing
@testable import CDRImport

/// Runs a reader over inline text or a corpus file and keeps what the context saw.
enum OthersHarness {
    final class Log: @unchecked Sendable {
        var diagnostics: [Diagnostic] = []
    }

    struct Outcome {
        var calls: [Call] = []
        var error: CDRError?
        var rows = 0
        var badRows = 0
        var diagnostics: [Diagnostic] = []

        var errors: [String] { diagnostics.filter { $0.severity == .error }.map(\.message) }
        var warnings: [String] { diagnostics.filter { $0.severity == .warning }.map(\.message) }
        var answered: Int { calls.filter { $0.outcome == .answered }.count }
    }

    static let utc = TimeZone(identifier: "UTC")!

    static func read<R: CDRReader>(_ reader: R.Type, _ text: String, name: String = "test.csv",
                                   timeZone: TimeZone = utc, mappingPath: String? = nil) -> Outcome {
        read(reader, Array(text.utf8), path: name, timeZone: timeZone, mappingPath: mappingPath)
    }

    static func read<R: CDRReader>(_ reader: R.Type, _ bytes: [UInt8], path: String,
                                   timeZone: TimeZone = utc, mappingPath: String? = nil) -> Outcome {
        let log = Log()
        let options = CDRImportOptions(timeZone: timeZone, mappingPath: mappingPath, format: R.format)
        var context = CDRContext(options: options, input: CDRInput(path: path, bytes: bytes)) { log.diagnostics.append($0) }
        var outcome = Outcome()
        let result: Result<CDRReadResult, CDRError> = bytes.withUnsafeBytes { buffer in
            do throws(CDRError) { return .success(try R().read(buffer, context: &context)) } catch { return .failure(error) }
        }
        switch result {
        case .success(let read): outcome.calls = read.calls
        case .failure(let error): outcome.error = error
        }
        outcome.rows = context.rows
        outcome.badRows = context.badRows
        outcome.diagnostics = log.diagnostics
        return outcome
    }

    /// `.../shared/corpus/cdr`, found by walking up from this file (the test package may
    /// reach these sources through symlinks).
    static let corpus: URL? = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        for _ in 0..<12 {
            let candidate = dir.appendingPathComponent("shared/corpus/cdr")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("REFERENCE.tsv").path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }()

    /// `cdr-samples/mappings`, found the same way from this file.
    static let mappings: URL? = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        for _ in 0..<12 {
            for base in ["cdr-samples/mappings", "main/cdr-samples/mappings"] {
                let candidate = dir.appendingPathComponent(base)
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("cdr-stats.yaml").path) { return candidate }
            }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }()

    static func corpusBytes(_ name: String) throws -> (bytes: [UInt8], path: String) {
        let corpus = try #require(corpus, "shared/corpus/cdr not found above \(#filePath)")
        let url = corpus.appendingPathComponent(name)
        return (Array(try Data(contentsOf: url)), url.path)
    }

    /// REFERENCE.tsv: file -> (data_rows, bad_rows, calls, answered).
    static func reference() throws -> [String: [Int]] {
        let corpus = try #require(corpus)
        let text = try String(contentsOf: corpus.appendingPathComponent("REFERENCE.tsv"), encoding: .utf8)
        var table: [String: [Int]] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard cells.count > 6 else { continue }
            table[cells[0]] = [cells[3], cells[4], cells[5], cells[6]].compactMap { Int($0) }
        }
        return table
    }

    /// Writes `text` to a temporary file and returns its path.
    static func temporaryFile(_ text: String, name: String = "mapping.yaml") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callscope-others-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}

import CallModel
import Foundation
import Testing
@testable import CDRImport
import TestSupport

/// Runs a reader over inline text or a corpus file and keeps what the context saw.
enum OthersHarness {
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
        let options = CDRImportOptions(timeZone: timeZone, mappingPath: mappingPath, format: R.format)
        let run = ReaderRun(R(), bytes, path: path, options: options)
        var outcome = Outcome(rows: run.rows, badRows: run.badRows, diagnostics: run.diagnostics)
        switch run.result {
        case .success(let read): outcome.calls = read.calls
        case .failure(let error): outcome.error = error
        }
        return outcome
    }

    /// `shared/corpus/cdr`; fails the test when it is absent.
    static func corpus() throws -> URL {
        try #require(Corpus.hasCDR, "\(Corpus.cdr.path) not found")
        return Corpus.cdr
    }

    /// The path of `cdr-samples/mappings/<name>`.
    static func mapping(_ name: String) -> String { TestPaths.cdrSample("mappings/" + name) }

    static func corpusBytes(_ name: String) throws -> (bytes: [UInt8], path: String) {
        let bytes = try #require(Corpus.cdrBytes(name), "\(Corpus.cdrFile(name)) not found")
        return (bytes, Corpus.cdrFile(name))
    }

    /// REFERENCE.tsv: file -> (data_rows, bad_rows, calls, answered).
    static func reference() throws -> [String: [Int]] {
        var table: [String: [Int]] = [:]
        for row in Corpus.reference(in: try corpus()) {
            guard let file = row["file"] else { continue }
            table[file] = ["data_rows", "bad_rows", "calls", "answered"].compactMap { row[$0].flatMap { Int($0) } }
        }
        return table
    }
}

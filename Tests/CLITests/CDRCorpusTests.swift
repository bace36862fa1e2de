import Foundation
import Testing
import TestSupport

/// One row of `shared/corpus/cdr/REFERENCE.tsv` (counts computed by the corpus's reference.py).
struct CDRReferenceRow: Sendable, CustomTestStringConvertible {
    var file: String
    var format: String
    var dataRows: Int
    var badRows: Int
    var calls: Int
    var answered: Int
    var testDescription: String { file }

    static func load() -> [CDRReferenceRow] {
        Corpus.reference(in: Corpus.cdr).compactMap { row in
            guard let file = row["file"], let format = row["format"], let rows = row["data_rows"].flatMap({ Int($0) }), let bad = row["bad_rows"].flatMap({ Int($0) }),
                  let calls = row["calls"].flatMap({ Int($0) }), let answered = row["answered"].flatMap({ Int($0) }) else { return nil }
            return CDRReferenceRow(file: file, format: format, dataRows: rows, badRows: bad, calls: calls, answered: answered)
        }
    }

    /// Extra arguments a file needs: the two exports of PBXs callscope has no reader for are
    /// read through the mapping files in cdr-samples/mappings/.
    var arguments: [String] {
        switch format {
        case "other-cdrstats": ["--mapping", "cdr-samples/mappings/cdr-stats.yaml"]
        case "other-report-summary": ["--mapping", "cdr-samples/mappings/report-summary.yaml"]
        default: []
        }
    }
}

@Suite struct CDRCorpusTests {
    @Test func corpusIsPresent() {
        #expect(CDRReferenceRow.load().count == 18)
    }

    /// Every public CDR file through `callscope calls`: its calls, answered calls and bad rows
    /// are the reference's, and nothing crashes.
    @Test(arguments: CDRReferenceRow.load())
    func callsMatchTheReference(_ row: CDRReferenceRow) throws {
        let path = Corpus.cdrFile(row.file)
        let result = try CLI.run(["calls", path, "--format", "ndjson", "--timezone", "UTC", "--max-diagnostics", "0"] + row.arguments)
        #expect(result.status == 0 || (row.calls == 0 && row.badRows == row.dataRows), "\(result.stderr)")
        let calls = try CLI.ndjson(result.stdout)
        #expect(calls.count == row.calls)
        // The reference counts calls with an ANSWERED row: answered by a person or by a system only.
        #expect(calls.filter { $0["outcome"] as? String == "answered" || !($0["system_answered_at"] is NSNull) }.count == row.answered)
        let summary = try #require(result.stderr.split(separator: "\n").last.map(String.init))
        if result.status == 0 {
            #expect(summary.contains(" \(row.dataRows) row"), "\(summary)")
            #expect(row.badRows == 0 ? !summary.contains(" bad)") : summary.contains("(\(row.badRows) bad)"), "\(summary)")
        }
        // Every bad row is reported with its line number.
        let lineErrors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("callscope: \(path):") && !$0.contains("warning:") }
        #expect(lineErrors.count >= row.badRows)
    }
}

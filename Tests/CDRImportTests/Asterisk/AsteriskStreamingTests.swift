import CallModel
import Foundation
import Testing
@testable import CDRImport
import TestSupport

/// Streaming reads (`CDRImporter.streamFile`, README "Output order"): the calls of a cdr_csv
/// file handed on while it is read are the calls of reading it whole, on the public corpus's
/// Asterisk files and the project's own sample.
@Suite(.enabled(if: Corpus.hasCDR, "shared/corpus/cdr not found"))
struct AsteriskStreamingTests {
    /// File, and the zone of its wall-clock times (corpus README, "Files").
    static let files: [(path: String, zone: String)] = [
        (Corpus.cdrFile("asterisk-csv__dj-asterisk-cdr__Master.csv"), "UTC"),
        (Corpus.cdrFile("asterisk-csv__TelephonySwitching__Master.csv"), "UTC"),
        (Corpus.cdrFile("asterisk-csv-custom__KelySaina-cdr__Master.csv"), "+03:00"),
        (TestPaths.cdrSample("asterisk-master.csv"), "UTC"),
    ]

    static func options(_ zone: String) throws -> CDRImportOptions {
        CDRImportOptions(timeZone: try #require(LocalTimeConverter.zone(named: zone)))
    }

    static func ordered(_ calls: [Call]) -> [Call] {
        calls.sorted { ($0.start, $0.callID) < ($1.start, $1.callID) }
    }

    /// A small window (a look every 4 rows): calls are handed on before the end of the file,
    /// and together they are the calls of the whole-file read, row counts included.
    @Test(arguments: files.indices)
    func smallWindowGivesTheWholeFileCalls(_ index: Int) throws {
        let (path, zone) = Self.files[index]
        let importer = CDRImporter(options: try Self.options(zone))
        let whole = try importer.importFile(path) { _ in }
        var batches: [CDRStreamBatch] = []
        let streamed = try #require(try importer.streamFile(path, window: CDRStreamWindow(rows: 8, closeSeconds: 3600, reorderSeconds: 6 * 3600), report: { _ in }) {
            batches.append($0)
        })
        #expect(streamed.rows == whole.rows && streamed.badRows == whole.badRows && streamed.format == whole.format)
        #expect(Self.ordered(batches.flatMap(\.calls)) == Self.ordered(whole.result.calls))
        #expect(batches.last?.startFloor == .max)
        // The bounds only grow, and no call handed on later starts before a bound given earlier.
        var floor = Int64.min
        for (i, batch) in batches.enumerated() {
            #expect(batch.startFloor >= floor)
            floor = batch.startFloor
            for later in batches[(i + 1)...].flatMap(\.calls) { #expect(later.start.nanoseconds >= batch.startFloor || batch.startFloor == .max) }
        }
        if whole.rows > 40 { #expect(batches.dropLast().contains { !$0.calls.isEmpty }, "no call handed on before the end of \(path)") }
    }

    /// Files the streaming readers leave to `importFile`: other formats, and any file under `--strict`.
    @Test func notStreamed() throws {
        let importer = CDRImporter(options: CDRImportOptions(timeZone: try #require(TimeZone(identifier: "UTC"))))
        #expect(try importer.streamFile(TestPaths.cdrSample("asterisk-queue_log"), window: .init(), report: { _ in }) { _ in } == nil)
        let strict = CDRImporter(options: CDRImportOptions(timeZone: try #require(TimeZone(identifier: "UTC")), strict: true))
        #expect(try strict.streamFile(TestPaths.cdrSample("asterisk-master.csv"), window: .init(), report: { _ in }) { _ in } == nil)
    }
}

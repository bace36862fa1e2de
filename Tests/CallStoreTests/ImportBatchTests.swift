import CallModel
@testable import CallStore
import Foundation
import Testing
import TestSupport

/// The file ledger of one `import` run: calls tied to files by name, files hashed before parsing.
@Suite struct ImportBatchTests {
    static let samples = TestPaths.cdrSamples

    @Test func namesAreTheLastPathComponent() {
        #expect(ImportBatch.name(of: "/var/log/asterisk/cdr-csv/Master.csv") == "Master.csv")
        #expect(ImportBatch.name(of: "queue_log") == "queue_log")
        #expect(ImportBatch.duplicateName(in: ["a/Master.csv", "b/queue_log", "c/Master.csv"]) == "Master.csv")
        #expect(ImportBatch.duplicateName(in: ["a/Master.csv", "a/Master.csv.1"]) == nil)
    }

    /// Two real sample files: each file's calls (by `source`) go to its own ledger row, with
    /// the content it had when the batch hashed it, even if it grew before it was stored.
    @Test func callsAreTiedToFilesByNameAndHashedBeforeParsing() throws {
        let directory = TemporaryDirectory()
        let master = directory.file("Master.csv"), queue = directory.file("queue_log")
        try FileManager.default.copyItem(atPath: Self.samples.appendingPathComponent("asterisk-master.csv").path, toPath: master)
        try FileManager.default.copyItem(atPath: Self.samples.appendingPathComponent("asterisk-queue_log").path, toPath: queue)
        let original = try Data(contentsOf: URL(fileURLWithPath: master))
        var batch = ImportBatch(files: [master, queue])
        batch.hashFiles()
        // The PBX appends a row between hashing and storing.
        let handle = try #require(FileHandle(forWritingAtPath: master))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("\"\",\"+447700900999\",\"201\"\n".utf8))
        try handle.close()

        let calls = [cdrCall("m1", 0, source: "Master.csv"), cdrCall("m2", 60, source: "Master.csv"), cdrCall("q1", 120, source: "queue_log")]
        let database = try CallDatabase(path: directory.file("db.sqlite"))
        var reported: [String: ImportOutcome] = [:]
        let stored = batch.store(calls: calls, rows: [master: (rows: 40, badRows: 2)], skipping: [], in: database) { file, result in
            reported[file] = try? result.get()
        }
        #expect(stored)
        #expect(reported[master]?.counts == ImportCounts(inserted: 2))
        #expect(reported[queue]?.counts == ImportCounts(inserted: 1))
        let ledger = try database.stats().lastImports
        let masterRow = try #require(ledger.first { $0.file.path.hasSuffix("/Master.csv") })
        #expect(masterRow.file.size == Int64(original.count))
        #expect(masterRow.file.sha256 == SHA256.hex(of: [UInt8](original)))
        #expect(masterRow.rows == 40 && masterRow.badRows == 2)
        // A file without a row count counts its calls' packets.
        let queueRow = try #require(ledger.first { $0.file.path.hasSuffix("/queue_log") })
        #expect(queueRow.rows == 1 && queueRow.calls == 1)
    }

    /// A skipped input adds no ledger row; a file gone before it is stored is reported and the
    /// others are still stored.
    @Test func skippedAndVanishedFiles() throws {
        let directory = TemporaryDirectory()
        let master = directory.file("Master.csv"), gone = directory.file("gone.csv"), skipped = directory.file("skipped.csv")
        try FileManager.default.copyItem(atPath: Self.samples.appendingPathComponent("asterisk-master.csv").path, toPath: master)
        let batch = ImportBatch(files: [gone, master, skipped])
        let database = try CallDatabase(path: directory.file("db.sqlite"))
        var failures: [String: StoreError] = [:]
        var successes: [String] = []
        let stored = batch.store(calls: [cdrCall("m1", 0, source: "Master.csv")], rows: [:], skipping: [skipped], in: database) { file, result in
            switch result {
            case .success: successes.append(file)
            case .failure(let error): failures[file] = error
            }
        }
        #expect(!stored)
        #expect(successes == [master])
        #expect(failures.keys.sorted() == [gone])
        #expect(failures[gone]?.description.contains("gone.csv: cannot open the file") == true)
        #expect(try database.stats().files == 1)
    }
}

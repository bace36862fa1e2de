import Foundation
import Testing
import TestSupport

/// `callscope import`, `db` and `--db` end to end, on a fresh database per test.
@Suite struct StoreCommandTests {
    /// Removed when the suite's instance for one test goes away.
    let directory = TemporaryDirectory("callscope-store")
    var database: String { directory.file("calls.sqlite") }

    static let inputs = ["cdr-samples/asterisk-master.csv", "cdr-samples/asterisk-queue_log"] + CLI.sipSampleCaptures + ["--timezone", "Europe/London"]

    func overall(_ arguments: [String]) throws -> [String: Any] {
        let result = try CLI.run(["report", "-f", "json", "-q"] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(((try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any])?["overall"] as? [String: Any])
    }

    @Test func importOnceAndReportFromTheDatabase() throws {
        let first = try CLI.run(["import", "--db", database] + Self.inputs)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("13 calls, 13 new, 0 updated, 0 unchanged"))
        // The queue_log's calls joined Master.csv's: only what applies is said of it.
        #expect(first.stderr.contains("asterisk-queue_log: recorded; no calls of its own\n"), "\(first.stderr)")
        #expect(!first.stderr.contains("0 calls, 0 new"))
        // The same files again: nothing to do, nothing doubled.
        let again = try CLI.run(["import", "--db", database] + Self.inputs)
        #expect(again.status == 0)
        #expect(again.stderr.components(separatedBy: "already imported").count - 1 == CLI.sipSampleCaptures.count + 2)
        let fromFiles = try overall(Self.inputs)
        let fromDatabase = try overall(["--db", database, "--timezone", "Europe/London"])
        for key in ["offered", "answered", "qualified_calls", "lost_calls", "first_time_callers", "repeat_callers"] {
            #expect(fromDatabase[key] as? Int == fromFiles[key] as? Int, "\(key)")
        }
        #expect((fromDatabase["talk_min"] as? NSNumber) == (fromFiles["talk_min"] as? NSNumber))
        // calls --db lists the same calls as the files do.
        let stored = try CLI.run(["calls", "--db", database, "-f", "csv", "-q"])
        let files = try CLI.run(["calls", "-f", "csv", "-q"] + Self.inputs)
        #expect(stored.stdout.split(separator: "\n").count == files.stdout.split(separator: "\n").count)
    }

    /// A file with the same calls under another name (an overlapping nightly export) stores no duplicate.
    @Test func overlappingFilesStoreEveryCallOnce() throws {
        let copy = directory.url.appendingPathComponent("Master-copy.csv")
        try FileManager.default.copyItem(at: TestPaths.root.appendingPathComponent("cdr-samples/asterisk-master.csv"), to: copy)
        _ = try CLI.run(["import", "--db", database, "cdr-samples/asterisk-master.csv", "--timezone", "Europe/London"])
        let second = try CLI.run(["import", "--db", database, copy.path, "--timezone", "Europe/London"])
        #expect(second.stderr.contains("13 calls, 0 new, 0 updated, 13 unchanged"), "\(second.stderr)")
        let stats = try CLI.run(["db", "stats", "--db", database])
        #expect(stats.stdout.contains("13 calls,"))
        #expect(stats.stdout.contains("2 files imported"))
    }

    @Test func pruneDeletesOlderCalls() throws {
        _ = try CLI.run(["import", "--db", database, "cdr-samples/asterisk-master.csv", "--timezone", "Europe/London"])
        let records = try SchemaRecord.decode(String(contentsOf: TestPaths.root.appendingPathComponent("cdr-samples/asterisk-master.expected.ndjson"), encoding: .utf8))
        let cutoff = "2026-03-29T08:00:00.000Z"
        let older = records.filter { $0.start < cutoff }.count
        let prune = try CLI.run(["db", "prune", "--db", database, "--before", "2026-03-29T08:00", "--timezone", "UTC"])
        #expect(prune.stdout == "deleted \(older) calls that started before \(cutoff)\n")
        let stats = try CLI.run(["db", "stats", "--db", database])
        #expect(stats.stdout.contains("\(records.count - older) calls,"))
    }

    /// A date range reads only the stored calls it needs (plus the look-back and callback
    /// windows) and gives the figures of the same range over the files.
    @Test func rangeQueryGivesTheFiguresOfTheFiles() throws {
        let files = ["cdr-samples/generic-export.csv", "cdr-samples/asterisk-master.csv"]
        _ = try CLI.run(["import", "--db", database, "--timezone", "Europe/London"] + files)
        let range = ["--from", "2026-03-29", "--to", "2026-03-30", "--timezone", "Europe/London"]
        let stored = try CLI.run(["report", "--db", database, "-f", "csv", "-q"] + range)
        let direct = try CLI.run(["report", "-f", "csv", "-q"] + files + range)
        #expect(stored.stdout == direct.stdout)
        #expect(stored.stdout.split(separator: "\n").count == 2)
    }

    /// A CSV line without its RTP and talk columns (the last 12).
    static func callFields(_ line: String) -> String {
        var fields = line.split(separator: ",", omittingEmptySubsequences: false)
        fields.removeLast(12)
        return fields.joined(separator: ",")
    }

    /// The CSV lines of `calls`, without the four `*_local` columns a London zone adds (the
    /// same instants as the UTC columns; LocalTimeAndWidthTests checks them).
    func callLines(_ arguments: [String]) throws -> [String] {
        let result = try CLI.run(["calls", "-f", "csv", "-q", "--timezone", "Europe/London"] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").first?.hasSuffix(",start_local,answered_at_local,ended_at_local,system_answered_at_local") == true)
        return result.stdout.split(separator: "\n").dropFirst().map { line in
            var fields = line.split(separator: ",", omittingEmptySubsequences: false)
            fields.removeLast(min(4, fields.count))
            return fields.joined(separator: ",")
        }.sorted()
    }

    /// A recording given to import is skipped with a warning: no call, no ledger row.
    @Test func importSkipsRecordings() throws {
        let result = try CLI.run(["import", "--db", database, "captures/talk/talk-inbound-1-17357@127.0.0.1.wav", "captures/rotated-1.pcap"])
        #expect(result.stderr.contains("talk-inbound-1-17357@127.0.0.1.wav: warning: WAV recording skipped"))
        #expect(!result.stderr.contains("talk-inbound-1-17357@127.0.0.1.wav: 0 calls"))
        let stored = try CLI.run(["calls", "--db", database, "-f", "csv", "-q"])
        #expect(stored.stdout.split(separator: "\n").count == 2)  // header and the one call of rotated-1
    }

    /// The rest of a rotated capture completes a call stored truncated from the first file.
    @Test func rotatedCaptureCompletesTheStoredCall() throws {
        _ = try CLI.run(["import", "--db", database, "captures/rotated-1.pcap"])
        let second = try CLI.run(["import", "--db", database, "captures/rotated-1.pcap", "captures/rotated-2.pcap"])
        #expect(second.stderr.contains("this run completed or enriched 1 of its calls"), "\(second.stderr)")
        // The store keeps the call fields, not the RTP figures (README "Store"): compare those.
        let stored = try callLines(["--db", database]).map(Self.callFields)
        #expect(stored == (try callLines(["captures/rotated-1.pcap", "captures/rotated-2.pcap"])).map(Self.callFields))
        #expect(try callLines(["captures/rotated-1.pcap", "captures/rotated-2.pcap"]).first?.hasSuffix("\",2,0,0.201,4.41,0,0.207,4.41,,,,,") == true)
        #expect(stored.first?.contains(",false,udp,") == true)
    }

    /// Master.csv and queue_log imported on different nights report as if read together; a
    /// later run of Master.csv alone keeps what the queue_log added.
    @Test func queueLogImportedApartIsJoinedWhenRead() throws {
        let master = "cdr-samples/asterisk-master.csv", queue = "cdr-samples/asterisk-queue_log"
        _ = try CLI.run(["import", "--db", database, master, "--timezone", "Europe/London"])
        _ = try CLI.run(["import", "--db", database, queue, "--timezone", "Europe/London"])
        let together = try callLines([master, queue])
        #expect(try callLines(["--db", database]) == together)
        _ = try CLI.run(["import", "--db", database, master, queue, "--timezone", "Europe/London"])
        _ = try CLI.run(["import", "--db", database, master, "--timezone", "Europe/London"])
        #expect(try callLines(["--db", database]) == together)
        // A file given as an input and stored as well counts once.
        #expect(try callLines([master, queue, "--db", database]) == together)
    }

    @Test func readingAMissingDatabaseIsAUsageError() throws {
        let result = try CLI.run(["report", "--db", database])
        #expect(result.status == 64)
        #expect(result.stderr.contains("No database at"))
    }
}
